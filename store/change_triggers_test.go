package store

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestChangeTriggersBuildNoTemporaryBTrees holds every statement of the
// change feed's triggers to no temporary b-tree: SQLite builds one, with a
// page cache of its own, each time such a statement runs, and they run in
// the single writer for every resource a write changes (migration 0033).
// The trigger's NEW and OLD values are NULL here; the plan does not depend
// on them.
func TestChangeTriggersBuildNoTemporaryBTrees(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	rows, err := db.reader.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%INSERT INTO changes%'`)
	if err != nil {
		t.Fatal(err)
	}
	type trigger struct{ name, sql string }
	var triggers []trigger
	for rows.Next() {
		var tr trigger
		if err := rows.Scan(&tr.name, &tr.sql); err != nil {
			t.Fatal(err)
		}
		triggers = append(triggers, tr)
	}
	rows.Close()
	if len(triggers) < 36 {
		t.Fatalf("found %d change triggers, want at least the feed's 36", len(triggers))
	}
	values := regexp.MustCompile(`\b(NEW|OLD)\.\w+`)
	for _, tr := range triggers {
		_, body, ok := strings.Cut(tr.sql, "\nBEGIN")
		if !ok {
			_, body, ok = strings.Cut(tr.sql, " BEGIN")
		}
		if !ok {
			t.Fatalf("%s: no BEGIN in %q", tr.name, tr.sql)
		}
		body, _, _ = strings.Cut(body, "\nEND")
		for _, stmt := range strings.Split(body, ";") {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			q := values.ReplaceAllString(stmt, "NULL")
			if n := opcodes(t, db.writer, q)["OpenEphemeral"]; n != 0 {
				t.Errorf("%s builds %d temporary b-trees in:\n%s", tr.name, n, stmt)
			}
		}
	}
}
