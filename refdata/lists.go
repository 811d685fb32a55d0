// Package refdata holds the reference lists' seed data (the CSV files in
// seed/, embedded) and the schema of their CSV files: the columns of each
// list, how a cell is checked, and the parsing of a whole file into rows.
// It knows nothing of the database: the store writes what Parse returns.
package refdata

import (
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// Kind names a reference list.
type Kind int

const (
	QualificationLevel Kind = iota + 1
	AcademicTitle
	Field
	EthnicGroup
	Country
	AdminUnit
	FieldCrosswalk
	Sector
)

func (k Kind) String() string {
	for _, l := range lists {
		if l.Kind == k {
			return l.Name
		}
	}
	return "RefKind(" + strconv.Itoa(int(k)) + ")"
}

// Seed is an embedded file: the list it holds and, for fields, their scheme.
type Seed struct {
	Kind   Kind
	Scheme string
	File   string
}

// ReadSeed returns the text of an embedded file.
func ReadSeed(file string) ([]byte, error) { return seedFiles.ReadFile("seed/" + file) }

// norm is how names are stored: NFC, without surrounding space.
func norm(s string) string { return strings.TrimSpace(vntext.NFC(s)) }

// The reference lists are loaded from CSV files: the ones embedded here seed
// every new database (see seed/README.md for their sources), and an
// administrator loads newer ones in the same columns with `trithuc reference
// load`, which calls LoadReference.

//go:embed seed/*.csv
var seedFiles embed.FS

// Seeds are the embedded files, in the order they are loaded: a list's
// parents before the rows that refer to them.
var Seeds = []Seed{
	{QualificationLevel, "", "qualification_levels.csv"},
	{AcademicTitle, "", "academic_titles.csv"},
	{Field, "vn2008", "fields_2008.csv"},
	{Field, "vn2025", "fields_2025.csv"},
	{FieldCrosswalk, "", "field_crosswalk.csv"},
	{Sector, "", "vsic_2018_sections.csv"},
	{EthnicGroup, "", "ethnic_groups_gso_2008.csv"},
	{Country, "", "countries.csv"},
	{AdminUnit, "", "admin_units_2024_kien_giang.csv"},
	{AdminUnit, "", "admin_units_2025_an_giang.csv"},
}

// List says how a reference list is kept: its table and the columns of
// its CSV files, which are the table's columns, mostly under the same names.
type List struct {
	Kind  Kind
	Name  string // as `trithuc reference load --list` names it
	Title string // for messages: "qualification level"
	See   string // the method that lists it, for messages
	Table string
	// Key are the table's key columns; "scheme" is not in the file but
	// given with it.
	Key     []string
	Columns []Column
	// checkRow checks a row's columns against each other.
	checkRow func(r *Record, v *Problems)
}

// Column is a column of a list's CSV files.
type Column struct {
	Name string // in the header
	SQL  string // the table's column when it is named differently
	// Required columns must be in the header; an optional one that is
	// missing reads as empty cells.
	Required bool
	// parse checks a cell's text and returns the value to store, or a
	// problem saying what to write instead.
	parse func(s string) (any, string)
}

// SQLName is the table column the cell is stored in.
func (c Column) SQLName() string {
	if c.SQL != "" {
		return c.SQL
	}
	return c.Name
}

// Record is one parsed row of a CSV file.
type Record struct {
	Row  int            // the line it starts on; the header is row 1
	Vals map[string]any // by table column
}

// Str is a text cell by table column.
func (r *Record) Str(col string) string {
	s, _ := r.Vals[col].(string)
	return s
}

// Num is a number cell by table column.
func (r *Record) Num(col string) int64 {
	n, _ := r.Vals[col].(int64)
	return n
}

// The codes of the lists, as files and names spell them.
var (
	upperCodeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)
	SchemeRE    = regexp.MustCompile(`^[a-z][a-z0-9]{0,19}$`)
	FieldCodeRE = regexp.MustCompile(`^[0-9A-Za-z._]{1,20}$`)
	ethnicRE    = regexp.MustCompile(`^[0-9]{2}$`)
	countryRE   = regexp.MustCompile(`^[A-Z]{2}$`)
	UnitCodeRE  = regexp.MustCompile(`^[0-9]{2,5}$`)
	SectorRE    = regexp.MustCompile(`^[A-Z]$`)
)

