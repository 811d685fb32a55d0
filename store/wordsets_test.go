package store

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// wordSets counts every search as FTS5 does (searchCountSQL): random
// queries of common and rare words, with and without diacritics, the last
// word whole or begun, over people with and without majors, some deleted
// or restricted; and after each kind of change to the index, by our
// writes and by SQL of no store's path, its sets of the generation before
// are not used.
func TestWordSetsCountAsFTS5(t *testing.T) {
	defer func(after int) { wordSetsAfter = after }(wordSetsAfter)
	wordSetsAfter = 0
	db := openTest(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(19, 26))
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Pham", "Hoàng", "Huỳnh", "Thạch"}
	middles := []string{"Thị", "Văn", "Minh", "Thanh", "Quốc", "Thị Thanh", "", "Hoàng"}
	givens := []string{"Tâm", "Tám", "Khoa", "Khôi", "Lan", "Long", "Bảo", "Hân", "An", "Anh", "Hòa", "Thủy"}
	majors := []string{"", "", "Khoa học máy tính", "Tâm lý học", "Sư phạm Toán", "Luật", "Y khoa", "Văn học"}
	pick := func(s []string) string { return s[rnd.IntN(len(s))] }
	var names []string
	create := func() {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: pick(families), MiddleName: pick(middles), GivenName: pick(givens)}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
		if major := pick(majors); major != "" {
			if _, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC",
				Major: major, Year: 2001}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 150 {
		create()
	}
	vocab := strings.Fields(strings.Join(append(append(append(families, middles...), givens...), majors...), " "))
	vocab = append(vocab, "xyz", "nguyen", "thi", "tam", "khoa", "hoa", "thuy")
	var queries []string
	for range 120 {
		words := make([]string, 1+rnd.IntN(4))
		for i := range words {
			words[i] = pick(vocab)
		}
		if last := []rune(words[len(words)-1]); rnd.IntN(3) == 0 && len(last) > 1 {
			words[len(words)-1] = string(last[:1+rnd.IntN(len(last)-1)])
		}
		q := strings.Join(words, " ")
		if rnd.IntN(2) == 0 {
			q = strings.ToLower(q)
		}
		queries = append(queries, q)
	}
	queries = append(queries, "k", "t", "ng", "Nguyễn Thị Thanh Tâm", "pham minh khoa", "khoa hoc", "xyz abc")

	check := func(when string) {
		t.Helper()
		inMemory := 0
		for _, q := range queries {
			var want, got int
			var ok bool
			err := db.read(ctx, func(tx *Tx) error {
				l, err := tx.searchListing(ctx, SearchQuery{Query: q})
				if err != nil {
					return err
				}
				if l.countWords == nil {
					t.Fatalf("%q: no words to count", q)
				}
				s, args := l.countSQL()
				if err := tx.QueryRowContext(ctx, s, args...).Scan(&want); err != nil {
					return err
				}
				got, ok, err = db.wordSets.countWords(ctx, tx, *l.countWords)
				return err
			})
			if err != nil {
				t.Fatalf("%s, %q: %v", when, q, err)
			}
			if ok {
				inMemory++
				if got != want {
					t.Errorf("%s, %q: counted %d in memory, %d by FTS5", when, q, got, want)
				}
			}
		}
		if inMemory < len(queries)/2 {
			t.Errorf("%s: %d of %d queries counted in memory", when, inMemory, len(queries))
		}
	}
	check("created")
	check("created, the sets held")
	steps := []struct {
		name   string
		change func()
	}{
		{"more created", func() {
			for range 10 {
				create()
			}
		}},
		{"renamed", func() {
			renamePeople(ctx, t, db, names[:20], func(p *pb.Person) {
				p.GivenName, p.MiddleName = pick(givens), pick(middles)
			})
		}},
		{"deleted", func() { deletePeople(ctx, t, db, names[20:30]) }},
		{"restricted", func() { restrictBySQL(ctx, t, db) }},
		{"out of the index by SQL", func() {
			if _, err := db.writer.ExecContext(ctx, `DELETE FROM people_search WHERE rowid IN (SELECT pk FROM people WHERE pk % 5 = 1)`); err != nil {
				t.Fatal(err)
			}
		}},
		{"one document by SQL", func() {
			if _, err := db.writer.ExecContext(ctx, `INSERT INTO people_search(rowid, name_exact, name_folded, other_exact, other_folded)
				VALUES (100000, 'x', 'nguyen thi tam', 'y', 'khoa hoc')`); err != nil {
				t.Fatal(err)
			}
		}},
		{"optimized", func() {
			if err := db.write(ctx, false, nil, func(tx *Tx) error { return tx.optimizeSearchIndexes(ctx) }); err != nil {
				t.Fatal(err)
			}
		}},
	}
	key := func() string {
		var avg, idx []byte
		if err := db.reader.QueryRowContext(ctx, wordSetsKeySQL).Scan(&avg, &idx); err != nil {
			t.Fatal(err)
		}
		return string(avg) + "\xff" + string(idx)
	}
	for _, s := range steps {
		before := key()
		s.change()
		// Each change of the index moves the generation by itself;
		// deleting or restricting someone changes no document (the
		// unlisted are read at each count).
		if moved := key() != before; moved != (s.name != "restricted" && s.name != "deleted") {
			t.Errorf("%s: the generation moved: %v", s.name, moved)
		}
		check(s.name)
	}
}

