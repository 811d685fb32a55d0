package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

var testKeys = map[string]sortKey{
	"create_time":  {expr: "p.create_time", kind: kindInt},
	"display_name": {expr: "p.display_name", kind: kindText},
	"sort_key":     {expr: "p.sort_key", kind: kindBlob},
}

var tiebreak = orderTerm{sortKey: sortKey{expr: "p.pk", kind: kindInt}}

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", "p.pk", false},
		{"create_time", "p.create_time, p.pk", false},
		{"create_time desc", "p.create_time DESC, p.pk", false},
		{"display_name,  create_time desc", "p.display_name, p.create_time DESC, p.pk", false},
		{"shoe_size", "", true},
		{"create_time, create_time", "", true},
		{"create_time sideways", "", true},
		{"create_time; DROP TABLE people", "", true},
		{"p.pk", "", true},
	}
	for _, tt := range tests {
		terms, err := parseOrderBy(tt.in, testKeys, tiebreak)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%q: no error, want one", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got := orderSQL(terms); got != tt.want {
			t.Errorf("%q: ORDER BY %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAfterSQL(t *testing.T) {
	terms, _ := parseOrderBy("display_name desc", testKeys, tiebreak)
	got, args := afterSQL(terms, []any{"Bình", int64(7)})
	want := "((p.display_name < ?) OR (p.display_name = ? AND p.pk > ?))"
	if got != want || len(args) != 3 {
		t.Errorf("got %s %v, want %s", got, args, want)
	}
}

func TestPageTokenRoundTrip(t *testing.T) {
	db := &DB{secret: bytes.Repeat([]byte{7}, 32)}
	terms, _ := parseOrderBy("display_name, sort_key desc", testKeys, tiebreak)
	q := queryChecksum("people", "gender = FEMALE")
	vals := []any{"Nguyễn Ánh", []byte{0, 1, 255}, int64(1 << 50)}
	tok := db.encodePageToken(q, terms, vals, 1234)
	got, total, err := db.decodePageToken(tok, q, terms)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1234 || got[0] != "Nguyễn Ánh" || !bytes.Equal(got[1].([]byte), []byte{0, 1, 255}) || got[2] != int64(1<<50) {
		t.Errorf("round trip gave %v %d", got, total)
	}
	if _, _, err := db.decodePageToken(tok, queryChecksum("people", "gender = MALE"), terms); err == nil {
		t.Error("a token was accepted for another filter")
	}
	other := &DB{secret: bytes.Repeat([]byte{8}, 32)}
	if _, _, err := other.decodePageToken(tok, q, terms); err == nil {
		t.Error("a token was accepted by a database with another secret")
	}
}

func FuzzDecodePageToken(f *testing.F) {
	db := &DB{secret: bytes.Repeat([]byte{7}, 32)}
	terms, _ := parseOrderBy("display_name, sort_key desc", testKeys, tiebreak)
	q := queryChecksum("people")
	f.Add(db.encodePageToken(q, terms, []any{"a", []byte("b"), int64(3)}, 10))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		vals, total, err := db.decodePageToken(token, q, terms)
		if err != nil {
			return
		}
		// Only tokens this database signed decode, since the fuzzer cannot
		// forge the MAC: anything accepted is one it made, exactly.
		if again := db.encodePageToken(q, terms, vals, total); again != token {
			t.Fatalf("accepted %q, which is not a token this database made (%q)", token, again)
		}
	})
}

func FuzzParseOrderBy(f *testing.F) {
	for _, s := range []string{"", "create_time desc", "display_name, create_time", "a.b desc,", "  ", "create_time desc desc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := parseOrderBy(s, testKeys, tiebreak)
		if err != nil {
			return
		}
		// Whatever parses names only allowed expressions.
		for _, term := range terms {
			ok := term.expr == tiebreak.expr
			for _, k := range testKeys {
				ok = ok || k.expr == term.expr
			}
			if !ok {
				t.Fatalf("%q produced expression %q", s, term.expr)
			}
		}
	})
}

// Beyond exactCountLimit people, the first page of a listing of people does
// not count the matches, unless it holds them all.
func TestTotalSizeOfLargeRegistries(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("Lan %d", i), FamilyName: "Trần"}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	total := func(q ListQuery) (int, bool) {
		t.Helper()
		_, page, err := db.ListPeople(ctx, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, spage, err := db.SearchPeople(ctx, SearchQuery{Query: "tran lan", ListQuery: q}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if spage.TotalSize != page.TotalSize {
			t.Errorf("%+v: search total %d, list total %d", q, spage.TotalSize, page.TotalSize)
		}
		return page.TotalSize, page.NextPageToken != ""
	}
	if n, more := total(ListQuery{PageSize: 2}); n != 5 || !more {
		t.Errorf("small registry: total %d (more %v), want 5", n, more)
	}
	defer func(old int64) { exactCountLimit = old }(exactCountLimit)
	exactCountLimit = 3
	if n, more := total(ListQuery{PageSize: 2}); n != 0 || !more {
		t.Errorf("large registry, more pages: total %d (more %v), want 0 (not counted)", n, more)
	}
	if n, more := total(ListQuery{PageSize: 10}); n != 5 || more {
		t.Errorf("large registry, one page: total %d (more %v), want 5", n, more)
	}
	if n, _ := total(ListQuery{PageSize: 10, Filter: `given_name = "Lan 3"`}); n != 1 {
		t.Errorf("large registry, one match: total %d, want 1", n)
	}
}

// An unfiltered list counts its total as every row less the unlisted, and
// SQLite counts every row from its smallest index's pages (the Count
// opcode) without stepping through them: at 100,000 people stepping
// through the index of the listed was most of a broad ListPeople's CPU.
// Deleted and restricted people are left out of the total.
func TestUnfilteredCountReadsNoRows(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var names []string
	if err := db.write(ctx, false, nil, func(tx *Tx) error {
		for i := range 300 {
			r, err := tx.createPerson(ctx, "", &pb.Person{FamilyName: "Nguyễn", GivenName: fmt.Sprintf("An %d", i)})
			if err != nil {
				return err
			}
			names = append(names, r.person.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, n := range names[:7] {
		if _, err := db.DeletePerson(ctx, n, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Restricted as an objection or a missing legal basis leaves them.
	if err := db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE people SET restricted = 2 WHERE pk IN (SELECT pk FROM people ORDER BY pk DESC LIMIT 5)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	_, page, err := db.ListPeople(ctx, ListQuery{PageSize: 10}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalSize != 288 {
		t.Errorf("total of an unfiltered list: %d, want 288 (300 less 7 deleted and 5 restricted)", page.TotalSize)
	}
	var plan string
	var ops map[string]int
	err = db.read(ctx, func(tx *Tx) error {
		l, err := tx.peopleListing(ctx, ListQuery{})
		if err != nil {
			return err
		}
		q, args := l.countSQL()
		plan = queryPlan(t, tx, q, args...)
		ops = opcodes(t, tx, q, args...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ops["Count"] != 1 || !bytes.Contains([]byte(plan), []byte("people_unlisted")) {
		t.Errorf("the count of an unfiltered list steps through rows: %s; opcodes %v", plan, ops)
	}
}
