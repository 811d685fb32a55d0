package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A write that finds the disk full says so, and the database's state says
// disk_full. SQLite's max_page_count gives the full disk without a file
// system of its own; that it clears once space is freed on the file
// system, and only then, is tested on a tmpfs (server/healthrecover_test.go).
func TestDiskFullIsReported(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var pages int
	if err := db.writer.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		_, _, err = db.CreateKey(ctx, strings.Repeat("a long name that takes room ", 30), "admin", time.Time{})
	}
	var se *Error
	if !errors.As(err, &se) || se.Code != Unavailable || !strings.Contains(se.Message, "disk is full") {
		t.Fatalf("a write on a full disk returned %v, want Unavailable saying the disk is full", err)
	}
	if h, _ := db.Health(); h.State != DiskFull || !strings.Contains(h.Action, db.Path()) {
		t.Errorf("health %+v, want disk_full naming the file", h)
	}
}

// damage overwrites pages in the middle of a closed database file.
func damage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	n := len(b) / page
	if n < 8 {
		t.Fatalf("%s has %d pages, too few to damage the middle", path, n)
	}
	for p := n/2 - 2; p < n/2+2; p++ {
		copy(b[p*page:(p+1)*page], bytes.Repeat([]byte{0xA5}, page))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A database with pages overwritten in the middle is refused at open,
// before anything writes to it, with what to do; the rescue option opens
// it all the same.
func TestOpenRefusesDamagedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	damage(t, path)
	before := dirState(t, filepath.Dir(path))
	db, err = Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("opened a damaged database")
	}
	for _, want := range []string{path, "damaged", "trithuc restore"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	sameDir(t, before, dirState(t, filepath.Dir(path)))

	db, err = OpenWith(ctx, path, Options{IntegrityCheckTime: -1})
	if err != nil {
		// The damage may reach what Open itself reads; that is an
		// answer too, as long as it is not a success on a damaged file.
		t.Logf("opening without the check: %v", err)
		return
	}
	defer db.Close()
	if db.Integrity() != "skipped" {
		t.Errorf("Integrity() = %q, want skipped", db.Integrity())
	}
}

// A check that runs out of time does not keep the database from opening,
// and says it did not finish.
func TestIntegrityCheckBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if db.Integrity() != "new database" {
		t.Errorf("Integrity() = %q for a new database", db.Integrity())
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if db.Integrity() != "ok" {
		t.Errorf("Integrity() = %q, want ok", db.Integrity())
	}
	db.Close()
	if db, err = OpenWith(ctx, path, Options{IntegrityCheckTime: time.Nanosecond}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !strings.HasPrefix(db.Integrity(), "not finished") {
		t.Errorf("Integrity() = %q after a check cut short", db.Integrity())
	}
}

// A database whose writes fail read-only says read_only, keeps saying it
// while the file's modes and mount would let it write but writes still
// fail, and says ok again, with no write of a caller, once a write
// commits. No file system can be made read-write again under a server's
// open files (Linux refuses to remount one read-only that has files open
// to write, and keeps one made read-only by an error so until it is
// unmounted: server/readonly_test.go), so SQLite's query_only stands in
// for the cause and its end.
func TestReadOnlyRecoversWhenWritesCommit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.writer.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.CreateKey(ctx, "refused", "admin", time.Time{})
	var se *Error
	if !errors.As(err, &se) || se.Code != Unavailable || !strings.Contains(se.Message, "read-only") {
		t.Fatalf("a write to a read-only database returned %v, want Unavailable saying it is read-only", err)
	}
	if h, _ := db.Health(); h.State != ReadOnly || !strings.Contains(h.Action, db.Path()) {
		t.Fatalf("health %+v, want read_only naming the file", h)
	}
	// The file and its directory are writable by their modes.
	db.CheckWritable()
	if h, _ := db.Health(); h.State != ReadOnly {
		t.Errorf("state %v while writes still fail, want read_only", h.State)
	}
	if _, err := db.writer.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	db.CheckWritable()
	if h, _ := db.Health(); h.State != Healthy {
		t.Errorf("state %v once writes commit again, want ok", h.State)
	}
}
