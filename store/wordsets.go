package store

import (
	"bytes"
	"context"
	"math/bits"
	"slices"
	"strconv"
	"sync"
)

// The count of a search's matches from the index's doclists kept in
// memory. A search without a filter counts its matches for total_size with
// FTS5 (searchCountSQL), which walks the whole doclist of each of its
// words: the words of Vietnamese names are few and common (nguyen, thi,
// van, minh), so the count was 39 % of a search's CPU at 100,000 people,
// 4 ms for "pham minh khoa" (issue 19). wordSets holds the matches of each
// word a count asked for as a bitset of rowids, and counts a query's AND
// of them in microseconds, for as long as the index is the one they were
// read from. The names band (namesInOrder) takes its matches the same way
// from a second wordSets, of the index of names (namesSets): FTS5 stepped
// the pairs' doclists in full, a fifth of a search's CPU at a million.
//
// Validity: the sets are read from the index inside the reader's
// transaction, and are used only by a transaction that sees the same
// FTS5 structure record and averages record (wordSetsKeySQL). FTS5
// rewrites both in the transaction of every change to the index: each
// flush of written documents makes a new segment and counts it in the
// structure's write counter; a delete (contentless_delete) adds a
// tombstone and lowers the averages' row count; a merge or an optimize
// rewrites the structure. So the writer moves this generation with every
// change, by whatever path (a create, a bulk load, a purge, a rebuild),
// without a statement of ours in it. The index of names is written only
// in the transactions that write people_search (writeSearchDocument, the
// bulk load, a purge, optimizeSearchIndexes), so its sets go by the same
// key.
//
// Bounds: a count runs only at exactCountLimit people or fewer
// (listing.sizeSQL), so a count's set is at most about 12.5 KB; a set of
// names is 125 KB at a million people. wordSetsBytes bounds each
// wordSets, least recently used first out; the sets are bits, which the
// collector does not scan. A generation's sets are read only once it has
// served wordSetsAfter counts or bands by FTS5, so that a registry written
// between every few searches pays for few sets it would not reuse.

// wordSetsKeySQL reads what identifies the state of people_search's index:
// its averages (id 1) and structure (id 10) records, FTS5's
// FTS5_AVERAGES_ROWID and FTS5_STRUCTURE_ROWID.
const wordSetsKeySQL = `SELECT
	COALESCE((SELECT block FROM people_search_data WHERE id = 1), X''),
	COALESCE((SELECT block FROM people_search_data WHERE id = 10), X'')`

// setIndex is where a wordSets reads its words' matches: an index of the
// search, and the columns of it a word is matched in.
type setIndex struct{ table, columns string }

var (
	// searchSets are a count's words: searchListing's mArg.
	searchSets = setIndex{table: "people_search", columns: "name_folded other_folded"}
	// namesSets are the names band's words without diacritics: its
	// pairs query finds the names that hold them all (namesQuery).
	namesSets = setIndex{table: "people_names", columns: "name_folded"}
)

var (
	// wordSetsBytes bounds the memory of the sets (a variable for tests).
	wordSetsBytes = 16 << 20
	// wordSetsAfter is how many counts a generation serves by FTS5 before
	// its sets are read: reading a word's set costs 4 to 10 times its
	// FTS5 count (13.9 against 1.3 ms for the four words of "nguyen thi
	// thanh tam" at 100,000 people), so a registry written between every
	// few searches keeps counting by FTS5 (a variable for tests).
	wordSetsAfter = 16
)

// wordSetMaxRowid is the largest rowid a set holds; an index with a larger
// one is counted by FTS5 (a count runs at exactCountLimit people or fewer).
const wordSetMaxRowid = 1 << 22

// wordSets is the sets of one generation of the index.
type wordSets struct {
	index setIndex
	mu    sync.Mutex
	key   []byte
	seen  int
	sets  map[string]*wordSet
	bytes int
	tick  uint64
	// reading is the words whose sets a reader is reading: the others
	// count by FTS5 meanwhile rather than read the same set at once.
	reading map[string]bool
	// starts is the index's words that each start of a word asked for
	// begins (wordsStarting), of the same generation: a search's last
	// word is resolved by a seek in the term list for each word it may
	// be (10 % of a search's CPU, BENCHMARKS.md, twenty-sixth pass).
	starts map[string][]string
}

// startsMost bounds how many starts of words are remembered.
const startsMost = 4096

// wordSet is the rowids of the documents that hold a word in the columns
// of its index, as a bitset.
type wordSet struct {
	bits []uint64
	n    int // documents
	used uint64
}

func (s *wordSet) has(id int64) bool { return hasBit(s.bits, id) }

