package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

func TestNamePairs(t *testing.T) {
	for _, tt := range []struct{ folded, want string }{
		{"nguyen thi thanh tam", "nguyen0tam nguyen0thanh nguyen0thi tam0thanh tam0thi thanh0thi"},
		{"tran an tran an", "an0tran"}, // each pair once
		{"le  hoa-binh o'neil", "binh0hoa binh0le binh0neil binh0o hoa0le hoa0neil hoa0o le0neil le0o neil0o"},
		{"an an2 3 binh", "an0binh"}, // words with digits pair with none
		{"an", ""},                   // one word, no pair
		{"", ""},
		{"nguyen ß", pairMarker}, // not ASCII: the tokenizer decides its words
		{"an b\u0301inh", pairMarker},
		{strings.Repeat("ab ", 20) + "cd", "ab0cd"}, // many of the same word
		{"a b c d e f g h i j k l m", pairMarker},   // 13 words
		{"a b c d e f g h i j k l", "a0b a0c a0d a0e a0f a0g a0h a0i a0j a0k a0l " +
			"b0c b0d b0e b0f b0g b0h b0i b0j b0k b0l c0d c0e c0f c0g c0h c0i c0j c0k c0l " +
			"d0e d0f d0g d0h d0i d0j d0k d0l e0f e0g e0h e0i e0j e0k e0l f0g f0h f0i f0j f0k f0l " +
			"g0h g0i g0j g0k g0l h0i h0j h0k h0l i0j i0k i0l j0k j0l k0l"},
	} {
		if got := namePairs(tt.folded); got != tt.want {
			t.Errorf("namePairs(%q) = %q, want %q", tt.folded, got, tt.want)
		}
	}
}

// namesTestWords make names and queries: common words and rare, words
// that pairs leave out (digits, letters beyond ASCII after folding, marks)
// and the starts of one another (an, anh; tha, thanh, thao).
var namesTestWords = []string{"Nguyễn", "Thị", "Văn", "Trần", "An", "Anh", "Thanh", "Thảo", "Tâm", "Hòa",
	"Lê", "Đào", "Bình", "Hoa", "II", "2", "Jean-Pierre", "O'Neil"}

var namesTestOdd = []string{"Straße", "Ж", "Ngu\u0301yen", "Nguyễn\u200bThị"}

