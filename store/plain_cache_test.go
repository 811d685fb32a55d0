//go:build trithuc_bench

package store

import (
	"context"
	"testing"
)

// The harness's storage ceiling for a bulk load inserts with the page
// cache the bulk path has: with the usual 32 MB against the bulk path's
// 1 GiB, the ratio between them would measure the caches.
func TestPlainWritesWithTheBulkCache(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	p, err := OpenPlain(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cacheOf := func() (c int64) {
		if err := p.writer.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := cacheOf()
	restore, err := p.GrowWriterCache(ctx, BulkCacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	if c := cacheOf(); c != -BulkCacheBytes/1024 {
		t.Errorf("plain writer's cache_size %d during a bulk load, want %d", c, -BulkCacheBytes/1024)
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if c := cacheOf(); c != before {
		t.Errorf("plain writer's cache_size %d after, want %d as before", c, before)
	}
}
