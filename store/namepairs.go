package store

import (
	"context"
	"slices"
	"strings"
)

// The index of names holds, beside each name's words, every pair of its
// folded words as one token: "nguyen0tam" for a name with nguyen and tam,
// the two in order and joined by a digit, which no word of a pair holds.
// A name holds every word of a query exactly when it holds the pair of
// each word with any one of them, so a query anchors its pairs on its
// rarest word and reads doclists no longer than that word's, where asking
// for the words read the doclists of the common ones in full ("thi" in a
// fifth of the names; issue 19, 0031_name_pairs.sql).
//
// Pairs are made only of words that are runs of the letters a to z, in a
// name whose folded text is ASCII: there the Go code below splits words
// exactly as FTS5's tokenizer does. A name with anything else in its
// folded text holds pairMarker instead of pairs, and a query asks for the
// marked names by their words (namesQuery).

// pairMarker is the pair token of a name whose pairs are not indexed.
const pairMarker = "0"

// maxPairWords bounds the words a name pairs; a name with more (a long
// display name) is marked instead, so that a name adds at most 66 pairs.
const maxPairWords = 12

// namePairs is the text of a name's pairs for the index, from the folded
// text of its names.
func namePairs(folded string) string {
	for i := 0; i < len(folded); i++ {
		if folded[i] >= 0x80 {
			return pairMarker
		}
	}
	var words []string
	for _, w := range strings.FieldsFunc(folded, func(r rune) bool { return !isASCIIAlnum(r) }) {
		if pairable(w) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	words = slices.Compact(words)
	if len(words) > maxPairWords {
		return pairMarker
	}
	var b strings.Builder
	for i, a := range words {
		for _, c := range words[i+1:] {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pairToken(a, c))
		}
	}
	return b.String()
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// pairable reports whether a word of the index is one that pairs hold: a
// run of the letters a to z.
func pairable(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// pairToken is the token of the pair of two different pairable words.
func pairToken(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "0" + b
}

// ftsQuote quotes a word as an FTS5 string.
func ftsQuote(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// minWordCount is the fewest names a word is in for name_word_counts to
// count it; a word in fewer is rare enough to anchor any query, and the
// table holds no word that could tell a person apart.
const minWordCount = 20

// countNameWords counts anew the names that hold each common folded word,
// for namesQuery's choice of the rarest. It reads the whole index of
// names (seconds at a million people), so it runs when the planner's
// statistics are gathered; between, a query's choice may be stale, never
// its answer.
func (tx *Tx) countNameWords(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM name_word_counts`); err != nil {
		return dbError(err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO name_word_counts(word, people)
		SELECT term, doc FROM people_names_columns
		WHERE col = 'name_folded' AND doc >= ? AND term NOT GLOB '*[^a-z]*'`, minWordCount)
	return dbError(err)
}

// namesQuery is the FTS5 query of the index of names for the names that
// hold every word of w (folded), the same names as w.query("name_folded")
// finds (TestNamesQueryFindsTheSameNames), asked by pairs where it can.
func (tx *Tx) namesQuery(ctx context.Context, w ftsWords) (string, error) {
	words := w.query("name_folded")
	// Each group is a word the name must hold, any of its alternatives:
	// a whole word, or the words that the last begins; nil alternatives
	// for a start asked for as a prefix.
	var groups [][]string
	for _, t := range w.whole {
		if !slices.ContainsFunc(groups, func(g []string) bool { return len(g) == 1 && g[0] == t }) {
			groups = append(groups, []string{t})
		}
	}
	groups = append(groups, w.starts)
	isPairable := func(g []string) bool {
		return len(g) > 0 && !slices.ContainsFunc(g, func(t string) bool { return !pairable(t) })
	}
	var candidates []string
	pairGroups := 0
	for _, g := range groups {
		if isPairable(g) {
			pairGroups++
			candidates = append(candidates, g...)
		}
	}
	if pairGroups < 2 {
		return words, nil
	}
	counts, err := tx.nameWordCounts(ctx, candidates)
	if err != nil {
		return "", err
	}
	// The anchor: the pairable group in the fewest names, the later of
	// two alike: uncounted, the given name, last, is the likeliest rare.
	anchor, least := -1, int64(0)
	for i, g := range groups {
		if !isPairable(g) {
			continue
		}
		var n int64
		for _, t := range g {
			n += counts[t]
		}
		if anchor < 0 || n <= least {
			anchor, least = i, n
		}
	}
	var and []string
	for i, g := range groups {
		switch {
		case i == anchor:
		case g == nil:
			and = append(and, "name_folded : "+ftsQuote(w.last)+"*")
		case !isPairable(g):
			and = append(and, "name_folded : ("+strings.Join(mapTerms(g, ftsQuote), " OR ")+")")
		default:
			var or []string
			for _, a := range groups[anchor] {
				for _, t := range g {
					if a == t {
						or = append(or, "name_folded : "+ftsQuote(a))
					} else {
						or = append(or, "name_pairs : "+ftsQuote(pairToken(a, t)))
					}
				}
			}
			and = append(and, "("+strings.Join(or, " OR ")+")")
		}
	}
	pairs := strings.Join(and, " AND ")
	var marked bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM people_names WHERE people_names MATCH 'name_pairs : "`+pairMarker+`"')`).
		Scan(&marked); err != nil {
		return "", dbError(err)
	}
	if marked {
		pairs = "(" + pairs + ") OR (name_pairs : " + ftsQuote(pairMarker) + " AND " + words + ")"
	}
	return pairs, nil
}

// nameWordCounts returns how many names hold each of words that many do.
func (tx *Tx) nameWordCounts(ctx context.Context, words []string) (map[string]int64, error) {
	args := make([]any, len(words))
	for i, w := range words {
		args[i] = w
	}
	rows, err := tx.QueryContext(ctx, `SELECT word, people FROM name_word_counts WHERE word IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(words)), ", ")+`)`, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	counts := make(map[string]int64, len(words))
	for rows.Next() {
		var w string
		var n int64
		if err := rows.Scan(&w, &n); err != nil {
			return nil, dbError(err)
		}
		counts[w] = n
	}
	return counts, dbError(rows.Err())
}
