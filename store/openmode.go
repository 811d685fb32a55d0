package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// openReadOnly is OpenWith with opts.ReadOnly: the reader pool only, no
// writer, no migration, no check that would write (recognise has looked
// at the file already).
func openReadOnly(ctx context.Context, path string, opts Options) (*DB, error) {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil, fmt.Errorf("store: no database at %s to read", path)
	}
	db := &DB{path: path, Now: time.Now, log: opts.Log, readOnly: true, integrity: "skipped (opened read-only)"}
	db.setUpMemories()
	var err error
	if db.reader, err = openReader(path); err != nil {
		return nil, err
	}
	if err := db.reader.PingContext(ctx); err != nil {
		db.reader.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := checkFTS5(ctx, db.reader); err != nil {
		db.reader.Close()
		return nil, err
	}
	version, err := schemaOf(ctx, db.reader)
	if err == nil {
		err = checkSchema(path, version, opts.KeepSchema)
	}
	if err != nil {
		db.reader.Close()
		return nil, err
	}
	if db.secret, err = db.loadSecret(ctx); err != nil {
		db.reader.Close()
		return nil, err
	}
	if err := db.loadFeed(ctx); err != nil {
		db.reader.Close()
		return nil, err
	}
	return db, nil
}

// readParams are the parameters of the read-only connections to the
// database at path. Readers of a WAL database share its -shm file, which
// SQLite cannot make in a read-only directory (a read-only mount): there,
// with no log beside it that a writer left, the file is read as immutable,
// since nothing can change it.
func readParams(path string) string {
	if writable(filepath.Dir(path)) == nil {
		return readerParams
	}
	if _, err := os.Stat(path + "-wal"); errors.Is(err, os.ErrNotExist) {
		return readerParams + "&immutable=1"
	}
	return readerParams
}

// schemaOf is the schema version of the database conn reads: 0 for a new
// one.
func schemaOf(ctx context.Context, conn *sql.DB) (int, error) {
	var tables, version int
	err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables)
	if err == nil && tables > 0 {
		err = conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version)
	}
	if err != nil {
		return 0, fmt.Errorf("store: reading the schema version: %w", err)
	}
	return version, nil
}

// checkSchema refuses a database of schema version, at path, that this
// binary cannot use: a newer one always, an older one when keep is set,
// rather than upgrade it (Options.KeepSchema).
func checkSchema(path string, version int, keep bool) error {
	switch {
	case version > len(migrations):
		return fmt.Errorf("store: the database %s has schema version %d, newer than this binary's %d; use a newer trithuc", path, version, len(migrations))
	case keep && version > 0 && version < len(migrations):
		return fmt.Errorf("store: the database %s has schema %d, older than this binary's %d: start `trithuc serve` once to upgrade it, or use the trithuc that made it", path, version, len(migrations))
	}
	return nil
}