// A generation's sets are read only once it has served wordSetsAfter
// counts by FTS5, and no more of them are held than wordSetsBytes.
func TestWordSetsBounds(t *testing.T) {
	defer func(after, most int) { wordSetsAfter, wordSetsBytes = after, most }(wordSetsAfter, wordSetsBytes)
	wordSetsAfter = 2
	db := openTest(t)
	ctx := context.Background()
	for i := range 200 {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", MiddleName: "Thị", GivenName: []string{"Tâm", "Lan"}[i%2]}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) bool {
		t.Helper()
		var ok bool
		if err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.searchListing(ctx, SearchQuery{Query: q})
			if err != nil {
				return err
			}
			_, ok, err = db.wordSets.countWords(ctx, tx, *l.countWords)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i, want := range []bool{false, false, true, true} {
		if got := count("nguyen thi tam"); got != want {
			t.Errorf("count %d in memory: %v, want %v", i+1, got, want)
		}
	}
	held := func() (n, bytes int) {
		db.wordSets.mu.Lock()
		defer db.wordSets.mu.Unlock()
		return len(db.wordSets.sets), db.wordSets.bytes
	}
	if n, _ := held(); n != 3 {
		t.Errorf("%d sets held, want 3", n)
	}
	// Room for two sets: the least recently used goes.
	_, bytes := held()
	wordSetsBytes = bytes * 2 / 3
	if !count("nguyen lan") {
		t.Error("not counted in memory")
	}
	if n, b := held(); n != 2 || b > wordSetsBytes {
		t.Errorf("%d sets of %d bytes held, want 2 within %d", n, b, wordSetsBytes)
	}
}

// Any query counts in memory as by FTS5, or falls back to it.
func FuzzWordSetsCount(f *testing.F) {
	defer func(after int) { wordSetsAfter = after }(wordSetsAfter)
	wordSetsAfter = 0
	db := openTest(f)
	ctx := context.Background()
	for i, p := range [][3]string{{"Nguyễn", "Thị Thanh", "Tâm"}, {"Phạm", "Minh", "Khoa"}, {"Pham", "", "Khôi"},
		{"Lê", "Hoàng", "Long"}, {"Thạch", "Sa", "Ruol"}, {"Trần", "Quốc", "Bảo"}, {"Huỳnh", "Thị Ngọc", "Hân"}, {"Nguyễn", "Văn", "Tám"}} {
		got, err := db.CreatePerson(ctx, &pb.Person{FamilyName: p[0], MiddleName: p[1], GivenName: p[2]}, CreateOptions{})
		if err != nil {
			f.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := db.CreateQualification(ctx, got.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC",
				Major: "Khoa học Tâm lý", Year: 2001}, CreateOptions{}); err != nil {
				f.Fatal(err)
			}
		}
	}
	for _, q := range []string{"nguyen thi", "Phạm Khoa", "k", "tâm lý", "th", "hoc khoa t", "Ngọc Hân", "x"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.searchListing(ctx, SearchQuery{Query: q})
			if err != nil || l.countWords == nil {
				return nil
			}
			s, args := l.countSQL()
			var want int
			if err := tx.QueryRowContext(ctx, s, args...).Scan(&want); err != nil {
				return nil // FTS5 refuses the query; so does the search
			}
			got, ok, err := db.wordSets.countWords(ctx, tx, *l.countWords)
			if err != nil {
				return err
			}
			if ok && got != want {
				t.Errorf("%q: counted %d in memory, %d by FTS5", q, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// While one reader reads a word's set, others count by FTS5 rather than
// read it too.
func TestWordSetsReadOnce(t *testing.T) {
	defer func(after int) { wordSetsAfter = after }(wordSetsAfter)
	wordSetsAfter = 0
	var ws wordSets
	key := []byte("generation")
	if sets, missing := ws.lookUp(key, []string{"nguyen", "thi"}); sets == nil || len(missing) != 2 {
		t.Fatalf("first reader: %v, %v", sets, missing)
	}
	if sets, _ := ws.lookUp(key, []string{"thi", "tam"}); sets != nil {
		t.Error("a second reader reads thi too")
	}
	ws.keep(key, "nguyen", &wordSet{bits: []uint64{1}})
	ws.done([]string{"nguyen", "thi"})
	if sets, missing := ws.lookUp(key, []string{"nguyen", "thi"}); sets["nguyen"] == nil || len(missing) != 1 {
		t.Errorf("after: %v, %v", sets, missing)
	}
}

// The words a search's last word begins are remembered for the state of
// the index they were read in: a word a write adds, and one a delete
// takes away, are in the next search's words, by our writes and by SQL.
func TestPrefixWordsFollowTheIndex(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	create := func(family, middle, given string) string {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: family, MiddleName: middle, GivenName: given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Name
	}
	found := func(q string) []string {
		t.Helper()
		var names []string
		for range 2 { // the second from memory
			people, page, err := db.SearchPeople(ctx, SearchQuery{Query: q}, 0)
			if err != nil {
				t.Fatal(err)
			}
			names = names[:0]
			for _, p := range people {
				names = append(names, p.GivenName)
			}
			if page.TotalSize != len(people) {
				t.Errorf("%q: total_size %d for %d people", q, page.TotalSize, len(people))
			}
		}
		slices.Sort(names)
		return names
	}
	create("Nguyễn", "Văn", "Thanh")
	create("Trần", "Thị", "Lan")
	if got := found("van tha"); !slices.Equal(got, []string{"Thanh"}) {
		t.Fatalf("van tha: %v", got)
	}
	db.wordSets.mu.Lock()
	held := db.wordSets.starts["tha"]
	db.wordSets.mu.Unlock()
	if !slices.Equal(held, []string{"thanh"}) {
		t.Errorf("the words of tha held: %v", held)
	}
	thao := create("Lê", "Văn", "Thảo")
	if got := found("van tha"); !slices.Equal(got, []string{"Thanh", "Thảo"}) {
		t.Errorf("van tha after a create: %v", got)
	}
	if _, err := db.DeletePerson(ctx, thao, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := found("van tha"); !slices.Equal(got, []string{"Thanh"}) {
		t.Errorf("van tha after a delete: %v", got)
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO people_search(rowid, name_exact, name_folded, other_exact, other_folded)
		VALUES (100000, 'x', 'van thach', 'y', 'z')`); err != nil {
		t.Fatal(err)
	}
	db.read(ctx, func(tx *Tx) error {
		gen, err := tx.searchIndexKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		words, err := db.wordSets.startsOf(ctx, tx, gen, "tha")
		if err != nil || !slices.Equal(words, []string{"thach", "thanh", "thao"}) {
			t.Errorf("tha after a document by SQL: %v %v", words, err)
		}
		return nil
	})
}
