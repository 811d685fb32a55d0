package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "Ánh"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	// Online: the database stays open and writable meanwhile.
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Sau"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// Restoring over a database in use is refused.
	if err := Restore(ctx, backup, db.Path(), true, Options{}); !errors.Is(err, ErrInUse) {
		t.Fatalf("restoring over an open database: %v", err)
	}
	if err := Restore(ctx, backup, db.Path(), false, Options{}); err == nil {
		t.Fatal("restoring over an existing database without force")
	}
	db.Close()
	if err := Restore(ctx, backup, db.Path(), true, Options{}); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	people, page, err := db.ListPeople(ctx, ListQuery{}, 0)
	if err != nil || page.TotalSize != 1 || people[0].Name != p.Name || people[0].GivenName != "Ánh" {
		t.Fatalf("after restoring: %v %v", people, err)
	}
	// The search index came back with it.
	found, _, err := db.SearchPeople(ctx, SearchQuery{Query: "nguyen anh"}, 0)
	if err != nil || len(found) != 1 {
		t.Errorf("search after restoring: %v %v", found, err)
	}

	if err := Restore(ctx, filepath.Join(dir, "nothing.db"), filepath.Join(dir, "x.db"), false, Options{}); err == nil {
		t.Error("restoring from a file that is not a database")
	}
}

// Paths relative to the working directory work for backup and restore
// alike ("restore --db new.db backup.db").
func TestRelativePaths(t *testing.T) {
	ctx := context.Background()
	t.Chdir(t.TempDir())
	db, err := Open(ctx, "live.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Ánh"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, "backup.db"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := Restore(ctx, "backup.db", "new.db", false, Options{}); err != nil {
		t.Fatalf("restoring from a relative path: %v", err)
	}
}

// Restoring over a database keeps the file's mode and, as root, its owner
// and group, so that the server's user can still open it; a new file is
// its owner's only.
func TestRestoreKeepsModeAndOwner(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dest := db.Path()
	if err := os.Chmod(dest, 0o664); err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	asRoot := os.Geteuid() == 0
	if asRoot {
		if err := os.Chown(dest, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	if err := Restore(ctx, backup, dest, true, Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o664 {
		t.Errorf("the restored file's mode is %o, want the replaced file's 664", fi.Mode().Perm())
	}
	if !asRoot {
		t.Log("not root: the owner is not checked")
	} else if uid, gid, _ := fileOwner(fi); uid != nobody || gid != nobody {
		t.Errorf("the restored file is owned by %d:%d, want the replaced file's %d:%d", uid, gid, nobody, nobody)
	}

	fresh := filepath.Join(dir, "new.db")
	if err := Restore(ctx, backup, fresh, false, Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(fresh); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("a new restored file has mode %o, want 600", fi.Mode().Perm())
	}
}

// The registry is personal data: a new database, its -wal and -shm files
// and a backup are readable by their owner only, whatever the umask lets
// SQLite give them.
func TestNewFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{db.Path(), db.Path() + "-wal", db.Path() + "-shm", backup} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Error(err)
			continue
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s is %04o, want 0600", filepath.Base(path), mode)
		}
	}

	// A database that exists keeps the mode its administrator gave it.
	shared := filepath.Join(dir, "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	sdb, err := Open(ctx, shared)
	if err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	if fi, err := os.Stat(shared); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("an existing database's mode changed: %v %v", fi.Mode(), err)
	}
}

// The last fsync of a backup's copy failing (the disk full, a failing
// disk) says what happened, that the database is untouched, and what to
// do, as the copy's own write does: not the system's bare error.
func TestBackupSyncError(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "b.db")
	for _, tt := range []struct {
		name  string
		errno syscall.Errno
		want  []string
	}{
		{"ErrDiskFull", syscall.ENOSPC, []string{"filled up", "while syncing the copy to disk", "another disk"}},
		{"ErrQuota", syscall.EDQUOT, []string{"filled up", "quota", "another disk"}},
		{"ErrFileSize", syscall.EFBIG, []string{"ulimit -f", "raise the limit"}},
		{"ErrDisk", syscall.EIO, []string{"syncing the copy to disk failed", "input/output error", "check the disk holding " + dir, "take the backup again"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := backupWriteError(&os.PathError{Op: "sync", Path: dest + ".partial-1", Err: tt.errno}, "syncing the copy to disk", "/srv/live.db", dest, 1<<20)
			for _, want := range append(tt.want, dest, "the partial copy was removed", "the database /srv/live.db is untouched") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q, want it to say %q", err, want)
				}
			}
		})
	}
}

// A backup removes beside it the copies of backups no process writes (an
// empty one, one with its journal), whatever name they were for, but not
// a file of another program that only looks like one by its name.
func TestBackupRemovesOnlyDeadCopies(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	files := map[string]string{
		"monday.db.partial-12":          "",
		"tuesday.db.partial-34":         "SQLite format 3\x00 and the rest",
		"tuesday.db.partial-34-journal": "a journal",
		"notes.txt.partial-56":          "someone's notes",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Backup(ctx, filepath.Join(dir, "b.db")); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if kept := err == nil; kept != (name == "notes.txt.partial-56") {
			t.Errorf("%s kept: %v", name, kept)
		}
	}
}
