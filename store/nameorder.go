package store

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
)

// A search's names band in name order from memory. The band is the people
// whose names hold the query's words (people_names, by pairs), ordered by
// sort_key and pk for a page of 50; SQL looked up every match's sort key
// in people_listed_sort and sorted them all: a microsecond a match at a
// million people, 1,177 matches for "nguyen thi thanh tam" and 361,078 for
// "nguyen" (BENCHMARKS.md, issue 19, the bands). nameOrder holds each
// person's rank in that order, so that the band takes its page's matches
// by rank and reads one sort key, for the page token.
//
// Validity: the ranks are read in a transaction and used only by one that
// sees the same state of the search index (searchIndexKey, as wordSets).
// A person's sort key changes only with their names, and a person is added
// or taken out only with their documents: every such write rewrites the
// person's document in people_search (reindexPerson, indexNewPerson, the
// bulk load, a purge), which moves the key. Who is listed is not in the
// ranks: deletes and restrictions change no document, so the unlisted are
// read at every band. A person deleted when the ranks were read has none;
// the band is then asked of SQL.
//
// Bounds: a rank is an int32 per pk up to nameOrderMaxPK (4 MB at a
// million people), read once a generation has served nameOrderAfter bands
// by SQL, by one reader at a time.

var (
	// nameOrderAfter is how many bands a generation serves by SQL before
	// its ranks are read (0.3 s of CPU at a million people), so that a
	// registry written between every few searches pays for few (a
	// variable for tests).
	nameOrderAfter = 16
	// nameOrderUnlistedMost is the most unlisted people a band reads;
	// with more, SQL's band looks each match up instead.
	nameOrderUnlistedMost = 4096
)

// nameOrderMaxPK is the largest pk ranked; with a larger one, the band is
// SQL's.
const nameOrderMaxPK = 1 << 23

// nameOrder is the ranks of one generation of the search index.
type nameOrder struct {
	mu      sync.Mutex
	key     []byte
	seen    int
	rank    []int32 // by pk; 0 for none
	reading bool
	// served counts the bands taken by rank, for tests.
	served atomic.Int64
}

// ranks returns the ranks of generation key, reading them when the
// generation has served enough bands; nil when it has none yet.
func (o *nameOrder) ranks(ctx context.Context, tx *Tx, key []byte) ([]int32, error) {
	o.mu.Lock()
	if !bytes.Equal(o.key, key) {
		o.key, o.seen, o.rank, o.reading = key, 0, nil, false
	}
	o.seen++
	if o.seen <= nameOrderAfter {
		o.mu.Unlock()
		return nil, nil
	}
	rank := o.rank
	read := rank == nil && !o.reading
	if read {
		o.reading = true
	}
	o.mu.Unlock()
	if !read {
		return rank, nil
	}
	rank, err := tx.readNameOrder(ctx)
	o.mu.Lock()
	defer o.mu.Unlock()
	if bytes.Equal(o.key, key) {
		o.reading = false
		if err == nil && rank != nil {
			o.rank = rank
		} else {
			// Not again for this generation.
			o.seen = -1 << 30
		}
	}
	return rank, err
}

