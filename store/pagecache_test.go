package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// SQLite took the page cache (pagecache.go).
func TestPageCacheSetting(t *testing.T) {
	if pageCacheConfig != 0 {
		t.Errorf("sqlite3_config(SQLITE_CONFIG_PCACHE2) = %d, want SQLITE_OK", pageCacheConfig)
	}
}

// Writes that split index pages number pages as the lock page, and the
// commits after them no longer ask pcache1 to drop pages past the end of
// the file; what the database holds stays what was written, through
// commits, rollbacks of transactions that grew the file, deletes and
// VACUUMs that shrink it.
func TestPageCacheKeepsWritesThroughSplitsAndShrinks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	db, err := sql.Open("sqlite3", dsn(path, "_journal_mode=WAL&_synchronous=NORMAL&_cache_size=-2000"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, v BLOB)`); err != nil {
		t.Fatal(err)
	}
	rekeys0, spared0, _ := pageCacheCounts()
	r := rand.New(rand.NewPCG(1, 2))
	model := map[string][]byte{}
	value := func() []byte {
		b := make([]byte, 50+r.IntN(3000))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	for round := range 60 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		rollback := round%7 == 3
		pending := map[string][]byte{}
		for range 200 {
			k := fmt.Sprintf("%08x", r.Uint32())
			v := value()
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO t(k, v) VALUES (?, ?)`, k, v); err != nil {
				t.Fatal(err)
			}
			pending[k] = v
		}
		if round%5 == 4 {
			// Delete about a third of what is held.
			n := 0
			for k := range model {
				if n%3 == 0 {
					if _, err := tx.ExecContext(ctx, `DELETE FROM t WHERE k = ?`, k); err != nil {
						t.Fatal(err)
					}
					pending[k] = nil
				}
				n++
			}
		}
		if rollback {
			// The pages the transaction added past the end are dropped.
			var grown, size int
			if err := tx.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&grown); err != nil {
				t.Fatal(err)
			}
			_, _, passed := pageCacheCounts()
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&size); err != nil {
				t.Fatal(err)
			}
			if _, _, after := pageCacheCounts(); grown > size && after == passed {
				t.Fatalf("round %d: a rollback from %d pages to %d left the pages past the end in the cache", round, grown, size)
			}
			continue
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for k, v := range pending {
			if v == nil {
				delete(model, k)
			} else {
				model[k] = v
			}
		}
		if round%10 == 9 {
			if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
				t.Fatal(err)
			}
		}
		if round%10 == 5 {
			checkCacheModel(t, db, model)
		}
	}
	checkCacheModel(t, db, model)
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	rekeys, spared, _ := pageCacheCounts()
	if rekeys == rekeys0 {
		t.Errorf("no page was numbered as the lock page: the test no longer splits index pages")
	}
	if spared == spared0 {
		t.Errorf("no commit was spared a truncation of the page cache")
	}
}

// checkCacheModel compares what the table holds with the model.
func checkCacheModel(t *testing.T, db *sql.DB, model map[string][]byte) {
	t.Helper()
	rows, err := db.Query(`SELECT k, v FROM t ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		want, ok := model[k]
		if !ok || hashOf(v) != hashOf(want) {
			t.Fatalf("row %s: %d bytes, want %d (held: %v)", k, len(v), len(want), ok)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(model) {
		t.Fatalf("the table holds %d rows, want %d", n, len(model))
	}
}

func hashOf(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
