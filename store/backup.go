package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the database to dest, a file that
// must not exist yet, while the database stays in use: it reads one
// snapshot (WAL lets writers go on meanwhile) and writes a compact copy
// with VACUUM INTO. It writes nothing to the database: one opened
// ReadOnly, of an older schema, is copied as it is, but for the copy's
// change feed id (renewFeed).
//
// The copy is written beside dest under a name of its own (partialName),
// checked, synced and only then given dest's name: a backup cut short by
// a full disk, a signal or a crash never leaves at dest a file that looks
// like a backup and is not one (VACUUM INTO syncs nothing). A copy a crash
// left there is removed by the next backup (backup_partial.go).
func (db *DB) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := checkBackupTarget(dest, abs); err != nil {
		return err
	}
	// What a backup cut short left here is in no one's way, nor its space
	// (backup_partial.go).
	removeStalePartials(filepath.Dir(abs), db.log)
	// The copy holds personal data: made here, empty and readable by its
	// owner only, it is never readable by others, as VACUUM INTO would make
	// it (it writes into an empty file, and makes a new one 0644). f holds
	// its lock, which says a backup writes it, until the end.
	f, err := createPartial(abs)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: there is no directory %s to write %s in; make it first (mkdir -p), or give another path", filepath.Dir(abs), dest)
	}
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("store: backup: cannot write %s: this user may not make files in %s; give a file in a directory it may write", dest, filepath.Dir(abs))
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	tmp := f.Name()
	defer f.Close()
	if err := db.backupTo(ctx, tmp, dest, abs); err != nil {
		removeDatabase(tmp)
		if ctx.Err() != nil {
			return fmt.Errorf("store: backup: stopped before the copy was complete; nothing was written to %s", dest)
		}
		return err
	}
	return syncDir(filepath.Dir(abs))
}

// backupTo writes the copy to tmp, then gives it the name abs (dest as
// the operator wrote it).
func (db *DB) backupTo(ctx context.Context, tmp, dest, abs string) error {
	// A connection of its own, read-only like the reader pool (VACUUM
	// INTO writes only the copy), which a database opened read-only, or
	// on a read-only mount, has too: the writer must not be held for the
	// length of a backup.
	conn, err := sql.Open("sqlite3", dsn(db.path, readParams(db.path)))
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	need, err := backupSize(ctx, conn)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := checkBackupRoom(abs, need); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		// The free space it reports is the space there is without the
		// partial copy.
		removeDatabase(tmp)
		if derr := BackupOfDamaged(db.path, err); derr != nil {
			return derr
		}
		return backupWriteError(err, "writing the copy", db.path, abs, need)
	}
	if err := renewFeed(ctx, tmp); err != nil {
		removeDatabase(tmp)
		return backupWriteError(err, "giving the copy a change feed id of its own", db.path, abs, need)
	}
	if err := checkFile(ctx, tmp); err != nil {
		return fmt.Errorf("store: backup: the copy failed its check, so nothing was written to %s: %w", dest, err)
	}
	if err := syncFile(tmp); err != nil {
		removeDatabase(tmp)
		return backupWriteError(err, "syncing the copy to disk", db.path, abs, need)
	}
	if err := publish(tmp, abs); errors.Is(err, os.ErrExist) {
		return fmt.Errorf("store: backup: %s was made by something else while the backup ran; give a new file name", dest)
	} else if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// partialName is the pattern of the name of a copy being written for the
// backup abs (os.CreateTemp): one that a crash left is told for what it
// is by its name.
func partialName(abs string) string {
	return filepath.Base(abs) + ".partial-*"
}

