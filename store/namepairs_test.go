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
	m0, m1 := foldedPairs.marker, exactPairs.marker
	for _, tt := range []struct{ names, want string }{
		{"Nguyễn Thị Thanh Tâm", "nguyen0tam nguyen0thanh nguyen0thi tam0thanh tam0thi thanh0thi " +
			"nguyễn1thanh nguyễn1thị nguyễn1tâm thanh1thị thanh1tâm thị1tâm"},
		{"Tran An tran an", "an0tran an1tran"}, // each pair once
		{"Lê  Hoà-Bình O'Neil", "binh0hoa binh0le binh0neil binh0o hoa0le hoa0neil hoa0o le0neil le0o neil0o " +
			"bình1hoà bình1lê bình1neil bình1o hoà1lê hoà1neil hoà1o lê1neil lê1o neil1o"},
		{"an an2 3 Bình", "an0binh an1bình"}, // words with digits pair with none
		{"An", ""},                           // one word, no pair
		{"", ""},
		{"Nguyễn ß", m0 + " " + m1},                       // the tokenizer decides the words of other letters
		{"Ana Ｂinh", m0 + " " + m1},                       // a full-width letter
		{"an bi\u0301nh", "an0binh an1bính"},              // composed as typed
		{"an b\u0301inh", "an0binh " + m1},                // a mark left over as typed
		{"Đặng đức", "dang0duc đặng1đức"},                 // đ
		{strings.Repeat("ab ", 20) + "cd", "ab0cd ab1cd"}, // many of the same word
		{"a b c d e f g h i j k l m", m0 + " " + m1},      // 13 words
		{"a b c d e f g h i j k l", strings.Join(twelvePairs("0"), " ") + " " + strings.Join(twelvePairs("1"), " ")},
	} {
		if got := namePairs(vntext.Fold(tt.names), vntext.Lower(tt.names)); got != tt.want {
			t.Errorf("namePairs(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

// TestVietnameseLowerIsEveryLetter: every vowel with every tone, and đ,
// typed in either case, composed or not, pairs as typed.
func TestVietnameseLowerIsEveryLetter(t *testing.T) {
	n := 0
	for _, base := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			for _, typed := range []string{base + tone, strings.ToUpper(base) + tone} {
				if r := []rune(vntext.Lower(typed)); len(r) != 1 || !isVietnameseLower(r[0]) {
					t.Errorf("%q as typed is %q, not a letter pairs hold", typed, string(r))
				}
			}
			n++
		}
	}
	// Less the six vowels of ASCII, and đ.
	if !isVietnameseLower('đ') || !isVietnameseLower([]rune(vntext.Lower("Đ"))[0]) || n-6+1 != len([]rune(vietnameseLower)) {
		t.Errorf("vietnameseLower holds %d letters beyond ASCII, want %d and đ", len([]rune(vietnameseLower)), n-6)
	}
}

func twelvePairs(sep string) []string {
	var out []string
	for a := 'a'; a <= 'l'; a++ {
		for b := a + 1; b <= 'l'; b++ {
			out = append(out, string(a)+sep+string(b))
		}
	}
	return out
}

// namesTestWords make names and queries: common words and rare, words
// that pairs leave out (digits, letters beyond ASCII after folding, marks)
// and the starts of one another (an, anh; tha, thanh, thao).
var namesTestWords = []string{"Nguyễn", "Thị", "Văn", "Trần", "An", "Anh", "Thanh", "Thảo", "Tâm", "Hòa",
	"Lê", "Đào", "Bình", "Hoa", "II", "2", "Jean-Pierre", "O'Neil"}

var namesTestOdd = []string{"Straße", "Ж", "Ngu\u0301yen", "Nguyễn\u200bThị"}

// namesMatching finds the rowids of people_names that match an FTS5 query.
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
// asked by words, in both spellings, and returns the folded query by pairs.
func compareNamesQuery(t *testing.T, db *DB, query string) string {
	t.Helper()
	ctx := context.Background()
	terms := searchTerms(query)
	if len(terms) == 0 || len(terms) > MaxSearchTerms {
		return ""
	}
	var folded string
	foldedTerms, exactTerms := spellTerms(terms)
	for _, sp := range []struct {
		s     pairSpelling
		terms []string
	}{{foldedPairs, foldedTerms}, {exactPairs, exactTerms}} {
		err := db.read(ctx, func(tx *Tx) error {
			gen, err := tx.searchIndexKey(ctx)
			if err != nil {
				return err
			}
			w, err := tx.wordsOf(ctx, sp.terms, gen)
			if err != nil {
				return err
			}
			pairs, _, err := tx.namesQuery(ctx, w, sp.s)
			if err != nil {
				return err
			}
			if sp.s.column == foldedPairs.column {
				folded = pairs
			}
			want, err := tx.namesMatching(ctx, w.query(sp.s.column))
			if err != nil && strings.Contains(err.Error(), "phrase queries are not supported") {
				return nil // a letter FTS5 does not know: SearchPeople says so
			}
			if err != nil {
				return fmt.Errorf("by words: %v", err)
			}
			got, err := tx.namesMatching(ctx, pairs)
			if err != nil {
				return fmt.Errorf("by pairs %s: %v", pairs, err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q in %s: by pairs %v, by words %v\n%s", query, sp.s.column, got, want, pairs)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
	}
	return folded
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
			"hoa an", "jean pierre", "o neil an", "ii an", "2 an", "an 2", "straße an", "stra an", "e an thi", "nguyen ж", "nguyen thi", "van an thi",
			"Nguyễn Thị Thanh Tâm", "nguyễn th", "Đào an", "tâm thị", "thị t", "nguyễn thi", "ngu\u0301yen an"}
		for range 150 {
			var q []string
			for range 1 + r.IntN(4) {
				w := []rune(vntext.Fold(words[r.IntN(len(words))]))
				if r.IntN(2) == 0 {
					w = []rune(vntext.Lower(words[r.IntN(len(words))]))
				}
				if r.IntN(3) == 0 {
					w = w[:1+r.IntN(len(w))]
				}
				q = append(q, string(w))
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
	if got := compareNamesQuery(t, db, "nguyen thi thanh tam"); !strings.Contains(got, `name_pairs : "nguyen0tam"`) || strings.Contains(got, `"`+foldedPairs.marker+`"`) {
		t.Errorf("nguyen thi thanh tam: %s, want pairs and no marked names", got)
	}

	createNamed(t, db, r, append(namesTestOdd, namesTestWords...), 100, 14)
	if got := compareNamesQuery(t, db, "nguyen thi thanh tam"); !strings.Contains(got, `name_pairs : "`+foldedPairs.marker+`"`) {
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