// countWords counts the matches of w in searchSets, less the unlisted, as
// searchCountSQL does with w.query(searchSets.columns). ok is false when it
// cannot (groupsOf): the caller counts by FTS5.
func (ws *wordSets) countWords(ctx context.Context, tx *Tx, w ftsWords) (n int, ok bool, err error) {
	groups, ok, err := ws.groupsOf(ctx, tx, w)
	if err != nil || !ok {
		return 0, false, err
	}
	unlisted, _, err := tx.unlistedPKs(ctx, -1)
	if err != nil {
		return 0, false, err
	}
	return countAnd(groups, unlisted), true, nil
}

// groupsOf returns the sets of w's words in ws.index, one group for each
// word a match holds: every whole word, and the last's starts together.
// ok is false when it cannot (a start of a word asked for as a prefix, a
// generation not yet reused, a set over the memory's bound, a word FTS5
// refuses): the caller asks FTS5, which answers, or says what is wrong.
func (ws *wordSets) groupsOf(ctx context.Context, tx *Tx, w ftsWords) (groups []*wordSet, ok bool, err error) {
	if len(w.starts) == 0 {
		return nil, false, nil
	}
	key := w.gen
	if key == nil {
		var err error
		if key, err = tx.searchIndexKey(ctx); err != nil {
			return nil, false, err
		}
	}
	words := append(append([]string(nil), w.whole...), w.starts...)
	sets, missing := ws.lookUp(key, words)
	if sets == nil {
		return nil, false, nil
	}
	if len(missing) > 0 {
		defer ws.done(missing)
	}
	for _, word := range missing {
		s, err := tx.readWordSet(ctx, ws.index, word)
		if err != nil || s == nil {
			return nil, false, nil
		}
		sets[word] = s
		ws.keep(key, word, s)
	}
	groups = make([]*wordSet, 0, len(w.whole)+1)
	for _, word := range w.whole {
		groups = append(groups, sets[word])
	}
	last := sets[w.starts[0]]
	if len(w.starts) > 1 {
		last = unionSets(sets, w.starts)
	}
	// The fewest first: eachAnd stops at the first group a word of bits
	// has none of.
	groups = append(groups, last)
	slices.SortFunc(groups, func(a, b *wordSet) int { return a.n - b.n })
	return groups, true, nil
}

// lookUp returns the sets of words held for the generation key, and the
// words it holds none for; nil sets when none are to be read.
func (ws *wordSets) lookUp(key []byte, words []string) (sets map[string]*wordSet, missing []string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.at(key)
	ws.seen++
	ws.tick++
	sets = make(map[string]*wordSet, len(words))
	for _, word := range words {
		if s, ok := ws.sets[word]; ok {
			s.used = ws.tick
			sets[word] = s
		} else if !slicesContains(missing, word) {
			missing = append(missing, word)
		}
	}
	if len(missing) > 0 && ws.seen <= wordSetsAfter {
		return nil, nil
	}
	for _, word := range missing {
		if ws.reading[word] {
			return nil, nil
		}
	}
	if len(missing) > 0 && ws.reading == nil {
		ws.reading = map[string]bool{}
	}
	for _, word := range missing {
		ws.reading[word] = true
	}
	return sets, missing
}

// at makes key the generation held, forgetting another's; ws.mu is held.
func (ws *wordSets) at(key []byte) {
	if !bytes.Equal(ws.key, key) {
		ws.key, ws.seen, ws.sets, ws.bytes, ws.starts = key, 0, nil, 0, nil
		// Readers of the generation before drop what they read (keep).
		ws.reading = nil
	}
}

// searchIndexKey reads what identifies the state of the search index in
// tx (wordSetsKeySQL).
func (tx *Tx) searchIndexKey(ctx context.Context) ([]byte, error) {
	var idx, avg []byte
	if err := tx.QueryRowContext(ctx, wordSetsKeySQL).Scan(&avg, &idx); err != nil {
		return nil, dbError(err)
	}
	return append(append(append([]byte(nil), avg...), 0xff), idx...), nil
}

