package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// purgedBroughtBack returns the names of the people the database at dest
// purged (purged_people) whom the restored copy at restored holds again:
// a backup taken before a purge puts the erased person back, with every
// value of theirs, and nothing in the copy remembers the purge. Restore
// says so, naming them, so that an admin purges them again. A dest of a
// schema without purged_people has none.
func purgedBroughtBack(ctx context.Context, dest, restored string) ([]string, error) {
	conn, err := sql.Open("sqlite3", dsn(restored, "mode=ro"))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS replaced`, dsn(dest, "mode=ro")); err != nil {
		return nil, err
	}
	var has int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM replaced.sqlite_master WHERE name = 'purged_people'`).Scan(&has); err != nil || has == 0 {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT 'people/' || p.id FROM main.people p JOIN replaced.purged_people x ON x.id = p.id ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// warnPurgedBack tells opts.Log of the people purgedBroughtBack found.
func warnPurgedBack(ctx context.Context, opts Options, dest, restored string) {
	if opts.Log == nil {
		return
	}
	names, err := purgedBroughtBack(ctx, dest, restored)
	switch {
	case err != nil:
		opts.Log.Warn(fmt.Sprintf("restore: could not check whether the backup holds people purged since it was taken: %v", err))
	case len(names) > 0:
		opts.Log.Warn(fmt.Sprintf("restore: the backup brings back, with all their data, people purged from %s since it was taken (%d): %s. "+
			"Purge them again (an ERASURE request, completed, then trithuc people purge), since the erasure stands",
			dest, len(names), strings.Join(names, ", ")))
	}
}