// names finds the rowids of people_names that match an FTS5 query.
func (tx *Tx) namesMatching(ctx context.Context, query string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rowid FROM people_names WHERE people_names MATCH ? ORDER BY rowid`, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, err
		}
		out = append(out, pk)
	}
	return out, rows.Err()
}

// compareNamesQuery checks that a query's names asked by pairs are those
// asked by words, and returns the query by pairs.
func compareNamesQuery(t *testing.T, db *DB, query string) string {
	t.Helper()
	ctx := context.Background()
	terms := searchTerms(query)
	if len(terms) == 0 || len(terms) > MaxSearchTerms {
		return ""
	}
	var pairs string
	err := db.read(ctx, func(tx *Tx) error {
		w, err := tx.wordsOf(ctx, mapTerms(terms, vntext.Fold))
		if err != nil {
			return err
		}
		if pairs, err = tx.namesQuery(ctx, w); err != nil {
			return err
		}
		want, err := tx.namesMatching(ctx, w.query("name_folded"))
		if err != nil {
			return fmt.Errorf("by words: %v", err)
		}
		got, err := tx.namesMatching(ctx, pairs)
		if err != nil {
			return fmt.Errorf("by pairs %s: %v", pairs, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: by pairs %v, by words %v\n%s", query, got, want, pairs)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	return pairs
}

// createNamed registers n people with names of words, display names of
// up to display words.
func createNamed(t testing.TB, db *DB, r *rand.Rand, words []string, n, display int) {
	t.Helper()
	pick := func(k int) string {
		var out []string
		for range k {
			out = append(out, words[r.IntN(len(words))])
		}
		return strings.Join(out, " ")
	}
	for range n {
		p := &pb.Person{FamilyName: pick(1), MiddleName: pick(r.IntN(3)), GivenName: pick(1)}
		if r.IntN(4) == 0 {
			p.DisplayName = pick(1 + r.IntN(display))
		}
		if _, err := db.CreatePerson(context.Background(), p, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNamesQueryFindsTheSameNames: asked by pairs, the index of names
// answers what it answers asked by words, for names with and without the
// words that pairs leave out, whichever word anchors, before the words are
// counted and after.
func TestNamesQueryFindsTheSameNames(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	queries := func(words []string) []string {
		qs := []string{"nguyen thi thanh tam", "nguyen nguyen", "an an", "an", "thi th", "tha", "nguyen th", "t", "nguyen t",
			"hoa an", "jean pierre", "o neil an", "ii an", "2 an", "an 2", "straße an", "stra an", "e an thi", "nguyen ж", "nguyen thi", "van an thi"}
		for range 150 {
			var q []string
			for range 1 + r.IntN(4) {
				w := vntext.Fold(words[r.IntN(len(words))])
				if r.IntN(3) == 0 {
					w = w[:1+r.IntN(len(w))]
				}
				q = append(q, w)
			}
			qs = append(qs, strings.Join(q, " "))
		}
		return qs
	}

	createNamed(t, db, r, namesTestWords, 300, 4)
	for _, q := range queries(namesTestWords) {
		compareNamesQuery(t, db, q)
	}
	// Names of ASCII words only, few: pairs, uncounted anchored on the
	// last word, and no asking for marked names.
	if got := compareNamesQuery(t, db, "nguyen thi thanh tam"); !strings.Contains(got, `name_pairs : "nguyen0tam"`) || strings.Contains(got, pairMarker+`"`) {
		t.Errorf("nguyen thi thanh tam: %s, want pairs and no marked names", got)
	}

	createNamed(t, db, r, append(namesTestOdd, namesTestWords...), 100, 14)
	if got := compareNamesQuery(t, db, "nguyen thi thanh tam"); !strings.Contains(got, `name_pairs : "`+pairMarker+`"`) {
		t.Errorf("nguyen thi thanh tam: %s, want the marked names asked for by words", got)
	}
	// Counted, the words anchor on the rarest.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO people_names(rowid, name_exact, name_folded, name_pairs)
		VALUES (1000000, 'bính nguyễn', 'binh nguyen', 'binh0nguyen')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	var counted int
	if err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM name_word_counts WHERE word IN ('nguyen', 'thi')`).Scan(&counted); err != nil || counted != 2 {
		t.Fatalf("name_word_counts holds %d of nguyen and thi (%v), want both", counted, err)
	}
	for _, q := range queries(append(namesTestOdd, namesTestWords...)) {
		compareNamesQuery(t, db, q)
	}
	if got := compareNamesQuery(t, db, "nguyen thi binh"); !strings.Contains(got, `"binh0nguyen"`) || strings.Contains(got, `"nguyen0thi"`) {
		t.Errorf("nguyen thi binh: %s, want pairs with binh, the rarest", got)
	}
}

// FuzzNamesQuery: whatever the words, the index of names answers the
// same asked by pairs as by words.
func FuzzNamesQuery(f *testing.F) {
	for _, q := range []string{"nguyen thi thanh tam", "an an", "thi th", "t", "straße an", "2 an", "jean pierre", `a" OR "b`, "x\x00y"} {
		f.Add(q)
	}
	db := openTest(f)
	createNamed(f, db, rand.New(rand.NewPCG(3, 4)), append(namesTestOdd, namesTestWords...), 200, 14)
	f.Fuzz(func(t *testing.T, query string) {
		compareNamesQuery(t, db, query)
	})
}

// TestFullTextIndexesSecureDelete: a purge's deletes remove a person's
// words from both indexes, not mark them deleted (0031_name_pairs.sql put
// back what 0029 left out for people_search).
func TestFullTextIndexesSecureDelete(t *testing.T) {
	db := openTest(t)
	for _, fts := range []string{"people_search", "people_names"} {
		var v int
		if err := db.reader.QueryRowContext(context.Background(), `SELECT COALESCE((SELECT v FROM `+fts+`_config WHERE k = 'secure-delete'), 0)`).Scan(&v); err != nil || v != 1 {
			t.Errorf("%s: secure-delete %d (%v), want 1", fts, v, err)
		}
	}
}