// startsOf is tx.wordsStarting(prefix) of the generation key, remembered.
// The words returned are shared: callers do not change them.
func (ws *wordSets) startsOf(ctx context.Context, tx *Tx, key []byte, prefix string) ([]string, error) {
	ws.mu.Lock()
	ws.at(key)
	words, ok := ws.starts[prefix]
	ws.mu.Unlock()
	if ok {
		return words, nil
	}
	words, err := tx.wordsStarting(ctx, prefix)
	if err != nil {
		return nil, err
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if bytes.Equal(ws.key, key) {
		if ws.starts == nil || len(ws.starts) >= startsMost {
			ws.starts = map[string][]string{}
		}
		ws.starts[prefix] = words
	}
	return words, nil
}

// done ends the reading of the sets of words.
func (ws *wordSets) done(words []string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, word := range words {
		delete(ws.reading, word)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// keep holds s as word's set of generation key, within wordSetsBytes.
func (ws *wordSets) keep(key []byte, word string, s *wordSet) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if !bytes.Equal(ws.key, key) {
		return
	}
	size := 8 * len(s.bits)
	if size > wordSetsBytes {
		return
	}
	if ws.sets == nil {
		ws.sets = map[string]*wordSet{}
	}
	if old, ok := ws.sets[word]; ok {
		ws.bytes -= 8 * len(old.bits)
	}
	for ws.bytes+size > wordSetsBytes {
		var lru string
		var used uint64
		for w, o := range ws.sets {
			if lru == "" || o.used < used {
				lru, used = w, o.used
			}
		}
		ws.bytes -= 8 * len(ws.sets[lru].bits)
		delete(ws.sets, lru)
	}
	s.used = ws.tick
	ws.sets[word] = s
	ws.bytes += size
}

// readWordSet reads the documents that hold word in idx, nil when a rowid
// is beyond wordSetMaxRowid. FTS5 hands SQLite the rowids;
// group_concat turns them into one value, a tenth of the CPU of a row each
// through database/sql.
func (tx *Tx) readWordSet(ctx context.Context, idx setIndex, word string) (*wordSet, error) {
	var s *wordSet
	q := ftsWords{last: word, starts: []string{word}}.query(idx.columns)
	err := tx.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM `+idx.table+` WHERE `+idx.table+` MATCH ?`, q).Scan(scanFunc(func(v any) error {
		b, _ := v.([]byte)
		if str, ok := v.(string); ok {
			b = []byte(str)
		}
		var err error
		s, err = parseWordSet(b)
		return err
	}))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// scanFunc is a sql.Scanner of a function.
type scanFunc func(v any) error

func (f scanFunc) Scan(v any) error { return f(v) }

// parseWordSet reads group_concat's list of rowids; nil for one beyond
// wordSetMaxRowid.
func parseWordSet(list []byte) (*wordSet, error) {
	s := &wordSet{}
	for len(list) > 0 {
		end := bytes.IndexByte(list, ',')
		if end < 0 {
			end = len(list)
		}
		id, err := strconv.ParseInt(string(list[:end]), 10, 64)
		if err != nil {
			return nil, err
		}
		if id < 0 || id > wordSetMaxRowid {
			return nil, nil
		}
		i := int(id >> 6)
		if i >= len(s.bits) {
			s.bits = append(s.bits, make([]uint64, i+1-len(s.bits))...)
		}
		if s.bits[i]&(1<<(id&63)) == 0 {
			s.n++
		}
		s.bits[i] |= 1 << (id & 63)
		if end == len(list) {
			break
		}
		list = list[end+1:]
	}
	s.bits = s.bits[:len(s.bits):len(s.bits)]
	return s, nil
}

// unionSets is the set of the documents that hold any of words.
func unionSets(sets map[string]*wordSet, words []string) *wordSet {
	n := 0
	for _, w := range words {
		n = max(n, len(sets[w].bits))
	}
	u := &wordSet{bits: make([]uint64, n)}
	for _, w := range words {
		for i, b := range sets[w].bits {
			u.bits[i] |= b
		}
	}
	for _, b := range u.bits {
		u.n += bits.OnesCount64(b)
	}
	return u
}

// countAnd counts the documents in every group, less those of unlisted.
func countAnd(groups []*wordSet, unlisted []int64) int {
	n := len(groups[0].bits)
	for _, g := range groups[1:] {
		n = min(n, len(g.bits))
	}
	count := 0
	for i := 0; i < n; i++ {
		x := groups[0].bits[i]
		for _, g := range groups[1:] {
			x &= g.bits[i]
		}
		count += bits.OnesCount64(x)
	}
	for _, pk := range unlisted {
		in := true
		for _, g := range groups {
			if !g.has(pk) {
				in = false
				break
			}
		}
		if in {
			count--
		}
	}
	return count
}

// eachAnd calls f with each document in every group, in rowid order.
func eachAnd(groups []*wordSet, f func(int64)) {
	n := len(groups[0].bits)
	for _, g := range groups[1:] {
		n = min(n, len(g.bits))
	}
	for i := 0; i < n; i++ {
		x := groups[0].bits[i]
		for _, g := range groups[1:] {
			if x == 0 {
				break
			}
			x &= g.bits[i]
		}
		for ; x != 0; x &= x - 1 {
			f(int64(i)<<6 | int64(bits.TrailingZeros64(x)))
		}
	}
}
