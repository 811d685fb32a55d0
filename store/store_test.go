package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, conn := range []*sql.DB{db.writer, db.reader} {
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000",
		} {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
			}
		}
	}
	// The reader pool cannot write.
	if _, err := db.reader.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('x', 1)`); err == nil {
		t.Error("the reader pool wrote")
	}
}

// A database made by an older binary is migrated in place, its data kept.
func TestMigrateFromEveryOlderVersion(t *testing.T) {
	ctx := context.Background()
	if len(migrations) < 2 {
		t.Skip("only one schema version so far")
	}
	for from := 1; from < len(migrations); from++ {
		path := filepath.Join(t.TempDir(), "old.db")
		old := &DB{path: path, Now: time.Now}
		var err error
		// The writer's driver: migrations may call its functions (0035).
		old.writer, err = sql.Open(writerDriver, dsn(path, "_journal_mode=WAL&_txlock=immediate&_foreign_keys=on"))
		if err != nil {
			t.Fatal(err)
		}
		old.writer.SetMaxOpenConns(1)
		if err := old.migrate(ctx, from); err != nil {
			t.Fatalf("migrating a new database to version %d: %v", from, err)
		}
		if _, err := old.writer.ExecContext(ctx, `INSERT INTO people(id, given_name, create_time, update_time) VALUES ('cu', 'Cũ', 1, 1)`); err != nil {
			t.Fatal(err)
		}
		old.writer.Close()

		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("opening a version %d database: %v", from, err)
		}
		p, err := db.GetPerson(ctx, "people/cu", pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil || p.GivenName != "Cũ" {
			t.Errorf("after migrating from version %d: %v, %v", from, p, err)
		}
		var version int
		db.reader.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version)
		if version != len(migrations) {
			t.Errorf("migrated to version %d, want %d", version, len(migrations))
		}
		db.Close()
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, apply_time) VALUES (?, 'future', 0)`, len(migrations)+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("opening a newer database: %v", err)
	}
}

func TestMigrationsAreNumbered(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d", m.name, m.version, i+1)
		}
	}
}

// A failed commit is never reported as a success.
func TestWriteErrorNotAcknowledged(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A", NationalId: "123456789"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The national ID index refuses the second write inside SQLite even if
	// the check in Go were bypassed.
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO people(id, given_name, national_id, create_time, update_time) VALUES ('b', 'B', '123456789', 1, 1)`)
		return dbError(err)
	})
	if err == nil {
		t.Fatal("a write that broke a unique index was acknowledged")
	}
	if _, err := db.GetPerson(ctx, "people/b", 0); err == nil {
		t.Error("the refused write is visible")
	}
}

// dbBefore makes a database whose schema stops just before the migration
// whose file name ends with suffix, as a binary of that time left it, with
// only its writer open; path is its file.
func dbBefore(t *testing.T, suffix string) (old *DB, path string) {
	t.Helper()
	version := 0
	for _, m := range migrations {
		if strings.HasSuffix(m.name, suffix) {
			version = m.version
		}
	}
	if version == 0 {
		t.Fatalf("no migration named *%s", suffix)
	}
	path = filepath.Join(t.TempDir(), "old.db")
	old = &DB{path: path, Now: time.Now}
	var err error
	// The writer's driver: migrations may call its functions (0035).
	old.writer, err = sql.Open(writerDriver, dsn(path, "_journal_mode=WAL&_txlock=immediate&_foreign_keys=on"))
	if err != nil {
		t.Fatal(err)
	}
	old.writer.SetMaxOpenConns(1)
	if err := old.migrate(context.Background(), version-1); err != nil {
		t.Fatal(err)
	}
	return old, path
}

// reopen closes what dbBefore made and opens its file with this binary,
// which migrates it.
func reopen(t *testing.T, old *DB, path string) *DB {
	t.Helper()
	old.writer.Close()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