// readNameOrder reads the rank of each person not deleted in the order of
// people_sort_key (sort_key, then pk: the names band's order), from 1;
// nil when a pk is beyond nameOrderMaxPK. group_concat makes the pks one
// value, a tenth of the CPU of a row each through database/sql.
func (tx *Tx) readNameOrder(ctx context.Context) ([]int32, error) {
	var maxPK int64
	if err := tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(pk), 0) FROM people`).Scan(&maxPK); err != nil {
		return nil, dbError(err)
	}
	if maxPK > nameOrderMaxPK {
		return nil, nil
	}
	rank := make([]int32, maxPK+1)
	var bad bool
	err := tx.QueryRowContext(ctx, `SELECT group_concat(pk) FROM (SELECT pk FROM people INDEXED BY people_sort_key
		WHERE delete_time IS NULL ORDER BY sort_key, pk)`).Scan(scanFunc(func(v any) error {
		b, _ := v.([]byte)
		if s, ok := v.(string); ok {
			b = []byte(s)
		}
		r := int32(0)
		return eachInt(b, func(pk int64) {
			r++
			if pk < 0 || pk > maxPK {
				bad = true
				return
			}
			rank[pk] = r
		})
	}))
	if err != nil {
		return nil, dbError(err)
	}
	if bad {
		return nil, nil
	}
	return rank, nil
}

// eachInt calls f with each integer of a comma-separated list.
func eachInt(list []byte, f func(int64)) error {
	for len(list) > 0 {
		end := bytes.IndexByte(list, ',')
		if end < 0 {
			end = len(list)
		}
		n, err := strconv.ParseInt(string(list[:end]), 10, 64)
		if err != nil {
			return err
		}
		f(n)
		if end == len(list) {
			break
		}
		list = list[end+1:]
	}
	return nil
}

// namesInOrder is the names band of a search without a filter or scope,
// from the ranks of generation key: the listed people whose names match
// namesArg in people_names, each with score, in name order after the page
// token's after (nil: from the first), at most limit. keys are the rows'
// sort keys (score, sort_key, pk) as SQL's band gives them, the sort_key
// read only for the row at keyAt (the page's last, when in this band; -1
// for none). ok is false when the band is for SQL to read: no ranks yet,
// a match without one, a token's row that is not where its keys say, too
// many unlisted.
func (tx *Tx) namesInOrder(ctx context.Context, key []byte, namesArg string, score int64, after []any, limit, keyAt int) (ids []any, keys [][]any, ok bool, err error) {
	rank, err := tx.db.nameOrder.ranks(ctx, tx, key)
	if err != nil || rank == nil {
		return nil, nil, false, err
	}
	from := int32(0)
	if after != nil {
		as, _ := after[0].(int64)
		switch {
		case as < score:
			// The token is past this band.
			tx.db.nameOrder.served.Add(1)
			return nil, nil, true, nil
		case as == score:
			sk, _ := after[1].([]byte)
			apk, _ := after[2].(int64)
			if apk <= 0 || apk >= int64(len(rank)) || rank[apk] == 0 {
				return nil, nil, false, nil
			}
			var now []byte
			if err := tx.QueryRowContext(ctx, `SELECT sort_key FROM people WHERE pk = ?`, apk).Scan(&now); err != nil || !bytes.Equal(now, sk) {
				// Renamed or gone since: SQL compares the keys.
				return nil, nil, false, nil
			}
			from = rank[apk]
		}
	}
	unlisted := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT p.pk FROM people p INDEXED BY people_unlisted WHERE `+personUnlisted+` LIMIT ?`, nameOrderUnlistedMost+1)
	if err != nil {
		return nil, nil, false, dbError(err)
	}
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			rows.Close()
			return nil, nil, false, dbError(err)
		}
		unlisted[pk] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, false, dbError(err)
	}
	if len(unlisted) > nameOrderUnlistedMost {
		return nil, nil, false, nil
	}
	// The page's matches: the limit least ranks after from, kept sorted
	// as rank<<32 | pk.
	top := make([]uint64, 0, limit)
	missing := false
	err = tx.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM people_names WHERE people_names MATCH ?`, namesArg).Scan(scanFunc(func(v any) error {
		b, _ := v.([]byte)
		if s, ok := v.(string); ok {
			b = []byte(s)
		}
		return eachInt(b, func(pk int64) {
			if missing || unlisted[pk] {
				return
			}
			if pk <= 0 || pk >= int64(len(rank)) || rank[pk] == 0 {
				missing = true
				return
			}
			r := rank[pk]
			if r <= from {
				return
			}
			x := uint64(r)<<32 | uint64(pk)
			if len(top) == limit {
				if x >= top[limit-1] {
					return
				}
				top = top[:limit-1]
			}
			i := len(top)
			for i > 0 && top[i-1] > x {
				i--
			}
			top = append(top, 0)
			copy(top[i+1:], top[i:])
			top[i] = x
		})
	}))
	if err != nil {
		return nil, nil, false, dbError(err)
	}
	if missing {
		return nil, nil, false, nil
	}
	ids = make([]any, len(top))
	keys = make([][]any, len(top))
	for i, x := range top {
		pk := int64(x & (1<<32 - 1))
		ids[i] = pk
		keys[i] = []any{score, nil, pk}
	}
	if keyAt >= 0 && keyAt < len(top) {
		var sk []byte
		if err := tx.QueryRowContext(ctx, `SELECT sort_key FROM people WHERE pk = ?`, ids[keyAt]).Scan(&sk); err != nil {
			return nil, nil, false, dbError(err)
		}
		keys[keyAt][1] = sk
	}
	tx.db.nameOrder.served.Add(1)
	return ids, keys, true, nil
}
