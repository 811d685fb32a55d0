package filter_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/store/filter"
)

// The SQL of the joined fields, as the schema has it.
const (
	existsField = "EXISTS (SELECT 1 FROM person_fields f WHERE (f.person_pk = p.pk) AND "
	existsQual  = "EXISTS (SELECT 1 FROM qualifications q WHERE (q.person_pk = p.pk AND q.delete_time IS NULL) AND "
	existsPos   = "EXISTS (SELECT 1 FROM positions pos JOIN organizations o ON o.pk = pos.organization_pk WHERE (pos.person_pk = p.pk AND pos.delete_time IS NULL) AND "
	birthDate   = "(p.birth_year * 10000 + p.birth_month * 100 + p.birth_day)"
)

var validTests = []struct {
	filter string
	where  string
	args   []any
}{
	{"", "", nil},
	{" \t\n", "", nil},

	// Enums, bare or quoted.
	{"gender = FEMALE", "p.gender = ?", []any{int64(2)}},
	{`gender = "FEMALE"`, "p.gender = ?", []any{int64(2)}},
	{"gender != MALE", "p.gender != ?", []any{int64(1)}},
	{"gender=GENDER_UNSPECIFIED", "p.gender = ?", []any{int64(0)}},
	{"work_location = ABROAD", "p.work_location = ?", []any{int64(3)}},

	// Dates are YYYYMMDD numbers; other ints are ints.
	{`birth_date >= "1980-01-31"`, birthDate + " >= ?", []any{int64(19800131)}},
	{`birth_date < "2000-02-29"`, birthDate + " < ?", []any{int64(20000229)}},
	{"birth_date.year = 1990", "p.birth_year = ?", []any{int64(1990)}},
	{"birth_date.year > -5", "p.birth_year > ?", []any{int64(-5)}},

	// Timestamps are microseconds since the epoch, from any time zone.
	{`create_time >= "2024-01-01T00:00:00+07:00"`, "p.create_time >= ?", []any{int64(1704042000000000)}},
	{`create_time < "2024-01-01T00:00:00.123456Z"`, "p.create_time < ?", []any{int64(1704067200123456)}},

	// Strings: folded where the field folds, exact otherwise.
	{`given_name = "Đức"`, "p.given_name_fold = ?", []any{"duc"}},
	{`given_name = "DUC"`, "p.given_name_fold = ?", []any{"duc"}},
	{`family_name = "Đức"`, "p.family_name = ?", []any{"Đức"}},
	{"family_name = \"Nguye\u0302\u0303n\"", "p.family_name = ?", []any{"Nguy\u1ec5n"}}, // decomposed, composed
	{`family_name <= "M"`, "p.family_name <= ?", []any{"M"}},
	{`family_name = 'O\'Brien'`, "p.family_name = ?", []any{"O'Brien"}},
	{`family_name = "say \"hi\"\n\\"`, "p.family_name = ?", []any{"say \"hi\"\n\\"}},
	{`family_name = "5\*"`, "p.family_name = ?", []any{"5*"}},
	{`hometown:*`, "p.hometown != ?", []any{""}},
	{`birth_date.year:*`, "p.birth_year != ?", []any{int64(0)}},
	{`gender:*`, "p.gender != ?", []any{int64(0)}},

	// Prefixes compile to ranges; the end may cut a character in half.
	{`display_name = "Nguyễn*"`, "(p.display_name_fold >= ? AND p.display_name_fold < ?)", []any{"nguyen", "nguyeo"}},
	{`family_name = "Nguyễ*"`, "(p.family_name >= ? AND p.family_name < ?)", []any{"Nguyễ", "Nguy\xe1\xbb\x86"}},
	{`display_name != "Nguyễn*"`, "NOT (p.display_name_fold >= ? AND p.display_name_fold < ?)", []any{"nguyen", "nguyeo"}},
	{`display_name = "*"`, "p.display_name_fold >= ?", []any{""}},
	{"display_name = \"\u0301*\"", "p.display_name_fold >= ?", []any{""}}, // a lone accent folds away
	{"family_name = \"\U0010FFFF*\"", "(p.family_name >= ? AND p.family_name < ?)", []any{"\U0010FFFF", "\xf4\x8f\xbf\xc0"}},
	{`display_name != "*"`, "NOT (p.display_name_fold >= ?)", []any{""}},

	// Related rows.
	{`fields.code:"502"`, existsField + "f.code = ?)", []any{"502"}},
	{`fields.code = "502"`, existsField + "f.code = ?)", []any{"502"}},
	{`fields.code:"10*"`, existsField + "(f.code >= ? AND f.code < ?))", []any{"10", "11"}},
	{`fields.code:*`, existsField + "f.code != ?)", []any{""}},
	{"qualifications.level >= THAC_SI", existsQual + "q.level_rank >= ?)", []any{int64(7)}},
	{`qualifications.level < "TIEN_SI"`, existsQual + "q.level_rank < ?)", []any{int64(8)}},
	{"qualifications.year < 2000", existsQual + "q.year < ?)", []any{int64(2000)}},
	{"positions.organization.kind = UNIVERSITY", existsPos + "o.kind = ?)", []any{int64(3)}},
	{"positions.current = true", existsPos + "pos.current = ?)", []any{int64(1)}},
	{"positions.current != false", existsPos + "pos.current != ?)", []any{int64(0)}},
	{"positions.current:*", "EXISTS (SELECT 1 FROM positions pos JOIN organizations o ON o.pk = pos.organization_pk WHERE pos.person_pk = p.pk AND pos.delete_time IS NULL)", nil},

	// Negation.
	{"NOT gender = MALE", "NOT (p.gender = ?)", []any{int64(1)}},
	{"-gender = MALE", "NOT (p.gender = ?)", []any{int64(1)}},
	{"NOT(gender = MALE)", "NOT (p.gender = ?)", []any{int64(1)}},
	{`-fields.code:"502"`, "NOT " + existsField + "f.code = ?)", []any{"502"}},
	{"NOT (gender = MALE OR hometown = \"1\")", "NOT (p.gender = ? OR p.hometown = ?)", []any{int64(1), "1"}},
	{"NOT (NOT gender = MALE)", "NOT NOT (p.gender = ?)", []any{int64(1)}},

	// AND, OR, juxtaposition and their precedence: OR binds tighter.
	{`gender = MALE AND work_location = ABROAD OR hometown = "1"`,
		"(p.gender = ? AND (p.work_location = ? OR p.hometown = ?))", []any{int64(1), int64(3), "1"}},
	{`(gender = MALE AND work_location = ABROAD) OR hometown = "1"`,
		"((p.gender = ? AND p.work_location = ?) OR p.hometown = ?)", []any{int64(1), int64(3), "1"}},
	{`gender = MALE work_location = ABROAD hometown = "1"`,
		"(p.gender = ? AND p.work_location = ? AND p.hometown = ?)", []any{int64(1), int64(3), "1"}},
	{`gender = MALE -work_location = ABROAD`,
		"(p.gender = ? AND NOT (p.work_location = ?))", []any{int64(1), int64(3)}},
	{`gender = MALE OR gender = FEMALE OR gender = GENDER_UNSPECIFIED`,
		"(p.gender = ? OR p.gender = ? OR p.gender = ?)", []any{int64(1), int64(2), int64(0)}},
	{"qualifications.year >= 2000 AND qualifications.year <= 2010",
		"(" + existsQual + "q.year >= ? AND q.year <= ?))", []any{int64(2000), int64(2010)}},
	// Has on a list is tested element by element, so both can hold.
	{`fields.code:"502" AND fields.code:"101"`,
		"(EXISTS (SELECT 1 FROM person_fields f WHERE (f.person_pk = p.pk) AND f.code = ?) AND EXISTS (SELECT 1 FROM person_fields f WHERE (f.person_pk = p.pk) AND f.code = ?))", []any{"502", "101"}},
	// The same row, whatever comes between.
	{`qualifications.year >= 2000 AND gender = MALE AND qualifications.year <= 2010`,
		"(" + existsQual + "q.year >= ? AND q.year <= ?) AND p.gender = ?)", []any{int64(2000), int64(2010), int64(1)}},
	{"\n  gender = FEMALE\n\tAND\n  birth_date.year<1990  ", "(p.gender = ? AND p.birth_year < ?)", []any{int64(2), int64(1990)}},

	// The limits themselves are allowed.
	{strings.Repeat("(", 16) + "gender = MALE" + strings.Repeat(")", 16), "p.gender = ?", []any{int64(1)}},
	{strings.TrimSuffix(strings.Repeat("birth_date.year = 1 OR ", 64), " OR "),
		"(" + strings.TrimSuffix(strings.Repeat("p.birth_year = ? OR ", 64), " OR ") + ")", repeat(int64(1), 64)},
}

