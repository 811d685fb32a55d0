package store

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// dirState is the names and contents of a directory's files.
func dirState(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() {
			m[e.Name()+"/"] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func sameDir(t *testing.T, before, after map[string][]byte) {
	t.Helper()
	for name, b := range after {
		if a, ok := before[name]; !ok {
			t.Errorf("Open made %s", name)
		} else if !bytes.Equal(a, b) {
			t.Errorf("Open changed %s", name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("Open removed %s", name)
		}
	}
}

// Another program's file given as the database is refused before anything
// is written to it, with a message that names the file and what it holds.
func TestOpenRefusesOtherFiles(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
		want string
	}{
		{"sqlite of another program", func(t *testing.T, path string) {
			sqliteExec(t, path, `CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)`)
		}, "(tables invoices)"},
		{"another program's application_id", func(t *testing.T, path string) {
			sqliteExec(t, path, `PRAGMA application_id = 1234; CREATE TABLE people (id INTEGER)`)
		}, "application_id 0x4d2"},
		{"not sqlite", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("name,phone\nAn,0901\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a SQLite database"},
		{"a directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "other.db")
			tc.make(t, path)
			before := dirState(t, dir)
			db, err := Open(ctx, path)
			if err == nil {
				db.Close()
				t.Fatal("opened another program's file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s and say %q", err, path, tc.want)
			}
			sameDir(t, before, dirState(t, dir))
		})
	}
}

func sqliteExec(t *testing.T, path, script string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(script); err != nil {
		t.Fatal(err)
	}
}

// An empty SQLite file, and a trithuc database made before trithuc set
// its application_id, are opened, and stamped.
func TestOpenAcceptsEmptyAndOlderDatabases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	sqliteExec(t, empty, `PRAGMA user_version = 0; VACUUM`)
	old := filepath.Join(dir, "old.db")
	db, err := Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec(`PRAGMA application_id = 0`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, path := range []string{empty, old} {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		var id int64
		if err := db.writer.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if id != applicationID {
			t.Errorf("%s: application_id %#x, want %#x", filepath.Base(path), id, applicationID)
		}
	}
}

// mountTmpfs mounts a small tmpfs of its own at a new directory, or skips
// the test where this process may not mount (it needs CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs to test on (%v): this test needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remounting %s read-only: %v", dir, err)
	}
}

// A database on a read-only file system is refused at start with a message
// saying so, not "no such file or directory", and so is a new one there.
// (A read-only mount, because the tests run as root, whom file modes do
// not stop.)
func TestOpenRefusesReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "8m")
	path := filepath.Join(dir, "ro.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	remountReadOnly(t, dir)
	for _, p := range []string{path, filepath.Join(dir, "new.db")} {
		db, err = Open(ctx, p)
		if err == nil {
			db.Close()
			t.Fatalf("%s: opened a database on a read-only file system", filepath.Base(p))
		}
		if msg := err.Error(); !strings.Contains(msg, "read-only") || !strings.Contains(msg, p) || strings.Contains(msg, "no such file") {
			t.Errorf("%s: error %q, want one that names the file and says it is read-only", filepath.Base(p), msg)
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range dirState(t, dir) {
			yield(n)
		}
	})
	if !slices.Equal(names, []string{"ro.db"}) {
		t.Errorf("files %v, want only ro.db", names)
	}
}