// checkBackupTarget refuses, before anything is read, a backup file that
// exists or a directory given for one.
func checkBackupTarget(dest, abs string) error {
	fi, err := os.Lstat(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if fi.IsDir() {
		return fmt.Errorf("store: backup: %s is a directory; give the name of a new file in it, e.g. %s", dest,
			filepath.Join(dest, "trithuc-"+time.Now().In(Vietnam).Format(time.DateOnly)+".db"))
	}
	return fmt.Errorf("store: backup: %s exists; give a new file name", dest)
}

// publish gives the complete file tmp the name dest, which must not
// exist: a link refuses an existing dest where a rename would replace it.
// A file system without links has the rename, after a last look.
func publish(tmp, dest string) error {
	err := os.Link(tmp, dest)
	if err == nil || errors.Is(err, os.ErrExist) {
		if err == nil {
			err = os.Remove(tmp)
		}
		return err
	}
	if _, serr := os.Lstat(dest); serr == nil {
		return os.ErrExist
	}
	return os.Rename(tmp, dest)
}

// syncFile writes the file at path to its disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkFile opens a database file read-only and runs SQLite's integrity
// check on it. What it finds wrong is a *badFile.
func checkFile(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		return &badFile{why: path + " is empty (a backup cut short before it began?)", fix: restoreAnother}
	}
	conn, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		var se sqlite3.Error
		switch {
		case errors.As(err, &se) && se.Code == sqlite3.ErrNotADB:
			return &badFile{why: path + " is not a database (SQLite: " + err.Error() + ")", fix: giveBackup}
		case errors.As(err, &se) && se.Code == sqlite3.ErrCorrupt:
			return &badFile{why: path + " is damaged or cut short (SQLite: " + err.Error() + ")", fix: restoreAnother}
		}
		return fmt.Errorf("store: %s cannot be read: %w", path, err)
	}
	if result != "ok" {
		return &badFile{why: path + " is damaged or cut short (SQLite's integrity check: " + strings.ReplaceAll(result, "\n", "; ") + ")", fix: restoreAnother}
	}
	var version int
	err = conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version)
	if err != nil {
		return &badFile{why: path + " is not a trithuc backup (it has no schema_migrations table)", fix: giveBackup}
	}
	if version > len(migrations) {
		return &badFile{why: fmt.Sprintf("%s has schema version %d, newer than this binary's %d", path, version, len(migrations)),
			fix: "restore it with a trithuc of that release or later"}
	}
	return nil
}

// badFile is a file checkFile finds no whole trithuc database of this
// release or an older one: why, and what to do instead of restoring it.
type badFile struct{ why, fix string }

func (e *badFile) Error() string { return "store: " + e.why }

const (
	restoreAnother = "take the backup again or restore another"
	giveBackup     = "give the path of a backup that trithuc backup made"
)

// ErrInUse is returned by Restore when the destination database is open.
var ErrInUse = errors.New("the database is in use; stop the server first")

