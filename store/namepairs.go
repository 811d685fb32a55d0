package store

import (
	"context"
	"slices"
	"strings"

	"trithuc.gov.vn/trithuc/vntext"
)

// The index of names holds, beside each name's words, every pair of its
// words as one token: "nguyen0tam" for a name with the folded words
// nguyen and tam, the two in order and joined by a digit, which no word of
// a pair holds, and "nguyễn1tâm" for the words as typed. A name holds
// every word of a query exactly when it holds the pair of each word with
// any one of them, so a query anchors its pairs on its rarest word and
// reads doclists no longer than that word's, where asking for the words
// read the doclists of the common ones in full ("thi" in a fifth of the
// names; issue 19, 0031_name_pairs.sql).
//
// Pairs are made only of words of letters whose tokens FTS5's tokenizer
// makes as the Go code below does: the letters a to z, and for the words
// as typed the lower-case Vietnamese letters too. A name with anything
// else in its text than these and ASCII holds a marker instead of pairs,
// and a query asks for the marked names by their words (namesQuery).

// pairSpelling is how one spelling of names (a column of the index) is
// paired.
type pairSpelling struct {
	column string // the column of the words
	sep    string // joins the two words of a pair
	marker string // the pair token of a name whose pairs are not indexed
	letter func(r rune) bool
}

var (
	foldedPairs = pairSpelling{column: "name_folded", sep: "0", marker: "0", letter: isASCIILower}
	exactPairs  = pairSpelling{column: "name_exact", sep: "1", marker: "1", letter: isVietnameseLower}
)

func isASCIILower(r rune) bool { return 'a' <= r && r <= 'z' }

// vietnameseLower are the lower-case letters of Vietnamese beyond ASCII,
// in NFC, which FTS5 folds to themselves.
const vietnameseLower = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

func isVietnameseLower(r rune) bool {
	return isASCIILower(r) || r >= 0x80 && strings.ContainsRune(vietnameseLower, r)
}

// maxPairWords bounds the words a name pairs; a name with more (a long
// display name) is marked instead, so that a name adds at most 66 pairs
// a spelling.
const maxPairWords = 12

// namePairs is the text of a name's pairs for the index, from the folded
// and the lower-case text of its names.
func namePairs(folded, exact string) string {
	return strings.Join(append(foldedPairs.pairs(folded), exactPairs.pairs(exact)...), " ")
}

// pairs returns the pair tokens of a name's text in this spelling.
func (s pairSpelling) pairs(text string) []string {
	for _, r := range text {
		if r >= 0x80 && !s.letter(r) {
			return []string{s.marker}
		}
	}
	var words []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !s.letter(r) && !isASCIIAlnum(r) }) {
		if s.pairable(w) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	words = slices.Compact(words)
	if len(words) > maxPairWords {
		return []string{s.marker}
	}
	var out []string
	for i, a := range words {
		for _, c := range words[i+1:] {
			out = append(out, s.token(a, c))
		}
	}
	return out
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// pairable reports whether a word of the index is one that pairs hold.
func (s pairSpelling) pairable(w string) bool {
	for _, r := range w {
		if !s.letter(r) {
			return false
		}
	}
	return w != ""
}

// token is the token of the pair of two different pairable words.
func (s pairSpelling) token(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + s.sep + b
}

// ftsQuote quotes a word as an FTS5 string.
func ftsQuote(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// minWordCount is the fewest names a word is in for name_word_counts to
// count it; a word in fewer is rare enough to anchor any query, and the
// table holds no word that could tell a person apart.
const minWordCount = 20

// countNameWords counts anew the names that hold each common folded word,
// for namesQuery's choice of the rarest. It reads the whole index of
// names (1.2 s at a million people), so it runs when the planner's
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
// hold every word of w in spelling s, the same names as w.query(s.column)
// finds (TestNamesQueryFindsTheSameNames), asked by pairs where it can.
// The count it returns is how many names hold the word the pairs are
// anchored on (0 for a word too rare to be counted): the most the pairs
// can find, beside the few marked names; -1 when it asks for the words.
func (tx *Tx) namesQuery(ctx context.Context, w ftsWords, s pairSpelling) (string, int64, error) {
	words := w.query(s.column)
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
		return len(g) > 0 && !slices.ContainsFunc(g, func(t string) bool { return !s.pairable(t) })
	}
	var candidates []string
	pairGroups := 0
	for _, g := range groups {
		if isPairable(g) {
			pairGroups++
			candidates = append(candidates, mapTerms(g, vntext.Fold)...)
		}
	}
	if pairGroups < 2 {
		return words, -1, nil
	}
	counts, err := tx.nameWordCounts(ctx, candidates)
	if err != nil {
		return "", 0, err
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
			n += counts[vntext.Fold(t)]
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
			and = append(and, s.column+" : "+ftsQuote(w.last)+"*")
		case !isPairable(g):
			and = append(and, s.column+" : ("+strings.Join(mapTerms(g, ftsQuote), " OR ")+")")
		default:
			var or []string
			for _, a := range groups[anchor] {
				for _, t := range g {
					if a == t {
						or = append(or, s.column+" : "+ftsQuote(a))
					} else {
						or = append(or, "name_pairs : "+ftsQuote(s.token(a, t)))
					}
				}
			}
			and = append(and, "("+strings.Join(or, " OR ")+")")
		}
	}
	pairs := strings.Join(and, " AND ")
	var marked bool
	marker := "name_pairs : " + ftsQuote(s.marker)
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM people_names WHERE people_names MATCH ?)`, marker).
		Scan(&marked); err != nil {
		return "", 0, dbError(err)
	}
	if marked {
		pairs = "(" + pairs + ") OR (" + marker + " AND " + words + ")"
	}
	return pairs, least, nil
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
