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
// memory still gets it. Measured serving searches at 16 and 64 callers on
// 1.2 million people, the server's peak resident set was 296 MiB with
// 128 MB, 229 MiB with 96 MB and 183 MiB with 64 MB, at throughputs within
// the machine's noise: every commit empties the readers' caches anyway.
const sqliteSoftHeapLimit = 96 << 20

// limitMemory sets the limit; it holds for the whole process.
func limitMemory(ctx context.Context, db *sql.DB) error {
	var limit int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA soft_heap_limit = %d`, sqliteSoftHeapLimit)).Scan(&limit); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
