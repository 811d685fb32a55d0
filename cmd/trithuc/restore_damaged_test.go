package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A backup cut short, damaged, empty, of another program or of a newer
// release is refused, saying which and what to do, before anything is
// written: the database it would replace is left as it was, and where
// there was none, none is made, nor a lock file beside it.
func TestRestoreDamagedBackup(t *testing.T) {
	dir := t.TempDir()
	db, whole := backedUp(t, dir)
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	damaged := bytes.Clone(whole)
	// Pages 8 to 11 of 4096 bytes overwritten, as a bad sector would.
	copy(damaged[8*4096:], bytes.Repeat([]byte("garbage!"), 4*4096/8))
	newer := write("newer.db", whole)
	execSQL(t, newer, `INSERT INTO schema_migrations(version, name, apply_time) VALUES (999, '0999_future.sql', 0)`)

	for _, tt := range []struct {
		name   string
		backup string
		want   []string
	}{
		{"ErrCutShort", write("cut.db", whole[:len(whole)/2]), []string{"is damaged or cut short", "take the backup again or restore another"}},
		{"ErrCutInHeader", write("header.db", whole[:50]), []string{"is damaged or cut short", "take the backup again or restore another"}},
		{"ErrDamaged", write("damaged.db", damaged), []string{"is damaged", "take the backup again or restore another"}},
		{"ErrEmpty", write("empty.db", nil), []string{"is empty", "take the backup again or restore another"}},
		{"ErrNotADatabase", write("notes.db", []byte("not a database\n")), []string{"is not a database", "give the path of a backup"}},
		{"ErrNotTrithuc", write("other.db", nil), []string{"is not a trithuc backup", "give the path of a backup"}},
		{"ErrNewerRelease", newer, []string{"schema version 999", "newer than this binary's", "restore it with a trithuc of that release or later"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "ErrNotTrithuc" {
				execSQL(t, tt.backup, `CREATE TABLE notes (body TEXT)`, `INSERT INTO notes VALUES ('x')`)
			}
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			for _, target := range []string{db, filepath.Join(dir, "new.db")} {
				_, err := cli(t, "restore", "--db", target, "--force", tt.backup)
				if err == nil {
					t.Fatalf("restoring %s succeeded", tt.backup)
				}
				for _, want := range append(tt.want, tt.backup, target+" was not changed") {
					if target != db && strings.HasSuffix(want, "was not changed") {
						want = "nothing was written to " + target
					}
					if !strings.Contains(err.Error(), want) {
						t.Errorf("restoring %s over %s said %q, want it to say %q", filepath.Base(tt.backup), filepath.Base(target), err, want)
					}
				}
				if _, err := os.Stat(target + ".restoring"); err == nil {
					t.Error("the refused restore left its copy behind")
				}
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
				t.Error("the refused restore changed the database")
			}
			if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
				t.Error("the refused restore made a database where there was none")
			}
			if _, err := os.Stat(filepath.Join(dir, "new.db.lock")); err == nil {
				t.Error("the refused restore left the lock file it made behind")
			}
		})
	}
	// The database is whole: the good backup is restored over it.
	if out, err := cli(t, "restore", "--db", db, "--force", filepath.Join(dir, "good.db")); err != nil {
		t.Errorf("restoring the good backup after the refused ones: %v\n%s", err, out)
	}
}

// A backup of a damaged database (cut short, pages overwritten) is
// refused saying so and what to do, and writes nothing.
func TestBackupOfDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	_, whole := backedUp(t, dir)
	overwritten := bytes.Clone(whole)
	copy(overwritten[8*4096:], bytes.Repeat([]byte("garbage!"), 4*4096/8))
	for _, tt := range []struct {
		name string
		file []byte
	}{{"ErrCutShort", whole[:len(whole)/2]}, {"ErrOverwritten", overwritten}} {
		t.Run(tt.name, func(t *testing.T) {
			damaged := filepath.Join(t.TempDir(), "live.db")
			if err := os.WriteFile(damaged, tt.file, 0o600); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err := cli(t, "backup", "--db", damaged, filepath.Join(out, "b.db"))
			if err == nil {
				t.Fatal("a backup of a damaged database succeeded")
			}
			for _, want := range []string{"the database " + damaged + " is damaged", "no backup of it was taken", "trithuc restore --db " + damaged + " --force"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the backup of a damaged database said %q, want it to say %q", err, want)
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("the refused backup left %s", entries[0].Name())
			}
		})
	}
}

// backedUp makes a database of 300 people in dir and a backup of it
// (good.db), and returns the database's path and the backup's bytes.
func backedUp(t *testing.T, dir string) (db string, backup []byte) {
	t.Helper()
	db = generated(t, dir, 300)
	good := filepath.Join(dir, "good.db")
	if out, err := cli(t, "backup", "--db", db, good); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	backup, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	return db, backup
}