// Restore replaces the database at dest with the backup at src, after
// checking the backup. The server must be stopped: a database that some
// connection holds is refused. Without force, an existing dest is refused
// too. The backup's copy is brought up to date (opened with opts: migrated,
// its search index rebuilt) before it replaces dest, so that a backup that
// fails to upgrade leaves dest as it was; then the people dest purged
// since the backup was taken are purged again in it (restore_purged.go).
// The replacement is atomic: dest is either the old database or the
// upgraded backup, never a mix.
func Restore(ctx context.Context, src, dest string, force bool, opts Options) error {
	if err := checkFile(ctx, src); err != nil {
		unchanged := dest + " was not changed"
		if _, serr := os.Stat(dest); serr != nil {
			unchanged = "nothing was written to " + dest
		}
		var bad *badFile
		if errors.As(err, &bad) {
			return fmt.Errorf("store: restore: the backup %s; %s; %s", bad.why, unchanged, bad.fix)
		}
		return fmt.Errorf("store: restore: %w; %s", err, unchanged)
	}
	old, err := os.Stat(dest)
	if err == nil {
		if !force {
			return fmt.Errorf("store: restore: %s exists; add --force to replace it", dest)
		}
		if err := checkNotInUse(ctx, dest); err != nil {
			return err
		}
	}
	dir, err := os.Stat(filepath.Dir(dest))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: restore: there is no directory %s to restore %s in; check --db, or make the directory first", filepath.Dir(dest), dest)
	}
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	tmp := dest + ".restoring"
	// A copy a restore cut short left (killed, the machine down) is in
	// the way of this one's, and its -wal would be read into it; trithuc
	// restore holds the database's lock: no other restore is writing it.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(tmp + suffix); err == nil {
			removeDatabase(tmp)
			if opts.Log != nil {
				opts.Log.Warn(fmt.Sprintf("restore: removed %s, the copy of a restore that was cut short", tmp))
			}
			break
		}
	}
	if err := checkRestoreRoom(src, tmp); err != nil {
		return err
	}
	own := restoredOwner(old, dir, os.Geteuid())
	if err := copyFile(src, tmp, own.apply); err != nil {
		removeDatabase(tmp)
		return restoreCopyError(err, src, tmp, dest, old != nil)
	}
	// Put back, the database hands out again sequence numbers of the
	// feed that its followers have read past (cursor.go).
	if err := renewFeed(ctx, tmp); err != nil {
		removeDatabase(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	// checkFile has checked the whole backup.
	opts.IntegrityCheckTime, opts.ReadOnly, opts.KeepSchema = -1, false, false
	db, err := OpenWith(ctx, tmp, opts)
	if err != nil {
		removeDatabase(tmp)
		return fmt.Errorf("store: restore: bringing the backup %s up to date failed, so %s was not replaced: %w", src, dest, err)
	}
	// Before the copy takes dest's place: an erasure stands whatever
	// backup is put back (restore_purged.go).
	if old != nil {
		if _, err := db.reapplyPurges(ctx, opts, src, dest); err != nil {
			db.Close()
			removeDatabase(tmp)
			return fmt.Errorf("store: restore: purging again the people %s purged since the backup %s was taken failed, so %s was not replaced: %w", dest, src, dest, err)
		}
	}
	if err := db.Close(); err != nil {
		removeDatabase(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dest + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			removeDatabase(tmp)
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		removeDatabase(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// removeDatabase removes a database file and its -wal and -shm files.
func removeDatabase(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// checkNotInUse takes the database's exclusive lock for a moment: it is
// refused while another connection (a running server) has the database
// open in WAL mode.
func checkNotInUse(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite3", dsn(path, "_busy_timeout=0&_locking_mode=EXCLUSIVE"))
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	_, err = conn.ExecContext(ctx, `BEGIN EXCLUSIVE; COMMIT;`)
	if err != nil && (strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy")) {
		return ErrInUse
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		// Damaged past reading its first page: what a restore is for.
		// SQLite took no lock it could hold, and no server serves such a
		// file (it stops at the first damage it meets).
		return nil
	}
	return err
}

// ownership is the owner, group and mode a restored file is given.
type ownership struct {
	uid, gid int
	chown    bool // change the owner and group too
	mode     os.FileMode
}

// restoredOwner is the ownership a restored file takes, made by a process
// of user euid: the mode of the file it replaces (was) or, for a new file,
// 0600; and, when the process may give files away (as root), the owner and
// group of the file it replaces or, for a new one, of its directory (dir).
// The server's own user must still open the database that an
// administrator restored with sudo.
func restoredOwner(was, dir os.FileInfo, euid int) ownership {
	o := ownership{mode: 0o600}
	from := dir
	if was != nil {
		o.mode, from = was.Mode().Perm(), was
	}
	if from != nil && euid == 0 {
		o.uid, o.gid, o.chown = fileOwner(from)
	}
	return o
}

// apply gives the open file f its ownership.
func (o ownership) apply(f *os.File) error {
	if o.chown {
		if err := f.Chown(o.uid, o.gid); err != nil {
			return err
		}
	}
	return f.Chmod(o.mode)
}

// copyFile copies src to a new file dest, which only its owner may read
// (a new database holds personal data) until own, when not nil, changes
// that.
func copyFile(src, dest string, own func(*os.File) error) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if own != nil {
		if err := own(out); err != nil {
			out.Close()
			return err
		}
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// createPrivate makes a new, empty database file that only its owner may
// read, before SQLite opens it: SQLite would make it 0644 (less the
// umask), and the -wal and -shm files it makes beside it take the
// database file's mode. An existing file keeps its mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: cannot make the database file %s: %w", path, err)
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
