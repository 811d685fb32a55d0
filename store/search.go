package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// searchTerms splits a query into words as the index's tokenizer does:
// runs of letters, marks and digits.
func searchTerms(q string) []string {
	return strings.FieldsFunc(vntext.NFC(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// ftsWords is a query's words as one spelling of the index holds them
// (folded or as typed): every word but the last whole, and the last as the
// start of a word.
type ftsWords struct {
	whole []string
	last  string
	// starts, when known, are the index's words that last begins, asked
	// for by name: FTS5 answers a prefix by first merging the doclists of
	// every word it begins (0028_search_terms.sql).
	starts []string
	// gen identifies the state of the index the words were resolved in
	// (searchIndexKey), for the memory of its words (wordsets.go).
	gen []byte
}

// prefixWords is the most words the start of a word is asked for as. The
// start of more (one or two letters) is left to FTS5's prefix query.
const prefixWords = 16

// wordsOf spells a query's words for the index, the last as the words of
// the index that it begins.
func (tx *Tx) wordsOf(ctx context.Context, terms []string, gen []byte) (ftsWords, error) {
	w := ftsWords{whole: terms[:len(terms)-1], last: terms[len(terms)-1], gen: gen}
	starts, err := tx.db.wordSets.startsOf(ctx, tx, gen, w.last)
	w.starts = starts
	return w, err
}

// wordsStarting returns the words of the search index that begin with
// prefix, in order, or nil when there are none or more than prefixWords.
// Each is a seek in the index's term list: the first word at or after
// the end of the one before ("\x01" sorts before every letter).
func (tx *Tx) wordsStarting(ctx context.Context, prefix string) ([]string, error) {
	var words []string
	from := prefix
	for len(words) <= prefixWords {
		var w string
		err := tx.QueryRowContext(ctx, `SELECT term FROM people_search_words WHERE term >= ? LIMIT 1`, from).Scan(&w)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(w, prefix) {
			break
		}
		if err != nil {
			return nil, dbError(err)
		}
		words = append(words, w)
		from = w + "\x01"
	}
	if len(words) > prefixWords {
		return nil, nil
	}
	return words, nil
}

// query is an FTS5 query for every word on the given columns.
func (w ftsWords) query(columns string) string {
	var b strings.Builder
	b.WriteString("{" + columns + "} : (")
	// AND, not FTS5's implicit AND, which joins phrases but not groups.
	for _, t := range w.whole {
		b.WriteString(ftsQuote(t) + " AND ")
	}
	if len(w.starts) == 0 {
		b.WriteString(ftsQuote(w.last) + "*")
	} else {
		b.WriteByte('(')
		for i, t := range w.starts {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(ftsQuote(t))
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// ftsNot is an FTS5 query for the matches of the first query that match
// none of the others.
func ftsNot(query string, not ...string) string {
	out := "(" + query + ")"
	for _, n := range not {
		out += " NOT (" + n + ")"
	}
	return out
}

func mapTerms(terms []string, f func(string) string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = f(t)
	}
	return out
}

// SearchQuery is a SearchPeople request.
type SearchQuery struct {
	Query string
	// NamesOnly finds the words in names alone, for a role that reads
	// basic views only: the rest of the index holds what only a FULL view
	// shows (qualifications, past positions, honours, works).
	NamesOnly bool
	ListQuery
}

// restPairsMost is the most names the anchor of a search's pairs may be in
// for its rest band to leave the named out by the pairs: SQLite reads
// every name they find before the rest's first row, where the FTS5 NOT
// reads the doclists only as far as the page needs. The harness's full
// names at 100,000 people anchor on words of 294 to 1,959 names, whose
// rest reads through at about 0.3 ms less; "nguyen van", anchored on
// "van" (11,962), whose rest fills its page at once, took 0.9 ms in
// place of 0.1 by pairs (BENCHMARKS.md, issue 19). (A variable for tests.)
var restPairsMost int64 = 2500

// MaxSearchTerms bounds the words of a query.
const MaxSearchTerms = 12

// SearchPeople finds people by free text over their names and what their
// profiles say, typed with or without diacritics, combined with a filter.
// Results are ranked: the words as typed in a name first, then the words
// without diacritics in a name, then as typed anywhere, then the rest; within
// a rank, in Vietnamese name order. People carry the etag and update_time
// q.Shown sees (holdings.go).
func (db *DB) SearchPeople(ctx context.Context, q SearchQuery, view pb.PersonView) ([]*pb.Person, Page, error) {
	people, page, err := db.listPeopleShown(ctx, view, q.Shown, func(tx *Tx) (listing, error) { return tx.searchListing(ctx, q) })
	var e *Error
	if errors.As(err, &e) && e.Code == Internal && e.Err != nil && strings.Contains(e.Err.Error(), "phrase queries are not supported") {
		// A word holding a letter that SQLite's Unicode tables, older
		// than Go's, do not take for one is two words to FTS5, which
		// this index (no positions) cannot ask for together
		// (TestSearchWordsFTS5Splits).
		return nil, Page{}, errorf(Invalid, "query", "a word holds a character the search does not know; type the letters on either side as separate words")
	}
	return people, page, err
}

// spellTerms spells a query's words as the index holds them: without
// diacritics, and as typed in lower case with tone marks where
// vntext.Canonical puts them, so that Hòa typed is Hoà stored. Marks that compose with no
// letter before them are left out of the words as typed: FTS5 splits
// words at some of them (U+0342), and two words in one phrase are more
// than an index without positions can answer.
func spellTerms(terms []string) (folded, exact []string) {
	folded = mapTerms(terms, vntext.Fold)
	exact = mapTerms(terms, func(t string) string {
		return vntext.Canonical(strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, t))
	})
	return folded, exact
}

// searchListing resolves a SearchPeople query to SQL.
func (tx *Tx) searchListing(ctx context.Context, q SearchQuery) (listing, error) {
	terms := searchTerms(q.Query)
	switch {
	case len(terms) == 0:
		return listing{}, errorf(Invalid, "query", "required: some words to search for, e.g. a name, a major or a workplace")
	case len(terms) > MaxSearchTerms:
		return listing{}, errorf(Invalid, "query", "at most %d words; narrow the search with a filter instead", MaxSearchTerms)
	}
	if q.OrderBy != "" {
		return listing{}, errorf(Invalid, "order_by", "search results are ordered by relevance; use ListPeople to order by a field")
	}
	size, err := pageSize(q.PageSize)
	if err != nil {
		return listing{}, err
	}
	foldedTerms, exactTerms := spellTerms(terms)
	accented := !slices.Equal(foldedTerms, exactTerms)
	gen, err := tx.searchIndexKey(ctx)
	if err != nil {
		return listing{}, err
	}
	folded, err := tx.wordsOf(ctx, foldedTerms, gen)
	if err != nil {
		return listing{}, err
	}

	// The score depends on each person's own text only, not on the rest of
	// the index, so that it does not change while someone pages through.
	// People whose names hold every word score 2 or more, in Vietnamese
	// name order, and are read first (from the small index of names). The
	// rest of the matches, often a hundred times as many, score 1 or 0 and
	// are read only when a page goes past the names, in the order they
	// were registered: the index's own order, so that their page stops at
	// its LIMIT (ordering a hundred thousand matches by name for a page was
	// most of a broad search's CPU, issue 19). They are asked of
	// people_search alone, leaving out the named by its columns of names.
	const (
		m  = `m(pk) AS (SELECT rowid FROM people_search WHERE people_search MATCH ?)`
		nf = `nf(pk) AS (SELECT rowid FROM people_names WHERE people_names MATCH ?)`
		ne = `ne(pk) AS (SELECT rowid FROM people_names WHERE people_names MATCH ?)`
		ae = `ae(pk) AS (SELECT rowid FROM people_search WHERE people_search MATCH ?)`
		// rest is a band of the rest; its sk, the same for every row,
		// stands for the name order's key in page tokens.
		rest = `hits(pk, score, sk) AS (SELECT rowid, %d, X'' FROM people_search WHERE people_search MATCH ?)`
		// restPaired is rest leaving out the named by the names band's
		// own query of pairs, when it has one anchored on a word of at
		// most restPairsMost names, rather than by an FTS5 NOT on
		// people_search's columns of names, which read the doclists of
		// the query's words there a second time (issue 19: a quarter of
		// the rest band's CPU for a full name).
		restPaired = `hits(pk, score, sk) AS (SELECT rowid, %d, X'' FROM people_search WHERE people_search MATCH ?
			AND rowid NOT IN (SELECT rowid FROM people_names WHERE people_names MATCH ?))`
	)
	restTerms := []orderTerm{
		{sortKey: sortKey{expr: "h.score", kind: kindInt}, desc: true},
		{sortKey: sortKey{expr: "h.sk", kind: kindBlob}},
		{sortKey: sortKey{expr: "h.pk", kind: kindInt}},
	}
	// The names band asks the index of names by pairs of words; the
	// others leave its names out by the same pairs (restBand), or by
	// their words in people_search, which holds no pairs.
	mArg, nfArg := folded.query("name_folded other_folded"), folded.query("name_folded")
	namesArg, anchor, err := tx.namesQuery(ctx, folded, foldedPairs)
	if err != nil {
		return listing{}, err
	}
	// restBand is a band of the rest, score, of the matches of query
	// that are not named.
	restBand := func(score int, query string) band {
		if anchor >= 0 && anchor <= restPairsMost {
			return band{with: fmt.Sprintf(restPaired, score), withArgs: []any{query, namesArg}, terms: restTerms}
		}
		return band{with: fmt.Sprintf(rest, score), withArgs: []any{ftsNot(query, nfArg)}, terms: restTerms}
	}
	names := namesBand{names: namesArg, words: folded}
	bands := []band{
		// The names band's score, 2, is namesInOrder's.
		{with: nf + `, hits(pk, score) AS (SELECT pk, 2 FROM nf)`, withArgs: []any{namesArg}},
		restBand(0, mArg),
	}
	if accented {
		exact, err := tx.wordsOf(ctx, exactTerms, gen)
		if err != nil {
			return listing{}, err
		}
		// Words as typed in a name (which holds them anywhere too) 7, as
		// typed anywhere and without diacritics in a name 3, without
		// diacritics in a name 2, as typed elsewhere 1. SQLite reads ae,
		// the words as typed anywhere (12.8 ms of "Nguyễn Thị Thanh Tâm"
		// at a million people), only when a name needs it: none does
		// when every name found spells the words as typed (issue 19).
		neArg, _, err := tx.namesQuery(ctx, exact, exactPairs)
		if err != nil {
			return listing{}, err
		}
		aeArg := exact.query("name_exact other_exact")
		// The scores, 7, 3 and 2, are namesInOrder's.
		names = namesBand{names: namesArg, exact: neArg, typed: aeArg, words: folded}
		bands = []band{
			{with: nf + `, ` + ne + `, ` + ae + `, hits(pk, score) AS (SELECT pk, CASE WHEN pk IN ne THEN 7 ELSE 2 + (pk IN ae) END FROM nf)`,
				withArgs: []any{namesArg, neArg, aeArg}},
			restBand(1, aeArg),
			restBand(0, ftsNot(mArg, aeArg)),
		}
	}

	l := listing{
		with:     m + `, hits(pk, score) AS (SELECT pk, 0 FROM m)`,
		withArgs: []any{mArg},
		bands:    bands,
		// Only this index, not the wide people rows, holds what the
		// bands and the count read of a person (0026_search_narrow.sql);
		// the planner, which does not see that the index's condition
		// stands for personListed, would read the rows.
		from: "hits h JOIN people p INDEXED BY people_listed_sort ON p.pk = h.pk",
		// The count reads no sort key: the narrower index of the listed
		// (a quarter less CPU for a count of ten thousand matches).
		countFrom: "hits h JOIN people p INDEXED BY people_listed ON p.pk = h.pk",
		columns:   personColumns,
		where:     []string{personListed},
		terms: []orderTerm{
			{sortKey: sortKey{expr: "h.score", kind: kindInt}, desc: true},
			{sortKey: sortKey{expr: "p.sort_key", kind: kindBlob}},
			{sortKey: sortKey{expr: "p.pk", kind: kindInt}},
		},
		// "search2": tokens of the order before the rest's registration
		// order mean another row.
		query: queryChecksum("search2", strings.Join(foldedTerms, " "), strings.Join(exactTerms, " "), q.Filter),
		size:  size,
		token: q.PageToken,
		// Counting every match reads them all, which the page does not.
		sizeSQL: peopleSizeSQL,
		// A broad search's names band sorts thousands of matches.
		fetchKey:  "p.pk",
		fetchFrom: "people p",
	}
	if q.NamesOnly {
		l.with, l.withArgs, l.bands = bands[0].with, bands[0].withArgs, nil
		l.query = queryChecksum("names", string(l.query))
	}
	schema, err := tx.peopleSchema(ctx, q.Scope, q.Shown)
	if err != nil {
		return listing{}, err
	}
	if err := tx.addFilter(ctx, &l, q.Filter, schema); err != nil {
		return listing{}, err
	}
	if err := tx.limitToScope(ctx, &l, q.Scope); err != nil {
		return listing{}, err
	}
	if len(l.where) == 1 && len(l.args) == 0 {
		// Neither a filter nor a scope: the names band may take its page
		// by the ranks of name order in memory (nameorder.go) rather than
		// look up and sort every match.
		if q.NamesOnly {
			l.bands = []band{bands[0]}
		}
		l.bands[0].pick = func(ctx context.Context, tx *Tx, after []any, limit, keyAt int) ([]any, [][]any, bool, error) {
			return tx.namesInOrder(ctx, gen, names, after, limit, keyAt)
		}
	}
	if len(l.where) == 1 && len(l.args) == 0 && !q.NamesOnly {
		// Neither a filter nor a scope: of the people rows the count
		// needs only who is unlisted, usually a few. FTS5 counts its
		// matches, less those people, instead of each match being
		// looked up in people_listed (issue 19: 2.7 against 11.5 ms for
		// the 58,000 matches of "nguyen" at 100,000 people). When no one
		// is unlisted, FTS5 counts alone: the NOT IN's look-up of each
		// match, in an empty table, was 0.57 of the 4.5 ms of the 9,647
		// matches of "pham minh khoa".
		l.countQuery = searchCountSQL
		l.countArgs = []any{mArg}
		l.countWords = &folded
	}
	return l, nil
}

// searchCountSQL counts the listed matches of a search without a filter or
// a scope (TestSearchCountUnlisted).
const searchCountSQL = `SELECT CASE
	WHEN EXISTS (SELECT 1 FROM people p INDEXED BY people_unlisted WHERE ` + personUnlisted + `)
	THEN (SELECT COUNT(*) FROM people_search WHERE people_search MATCH ?1
		AND rowid NOT IN (SELECT p.pk FROM people p INDEXED BY people_unlisted WHERE ` + personUnlisted + `))
	ELSE (SELECT COUNT(*) FROM people_search WHERE people_search MATCH ?1) END`

// fieldNames returns the names, in Vietnamese and English, of the fields
// given by their resource names, for the search index.
func (tx *Tx) fieldNames(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		scheme, code, ok := strings.Cut(strings.TrimPrefix(n, "fields/"), "-")
		if !ok {
			continue
		}
		var vi, en string
		err := tx.QueryRowContext(ctx, `SELECT name_vi, name_en FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, code).Scan(&vi, &en)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, vi, en)
	}
	return out, nil
}
