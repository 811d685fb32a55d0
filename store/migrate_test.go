package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A migration that fails part-way through an upgrade says where it left
// the database and the two ways on: this binary again once the cause is
// fixed, or the backup taken before the upgrade, since the old release
// refuses the schema the earlier migrations made.
func TestFailedMigrationSaysHowBack(t *testing.T) {
	ctx := context.Background()
	// This migration computes phone keys again; a trigger refuses it, as
	// a full disk would.
	var failing migration
	for _, m := range migrations {
		if strings.HasSuffix(m.name, "_phone_keys_zero_less.sql") {
			failing = m
		}
	}
	for _, tc := range []struct {
		name   string
		from   int
		starts int // how many times the new binary is started
		inBack string
	}{
		{"PartWay", failing.version - 2, 1, fmt.Sprintf("between the old release's %d and", failing.version-2)},
		{"AtFirst", failing.version - 1, 1, "the release that ran on it before can still serve it"},
		// Started again before the cause is fixed: the schema left between
		// is still not the old release's.
		{"PartWayAgain", failing.version - 2, 2, fmt.Sprintf("between the old release's %d and", failing.version-2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			old := &DB{path: path, Now: time.Now}
			var err error
			old.writer, err = sql.Open(writerDriver, dsn(path, "_journal_mode=WAL&_foreign_keys=on"))
			if err != nil {
				t.Fatal(err)
			}
			old.writer.SetMaxOpenConns(1)
			if err := old.migrate(ctx, tc.from); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO people(id, given_name, phone, phone_key, create_time, update_time) VALUES ('cu', 'Cũ', '912345678', '', 1, 1)`,
				`CREATE TRIGGER fail_upgrade BEFORE UPDATE OF phone_key ON people BEGIN SELECT RAISE(ABORT, 'no room'); END`,
			} {
				if _, err := old.writer.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			old.writer.Close()

			for range tc.starts {
				if _, err = Open(ctx, path); err == nil {
					t.Fatal("the upgrade succeeded")
				}
			}
			for _, want := range []string{failing.name, path, "no room", fmt.Sprintf("schema version %d", failing.version-1), "start this binary again", tc.inBack} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q: %v", want, err)
				}
			}
		})
	}
}
