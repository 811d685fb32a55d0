package store

import (
	"bytes"
	"context"
	"fmt"
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
// by SQL, in the background, one read at a time.

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
	wg      sync.WaitGroup // the read of ranks under way
	// served counts the bands taken by rank, and bySets those of them
	// whose matches came from the names' sets, for tests.
	served, bySets atomic.Int64
}

// ranks returns the ranks of generation key, nil when it has none yet.
// Once the generation has served enough bands by SQL, its ranks are read
// in a read of their own, unbounded by any caller's budget and waited for
// by none (0.3 s of CPU at a million people), which checks that it sees
// the same generation.
func (o *nameOrder) ranks(db *DB, key []byte) []int32 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !bytes.Equal(o.key, key) {
		o.key, o.seen, o.rank, o.reading = key, 0, nil, false
	}
	o.seen++
	if o.seen <= nameOrderAfter {
		return nil
	}
	if o.rank == nil && !o.reading {
		o.reading = true
		o.wg.Add(1)
		go o.read(db, key)
	}
	return o.rank
}

// read reads the ranks of generation key.
func (o *nameOrder) read(db *DB, key []byte) {
	defer o.wg.Done()
	ctx := context.Background()
	var rank []int32
	err := db.readWithin(ctx, 0, func(tx *Tx) error {
		now, err := tx.searchIndexKey(ctx)
		if err != nil || !bytes.Equal(now, key) {
			return err
		}
		rank, err = tx.readNameOrder(ctx)
		return err
	})
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
		r := int32(0)
		return eachListed(v, func(pk int64) {
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

// eachListed is eachInt of a group_concat value, without a copy: text
// comes as a string, NULL (no rows) as nil.
func eachListed(v any, f func(int64)) error {
	if s, ok := v.(string); ok {
		return eachInt(s, f)
	}
	b, _ := v.([]byte)
	return eachInt(b, f)
}

// eachInt calls f with each integer of a comma-separated list, as
// group_concat writes rowids: by hand, without a string a number (a
// million of them in name order's ranks).
func eachInt[S ~string | ~[]byte](list S, f func(int64)) error {
	n, digits, sign := int64(0), 0, int64(1)
	for i := 0; i < len(list); i++ {
		c := list[i]
		switch {
		case '0' <= c && c <= '9' && digits < 18:
			n, digits = n*10+int64(c-'0'), digits+1
		case c == '-' && digits == 0 && sign > 0:
			sign = -1
		case c == ',' && digits > 0:
			f(sign * n)
			n, digits, sign = 0, 0, 1
		default:
			return fmt.Errorf("not a list of rowids: %.40q", list)
		}
	}
	if digits > 0 {
		f(sign * n)
	} else if len(list) > 0 {
		return fmt.Errorf("not a list of rowids: %.40q", list)
	}
	return nil
}

// namesBand is a search's names band as namesInOrder reads it: the
// people_names query of the names holding the words without diacritics
// (names), and, for words typed with them, the people_names query of the
// names holding them as typed (exact) and the people_search query of the
// documents holding them as typed anywhere (typed). Its rows score 7 when
// exact holds them, else 2, plus 1 when typed does (searchListing's
// bands); every row 2 without exact.
type namesBand struct {
	names, exact, typed string
	// words are the words without diacritics, whose sets in names
	// (db.nameSets) give names' matches where they are held: an AND of
	// bitsets in microseconds, where FTS5 steps the pairs' doclists (a
	// fifth of a search's CPU at a million people, issue 19).
	words ftsWords
}

// namesInOrder is the names band b of a search without a filter or scope,
// from the ranks of generation key: the listed people whose names match,
// by score and then in name order, after the page token's after (nil:
// from the first), at most limit. keys are the rows' sort keys (score,
// sort_key, pk) as SQL's band gives them, the sort_key read only for the
// row at keyAt (the page's last, when in this band; -1 for none). ok is
// false when the band is for SQL to read: no ranks yet, a match without
// one, a token's row that is not where its keys say, too many unlisted.
func (tx *Tx) namesInOrder(ctx context.Context, key []byte, b namesBand, after []any, limit, keyAt int) (ids []any, keys [][]any, ok bool, err error) {
	rank := tx.db.nameOrder.ranks(tx.db, key)
	if rank == nil {
		return nil, nil, false, nil
	}
	// A row is on the page when its score is below the token's, or the
	// same and its rank after the token's row.
	afterScore, from := int64(1<<62), int32(0)
	if after != nil {
		afterScore, _ = after[0].(int64)
		if afterScore < 2 {
			// The token is past this band.
			tx.db.nameOrder.served.Add(1)
			return nil, nil, true, nil
		}
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
	pks, ok, err := tx.unlistedPKs(ctx, nameOrderUnlistedMost)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	unlisted := make(map[int64]bool, len(pks))
	for _, pk := range pks {
		unlisted[pk] = true
	}
	var matches []int64
	missing := false
	match := func(pk int64) {
		if missing || unlisted[pk] {
			return
		}
		if pk <= 0 || pk >= int64(len(rank)) || rank[pk] == 0 {
			missing = true
			return
		}
		matches = append(matches, pk)
	}
	groups, held, err := tx.db.nameSets.groupsOf(ctx, tx, b.words)
	if err != nil {
		return nil, nil, false, err
	}
	if held {
		eachAnd(groups, match)
		tx.db.nameOrder.bySets.Add(1)
	} else if err := tx.eachRowid(ctx, `SELECT group_concat(rowid) FROM people_names WHERE people_names MATCH ?`, b.names, match); err != nil {
		return nil, nil, false, err
	}
	if missing {
		return nil, nil, false, nil
	}
	score := func(int64) int64 { return 2 }
	if b.exact != "" {
		exact, err := tx.rowidSet(ctx, `SELECT group_concat(rowid) FROM people_names WHERE people_names MATCH ?`, b.exact, len(rank))
		if err != nil {
			return nil, nil, false, err
		}
		var typed []uint64
		for _, pk := range matches {
			if !hasBit(exact, pk) {
				// As SQL, the words as typed anywhere only when a name
				// needs them.
				if typed, err = tx.rowidSet(ctx, `SELECT group_concat(rowid) FROM people_search WHERE people_search MATCH ?`, b.typed, len(rank)); err != nil {
					return nil, nil, false, err
				}
				break
			}
		}
		score = func(pk int64) int64 {
			switch {
			case hasBit(exact, pk):
				return 7
			case hasBit(typed, pk):
				return 3
			}
			return 2
		}
	}
	// The page's rows: the limit least of (9 - score, rank, pk), kept
	// sorted, packed in 8, 24 and 24 bits.
	top := make([]uint64, 0, limit)
	for _, pk := range matches {
		sc, r := score(pk), rank[pk]
		if sc > afterScore || sc == afterScore && r <= from {
			continue
		}
		x := uint64(9-sc)<<48 | uint64(r)<<24 | uint64(pk)
		if len(top) == limit {
			if x >= top[limit-1] {
				continue
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
	}
	ids = make([]any, len(top))
	keys = make([][]any, len(top))
	for i, x := range top {
		pk := int64(x & (1<<24 - 1))
		ids[i] = pk
		keys[i] = []any{9 - int64(x>>48), nil, pk}
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

// unlistedPKs reads who is unlisted (deleted or restricted: what the
// search's bands and counts leave out), most of them at most; ok is false
// when more are. most < 0 reads them all.
func (tx *Tx) unlistedPKs(ctx context.Context, most int) (pks []int64, ok bool, err error) {
	limit := -1 // SQLite's LIMIT of none
	if most >= 0 {
		limit = most + 1
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.pk FROM people p INDEXED BY people_unlisted WHERE `+personUnlisted+` LIMIT ?`, limit)
	if err != nil {
		return nil, false, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, false, dbError(err)
		}
		pks = append(pks, pk)
	}
	if err := rows.Err(); err != nil {
		return nil, false, dbError(err)
	}
	if most >= 0 && len(pks) > most {
		return nil, false, nil
	}
	return pks, true, nil
}

// eachRowid calls f with each rowid a group_concat(rowid) query of one
// argument lists.
func (tx *Tx) eachRowid(ctx context.Context, query, arg string, f func(int64)) error {
	return dbError(tx.QueryRowContext(ctx, query, arg).Scan(scanFunc(func(v any) error {
		return eachListed(v, f)
	})))
}

// rowidSet is the rowids a group_concat(rowid) query lists below n, as a
// bitset.
func (tx *Tx) rowidSet(ctx context.Context, query, arg string, n int) ([]uint64, error) {
	set := make([]uint64, (n+63)/64)
	err := tx.eachRowid(ctx, query, arg, func(pk int64) {
		if pk >= 0 && pk < int64(n) {
			set[pk>>6] |= 1 << (pk & 63)
		}
	})
	return set, err
}

func hasBit(set []uint64, i int64) bool {
	return i >= 0 && i>>6 < int64(len(set)) && set[i>>6]&(1<<(i&63)) != 0
}
