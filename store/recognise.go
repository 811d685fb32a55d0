package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// applicationID is what trithuc writes into the application_id field of
// its databases' header ("TRTH"), so that a file can be told apart from
// another program's SQLite database before anything is written to it.
// Databases made before it was set are recognised by their tables.
const applicationID = 0x54525448

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// recognise looks at the file at path before Open changes anything in it:
// setting WAL mode and creating schema_migrations would already write to
// another program's database. It accepts a missing or empty file, an empty
// SQLite database and a trithuc database, and refuses anything else, or a
// file or directory trithuc could not write, saying which and why. When
// readOnly is set the file must exist, and may be read-only.
func recognise(ctx context.Context, path string, readOnly bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && readOnly:
		return fmt.Errorf("store: no database at %s", path)
	case errors.Is(err, os.ErrNotExist):
		dir := filepath.Dir(path)
		if err := writable(dir); err != nil {
			return fmt.Errorf("store: cannot make the database file %s: its directory %s is read-only (%v); give a path in a writable directory", path, dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("store: database file %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("store: the database file %s is a directory; give the path of a file", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("store: the database file %s is not a regular file", path)
	}
	// WAL mode writes the -wal and -shm files beside the database, so its
	// directory must be writable too.
	if err := writable(path); err != nil && !readOnly {
		return notWritable(path, fi, err, os.Geteuid())
	}
	if dir := filepath.Dir(path); writable(dir) != nil && !readOnly {
		return fmt.Errorf("store: the directory %s of the database file %s is read-only; SQLite writes its journal (%s-wal, %s-shm) there: make the directory writable", dir, path, filepath.Base(path), filepath.Base(path))
	}
	if fi.Size() == 0 {
		return nil
	}

	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: database file %s: %w", path, err)
	}
	header := make([]byte, 100)
	_, err = io.ReadFull(f, header)
	f.Close()
	if err != nil || !bytes.HasPrefix(header, sqliteHeader) {
		return fmt.Errorf("store: %s is not a SQLite database (its first bytes are not SQLite's header); trithuc leaves it as it is: give a new file or a trithuc database", path)
	}
	switch id := binary.BigEndian.Uint32(header[68:72]); id {
	case applicationID:
		return nil
	case 0:
	default:
		return fmt.Errorf("store: %s is the SQLite database of another program (application_id %#x); trithuc leaves it as it is: give a new file or a trithuc database", path, id)
	}

	// No application_id: an empty database, one trithuc made before it
	// set one, or another program's.
	tables, err := tableNames(ctx, path)
	if err != nil {
		return err
	}
	if len(tables) == 0 || (slices.Contains(tables, "schema_migrations") && slices.Contains(tables, "people")) {
		return nil
	}
	shown := tables
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(tables)-5))
	}
	return fmt.Errorf("store: %s is the SQLite database of another program (tables %s); trithuc leaves it as it is: give a new file or a trithuc database", path, strings.Join(shown, ", "))
}

// tableNames lists a database's tables over a read-only connection.
func tableNames(ctx context.Context, path string) ([]string, error) {
	conn, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: reading the tables of %s: %w", path, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: reading the tables of %s: %w", path, err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reading the tables of %s: %w", path, err)
	}
	return names, nil
}

// stamp sets the application_id of a database that has none yet: a new
// one, or one trithuc made before it set it.
func (db *DB) stamp(ctx context.Context) error {
	var id int64
	if err := db.writer.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if id == applicationID {
		return nil
	}
	if _, err := db.writer.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
		return fmt.Errorf("store: marking %s as trithuc's: %w", db.path, err)
	}
	return nil
}

// notWritable is the error of a database file that access(2) said this
// process, of user euid, may not write (err). A file another user owns
// (one an administrator restored or copied as root, say) is named with its
// owner, since making it writable means giving it to trithuc's user.
func notWritable(path string, fi os.FileInfo, err error, euid int) error {
	uid, _, ok := fileOwner(fi)
	if !ok || uid == euid || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("store: the database file %s is read-only (%v); trithuc needs to write to it: make it writable (and its file system read-write), or serve a writable copy", path, err)
	}
	owner, me := userName(uid), userName(euid)
	return fmt.Errorf("store: the database file %s is owned by %s (uid %d) and not writable for the user trithuc runs as, %s (uid %d) (%v): give it to that user (chown %s %s) or run trithuc as %s", path, owner, uid, me, euid, err, me, path, owner)
}

// userName names the user uid: their login name, or the number when the
// system does not know it.
func userName(uid int) string {
	id := strconv.Itoa(uid)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username
	}
	return id
}
