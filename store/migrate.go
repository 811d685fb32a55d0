package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema change. Versions are the numeric prefixes of the
// file names, 1, 2, 3..., without gaps.
type migration struct {
	version int
	name    string
	sql     string
}

var migrations = loadMigrations()

func loadMigrations() []migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		prefix, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil || v != i+1 {
			panic(fmt.Sprintf("store: migration %s: want version %d as its prefix", base, i+1))
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the migrations the database has not seen, up to version
// target, each in its own transaction: a failed migration leaves the database
// as the previous one left it. A database made by a newer binary is refused
// rather than touched.
func (db *DB) migrate(ctx context.Context, target int) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		apply_time INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	current, err := schemaOf(ctx, db.writer)
	if err != nil {
		return err
	}
	if err := checkSchema(db.path, current, false); err != nil {
		return err
	}
	// An upgrade's migrations are said, one by one: one can take minutes
	// on a large registry. A new database's take no time worth saying.
	log := db.log
	if current == 0 {
		log = nil
	}
	// An upgrade that failed part-way and is started again began at an
	// older schema than the one it left: its first start keeps that one
	// (settings' upgrade_from, until the last migration commits), so that
	// a failure of the second start does not take the schema left between
	// for the old release's.
	from := current
	if current > 0 && current < target {
		var v int64
		switch err := db.writer.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'upgrade_from'`).Scan(&v); {
		case err == nil:
			from = int(v)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: migrations: %w", err)
		}
	}
	for _, m := range migrations[current:target] {
		start := time.Now()
		if log != nil {
			log.Info("applying migration "+m.name, "from_version", current, "to_version", target)
		}
		err := db.write(ctx, false, nil, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, apply_time) VALUES (?, ?, ?)`,
				m.version, m.name, micros(tx.now)); err != nil {
				return err
			}
			var err error
			switch {
			case m.version == target:
				_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key = 'upgrade_from'`)
			default:
				// A new database's too (0, once 0001 has made settings): a
				// first start cut short is told, at the next, as a new
				// database left unfinished, not an upgrade to go back from.
				_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES ('upgrade_from', ?)`, from)
			}
			return err
		})
		if err != nil {
			return migrationFailed(db.path, m, from, err)
		}
		if log != nil {
			took := time.Since(start)
			log.Info(fmt.Sprintf("applied migration %s in %.1fs", m.name, took.Seconds()), "seconds", took.Seconds())
		}
	}
	return nil
}

// migrationFailed is the error of migration m, the database having been
// at schema version from before the upgrade: what state it is left in,
// and the two ways on, since a release refuses a schema newer than its own.
func migrationFailed(path string, m migration, from int, err error) error {
	if from == 0 {
		// A new database: no release served it, none to go back to.
		return fmt.Errorf("store: making the new database %s failed at migration %s: %w. It holds nothing yet: fix the cause "+
			"(free disk space on %s, for one) and start again, which finishes it, or remove it with its -wal and -shm files",
			path, m.name, err, filepath.Dir(path))
	}
	at := m.version - 1
	back := fmt.Sprintf("it is unchanged, at schema version %d: the release that ran on it before can still serve it", at)
	if at > from {
		back = fmt.Sprintf("it is at schema version %d, between the old release's %d and this binary's %d, which the old release refuses: "+
			"to go back to it, restore the backup taken before the upgrade (`trithuc restore --db %s --force BACKUP_FILE`)", at, from, len(migrations), path)
	}
	return fmt.Errorf("store: migration %s of the database %s failed: %w. Fix the cause (free disk space, for one) and start this binary again to finish the upgrade; %s",
		m.name, path, err, back)
}

// SQLiteVersion is the version of the SQLite library compiled in.
func SQLiteVersion() string {
	v, _, _ := sqlite3.Version()
	return v
}
