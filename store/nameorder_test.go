package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A search's names band taken by the ranks of name order in memory gives
// the pages SQL's band gives, page by page: random names and queries,
// pages of several sizes followed to the end, with filters, a scope and
// NamesOnly (which SQL answers alone), after each kind of write; a
// generation's ranks are not used after a change of the index.
func TestNamesInOrderAsSQL(t *testing.T) {
	defer func(after, sets int) { nameOrderAfter, wordSetsAfter = after, sets }(nameOrderAfter, wordSetsAfter)
	db := openTest(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(19, 53))
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Pham", "Hoàng", "Huỳnh", "Thạch"}
	middles := []string{"Thị", "Văn", "Minh", "Thanh", "Quốc", "Thị Thanh", "", "Hoàng"}
	givens := []string{"Tâm", "Tám", "Khoa", "Khôi", "Lan", "Long", "Bảo", "Hân", "An", "Anh", "Hòa", "Thủy"}
	majors := []string{"", "", "Khoa học máy tính", "Tâm lý học", "Sư phạm Toán", "Luật", "Y khoa", "Văn học"}
	pick := func(s []string) string { return s[rnd.IntN(len(s))] }
	org, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Sở Y tế"}, CreateOptions{ID: "syt"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	create := func() {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: pick(families), MiddleName: pick(middles), GivenName: pick(givens),
			Gender: pb.Person_Gender(1 + rnd.IntN(2))}, CreateOptions{})
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
		if rnd.IntN(3) == 0 {
			if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Bác sĩ",
				Start: &date.Date{Year: 2020, Month: 1, Day: 1}, Current: true}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 160 {
		create()
	}
	vocab := strings.Fields(strings.Join(append(append(append(families, middles...), givens...), majors...), " "))
	vocab = append(vocab, "xyz", "nguyen", "thi", "tam", "khoa", "hoa", "thuy", "thanh")
	var queries []string
	for range 60 {
		words := make([]string, 1+rnd.IntN(4))
		for i := range words {
			words[i] = strings.ToLower(pick(vocab))
		}
		if last := []rune(words[len(words)-1]); rnd.IntN(3) == 0 && len(last) > 1 {
			words[len(words)-1] = string(last[:1+rnd.IntN(len(last)-1)])
		}
		queries = append(queries, strings.Join(words, " "))
	}
	queries = append(queries, "nguyen", "thi", "nguyen thi thanh tam", "pham minh khoa", "t", "ng", "Nguyễn Thị Tâm", "xyz abc")
	type variant struct {
		size      int
		filter    string
		scope     string
		namesOnly bool
	}
	variants := []variant{{size: 50}, {size: 3}, {size: 7}, {size: 7, namesOnly: true}, {size: 4, filter: `gender = FEMALE`}, {size: 5, scope: org.Name}}
	// pages follows a search to its end: each page's names, total and
	// token.
	pages := func(q string, v variant) (string, error) {
		var out strings.Builder
		token := ""
		for range 200 {
			found, page, err := db.SearchPeople(ctx, SearchQuery{Query: q, NamesOnly: v.namesOnly,
				ListQuery: ListQuery{PageSize: v.size, PageToken: token, Filter: v.filter, Scope: v.scope}}, pb.PersonView_PERSON_VIEW_BASIC)
			if err != nil {
				return out.String(), err
			}
			for _, p := range found {
				out.WriteString(p.Name + " ")
			}
			fmt.Fprintf(&out, "| %d %q\n", page.TotalSize, page.NextPageToken)
			if token = page.NextPageToken; token == "" {
				break
			}
		}
		return out.String(), nil
	}
	check := func(when string) {
		t.Helper()
		// A search starts the read of the generation's ranks.
		nameOrderAfter = 0
		if _, err := pages("nguyen", variant{size: 50}); err != nil {
			t.Fatal(err)
		}
		db.nameOrder.wg.Wait()
		served, bySets := db.nameOrder.served.Load(), db.nameOrder.bySets.Load()
		for _, q := range queries {
			for _, v := range variants {
				nameOrderAfter, wordSetsAfter = 1<<30, 1<<30
				want, wantErr := pages(q, v)
				nameOrderAfter = 0
				// The names' matches by FTS5, then from their sets.
				for _, after := range []int{1 << 30, 0} {
					wordSetsAfter = after
					got, gotErr := pages(q, v)
					if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) || got != want {
						t.Fatalf("%s, %q %+v, sets after %d: by rank\n%s%v\nby SQL\n%s%v", when, q, v, after, got, gotErr, want, wantErr)
					}
				}
			}
		}
		if n := db.nameOrder.served.Load() - served; n < 2*int64(len(queries)) {
			t.Errorf("%s: %d bands by rank", when, n)
		}
		if n := db.nameOrder.bySets.Load() - bySets; n < int64(len(queries)) {
			t.Errorf("%s: %d bands by the names' sets", when, n)
		}
		// The words typed with diacritics too.
		served = db.nameOrder.served.Load()
		if _, err := pages("Nguyễn Thị Tâm", variant{size: 2}); err != nil {
			t.Fatal(err)
		}
		if db.nameOrder.served.Load() == served {
			t.Errorf("%s: Nguyễn Thị Tâm's names band not by rank", when)
		}
	}
	check("created")
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
			renamePeople(ctx, t, db, names[:30], func(p *pb.Person) {
				p.FamilyName, p.GivenName, p.MiddleName = pick(families), pick(givens), pick(middles)
			})
		}},
		{"deleted", func() { deletePeople(ctx, t, db, names[30:45]) }},
		{"undeleted", func() {
			for _, n := range names[30:35] {
				if _, err := db.UndeletePerson(ctx, n, WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"restricted", func() { restrictBySQL(ctx, t, db) }},
		{"purged", func() {
			gone := names[50]
			dsr, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: gone,
				Requester: "Quảngxyzw Thuậnqvz"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.TransitionDataSubjectRequest(ctx, dsr.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.PurgePerson(ctx, gone, dsr.Name, "erasure requested", nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"optimized", func() {
			if err := db.write(ctx, false, nil, func(tx *Tx) error { return tx.optimizeSearchIndexes(ctx) }); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range steps {
		s.change()
		check(s.name)
	}
}

// Ranks are read once a generation has served nameOrderAfter bands, in
// the background, and their order is the index's.
func TestNameOrderRanks(t *testing.T) {
	defer func(after int) { nameOrderAfter = after }(nameOrderAfter)
	nameOrderAfter = 2
	db := openTest(t)
	ctx := context.Background()
	for _, n := range []string{"Lan", "An", "Bảo", "An", "Ánh", "Anh"} {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var got [][]int32
	for range 4 {
		if err := db.read(ctx, func(tx *Tx) error {
			key, err := tx.searchIndexKey(ctx)
			if err != nil {
				return err
			}
			got = append(got, db.nameOrder.ranks(db, key))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The read the third call starts, in the background.
		db.nameOrder.wg.Wait()
	}
	if got[0] != nil || got[1] != nil || got[2] != nil || got[3] == nil {
		t.Fatalf("ranks by call: %v", got)
	}
	var want []int64
	rows, err := db.reader.QueryContext(ctx, `SELECT pk FROM people ORDER BY sort_key, pk`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			t.Fatal(err)
		}
		want = append(want, pk)
	}
	rows.Close()
	byRank := slices.Clone(want)
	slices.SortFunc(byRank, func(a, b int64) int { return int(got[3][a] - got[3][b]) })
	if !slices.Equal(byRank, want) {
		t.Errorf("by rank %v, by SQL %v", byRank, want)
	}
}

// eachInt reads group_concat's lists of rowids, and refuses anything else.
func TestEachInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int64
		ok   bool
	}{
		{"", nil, true},
		{"7", []int64{7}, true},
		{"1,22,333,4096,1000000", []int64{1, 22, 333, 4096, 1000000}, true},
		{"0,9223372036854775", []int64{0, 9223372036854775}, true},
		{"1,,2", nil, false},
		{"1,", nil, false},
		{",1", nil, false},
		{"-1,2", []int64{-1, 2}, true},
		{"--1", nil, false},
		{"1-", nil, false},
		{"-", nil, false},
		{"1 2", nil, false},
		{"12345678901234567890", nil, false},
	} {
		var got []int64
		err := eachInt([]byte(c.in), func(n int64) { got = append(got, n) })
		if (err == nil) != c.ok || c.ok && !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// Searches at once share the names' sets, read and dropped as they go
// (a bound of two sets), and each answers as a search alone does (run
// with -race).
func TestNamesBandConcurrently(t *testing.T) {
	defer func(after, sets, most int) { nameOrderAfter, wordSetsAfter, wordSetsBytes = after, sets, most }(nameOrderAfter, wordSetsAfter, wordSetsBytes)
	db := openTest(t)
	ctx := context.Background()
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm"}
	givens := []string{"Tâm", "Khoa", "Lan", "Long", "An", "Anh"}
	for i := range 120 {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: families[i%len(families)], MiddleName: []string{"Thị", "Văn", ""}[i%3],
			GivenName: givens[i%len(givens)]}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{"nguyen thi tam", "tran van khoa", "le an", "pham thi lan", "nguyen long", "tran a", "le van anh"}
	search := func(q string) (string, error) {
		found, page, err := db.SearchPeople(ctx, SearchQuery{Query: q, ListQuery: ListQuery{PageSize: 7}}, pb.PersonView_PERSON_VIEW_BASIC)
		var out strings.Builder
		for _, p := range found {
			out.WriteString(p.Name + " ")
		}
		fmt.Fprintf(&out, "| %d %q", page.TotalSize, page.NextPageToken)
		return out.String(), err
	}
	nameOrderAfter, wordSetsAfter = 1<<30, 1<<30
	want := map[string]string{}
	for _, q := range queries {
		got, err := search(q)
		if err != nil {
			t.Fatal(err)
		}
		want[q] = got
	}
	nameOrderAfter, wordSetsAfter = 0, 0
	if _, err := search(queries[0]); err != nil {
		t.Fatal(err)
	}
	db.nameOrder.wg.Wait()
	// Room for two sets of this registry's rowids, so that searches
	// drop the sets others are using.
	wordSetsBytes = 2 * 8 * 2
	bySets := db.nameOrder.bySets.Load()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 40 {
				q := queries[(g+i)%len(queries)]
				got, err := search(q)
				if err == nil && got != want[q] {
					err = fmt.Errorf("%q: %s, alone %s", q, got, want[q])
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if db.nameOrder.bySets.Load() == bySets {
		t.Error("no band by the names' sets")
	}
}
