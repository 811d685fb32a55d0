package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A search reads the people whose names hold every word first, and the rest
// of the matches only when a page goes past them: pages of every size give
// the same order as one page holding everything, and that order is the
// ranking (as typed in a name, then as typed anywhere with the words in the
// name without diacritics, then in the name without diacritics, then as
// typed elsewhere, then the rest), the ranks of names in Vietnamese name
// order and the rest in the order they were registered.
func TestSearchRanksAcrossBands(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	type person struct{ tag, family, middle, given, major string }
	people := []person{
		// Somewhere, without diacritics.
		{"0b", "Đỗ", "", "Pham", "Khoa học máy tính"},
		// The words as typed, in the name.
		{"7a", "Phạm", "Văn", "Khoa", ""},
		// As typed, but not all in the name.
		{"1b", "Lê", "Văn", "Khoa", "Sư phạm Văn"},
		{"7b", "Phạm", "Thị", "Khoa", "Toán"},
		// In the name without diacritics, and as typed elsewhere.
		{"3a", "Pham", "", "Khoa", "Sư phạm"},
		// In the name without diacritics only.
		{"2a", "Phàm", "Minh", "Khoa", "Toán"},
		{"0a", "Trần", "", "Khoa", "Su pham Ly"},
		{"2b", "Phàm", "An", "Khóa", "Hóa học"},
		{"1a", "Nguyễn", "", "Khoa", "Sư phạm Toán"},
		// Not at all.
		{"xx", "Võ", "", "Lan", "Toán"},
	}
	ids := map[string]string{}
	for _, p := range people {
		got, err := db.CreatePerson(ctx, &pb.Person{FamilyName: p.family, MiddleName: p.middle, GivenName: p.given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids[got.Name] = p.tag
		if p.major != "" {
			if _, err := db.CreateQualification(ctx, got.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: p.major, Year: 2010}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	search := func(query, filter string, size int) []string {
		t.Helper()
		var out []string
		token := ""
		for range 20 {
			found, page, err := db.SearchPeople(ctx, SearchQuery{Query: query, ListQuery: ListQuery{PageSize: size, PageToken: token, Filter: filter}}, 0)
			if err != nil {
				t.Fatalf("%q, pages of %d: %v", query, size, err)
			}
			for _, p := range found {
				out = append(out, ids[p.Name])
			}
			if token = page.NextPageToken; token == "" {
				return out
			}
		}
		t.Fatalf("%q, pages of %d: more than 20 pages", query, size)
		return nil
	}
	for _, tt := range []struct {
		query, filter string
		want          []string
	}{
		// Within a rank of names, Vietnamese name order: given, then
		// middle, then family name (Khoa before Khóa, no middle name
		// before Thị before Văn); the rest as registered.
		{"Phạm Khoa", "", []string{"7b", "7a", "3a", "2a", "2b", "1b", "1a", "0b", "0a"}},
		// Typed without diacritics, every name holding the words ranks
		// alike, and the rest alike after them.
		{"pham khoa", "", []string{"3a", "2a", "7b", "7a", "2b", "0b", "1b", "0a", "1a"}},
		{"pham kho", `middle_name = "Văn"`, []string{"7a", "1b"}},
		{"Phạm Kho", `middle_name = "Văn"`, []string{"7a", "1b"}},
	} {
		for _, size := range []int{1, 2, 3, 4, 100} {
			if got := search(tt.query, tt.filter, size); !slices.Equal(got, tt.want) {
				t.Errorf("%q (filter %q), pages of %d: %v, want %v", tt.query, tt.filter, size, got, tt.want)
			}
		}
	}
}

// A database whose search indexes were made by an older version (which
// migration 0029 leaves empty) has every profile indexed again when
// opened, both indexes merged into one segment each.
func TestSearchIndexesRebuiltOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rebuild.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, given := range []string{"Đào", "Đạt", "Lan"} {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Đặng", GivenName: given}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// As migration 0029 leaves a version 3 database: nothing indexed.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO people_search(people_search) VALUES ('delete-all');
		INSERT INTO people_names(people_names) VALUES ('delete-all');
		UPDATE settings SET value = 3 WHERE key = 'search_version'`); err != nil {
		t.Fatal(err)
	}
	indexed := func(table string) int {
		t.Helper()
		var n int
		if err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+table+` MATCH 'dang'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b := indexed("people_search"), indexed("people_names"); a != 0 || b != 0 {
		t.Fatalf("%d and %d people indexed: the test does not empty the indexes", a, b)
	}
	db.Close()

	// The operator hears why the start takes long.
	var log bytes.Buffer
	if db, err = OpenWith(ctx, path, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := log.String(); !strings.Contains(got, "rebuilding the search index") || !strings.Contains(got, "people=3") || !strings.Contains(got, "search index rebuilt") {
		t.Errorf("log at open:\n%s\nwant the rebuild of 3 people said, begun and done", got)
	}
	if a, b := indexed("people_search"), indexed("people_names"); a != 3 || b != 3 {
		t.Errorf("%d and %d people indexed on open, want 3 and 3", a, b)
	}
	if got := searchSegments(t, db); got["people_search"] != 1 || got["people_names"] != 1 {
		t.Errorf("segments after opening: %v, want one each", got)
	}
	found, page, err := db.SearchPeople(ctx, SearchQuery{Query: "dang dao"}, 0)
	if err != nil || len(found) != 1 || found[0].GivenName != "Đào" || page.TotalSize != 1 {
		t.Fatalf("after: %v, %+v, %v", found, page, err)
	}
	var v int
	if err := db.reader.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'search_version'`).Scan(&v); err != nil || v != searchVersion {
		t.Errorf("search version %d, %v; want %d", v, err, searchVersion)
	}
}

// searchSegments counts the segments of each full-text index. FTS5 numbers
// the rows of an index's %_data table by segment id << 37 plus page
// (FTS5_SEGMENT_ROWID in ext/fts5/fts5_index.c); rows 1 and 10 hold its
// totals and its structure.
func searchSegments(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"people_search", "people_names"} {
		var n int
		if err := db.writer.QueryRow(`SELECT COUNT(DISTINCT id >> 37) FROM ` + table + `_data WHERE id > 10`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// Each write of a person leaves a segment in both search indexes, which a
// query reads in turn; a large load ends with Analyze, which merges them
// into one, and searches find what they found before.
func TestAnalyzeMergesSearchIndexes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, given := range []string{"An", "Anh", "Bình"} {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", MiddleName: "Thị", GivenName: given}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	search := func() []string {
		t.Helper()
		found, page, err := db.SearchPeople(ctx, SearchQuery{Query: "nguyen thi an"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{strconv.Itoa(page.TotalSize)}
		for _, p := range found {
			out = append(out, p.GivenName)
		}
		return out
	}
	before := search()
	if got := searchSegments(t, db); got["people_search"] < 2 || got["people_names"] < 2 {
		t.Fatalf("segments before: %v; the test needs several", got)
	}
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if got := searchSegments(t, db); got["people_search"] != 1 || got["people_names"] != 1 {
		t.Errorf("segments after Analyze: %v, want one each", got)
	}
	if after := search(); !slices.Equal(after, before) {
		t.Errorf("found %v after merging, %v before", after, before)
	}
}

// A create writes the search documents from the request (indexNewPerson)
// instead of reading the person back (reindexPerson): both must write the
// same text, or a person would be found differently before and after their
// first edit.
func TestNewPersonIndexedAsReindexed(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	people := []*pb.Person{
		{FamilyName: "Nguyễn", GivenName: "An"},
		{FamilyName: "Đặng", MiddleName: "Thị Thu", GivenName: "Hà", DisplayName: "Hà Đặng",
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: true}}},
		{FamilyName: "Trần", MiddleName: "Văn", GivenName: "Đức", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE},
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-301"}, {Field: "fields/vn2008-101", Primary: true}, {Field: "fields/vn2008-201"}}},
		{FamilyName: "  Lê ", GivenName: "Minh\u0301", DisplayName: "Lê Mính"},
	}
	// Both indexes are contentless: what they hold of a person is the
	// terms at each column and offset, which fts5vocab lists.
	for _, table := range []string{"people_search", "people_names"} {
		if _, err := db.writer.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.`+table+`_terms USING fts5vocab(main, `+table+`, 'instance')`); err != nil {
			t.Fatal(err)
		}
	}
	read := func(pk int64) string {
		var d string
		if err := db.writer.QueryRowContext(ctx, `SELECT
			(SELECT group_concat(term || '@' || col || ':' || IFNULL(offset, ''), ' ') FROM people_search_terms WHERE doc = ?1) || ' | ' ||
			(SELECT group_concat(term || '@' || col, ' ') FROM people_names_terms WHERE doc = ?1)`, pk).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, p := range people {
		created, err := db.CreatePerson(ctx, p, CreateOptions{})
		if err != nil {
			t.Fatalf("create %v: %v", p, err)
		}
		var pk int64
		if err := db.reader.QueryRowContext(ctx, `SELECT pk FROM people WHERE id = ?`, created.Name[len("people/"):]).Scan(&pk); err != nil {
			t.Fatal(err)
		}
		before := read(pk)
		if err := db.write(ctx, false, nil, func(tx *Tx) error { return tx.reindexPerson(ctx, pk) }); err != nil {
			t.Fatal(err)
		}
		if after := read(pk); after != before {
			t.Errorf("%s: created with\n%+v\nreindexed to\n%+v", created.Name, before, after)
		}
	}
}

// A first page whose bands read every match takes total_size from the
// bands without counting the matches again; a band that reaches its LIMIT
// leaves them to the count. To tell these apart, one person named in the index of
// names is missing from people_search, which the count reads: the bands
// find five people, the count four.
func TestSearchTotalFromBands(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var named string
	for _, p := range []struct{ family, given, major string }{
		{"Phạm", "Khoa", ""}, {"Phạm", "Khôi", ""}, // named
		{"Lê", "Lan", "Sư phạm Khoa học"}, {"Võ", "Mai", "Sư phạm, Khoa Toán"}, {"Đỗ", "Hà", "Khoa Sư phạm"}, // others
	} {
		got, err := db.CreatePerson(ctx, &pb.Person{FamilyName: p.family, GivenName: p.given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.major != "" {
			if _, err := db.CreateQualification(ctx, got.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: p.major, Year: 2010}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		} else if named == "" {
			named = got.Name
		}
	}
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM people_search WHERE rowid = (SELECT pk FROM people WHERE id = ?)`,
		strings.TrimPrefix(named, "people/")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ size, total int }{
		{100, 5}, // one page of everything
		{3, 5},   // each band under its LIMIT of 4
		{2, 4},   // the last band reaches its LIMIT of 3: counted
		{1, 4},   // the first band fills the page: counted
	} {
		found, page, err := db.SearchPeople(ctx, SearchQuery{Query: "pham kho", ListQuery: ListQuery{PageSize: tt.size}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != min(tt.size, 5) || page.TotalSize != tt.total {
			t.Errorf("pages of %d: %d people, total_size %d; want %d, %d", tt.size, len(found), page.TotalSize, min(tt.size, 5), tt.total)
		}
	}
}

// A search reads what it needs of each match (personListed, the name order)
// from the index people_listed_sort, not from the wide people rows: the
// count and every band, with a filter too.
func TestSearchReadsNarrowIndex(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, q := range []SearchQuery{
		{Query: "pham khoa"},
		{Query: "Phạm Khoa"},
		{Query: "pham", ListQuery: ListQuery{Filter: `middle_name = "Văn"`}},
	} {
		err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.searchListing(ctx, q)
			if err != nil {
				return err
			}
			count, countArgs := l.countSQL()
			statements := map[string][]any{"count": countArgs}
			plans := map[string]string{"count": count}
			for i, b := range l.pageBands() {
				name := "band " + strconv.Itoa(i)
				query, withArgs, _ := l.bandSQL(b, l.where, nil)
				plans[name], statements[name] = query, append(append([]any(nil), withArgs...), l.args...)
			}
			for name, s := range plans {
				index := "people_listed_sort"
				if name == "count" && q.Filter == "" {
					// Counted in the index, less the unlisted.
					if plan := queryPlan(t, tx, s, statements[name]...); !strings.Contains(plan, "people_unlisted") || strings.Contains(plan, "people_listed") {
						t.Errorf("%q, count: %s; want the unlisted read from people_unlisted, no match looked up", q.Query, plan)
					}
					continue
				}
				if name == "count" {
					index = "people_listed"
				}
				if plan := queryPlan(t, tx, s, statements[name]...); !strings.Contains(plan, "SEARCH p USING INDEX "+index+" (pk=?") {
					t.Errorf("%q (filter %q), %s: %s; want people read by %s", q.Query, q.Filter, name, plan, index)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A search's total_size leaves out deleted and restricted people, counted
// in the index alone (no filter) or joined to the people rows (a filter).
func TestSearchCountLeavesOutUnlisted(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var names []string
	for _, given := range []string{"An", "Ánh", "Anh", "Ân", "Ấn", "Ẩn"} {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Phạm", MiddleName: "Văn", GivenName: given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	search := func(filter string) int {
		t.Helper()
		// A page of one: the bands stop at their LIMIT, and the count
		// runs.
		found, page, err := db.SearchPeople(ctx, SearchQuery{Query: "pham van", ListQuery: ListQuery{PageSize: 1, Filter: filter}}, 0)
		if err != nil || len(found) != 1 {
			t.Fatalf("%v, %v", found, err)
		}
		return page.TotalSize
	}
	for _, filter := range []string{"", `middle_name = "Văn"`} {
		if got := search(filter); got != 6 {
			t.Fatalf("filter %q: total_size %d before, want 6", filter, got)
		}
	}
	if _, err := db.DeletePerson(ctx, names[0], WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A restriction, as the consent triggers set one.
	if _, err := db.writer.ExecContext(ctx, `UPDATE people SET restricted = 1 WHERE id = ?`, strings.TrimPrefix(names[1], "people/")); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []string{"", `middle_name = "Văn"`} {
		if got := search(filter); got != 4 {
			t.Errorf("filter %q: total_size %d with one deleted and one restricted, want 4", filter, got)
		}
	}
}

// A search's count without a filter (searchCountSQL) answers as the NOT
// IN of the unlisted did, whether no one is unlisted (FTS5 counts alone)
// or some are, and as many as its pages hold.
func TestSearchCountUnlisted(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var names []string
	for i, p := range []struct{ family, middle, given, major string }{
		{"Phạm", "Văn", "Khoa", ""}, {"Phạm", "Minh", "Khoa", "Khoa học"}, {"Lê", "Minh", "Khoa", "Sư phạm"},
		{"Phạm", "Thị", "Lan", "Khoa học máy tính"}, {"Nguyễn", "Thị", "Thanh", "Tâm lý"}, {"Nguyễn", "Thị Thanh", "Tâm", ""},
		{"Trần", "", "Khoa", "Phạm"}, {"Võ", "", "Lan", "Toán"}, {"Pham", "", "Khoa", ""}, {"Phạm", "Minh", "Khôi", ""},
	} {
		got, err := db.CreatePerson(ctx, &pb.Person{FamilyName: p.family, MiddleName: p.middle, GivenName: p.given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, got.Name)
		if p.major != "" {
			if _, err := db.CreateQualification(ctx, got.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC",
				Major: p.major, Year: 2000 + int32(i)}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The statement before searchCountSQL.
	old := `SELECT COUNT(*) FROM people_search WHERE people_search MATCH ?
		AND rowid NOT IN (SELECT p.pk FROM people p INDEXED BY people_unlisted WHERE ` + personUnlisted + `)`
	queries := []string{"pham khoa", "Phạm Khoa", "khoa", "pham minh kh", "nguyen thi thanh tam", "lan", "toan", "xyz"}
	check := func(when string, want map[string]int) map[string]int {
		t.Helper()
		got := map[string]int{}
		for _, q := range queries {
			var counted, before int
			err := db.read(ctx, func(tx *Tx) error {
				l, err := tx.searchListing(ctx, SearchQuery{Query: q})
				if err != nil {
					return err
				}
				s, args := l.countSQL()
				if s != searchCountSQL {
					t.Errorf("%q: counted by %s", q, s)
				}
				if err := tx.QueryRowContext(ctx, s, args...).Scan(&counted); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, old, args...).Scan(&before)
			})
			if err != nil {
				t.Fatal(err)
			}
			// Every page, one person a page: the count runs on the first.
			found, token, total := 0, "", -1
			for {
				page, p, err := db.SearchPeople(ctx, SearchQuery{Query: q, ListQuery: ListQuery{PageSize: 1, PageToken: token}}, 0)
				if err != nil {
					t.Fatal(err)
				}
				if total < 0 {
					total = p.TotalSize
				}
				found += len(page)
				if token = p.NextPageToken; token == "" {
					break
				}
			}
			if counted != before || total != counted || found != counted {
				t.Errorf("%s, %q: counted %d, by the NOT IN %d, total_size %d, %d found", when, q, counted, before, total, found)
			}
			got[q] = counted
		}
		if want != nil && maps.Equal(got, want) {
			t.Errorf("%s: the same counts as before, %v; want fewer", when, got)
		}
		return got
	}
	none := check("no one unlisted", nil)
	if none["pham khoa"] < 5 || none["khoa"] < 6 || none["xyz"] != 0 {
		t.Fatalf("counts %v", none)
	}
	if _, err := db.DeletePerson(ctx, names[0], WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	deleted := check("one deleted", none)
	if _, err := db.writer.ExecContext(ctx, `UPDATE people SET restricted = 1 WHERE id IN (?, ?)`,
		strings.TrimPrefix(names[3], "people/"), strings.TrimPrefix(names[6], "people/")); err != nil {
		t.Fatal(err)
	}
	check("one deleted, two restricted", deleted)
}

// The rest of a search's matches are read in the index's order: their
// page stops at its LIMIT, sorting nothing. The named are left out by the
// names band's query of pairs when it has one (a query of two words or
// more), not by their words in people_search's columns of names, whose
// doclists an FTS5 NOT read a second time; a query of one word has no
// pairs and leaves them out by people_search's columns, reading the index
// of names not at all.
func TestSearchRestStopsAtItsLimit(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// The index's words, which the last word of a query is asked as.
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Phạm", MiddleName: "Văn", GivenName: "Khoa"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	most := restPairsMost
	t.Cleanup(func() { restPairsMost = most })
	for _, c := range []struct {
		query string
		most  int64
	}{{"pham khoa", 2500}, {"Phạm Khoa", 2500}, {"pham", 2500}, {"Phạm", 2500}, {"pham khoa", -1}, {"Phạm Khoa", -1}} {
		// An anchor in more names than restPairsMost (0 here, in none of
		// the counted) leaves the rest to the FTS5 NOT.
		query, paired := c.query, strings.Contains(c.query, " ") && c.most >= 0
		restPairsMost = c.most
		err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.searchListing(ctx, SearchQuery{Query: query})
			if err != nil {
				return err
			}
			for i, b := range l.pageBands()[1:] {
				for _, after := range [][]any{nil, {int64(1), []byte{}, int64(7)}} {
					s, withArgs, afterArgs := l.bandSQL(b, l.where, after)
					plan := queryPlan(t, tx, s, append(append(append([]any(nil), withArgs...), l.args...), afterArgs...)...)
					if strings.Contains(plan, "TEMP B-TREE") {
						t.Errorf("%q, band %d after %v: %s\n%s; want the rest read in order", query, i+1, after, s, plan)
					}
					if strings.Contains(s, "people_names") != paired {
						t.Errorf("%q, band %d: %s; want people_names read %v", query, i+1, s, paired)
					}
					for _, a := range withArgs {
						if fts := a.(string); paired && (strings.Contains(fts, "{name_folded}") || strings.Contains(fts, "{name_exact}")) {
							t.Errorf("%q, band %d asks for the names' words: %s; want the named left out by pairs", query, i+1, fts)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A search's last word, the start of a word, is asked for as the words of
// the index it begins, found by a seek each; the start of more than
// prefixWords words, or of none, is left to FTS5's prefix query. Either
// way the same people are found.
func TestSearchLastWordStarts(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	majors := []string{"Khoa học", "Khoai lang", "Khoan dầu khí", "Khoáng sản"}
	for i := range prefixWords + 1 {
		majors = append(majors, "Tin"+strings.Repeat("a", i+1))
	}
	for i, major := range majors {
		got, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Phạm", GivenName: "Lan" + strconv.Itoa(i)}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateQualification(ctx, got.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: major, Year: 2010}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tinas := func(from int) []string { // tin + from a's, up to prefixWords+1 a's
		var out []string
		for n := from; n <= prefixWords+1; n++ {
			out = append(out, "tin"+strings.Repeat("a", n))
		}
		return out
	}
	for _, tt := range []struct {
		prefix string
		words  []string // nil: left to FTS5
		found  int      // by a search for "pham " + prefix
	}{
		{"khoa", []string{"khoa", "khoai", "khoan", "khoang"}, 4},
		{"khoá", []string{"khoáng"}, 4}, // found without diacritics too
		{"khoz", nil, 0},
		{"tina", nil, prefixWords + 1},   // one too many
		{"tinaa", tinas(2), prefixWords}, // as many as asked for
		{"tinaaa", tinas(3), prefixWords - 1},
	} {
		err := db.read(ctx, func(tx *Tx) error {
			got, err := tx.wordsStarting(ctx, tt.prefix)
			if err == nil && !slices.Equal(got, tt.words) {
				t.Errorf("words starting %q: %q, want %q", tt.prefix, got, tt.words)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		found, _, err := db.SearchPeople(ctx, SearchQuery{Query: "pham " + tt.prefix}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != tt.found {
			t.Errorf("search for %q: %d people, want %d", "pham "+tt.prefix, len(found), tt.found)
		}
	}
}

// TestSearchWordsFTS5Splits: a word that FTS5's tokenizer would split in
// two is no database error: a combining mark it splits at is left out of
// the words as typed, and a letter it does not know is the client's to
// type otherwise.
func TestSearchWordsFTS5Splits(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "An"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		found int
		field string // of an Invalid error
	}{
		{"nguye\u0342n an", 1, ""}, // U+0342, a mark FTS5 splits at
		{"0\u03420", 0, ""},
		{"nguyê\u0301n", 1, ""},  // U+0301 composes: nguyến
		{"a\u19b0b", 0, "query"}, // U+19B0, a letter since Unicode 8, a mark before
	} {
		found, _, err := db.SearchPeople(ctx, SearchQuery{Query: tt.query}, 0)
		var e *Error
		switch {
		case tt.field != "" && (!errors.As(err, &e) || e.Code != Invalid || e.Field != tt.field):
			t.Errorf("%q: %v, want Invalid on %s", tt.query, err, tt.field)
		case tt.field == "" && err != nil:
			t.Errorf("%q: %v", tt.query, err)
		case len(found) != tt.found:
			t.Errorf("%q: found %d, want %d", tt.query, len(found), tt.found)
		}
	}
}

// FuzzSearchPeople: whatever the words, a search answers or says what is
// wrong with the query; FTS5 never sees a syntax of its own in them.
func FuzzSearchPeople(f *testing.F) {
	for _, q := range []string{"pham khoa", "Phạm Kho", `"`, `a" OR "b`, "khoa*", "NOT khoa", "{name_exact} : x",
		"(", "a AND b", "NEAR(a b)", "đ", "x\x00y", "  ", "a:b", "^khoa", "k\u0301hoa", strings.Repeat("ab ", 13),
		"nguye\u0342n", "a\u19b0b"} {
		f.Add(q)
	}
	db := openTest(f)
	ctx := context.Background()
	for _, p := range []*pb.Person{{FamilyName: "Phạm", GivenName: "Khoa"}, {FamilyName: "Nguyễn", MiddleName: "Thị", GivenName: "Đào"}} {
		if _, err := db.CreatePerson(ctx, p, CreateOptions{}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, query string) {
		_, _, err := db.SearchPeople(ctx, SearchQuery{Query: query}, 0)
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Code != Invalid) {
			t.Fatalf("%q: %v", query, err)
		}
	})
}
