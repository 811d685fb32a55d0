package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// BulkCacheBytes is the writer's page cache during a bulk load
// (GrowWriterCache). A batch of 5,000 people enters a dozen indexes keyed
// at random (names' sort keys, the search indexes, email, phone): tens of
// thousands of leaf pages scattered over the file, against the writer's
// usual 32 MB (8,000 pages) under the process's 64 MB of SQLite memory.
// Adding 20,000 people to a million went from 583 to 653 people/s with it;
// at 100,000 the difference was within the machine's noise (BENCHMARKS.md,
// "Issue 19 at a million people").
const BulkCacheBytes = 1 << 30

// GrowWriterCache gives the writer's connection a page cache of bytes, and
// SQLite's soft heap limit room for it, until restore is called. It is for
// a bulk load, which holds the writer: a server's many small writes want
// the cache and limit that Open sets.
func (db *DB) GrowWriterCache(ctx context.Context, bytes int64) (restore func() error, err error) {
	return growCache(ctx, db.writer, bytes)
}

// growCache is GrowWriterCache on writer, a pool of one connection.
func growCache(ctx context.Context, writer *sql.DB, bytes int64) (restore func() error, err error) {
	var oldCache, oldLimit int64
	if err := writer.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&oldCache); err != nil {
		return nil, dbError(err)
	}
	if err := writer.QueryRowContext(ctx, `PRAGMA soft_heap_limit`).Scan(&oldLimit); err != nil {
		return nil, dbError(err)
	}
	restore = func() error {
		// Shrinking the cache frees the pages beyond it; neither pragma
		// needs the caller's context, which may be done by now.
		_, err1 := writer.Exec(fmt.Sprintf(`PRAGMA cache_size = %d`, oldCache))
		_, err2 := writer.Exec(fmt.Sprintf(`PRAGMA soft_heap_limit = %d`, oldLimit))
		return dbError(errors.Join(err1, err2))
	}
	limit := oldLimit
	if limit > 0 { // 0: none
		limit += bytes
	}
	if _, err := writer.ExecContext(ctx, fmt.Sprintf(`PRAGMA soft_heap_limit = %d; PRAGMA cache_size = %d`, limit, -bytes/1024)); err != nil {
		return nil, errors.Join(dbError(err), restore())
	}
	return restore, nil
}
