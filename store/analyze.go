package store

import (
	"context"
	"fmt"
)

// SQLite's query planner chooses between indexes by statistics that ANALYZE
// gathers; without them every index of people looks alike, and a filter on
// gender and hometown scans half the table through the gender index instead
// of a few percent through the hometown one. Bulk loads gather them at the
// end; Open gathers them again whenever the people table has doubled since.
// (ANALYZE reads every index: about 4 seconds for a million people.)

// analyzeFrom is the number of people below which the statistics do not
// matter: every plan is fast.
var analyzeFrom int64 = 10_000 // a variable for tests

// Analyze gathers the statistics the query planner uses and those of
// the words of names that a search's plan uses (namepairs.go), and merges
// the search indexes.
func (db *DB) Analyze(ctx context.Context) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		// After a large load the search indexes are in many segments,
		// too (optimizeSearchIndexes).
		if err := tx.optimizeSearchIndexes(ctx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `ANALYZE`); err != nil {
			return dbError(err)
		}
		if err := tx.countNameWords(ctx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('analyzed_people', (SELECT COALESCE(MAX(pk), 0) FROM people))
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
		if err != nil {
			return dbError(err)
		}
		return tx.analyzedSchema(ctx)
	})
}

// analyzedSchema notes that the statistics cover this schema's indexes.
func (tx *Tx) analyzedSchema(ctx context.Context) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('analyzed_schema', ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, SchemaVersion())
	return dbError(err)
}

// ensureStats gathers the statistics when the people table has doubled
// since they were last gathered.
func (db *DB) ensureStats(ctx context.Context) error {
	var people, analyzed, schema int64
	err := db.writer.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(pk), 0) FROM people),
		COALESCE((SELECT value FROM settings WHERE key = 'analyzed_people'), 0),
		COALESCE((SELECT value FROM settings WHERE key = 'analyzed_schema'), 0)`).Scan(&people, &analyzed, &schema)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if people >= analyzeFrom && people >= 2*analyzed {
		if err := db.Analyze(ctx); err != nil {
			return fmt.Errorf("store: gathering statistics: %w", err)
		}
		return nil
	}
	if analyzed == 0 || schema >= int64(SchemaVersion()) {
		return nil
	}
	// An upgrade's new indexes have none, and the planner would take
	// each for any other (a name key's index for a gender's): each is
	// read once on its own, at the first start after the migration (an
	// index of nothing gets none, so the schema's version is noted).
	return db.write(ctx, false, nil, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_schema
			WHERE type = 'index' AND tbl_name IN (SELECT tbl FROM sqlite_stat1 WHERE idx IS NOT NULL)
			AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) ORDER BY name`)
		if err != nil {
			return dbError(err)
		}
		var missing []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return dbError(err)
			}
			missing = append(missing, name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		for _, name := range missing {
			if _, err := tx.ExecContext(ctx, `ANALYZE "`+name+`"`); err != nil {
				return dbError(err)
			}
		}
		return tx.analyzedSchema(ctx)
	})
}

// CountPeople counts the people in the database, deleted ones too when
// deleted is set. Listings count their matches only while the registry is
// small; this counts at any size.
func (db *DB) CountPeople(ctx context.Context, deleted bool) (int, error) {
	q := `SELECT COUNT(*) FROM people WHERE delete_time IS NULL`
	if deleted {
		q = `SELECT COUNT(*) FROM people`
	}
	var n int
	err := db.read(ctx, func(tx *Tx) error { return dbError(tx.QueryRowContext(ctx, q).Scan(&n)) })
	return n, err
}
