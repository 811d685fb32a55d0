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
		return dbError(err)
	})
}

// ensureStats gathers the statistics when the people table has doubled
// since they were last gathered.
func (db *DB) ensureStats(ctx context.Context) error {
	var people, analyzed int64
	err := db.writer.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(pk), 0) FROM people),
		COALESCE((SELECT value FROM settings WHERE key = 'analyzed_people'), 0)`).Scan(&people, &analyzed)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if people < analyzeFrom || people < 2*analyzed {
		return nil
	}
	if err := db.Analyze(ctx); err != nil {
		return fmt.Errorf("store: gathering statistics: %w", err)
	}
	return nil
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
