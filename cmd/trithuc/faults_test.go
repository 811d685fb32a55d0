package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// serve refuses, before it listens or changes anything, a database that
// is another program's or damaged, saying what is wrong.
func TestServeRefusesBadDatabases(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
		want []string
	}{
		{"another program's", func(t *testing.T, path string) {
			conn, err := sql.Open("sqlite3", path)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)`); err != nil {
				t.Fatal(err)
			}
		}, []string{"another program", "invoices"}},
		{"damaged", func(t *testing.T, path string) {
			db, err := store.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mid := len(b) / 4096 / 2
			copy(b[(mid-2)*4096:(mid+2)*4096], bytes.Repeat([]byte{0xA5}, 4*4096))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"damaged", "trithuc restore --db " + "PATH"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.db")
			tc.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Were it served, it would be until this deadline.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var out, errOut syncBuffer
			err = run(ctx, []string{"serve", "--db", path, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, &out, &errOut)
			if err == nil || ctx.Err() != nil {
				t.Fatalf("served it (%v)\n%s", err, errOut.String())
			}
			for _, want := range append(tc.want, path) {
				want = strings.ReplaceAll(want, "PATH", path)
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("serve changed the file it refused")
			}
		})
	}
}

// serve refuses a database on a read-only file system at start, saying
// so, where it used to say "no such file or directory". (A read-only
// mount: the tests run as root, whom file modes do not stop.)
func TestServeRefusesReadOnlyDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		t.Skipf("cannot mount a tmpfs to test on (%v): this test needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	path := filepath.Join(dir, "t.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	err = run(ctx, []string{"serve", "--db", path, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, &out, &errOut)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("served it (%v)\n%s", err, errOut.String())
	}
	if msg := err.Error(); !strings.Contains(msg, "the database file "+path+" is read-only") {
		t.Errorf("error %q does not say the file is read-only", msg)
	}
}

// An admin command on a database whose search index an older version made
// leaves its rebuild to serve: run beside the older server, it must not
// take minutes rewriting the index that server uses. (Restore says the
// rebuild it makes: TestRestoreUpgradesBeforeReplacing.)
func TestAdminCommandLeavesSearchRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "Lan"}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	execSQL(t, path, `UPDATE settings SET value = 3 WHERE key = 'search_version'`)
	out, err := cli(t, "keys", "create", "--db", path, "--role", "admin", "--name", "x")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(out, "search index") {
		t.Errorf("keys create rebuilt the search index:\n%s", out)
	}
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v int
	if err := conn.QueryRow(`SELECT value FROM settings WHERE key = 'search_version'`).Scan(&v); err != nil || v != 3 {
		t.Errorf("search_version %d (%v), want 3 left for serve", v, err)
	}
}

// A --db in a directory that does not exist (a typo, or a state directory
// not made yet) is refused saying so and how to make it.
func TestServeNamesMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trithuc")
	db := filepath.Join(dir, "trithuc.db")
	for _, args := range [][]string{
		{"serve", "--db", db, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"},
		{"keys", "create", "--create", "--db", db, "--role", "admin", "--name", "a"},
	} {
		_, err := cli(t, args...)
		if want := "the directory " + dir + " of the database file " + db + " does not exist: make it"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args[0], err, want)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the directory was made")
	}
}