// UnitKinds are the kinds of administrative unit as files spell them, and
// as the table keeps them.
var UnitKinds = map[string]pb.AdministrativeUnit_Kind{}

func init() {
	for n, name := range pb.AdministrativeUnit_Kind_name {
		if n != 0 {
			UnitKinds[strings.ToLower(name)] = pb.AdministrativeUnit_Kind(n)
		}
	}
}

// UnitKindNames lists the kinds of administrative unit as CSV files spell
// them, for usage messages.
func UnitKindNames() string {
	names := make([]string, 0, len(UnitKinds))
	for k := range UnitKinds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return UnitKinds[names[i]] < UnitKinds[names[j]] })
	return strings.Join(names, ", ")
}

func codeColumn(re *regexp.Regexp, help string) Column {
	return Column{Name: "code", Required: true, parse: func(s string) (any, string) {
		if s == "" {
			return nil, "required: " + help
		}
		if !re.MatchString(s) {
			return nil, fmt.Sprintf("%q is not a code: want %s", s, help)
		}
		return s, ""
	}}
}

// textColumn is a name: stored in NFC, without surrounding space.
func textColumn(name string, required bool, max int) Column {
	return Column{Name: name, Required: required, parse: func(s string) (any, string) {
		s = norm(s)
		switch {
		case s == "" && required:
			return nil, "required"
		case utf8.RuneCountInString(s) > max:
			return nil, fmt.Sprintf("is %d characters long; the most is %d", utf8.RuneCountInString(s), max)
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			return nil, "contains a control character"
		}
		return s, ""
	}}
}