func repeat(v any, n int) []any {
	s := make([]any, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestCompile(t *testing.T) {
	for _, tt := range validTests {
		where, args, err := filter.Compile(tt.filter, testSchema)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.filter, err)
			continue
		}
		if where != tt.where || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("Compile(%q)\n got %s %#v\nwant %s %#v", tt.filter, where, args, tt.where, tt.args)
		}
	}
}

var invalidTests = []struct {
	filter string
	pos    int      // 1-based, in characters
	want   []string // in the message
}{
	// Fields.
	{"foo = 1", 1, []string{`unknown field "foo"`, "birth_date, birth_date.year, create_time, display_name, family_name, fields.code, gender, given_name, hometown, positions.current, positions.organization.kind, qualifications.level, qualifications.year, work_location"}},
	{"gender = MALE AND qualifications = 1", 19, []string{`unknown field "qualifications"`}},
	{`display_name = "Nguyễn" AND tuổi > 5`, 29, []string{`unknown field "tuổi"`}},
	{"Gender = MALE", 1, []string{`unknown field "Gender"`}},

	// Values of the wrong type.
	{"gender = 5", 10, []string{"gender has no value 5", "GENDER_UNSPECIFIED, MALE, FEMALE"}},
	{"gender = female", 10, []string{"gender has no value female", "MALE, FEMALE"}},
	{`gender = "FEMALE "`, 10, []string{`no value "FEMALE "`}},
	{"gender < MALE", 8, []string{"gender", "only = and != apply"}},
	{"work_location = OVERSEAS", 17, []string{"work_location has no value OVERSEAS", "WORK_LOCATION_UNSPECIFIED, IN_PROVINCE, ELSEWHERE_IN_VIETNAM, ABROAD"}},
	{"given_name = 5", 14, []string{"given_name is text", `given_name = "5"`}},
	{"given_name = An", 14, []string{"given_name is text", `given_name = "An"`}},
	{"qualifications.year = \"2010\"", 23, []string{"qualifications.year is a whole number", "without quotes"}},
	{"qualifications.year = MALE", 23, []string{"qualifications.year is a whole number"}},
	{"qualifications.level >= MASTER", 25, []string{"qualifications.level has no level MASTER", "SO_CAP_1, SO_CAP_2, SO_CAP_3, TRUNG_CAP, CAO_DANG, DAI_HOC, THAC_SI, TIEN_SI, TIEN_SI_KHOA_HOC"}},
	{"qualifications.level = 8", 24, []string{"qualifications.level has no level 8"}},
	{`birth_date = "1980-13-01"`, 14, []string{"birth_date is a date", `"YYYY-MM-DD"`}},
	{`birth_date = "1980-1-1"`, 14, []string{"birth_date is a date"}},
	{`birth_date = 1980`, 14, []string{"birth_date is a date"}},
	{`birth_date = 1980-01-01`, 14, []string{`1980-01-01 is not a number; if it is a date, put it in double quotes: "1980-01-01"`}},
	{`birth_date.year = 1-2`, 19, []string{"1-2 is not a number"}},
	{`birth_date.year = 1 -2`, 22, []string{"expected a field name, found the number 2"}},
	{`create_time > "2024-01-01"`, 15, []string{"create_time is a timestamp", "RFC 3339"}},
	{`create_time > "2024-01-01T00:00:00.0000001Z"`, 15, []string{"create_time is kept to the microsecond"}},
	{"positions.current = yes", 21, []string{"positions.current is true or false"}},
	{"positions.current = TRUE", 21, []string{"positions.current is true or false"}},
	{"positions.current > false", 19, []string{"only = and != apply"}},
	{"qualifications.year = 1.5", 23, []string{"whole numbers"}},
	{"qualifications.year = 99999999999999999999", 23, []string{"99999999999999999999 is too large"}},
	{"qualifications.year = -99999999999999999999", 23, []string{"-99999999999999999999 is too large"}},

	// Has and wildcards.
	{`hometown:"30742"`, 9, []string{"hometown holds a single value", "hometown:*"}},
	{"gender = *", 10, []string{"bare * means \"any value\"", "gender:*"}},
	{"positions.current:*x", 21, []string{`expected a comparison`}},
	{"hometown:* = 1", 12, []string{"unexpected"}},
	{`given_name = "Ng*yen"`, 17, []string{"wildcard only at the end"}},
	{`given_name = "**"`, 15, []string{"wildcard only at the end"}},
	{`given_name > "Ng*"`, 12, []string{"only with = and !="}},
	{`family_name > "a*b\*"`, 17, []string{"wildcard only at the end"}},

	// Syntax.
	{`given_name = "abc`, 14, []string{"no closing \""}},
	{`given_name = "abc\"`, 14, []string{"no closing \""}},
	{`given_name = "abc\`, 14, []string{"no closing \""}},
	{`given_name = "a\qb"`, 16, []string{`unknown escape \q`}},
	{"gender = FEMALE AND", 17, []string{"AND needs a condition"}},
	{"gender = FEMALE OR", 17, []string{"OR needs a condition"}},
	{"(gender = FEMALE AND) hometown = \"1\"", 18, []string{"AND needs a condition"}},
	{"(gender = FEMALE", 17, []string{"expected ) to close the ( at column 1", "the end of the filter"}},
	{"gender = FEMALE)", 16, []string{"this ) closes no ("}},
	{"()", 1, []string{"empty parentheses"}},
	{"gender FEMALE", 8, []string{`expected a comparison (=, !=, <, <=, >, >= or :) after "gender"`}},
	{"gender", 7, []string{`expected a comparison`, "the end of the filter"}},
	{"gender =", 9, []string{"expected a value after =", "the end of the filter"}},
	{"gender == FEMALE", 9, []string{"write a single ="}},
	{"gender ! FEMALE", 8, []string{"write != for"}},
	{"gender = FEMALE and hometown = \"1\"", 17, []string{"write AND in capitals"}},
	{"gender = FEMALE or hometown = \"1\"", 17, []string{"write OR in capitals"}},
	{"lower(given_name) = \"an\"", 6, []string{"functions are not supported"}},
	{"gender = FEMALE.x", 10, []string{"a value cannot be a field"}},
	{"given_name = family_name", 14, []string{"given_name is text"}},
	{"fields.code:502", 13, []string{`fields.code is text: put the value in double quotes, as in fields.code:"502"`}},
	{"positions.current = 1", 21, []string{"write positions.current = true or positions.current = false"}},
	{"gender = FEMALE And hometown = \"1\"", 17, []string{"write AND in capitals"}},
	{"gender = (MALE)", 10, []string{"expected a value after =", `"("`}},
	{"gender = @", 10, []string{"unexpected character '@'"}},
	{`"Nguyễn"`, 1, []string{"expected a field name, found a quoted string"}},
	{"5 = gender", 1, []string{"expected a field name, found the number 5"}},
	{"NOT", 4, []string{"expected a field name, found the end of the filter"}},
	{"NOT NOT gender = MALE", 5, []string{"expected a field name, found \"NOT\""}},
	{"fields.", 8, []string{`expected a field name after "."`}},
	{"fields.5 = 1", 8, []string{`expected a field name after "."`}},
	{"qualifications.year = -x", 24, []string{"expected a number after -"}},
	{"gender = MALE AND AND gender = FEMALE", 19, []string{`expected a field name, found "AND"`}},
	{"gender = \xff", 10, []string{"not valid UTF-8"}},
	{"given_name = \"Ánh\xff\"", 18, []string{"not valid UTF-8"}},

	// Limits.
	{strings.Repeat("(", 17) + "gender = MALE" + strings.Repeat(")", 17), 17, []string{"more than 16 deep"}},
	{strings.Repeat("birth_date.year = 1 ", 65), 64*20 + 1, []string{"more than 64 comparisons"}},
	{strings.Repeat("(", 1000), 17, []string{"more than 16 deep"}},
}

func TestCompileErrors(t *testing.T) {
	for _, tt := range invalidTests {
		where, args, err := filter.Compile(tt.filter, testSchema)
		var fe *filter.Error
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%.80q) = %q, %v, %v; want a *filter.Error", tt.filter, where, args, err)
			continue
		}
		if fe.Pos != tt.pos {
			t.Errorf("Compile(%.80q): error at column %d, want %d: %v", tt.filter, fe.Pos, tt.pos, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Compile(%.80q): error %q does not say %q", tt.filter, err, w)
			}
		}
	}
}

func TestCompileEmptySchema(t *testing.T) {
	_, _, err := filter.Compile("gender = MALE", nil)
	var fe *filter.Error
	if !errors.As(err, &fe) || fe.Pos != 1 || !strings.Contains(fe.Msg, "nothing here can be filtered") {
		t.Errorf("Compile with no schema: %v; want a *filter.Error at column 1 saying that nothing can be filtered", err)
	}
}

// Each of these mistakes is in the schema, not the filter, so it is not a
// *filter.Error (which a server would report as the client's fault).
func TestCompileSchemaErrors(t *testing.T) {
	for _, tt := range []struct {
		field filter.Field
		value string
	}{
		{filter.Field{Type: filter.String, SQL: "x.y", Repeated: true}, `"a"`},
		{filter.Field{SQL: "x.y"}, "1"},
	} {
		_, _, err := filter.Compile("x = "+tt.value, filter.Schema{"x": tt.field})
		var fe *filter.Error
		if err == nil || errors.As(err, &fe) {
			t.Errorf("Compile with field %+v: %v; want an error that is not a *filter.Error", tt.field, err)
		}
	}
}

// A field with an Order compares its key: the value's key, and below the
// value's key followed by 0 1 for a column that goes on past the key; a
// prefix that Starts takes is ranges of keys, inside one range around them.
func TestCompileOrder(t *testing.T) {
	key := func(s string) []byte { return []byte("k" + strings.ToLower(s)) }
	s := filter.Schema{"name": {Type: filter.String, SQL: "p.name", Order: &filter.Order{
		SQL: "p.name_key",
		Key: key,
		Starts: func(p string) ([][]byte, error) {
			switch p {
			case "As typed":
				return nil, nil
			case "Too many":
				return nil, errors.New("too many spellings")
			}
			return [][]byte{key(p), []byte("m" + strings.ToLower(p))}, nil
		},
	}}}
	for _, tt := range []struct {
		filter string
		where  string
		args   []any
	}{
		{`name < "Ab"`, "p.name_key < ?", []any{[]byte("kab")}},
		{`name <= "Ab"`, "p.name_key < ?", []any{[]byte("kab\x00\x01")}},
		{`name > "Ab"`, "p.name_key >= ?", []any{[]byte("kab\x00\x01")}},
		{`name >= "Ab"`, "p.name_key >= ?", []any{[]byte("kab")}},
		{`name = "Ab"`, "p.name = ?", []any{"Ab"}},
		// A key's prefix is broad: likelihood tells SQLite (store's
		// TestBroadNamePrefixPages).
		{`name = "Ab*"`, "(likelihood(p.name_key >= ?, 0.9) AND likelihood(p.name_key < ?, 0.9) AND ((p.name_key >= ? AND p.name_key < ?) OR (p.name_key >= ? AND p.name_key < ?)))",
			[]any{[]byte("kab"), []byte("mac"), []byte("kab"), []byte("kac"), []byte("mab"), []byte("mac")}},
		{`name != "As typed*"`, "NOT (p.name >= ? AND p.name < ?)", []any{"As typed", "As typee"}},
	} {
		where, args, err := filter.Compile(tt.filter, s)
		if err != nil || where != tt.where || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s:\n got %q %q %v\nwant %q %q", tt.filter, where, args, err, tt.where, tt.args)
		}
	}
	for f, want := range map[string]string{
		`name = "Too many*"`: "column 8: name: too many spellings",
		`name < "Ab*"`:       "column 6: name: a trailing * (a prefix match) works only with = and !=",
	} {
		if _, _, err := filter.Compile(f, s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", f, err, want)
		}
	}
}

// A whole key (Order.Whole) is compared by = as well, once per distinct
// key of the values; != and prefixes compare as before.
func TestCompileWholeKey(t *testing.T) {
	key := func(s string) []byte { return []byte("k" + strings.ToLower(s)) }
	s := filter.Schema{"name": {Type: filter.String, SQL: "p.name", Order: &filter.Order{SQL: "p.name_key", Key: key, Whole: true},
		Expand: func(v string) ([]string, error) { return []string{v, strings.ToUpper(v)}, nil }}}
	for _, tt := range []struct {
		filter string
		where  string
		args   []any
	}{
		{`name = "Ab"`, "(p.name_key = ? AND p.name IN (?, ?))", []any{[]byte("kab"), "AB", "Ab"}},
		{`name != "Ab"`, "p.name NOT IN (?, ?)", []any{"AB", "Ab"}},
		{`name = "Ab" AND name = "Cd"`, "((p.name_key = ? AND p.name IN (?, ?)) AND (p.name_key = ? AND p.name IN (?, ?)))",
			[]any{[]byte("kab"), "AB", "Ab", []byte("kcd"), "CD", "Cd"}},
	} {
		where, args, err := filter.Compile(tt.filter, s)
		if err != nil || where != tt.where || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s:\n got %q %q %v\nwant %q %q", tt.filter, where, args, err, tt.where, tt.args)
		}
	}
}

// Comparisons on a held row (Join.Held) read the outer row's columns, and
// look the rows up only where there are several; the arguments follow the
// SQL's order.
func TestCompileHeld(t *testing.T) {
	j := &filter.Join{From: "positions pos", On: "pos.person_pk = p.pk",
		Held: &filter.Held{Current: "pos.current", Count: "p.n", Fields: map[string]string{"pos.unit": "p.unit"}}}
	s := filter.Schema{
		"pos.current": {Type: filter.Bool, SQL: "pos.is_current", Join: j},
		"pos.unit":    {Type: filter.String, SQL: "pos.unit", Join: j},
		"pos.title":   {Type: filter.String, SQL: "pos.title", Join: j},
		"gender":      {Type: filter.Int, SQL: "p.gender"},
	}
	const lookup = "EXISTS (SELECT 1 FROM positions pos WHERE (pos.person_pk = p.pk) AND "
	for _, tt := range []struct {
		filter string
		where  string
		args   []any
	}{
		{`pos.current = true`, "(p.n > 0)", nil},
		{`pos.current != false AND gender = 1`, "((p.n > 0) AND p.gender = ?)", []any{int64(1)}},
		{`NOT pos.current = true`, "NOT (p.n > 0)", nil},
		{`pos.current = false`, lookup + "pos.is_current = ?)", []any{int64(0)}},
		{`gender = 2 AND pos.current = true AND pos.unit = "x"`,
			"(p.gender = ? AND (CASE WHEN p.n > 1 THEN " + lookup + "pos.is_current = ? AND pos.unit = ?) ELSE p.n = 1 AND p.unit = ? END))",
			[]any{int64(2), int64(1), "x", "x"}},
		// Not held: a field the columns do not mirror, or no Current.
		{`pos.current = true AND pos.title = "x"`, "(" + lookup + "pos.is_current = ? AND pos.title = ?))", []any{int64(1), "x"}},
		{`pos.unit = "x"`, lookup + "pos.unit = ?)", []any{"x"}},
	} {
		where, args, err := filter.Compile(tt.filter, s)
		if err != nil || where != tt.where || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s:\n got %q %#v %v\nwant %q %#v", tt.filter, where, args, err, tt.where, tt.args)
		}
	}
}
