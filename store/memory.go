package store

import (
	"context"
	"database/sql"
	"fmt"
)

// sqliteSoftHeapLimit bounds the memory SQLite keeps, across every
// connection of the process: when its page caches, statements, sorts and
// full-text queries would hold more, it frees the least recently used cached
// pages first. Five connections may each cache 32 MB; with a million people
// and broad searches running on every reader at once, SQLite held over
// 300 MB (BENCHMARKS.md). It is a soft limit: a query that needs more
// memory still gets it.
const sqliteSoftHeapLimit = 128 << 20

// limitMemory sets the limit; it holds for the whole process.
func limitMemory(ctx context.Context, db *sql.DB) error {
	var limit int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA soft_heap_limit = %d`, sqliteSoftHeapLimit)).Scan(&limit); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
