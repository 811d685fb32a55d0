package filter_test

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"trithuc.gov.vn/trithuc/store/filter"
)

// selectPeople returns the pks of the people that where selects, in order.
func selectPeople(tb testing.TB, db *sql.DB, where string, args []any) ([]int64, error) {
	tb.Helper()
	q := "SELECT p.pk FROM people p"
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := db.Query(q+" ORDER BY p.pk", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, err
		}
		pks = append(pks, pk)
	}
	return pks, rows.Err()
}

// fingerprint is everything in the database, to show that a query changed
// nothing.
func fingerprint(tb testing.TB, db *sql.DB) string {
	tb.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT type, name, sql FROM sqlite_schema ORDER BY name",
		"SELECT * FROM people ORDER BY pk",
		"SELECT * FROM person_fields ORDER BY person_pk, code",
		"SELECT * FROM qualifications ORDER BY pk",
		"SELECT * FROM organizations ORDER BY pk",
		"SELECT * FROM positions ORDER BY pk",
	} {
		rows, err := db.Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&b, "%q\n", vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestCompileSelects(t *testing.T) {
	db := openTestDB(t)
	before := fingerprint(t, db)
	// People, by pk: 1 Nguyễn Thị Ánh, 2 Trần Văn Đức, 3 Lê Thị Đào,
	// 4 Nguyễn Văn An, 5 O'Brien Hương.
	for _, tt := range []struct {
		filter string
		want   []int64
	}{
		{"", []int64{1, 2, 3, 4, 5}},
		{"gender = FEMALE", []int64{1, 3, 5}},
		{"-gender = FEMALE", []int64{2, 4}},
		{"work_location = ABROAD", []int64{2, 5}},
		{"NOT work_location = ABROAD", []int64{1, 3, 4}},
		{`gender = FEMALE hometown = "30742"`, []int64{1, 5}},

		// Accent-insensitive where the field folds, exact where it does not.
		{`given_name = "duc"`, []int64{2}},
		{`given_name = "ĐỨC"`, []int64{2}},
		{`given_name = "Đào"`, []int64{3}},
		{`given_name = "dao" OR given_name = "anh"`, []int64{1, 3}},
		{`family_name = "Nguyen"`, nil},
		{`family_name = "Nguyễn"`, []int64{1, 4}},
		{"family_name = \"Nguye\u0302\u0303n\"", []int64{1, 4}}, // typed with combining marks
		{`family_name = "O'Brien"`, []int64{5}},
		{`family_name = 'O\'Brien'`, []int64{5}},

		// Prefixes, including one that ends inside a character.
		{`display_name = "Nguyễn*"`, []int64{1, 4}},
		{`display_name = "nguyen van*"`, []int64{4}},
		{`display_name = "Nguyễn Thị*"`, []int64{1}},
		{`display_name != "Nguyễn*"`, []int64{2, 3, 5}},
		{`display_name = "*"`, []int64{1, 2, 3, 4, 5}},
		{`family_name = "Nguyễ*"`, []int64{1, 4}},
		{`family_name = "Nguy*"`, []int64{1, 4}},
		{`family_name = "Nguyen*"`, nil},
		{`family_name = "Tr*"`, []int64{2}},
		{`family_name = "O'*"`, []int64{5}},
		// The letter before the * typed bare is that letter with any
		// marks (Field.Prefixes); letters before it are as typed.
		{`family_name = "Le*"`, []int64{3}},
		{`family_name = "Nguye*"`, []int64{1, 4}},
		{`family_name = "Tra*"`, []int64{2}},
		{`family_name != "Le*"`, []int64{1, 2, 4, 5}},
		{`family_name = "Le*" OR family_name = "Tra*"`, []int64{2, 3}},
		{`family_name = "Lê*"`, []int64{3}},
		{`family_name = "Lế*"`, nil},
		{`hometown:*`, []int64{1, 2, 4, 5}},
		{`hometown = ""`, []int64{3}},

		// Dates; An's birth date is only a year, which sorts before its days.
		{`birth_date >= "1980-01-01"`, []int64{1, 3, 5}},
		{`birth_date = "1985-03-12"`, []int64{1}},
		{`birth_date < "1960-01-01"`, []int64{4}},
		{`birth_date > "1959-12-31" AND birth_date < "1971-01-01"`, []int64{2, 4}},
		{"birth_date.year = 1960", []int64{4}},
		{"birth_date.year < 1980", []int64{2, 4}},

		// Timestamps in any zone; An registered at the turn of the year UTC,
		// which was already 2024 in Vietnam.
		{`create_time >= "2024-01-01T00:00:00+07:00"`, []int64{1, 2, 3, 4, 5}},
		{`create_time >= "2024-01-01T00:00:00Z"`, []int64{1, 2, 3, 5}},
		{`create_time = "2024-01-01T06:59:59+07:00"`, []int64{4}},
		{`create_time < "2024-02-01T03:30:00.000001Z"`, []int64{1, 2, 4}},

		// Lists.
		{`fields.code:"502"`, []int64{2, 4}},
		{`fields.code = "101"`, []int64{1, 4}},
		{`fields.code:"10*"`, []int64{1, 4}},
		{`fields.code:*`, []int64{1, 2, 4, 5}},
		{`NOT fields.code:*`, []int64{3}},
		{`-fields.code:"502"`, []int64{1, 3, 5}},
		{`fields.code != "502"`, []int64{1, 4, 5}}, // has some field other than 502
		{`fields.code:"502" fields.code:"101"`, []int64{4}},

		// Levels compare by rank; Đức's doctorate of science was deleted.
		{"qualifications.level >= THAC_SI", []int64{1, 2, 4}},
		{"qualifications.level > TIEN_SI", []int64{4}},
		{"qualifications.level = TIEN_SI_KHOA_HOC", []int64{4}},
		{"qualifications.level <= CAO_DANG", []int64{3}},
		{"NOT qualifications.level >= DAI_HOC", []int64{3}},
		{"qualifications.year < 2000", []int64{4}},
		// Ánh's bachelor's degree is from 2007, her master's from 2012:
		// comparisons joined by AND hold for one and the same
		// qualification, and under OR each for its own.
		{"qualifications.year >= 2010 AND qualifications.level = DAI_HOC", []int64{5}},
		{"(qualifications.year >= 2010 AND qualifications.level = DAI_HOC) OR (qualifications.year >= 2010 OR qualifications.level = DAI_HOC)", []int64{1, 3, 5}},

		// Positions. An had a university post and now works for a state
		// agency: a current position at a university is not hers.
		{"positions.organization.kind = UNIVERSITY", []int64{1, 4}},
		{"positions.current = true", []int64{1, 2, 4}},
		{"positions.current = false", []int64{2, 4}},
		{"positions.current = true AND positions.organization.kind = UNIVERSITY", []int64{1}},
		// NOT is tested alone: no position at a university at all.
		{"positions.current = true AND NOT positions.organization.kind = UNIVERSITY", []int64{2}},
		{"positions.current:*", []int64{1, 2, 4}},
		{"NOT positions.current:*", []int64{3, 5}},

		// Precedence: OR binds tighter than AND.
		{`gender = MALE AND work_location = ABROAD OR hometown = "30742"`, []int64{2, 4}},
		{`(gender = MALE AND work_location = ABROAD) OR hometown = "30742"`, []int64{1, 2, 4, 5}},

		// Attempts at injection are values like any other.
		{`given_name = "x' OR 1=1 --"`, nil},
		{`given_name = "a\") OR (1=1"`, nil},
		{`family_name = "'; DROP TABLE people; --"`, nil},
		{`family_name = "x' OR '1'='1"`, nil},
		{`display_name = "%"`, nil},
		{`display_name = "_*"`, nil},
		{`fields.code:"1') OR 1=1; DELETE FROM person_fields; --"`, nil},
		{`hometown = "\\' OR 1=1 --"`, nil},
	} {
		where, args, err := filter.Compile(tt.filter, testSchema)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.filter, err)
			continue
		}
		got, err := selectPeople(t, db, where, args)
		if err != nil {
			t.Errorf("%q compiled to %s %v, which fails: %v", tt.filter, where, args, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q selects %v, want %v\nSQL: %s %#v", tt.filter, got, tt.want, where, args)
		}
	}
	if after := fingerprint(t, db); after != before {
		t.Errorf("the database changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// sqlWords are the names, keywords and numbers in an SQL text.
func sqlWords(sql string) []string {
	return strings.FieldsFunc(sql, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
}

// schemaWords are the words that compiled SQL may have: those of the
// schema's SQL and the compiler's own.
var schemaWords = func() map[string]bool {
	words := map[string]bool{}
	for _, w := range strings.Fields("AND OR NOT EXISTS SELECT 1 FROM WHERE") {
		words[w] = true
	}
	for _, f := range testSchema {
		sql := f.SQL
		if f.Join != nil {
			sql += " " + f.Join.From + " " + f.Join.On
		}
		for _, w := range sqlWords(sql) {
			words[w] = true
		}
	}
	return words
}()

// FuzzCompile checks that Compile never panics, that its errors say where,
// and that whatever it accepts is SQL that SQLite runs, with one argument
// per placeholder and no text of the filter in it: no quotes, and no word
// that the schema or the compiler did not supply.
func FuzzCompile(f *testing.F) {
	for _, tt := range validTests {
		f.Add(tt.filter)
	}
	for _, tt := range invalidTests {
		f.Add(tt.filter)
	}
	db := openTestDB(f)
	var total int
	if err := db.QueryRow("SELECT COUNT(*) FROM people").Scan(&total); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		where, args, err := filter.Compile(s, testSchema)
		if err != nil {
			var fe *filter.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Compile(%q): %v is not a *filter.Error", s, err)
			}
			if fe.Pos < 1 || fe.Pos > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Compile(%q): error at column %d, outside the filter: %v", s, fe.Pos, err)
			}
			if where != "" || args != nil {
				t.Fatalf("Compile(%q) failed but returned %q, %v", s, where, args)
			}
			return
		}
		if where == "" {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("Compile(%q) accepted it but returned no condition", s)
			}
			return
		}
		if n := strings.Count(where, "?"); n != len(args) {
			t.Fatalf("Compile(%q) = %s with %d placeholders and %d arguments", s, where, n, len(args))
		}
		if strings.ContainsAny(where, `'"`) {
			t.Fatalf("Compile(%q) = %s, which has a literal in it", s, where)
		}
		for _, w := range sqlWords(where) {
			if !schemaWords[w] {
				t.Fatalf("Compile(%q) = %s, which has %q, from neither the schema nor the compiler", s, where, w)
			}
		}
		for _, a := range args {
			switch a.(type) {
			case string, int64:
			default:
				t.Fatalf("Compile(%q): argument %#v is a %T", s, a, a)
			}
		}
		got, err := selectPeople(t, db, where, args)
		if err != nil {
			t.Fatalf("Compile(%q) = %s %#v, which fails: %v", s, where, args, err)
		}
		// No condition is ever NULL, so NOT selects exactly the rest.
		rest, err := selectPeople(t, db, "NOT ("+where+")", args)
		if err != nil {
			t.Fatalf("NOT of Compile(%q) = %s %#v fails: %v", s, where, args, err)
		}
		if len(got)+len(rest) != total {
			t.Fatalf("Compile(%q) = %s %#v selects %v, and its NOT %v, of %d people", s, where, args, got, rest, total)
		}
		// The range TimeRange reads off the filter holds every person it
		// selects: a caller may read only that range.
		from, to, err := filter.TimeRange(s, "create_time")
		if err != nil {
			t.Fatalf("TimeRange(%q) fails where Compile does not: %v", s, err)
		}
		within, err := selectPeople(t, db, "("+where+") AND p.create_time >= ? AND p.create_time < ?", append(slices.Clip(args), from, to))
		if err != nil {
			t.Fatalf("TimeRange(%q): %v", s, err)
		}
		if !slices.Equal(within, got) {
			t.Fatalf("TimeRange(%q) = [%d, %d), which holds %v of the %v selected", s, from, to, within, got)
		}
	})
}
