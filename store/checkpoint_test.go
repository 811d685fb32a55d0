package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A committed write reaches the database file while the server runs, from
// the checkpointer, not from the writer's own checkpoint, which waits for
// writerAutocheckpoint pages of log.
func TestCheckpointerCopiesCommits(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var pages int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != writerAutocheckpoint {
		t.Errorf("the writer checkpoints every %d pages, want %d", pages, writerAutocheckpoint)
	}

	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(p.Name, "people/")
	// The checkpointer runs within checkpointMaxWait of the commit; the
	// deadline only stops a test that would hang.
	for deadline := time.Now().Add(20 * time.Second); fileHolds(t, db.path, id) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the database file alone does not hold %s 20 s after its commit", p.Name)
		}
	}
}

// fileHolds counts the person's rows in a copy of the database file
// without its log (none when the file does not hold the table yet).
func fileHolds(t *testing.T, path, id string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "file-only.db")
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := sql.Open("sqlite3", dsn(copyPath, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	// Before any checkpoint the file may not hold the schema either.
	var n int
	if err := file.QueryRow(`SELECT count(*) FROM people WHERE id = ?`, id).Scan(&n); err != nil {
		return 0
	}
	return n
}

// Close stops the checkpointer before its own checkpoint, and twice is
// harmless.
func TestCloseStopsCheckpointer(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(context.Background(), &pb.Person{FamilyName: "Lê", GivenName: "Bình"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.stopCheckpoints(); err != nil {
		t.Errorf("stopping the checkpointer again: %v", err)
	}
	if fi, err := os.Stat(db.path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("the log holds %d bytes after Close, want it copied into the file", fi.Size())
	}
}

// Savepoint journals stay in memory (memory.go): SQLite took the setting,
// and the VFS of temporary files that lets them spill (tempvfs.go).
func TestStatementJournalSetting(t *testing.T) {
	if stmtJournalConfig != 0 {
		t.Errorf("sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL) = %d, want SQLITE_OK", stmtJournalConfig)
	}
	if tempVFSRegistered != 0 {
		t.Errorf("sqlite3_vfs_register = %d, want SQLITE_OK", tempVFSRegistered)
	}
}

// A write whose statement journal outgrows memory spills it to a file.
// Every spill failed with SQLITE_FULL ("the server's disk is full"):
// SQLite writes a journal's 4 MiB in-memory block to the file in one
// write, and its unix VFS writes at most 128 KiB at once, so an upgrade's
// migration that changed every person failed at a few thousand. The
// temporary files' VFS (tempvfs.go) writes in pieces.
func TestLargeStatementJournalSpills(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE scratch (x BLOB NOT NULL);
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
			INSERT INTO scratch SELECT randomblob(400) FROM n`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// About 8 MB of pages change in one statement of a transaction: its
	// statement journal holds their originals.
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE scratch SET x = randomblob(400)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DROP TABLE scratch`)
		return err
	})
	if err != nil {
		t.Fatalf("a statement changing 8 MB of pages: %v", err)
	}
}

// The log's file gives its space back: driven past walSizeLimit, it is
// emptied once the writer rests, and not while a reader still needs it
// (the TRUNCATE checkpoint waits for no one and is tried again at the
// next rest). SQLite alone kept the file at its largest until Close.
func TestLogShrinksAtRest(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	walSize := func() int64 {
		fi, err := os.Stat(db.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// A reader of the snapshot before the large write: its pages stay
	// in the log for it.
	old, err := db.reader.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := old.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := old.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// About 80 MB of pages in one write.
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE scratch (x BLOB NOT NULL);
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
			INSERT INTO scratch SELECT randomblob(4000) FROM n`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if size := walSize(); size <= walSizeLimit {
		t.Fatalf("the log holds %d bytes after the write, want more than %d", size, walSizeLimit)
	}
	// Rests pass while the reader holds its snapshot.
	time.Sleep(3 * walTruncateIdle)
	if size := walSize(); size <= walSizeLimit {
		t.Errorf("the log was cut to %d bytes under a reader of an older snapshot", size)
	}
	if _, err := old.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	// A later rest, with no write, empties it.
	for deadline := time.Now().Add(30 * time.Second); walSize() > walSizeLimit; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log still holds %d bytes 30 s after the last write, want at most %d", walSize(), walSizeLimit)
		}
	}
	var rows int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM scratch`).Scan(&rows); err != nil || rows != 20000 {
		t.Errorf("after the log was emptied: %d rows, %v; want 20000", rows, err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Cúc"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The checkpointer's pace: every half of the writer's checkpoint,
// once just before it, and within checkpointMaxWait of a commit.
func TestCheckpointDue(t *testing.T) {
	const backstop = 40000
	for _, c := range []struct {
		name    string
		since   int64
		log     int64
		elapsed time.Duration
		want    bool
	}{
		{"a few commits", 400, 1000, 100 * time.Millisecond, false},
		{"half the backstop since", 20000, 0, 100 * time.Millisecond, true},
		{"just short of half", 19999, 0, 100 * time.Millisecond, false},
		{"half, no time between", 20000, 10000, 0, true},
		{"near the backstop", 8000, 30000, 200 * time.Millisecond, true},
		{"just short of near the backstop", 7999, 30000, 200 * time.Millisecond, false},
		{"past the backstop", 3000, 37500, 50 * time.Millisecond, true},
		{"copied near the backstop already", 1500, 38500, 50 * time.Millisecond, false},
		{"log started afresh since, not known yet", 15000, 38500, 300 * time.Millisecond, false},
		{"log started afresh, half since", 20000, 38500, 300 * time.Millisecond, true},
		{"a trickle, under a second", 30, 500, 900 * time.Millisecond, false},
		{"a trickle, a second", 30, 500, time.Second, true},
		{"frames of another process, a second", 0, 500, time.Second, true},
	} {
		if got := checkpointDue(c.since, c.log, backstop, c.elapsed); got != c.want {
			t.Errorf("%s: checkpointDue(%d, %d, %d, %v) = %v, want %v", c.name, c.since, c.log, backstop, c.elapsed, got, c.want)
		}
	}
}
