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
)

// Backup writes a consistent copy of the database to dest, a file that
// must not exist yet, while the database stays in use: it reads one
// snapshot (WAL lets writers go on meanwhile) and writes a compact copy
// with VACUUM INTO.
func (db *DB) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// The copy holds personal data: made here, empty and readable by its
	// owner only, it is never readable by others, as VACUUM INTO would make
	// it (it writes into an empty file, and makes a new one 0644).
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("store: backup: %s exists; give a new file name", dest)
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(abs)
		return fmt.Errorf("store: backup: %w", err)
	}
	// A connection of its own: the read-only pool may not write the copy,
	// and the writer must not be held for the length of a backup.
	conn, err := sql.Open("sqlite3", dsn(db.path, "_busy_timeout=10000"))
	if err != nil {
		os.Remove(abs)
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("store: backup: %w", err)
	}
	return checkFile(ctx, abs)
}

// checkFile opens a database file read-only and runs SQLite's integrity
// check on it.
func checkFile(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("store: %s is not a database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("store: %s failed its integrity check: %s", path, result)
	}
	var version int
	err = conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version)
	if err != nil {
		return fmt.Errorf("store: %s is not a trithuc database: %w", path, err)
	}
	if version > len(migrations) {
		return fmt.Errorf("store: %s has schema version %d, newer than this binary's %d", path, version, len(migrations))
	}
	return nil
}

// ErrInUse is returned by Restore when the destination database is open.
var ErrInUse = errors.New("the database is in use; stop the server first")

// Restore replaces the database at dest with the backup at src, after
// checking the backup. The server must be stopped: a database that some
// connection holds is refused. Without force, an existing dest is refused
// too. The replacement is atomic: dest is either the old database or the
// backup, never a mix.
func Restore(ctx context.Context, src, dest string, force bool) error {
	if err := checkFile(ctx, src); err != nil {
		return err
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
	tmp := dest + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	if old != nil {
		if err := keepOwnerAndMode(tmp, old); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dest + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	return syncDir(filepath.Dir(dest))
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
	return err
}

// keepOwnerAndMode gives the restored file at path the mode of the file it
// replaces and, when this process may change it (as root), its owner and
// group: the server's own user must still open the database that an
// administrator restored with sudo.
func keepOwnerAndMode(path string, was os.FileInfo) error {
	if uid, gid, ok := fileOwner(was); ok && os.Geteuid() == 0 {
		if err := os.Chown(path, uid, gid); err != nil {
			return err
		}
	}
	return os.Chmod(path, was.Mode().Perm())
}

// copyFile copies src to a new file dest, which only its owner may read:
// a new database holds personal data.
func copyFile(src, dest string) error {
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
