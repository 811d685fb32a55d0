package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// A backup that does not fit where it is written must say where that is,
// how much it needs and how much there is, and leave nothing behind: an
// operator reading "database or disk is full" from a cron job cannot tell
// whether the registry's own disk or the backup's is meant.

// backupSize is about how many bytes the compact copy takes: the pages in
// use (VACUUM INTO leaves the free ones out).
func backupSize(ctx context.Context, conn *sql.DB) (uint64, error) {
	var pages, free, size uint64
	err := conn.QueryRowContext(ctx, `SELECT p.page_count, f.freelist_count, s.page_size
		FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s`).Scan(&pages, &free, &size)
	if err != nil {
		return 0, err
	}
	return (pages - min(free, pages)) * size, nil
}

// checkBackupRoom refuses a backup that cannot fit in the free space of
// the file system holding dest, before anything is written. Where the
// system says nothing of space, the copy is tried.
func checkBackupRoom(dest string, need uint64) error {
	free, err := freeSpace(filepath.Dir(dest))
	if err != nil || free >= need {
		return nil
	}
	return fmt.Errorf("store: backup: %s does not fit: the backup needs about %s and the file system holding %s has %s free; "+
		"free space there or give a file on another disk; nothing was written", dest, byteSize(need), filepath.Dir(dest), byteSize(free))
}

// checkRestoreRoom refuses a restore whose copy of the backup src cannot
// fit in the free space beside the database (at tmp), before anything is
// written: the database is left as it was. Migrations may need more; the
// copy's own write failing says so too.
func checkRestoreRoom(src, tmp string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return nil
	}
	need := uint64(fi.Size())
	free, err := freeSpace(filepath.Dir(tmp))
	if err != nil || free >= need {
		return nil
	}
	return fmt.Errorf("store: restore: the backup %s (%s) does not fit beside the database: the file system holding %s has %s free; "+
		"free space there first; the database was not changed", src, byteSize(need), filepath.Dir(tmp), byteSize(free))
}

// backupWriteError says what to do when a step of the copy (doing)
// failed, naming the target: for want of room, where and how much there
// is; and that the database (live) was not touched, which a backup only
// reads. The partial copy is already removed, so the free space it
// reports is the space there is. err is SQLite's (the copy, its feed id)
// or the system's (the last fsync).
func backupWriteError(err error, doing, live, dest string, need uint64) error {
	var sqe sqlite3.Error
	isSQLite := errors.As(err, &sqe)
	errno := func(e syscall.Errno) bool { return errors.Is(err, e) || isSQLite && sqe.SystemErrno == e }
	dir := filepath.Dir(dest)
	untouched := fmt.Sprintf("the partial copy was removed and the database %s is untouched", live)
	switch {
	case isSQLite && sqe.Code == sqlite3.ErrFull || errno(syscall.ENOSPC) || errno(syscall.EDQUOT):
		free := "an unknown amount"
		if n, ferr := freeSpace(dir); ferr == nil {
			free = byteSize(n)
		}
		return fmt.Errorf("store: backup: %s: the disk holding %s filled up (or its quota was used up) while %s: the backup needs about %s and %s is free there; "+
			"free space there or give a file on another disk; %s", dest, dir, doing, byteSize(need), free, untouched)
	case errno(syscall.EFBIG):
		limit := "this process's limit on the size of the files it writes (ulimit -f; LimitFSIZE= in a systemd unit)"
		if n, ok := fileSizeLimit(); ok {
			limit = fmt.Sprintf("this process's limit of %s on the size of the files it writes (ulimit -f; LimitFSIZE= in a systemd unit)", byteSize(n))
		}
		return fmt.Errorf("store: backup: %s: the backup needs about %s, more than %s or the largest file the file system holding %s takes; "+
			"raise the limit or give a file on another file system; %s", dest, byteSize(need), limit, dir, untouched)
	}
	return fmt.Errorf("store: backup: %s: %s failed: %w; %s; check the disk holding %s and take the backup again", dest, doing, err, untouched, dir)
}

// restoreCopyError says what to do when the copy of the backup src
// beside the database (tmp) failed, which is removed: for want of room,
// where and how much there is; and that dest (there or not, existed) was
// not changed.
func restoreCopyError(err error, src, tmp, dest string, existed bool) error {
	unchanged := dest + " was not changed"
	if !existed {
		unchanged = "nothing was written to " + dest
	}
	dir := filepath.Dir(tmp)
	need := "the backup"
	if fi, serr := os.Stat(src); serr == nil {
		need = "the backup's " + byteSize(uint64(fi.Size()))
	}
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		free := "an unknown amount"
		if n, ferr := freeSpace(dir); ferr == nil {
			free = byteSize(n)
		}
		return fmt.Errorf("store: restore: copying the backup %s to %s ran out of room: the disk holding %s is full (or its quota used up), %s free for %s; "+
			"free space there and restore again; %s", src, tmp, dir, free, need, unchanged)
	case errors.Is(err, syscall.EFBIG):
		limit := "this process's limit on the size of the files it writes (ulimit -f; LimitFSIZE= in a systemd unit)"
		if n, ok := fileSizeLimit(); ok {
			limit = fmt.Sprintf("this process's limit of %s on the size of the files it writes (ulimit -f; LimitFSIZE= in a systemd unit)", byteSize(n))
		}
		return fmt.Errorf("store: restore: copying the backup %s to %s failed: %s is more than %s or the largest file the file system holding %s takes; "+
			"raise the limit and restore again; %s", src, tmp, need, limit, dir, unchanged)
	}
	return fmt.Errorf("store: restore: copying the backup %s to %s failed: %w; %s", src, tmp, err, unchanged)
}

// BackupOfDamaged is the refusal of a backup of the database at path
// when err is SQLite's report that it is damaged, saying what to do;
// nil for other errors. A copy of it would be damaged too.
func BackupOfDamaged(path string, err error) error {
	var sqe sqlite3.Error
	if !errors.As(err, &sqe) || sqe.Code != sqlite3.ErrCorrupt && sqe.Code != sqlite3.ErrNotADB {
		return nil
	}
	return fmt.Errorf("store: backup: the database %s is damaged (SQLite: %v), so no backup of it was taken; keep the backups taken before, "+
		"and restore the last good one: stop the server, then trithuc restore --db %s --force BACKUP_FILE", path, sqe, path)
}

// byteSize writes a size in bytes for an operator: in MiB or GiB, and
// exactly in bytes, which a script may compare.
func byteSize(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB (%d bytes)", float64(n)/(1<<30), n)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