// intColumn is a whole number from lo to hi; an empty cell is def, or
// required when def < lo.
func intColumn(name string, required bool, lo, hi, def int64) Column {
	return Column{Name: name, Required: required, parse: func(s string) (any, string) {
		if s == "" {
			if def < lo {
				return nil, fmt.Sprintf("required: a whole number from %d to %d", lo, hi)
			}
			return def, ""
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < lo || n > hi {
			return nil, fmt.Sprintf("%q: want a whole number from %d to %d", s, lo, hi)
		}
		return n, ""
	}}
}

// boolColumn is true or false; an empty cell is def.
func boolColumn(name string, required, def bool) Column {
	return Column{Name: name, Required: required, parse: func(s string) (any, string) {
		switch strings.ToLower(s) {
		case "":
			return boolInt(def), ""
		case "true":
			return int64(1), ""
		case "false":
			return int64(0), ""
		}
		return nil, fmt.Sprintf("%q: want true or false", s)
	}}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// rankColumn is the order of a list; an empty cell, or no such column,
// keeps the rank a code has, and ranks new codes after the others.
func rankColumn() Column {
	c := intColumn("rank", false, 1, 10000, 0)
	parse := c.parse
	c.parse = func(s string) (any, string) {
		if s == "" {
			return nil, ""
		}
		return parse(s)
	}
	return c
}

// dateColumn is a day, YYYY-MM-DD, or empty for an open end.
func dateColumn(name string) Column {
	return Column{Name: name, Required: true, parse: func(s string) (any, string) {
		if s == "" {
			return "", ""
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || t.Year() < 1900 {
			return nil, fmt.Sprintf("%q: want a date from 1900 on, YYYY-MM-DD, or nothing for an open end", s)
		}
		return s, ""
	}}
}

var lists = []*List{
	{
		Kind: QualificationLevel, Name: "qualification_levels", Title: "qualification level", See: "ListQualificationLevels",
		Table: "ref_qualification_levels", Key: []string{"code"},
		Columns: []Column{
			codeColumn(upperCodeRE, "upper-case letters, digits and _, starting with a letter, for example THAC_SI"),
			rankColumn(),
			intColumn("nqf_level", true, 1, 8, -1),
			intColumn("isced_2011", true, 0, 8, 0),
			textColumn("name_vi", true, 200),
			textColumn("name_en", true, 200),
			boolColumn("awarded", true, true),
		},
	},
	{
		Kind: AcademicTitle, Name: "academic_titles", Title: "academic title", See: "ListAcademicTitles",
		Table: "ref_academic_titles", Key: []string{"code"},
		Columns: []Column{
			codeColumn(upperCodeRE, "upper-case letters, digits and _, starting with a letter, for example GIAO_SU"),
			rankColumn(),
			textColumn("name_vi", true, 200),
			textColumn("abbrev_vi", true, 20),
			textColumn("name_en", true, 200),
		},
	},
	{
		Kind: Field, Name: "fields", Title: "field", See: "ListFields",
		Table: "ref_fields", Key: []string{"scheme", "code"},
		Columns: []Column{
			codeColumn(FieldCodeRE, "1 to 20 letters, digits, dots or _, for example 502"),
			{Name: "parent_code", Required: true, parse: func(s string) (any, string) {
				if s != "" && !FieldCodeRE.MatchString(s) {
					return nil, fmt.Sprintf("%q is not a field code; leave it empty at level 1", s)
				}
				return s, ""
			}},
			intColumn("level", true, 1, 9, -1),
			textColumn("name_vi", true, 300),
			textColumn("name_en", false, 300),
			boolColumn("verified", false, false),
		},
		checkRow: func(r *Record, v *Problems) {
			switch level, parent := r.Num("level"), r.Str("parent_code"); {
			case level == 1 && parent != "":
				v.add(RowField(r.Row, "parent_code"), "a field at level 1 has no parent: leave it empty")
			case level > 1 && parent == "":
				v.add(RowField(r.Row, "parent_code"), "required: the code of the field one level up")
			case parent == r.Str("code"):
				v.add(RowField(r.Row, "parent_code"), "a field cannot be its own parent")
			}
		},
	},
	{
		Kind: EthnicGroup, Name: "ethnic_groups", Title: "ethnic group", See: "ListEthnicGroups",
		Table: "ref_ethnic_groups", Key: []string{"code"},
		Columns: []Column{
			codeColumn(ethnicRE, "two digits, for example 05"),
			textColumn("name_vi", true, 100),
			boolColumn("verified", false, false),
		},
	},
	{
		Kind: Country, Name: "countries", Title: "country", See: "ListCountries",
		Table: "ref_countries", Key: []string{"code"},
		Columns: []Column{
			codeColumn(countryRE, "an upper-case ISO 3166-1 alpha-2 code, for example JP"),
			textColumn("name_vi", true, 200),
			textColumn("name_en", true, 200),
		},
	},
	{
		Kind: AdminUnit, Name: "admin_units", Title: "administrative unit", See: "ListAdministrativeUnits",
		Table: "ref_admin_units", Key: []string{"code", "valid_from"},
		Columns: []Column{
			codeColumn(UnitCodeRE, "2 to 5 digits, for example 30742"),
			textColumn("name", true, 200),
			{Name: "kind", Required: true, parse: func(s string) (any, string) {
				s = strings.ToLower(s)
				if _, ok := UnitKinds[s]; !ok {
					return nil, fmt.Sprintf("%q: want one of %s", s, UnitKindNames())
				}
				return s, ""
			}},
			{Name: "parent_code", Required: true, parse: func(s string) (any, string) {
				if s != "" && !UnitCodeRE.MatchString(s) {
					return nil, fmt.Sprintf("%q is not a unit code: want 2 to 5 digits, or nothing for a province", s)
				}
				return s, ""
			}},
			dateColumn("valid_from"),
			dateColumn("valid_to"),
			{Name: "successors", SQL: "successor_codes", parse: func(s string) (any, string) {
				codes := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' })
				for _, c := range codes {
					if !UnitCodeRE.MatchString(c) {
						return nil, fmt.Sprintf("%q is not a unit code: want codes of 2 to 5 digits, separated by spaces", c)
					}
				}
				return strings.Join(codes, " "), ""
			}},
		},
		checkRow: func(r *Record, v *Problems) {
			from, to := r.Str("valid_from"), r.Str("valid_to")
			if to != "" && from > to {
				v.add(RowField(r.Row, "valid_to"), "%s is before valid_from %s", to, from)
			}
			if r.Str("successor_codes") != "" && to == "" {
				v.add(RowField(r.Row, "successors"), "a unit that is still valid has no successors: give valid_to, or leave successors empty")
			}
			if r.Str("parent_code") == r.Str("code") {
				v.add(RowField(r.Row, "parent_code"), "a unit cannot be its own parent")
			}
		},
	},
}

// fieldRefColumns are a scheme and a code of a crosswalk row's side.
func fieldRefColumns(side string) []Column {
	return []Column{
		{Name: side + "_scheme", Required: true, parse: func(s string) (any, string) {
			if !SchemeRE.MatchString(s) {
				return nil, fmt.Sprintf("%q is not a scheme: want a lower-case letter, then up to 19 lower-case letters or digits, for example vn2025", s)
			}
			return s, ""
		}},
		{Name: side + "_code", Required: true, parse: func(s string) (any, string) {
			if !FieldCodeRE.MatchString(s) {
				return nil, fmt.Sprintf("%q is not a field code: want 1 to 20 letters, digits, dots or _, for example 502", s)
			}
			return s, ""
		}},
	}
}

func init() {
	lists = append(lists,
		&List{
			// A pair of fields of two schemes that cover the same area
			// (or the first within the second); read both ways.
			Kind: FieldCrosswalk, Name: "field_crosswalk", Title: "field crosswalk row", See: "ListFields",
			Table: "ref_field_crosswalk", Key: []string{"from_scheme", "from_code", "to_scheme", "to_code"},
			Columns: append(append(fieldRefColumns("from"), fieldRefColumns("to")...),
				boolColumn("verified", false, false), textColumn("source", false, 300)),
			checkRow: func(r *Record, v *Problems) {
				if r.Str("from_scheme") == r.Str("to_scheme") {
					v.add(RowField(r.Row, "to_scheme"), "a crosswalk joins two schemes; %s is on both sides", r.Str("to_scheme"))
				}
			},
		},
		&List{
			Kind: Sector, Name: "sectors", Title: "sector", See: "ListSectors",
			Table: "ref_sectors", Key: []string{"code"},
			Columns: []Column{
				codeColumn(SectorRE, "the letter of a section of VSIC 2018, A to U, for example P"),
				textColumn("name_vi", true, 300),
				boolColumn("verified", false, false),
			},
		},
	)
}

func Of(kind Kind) *List {
	for _, l := range lists {
		if l.Kind == kind {
			return l
		}
	}
	panic(fmt.Sprintf("store: no reference list %d", kind))
}

// ListNames are the names `trithuc reference load --list` takes.
func ListNames() []string {
	names := make([]string, len(lists))
	for i, l := range lists {
		names[i] = l.Name
	}
	return names
}

// KindByName finds a list by one of ListNames; "-" may stand for "_".
func KindByName(name string) (Kind, bool) {
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	for _, l := range lists {
		if l.Name == name {
			return l.Kind, true
		}
	}
	return 0, false
}

// ColumnNames describes the CSV columns of a list, for usage messages.
func ColumnNames(kind Kind) (required, optional []string) {
	for _, c := range Of(kind).Columns {
		if c.Required {
			required = append(required, c.Name)
		} else {
			optional = append(optional, c.Name)
		}
	}
	return required, optional
}
