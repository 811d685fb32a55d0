package store

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Opening an older database tells its logger (serve's) each migration as
// it starts and ends, and how far the search index rebuild has got.
func TestOpenLogsUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := &DB{path: path, Now: time.Now}
	var err error
	old.writer, err = sql.Open(writerDriver, dsn(path, "_journal_mode=WAL&_foreign_keys=on"))
	if err != nil {
		t.Fatal(err)
	}
	old.writer.SetMaxOpenConns(1)
	if err := old.migrate(ctx, len(migrations)-1); err != nil {
		t.Fatal(err)
	}
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO people(id, given_name, create_time, update_time) VALUES ('cu', 'Cũ', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	old.writer.Close()

	defer func(d time.Duration) { reindexProgress = d }(reindexProgress)
	reindexProgress = 0
	var buf bytes.Buffer
	db, err := OpenWith(ctx, path, Options{Log: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	last := migrations[len(migrations)-1].name
	for _, want := range []string{`msg="applying migration ` + last, `msg="applied migration ` + last + ` in `, `people_done=1 people=1`, `msg="search index rebuilt"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, buf.String())
		}
	}
}
