package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	pb "trithuc/proto/trithuc/v1"
)

// The reference lists are loaded from CSV files: the ones embedded here seed
// every new database (see reference/README.md for their sources), and an
// administrator loads newer ones in the same columns with `trithuc reference
// load`, which calls LoadReference.

//go:embed reference/*.csv
var seedFiles embed.FS

// seeds are the embedded files, in the order they are loaded: a list's
// parents before the rows that refer to them.
var seeds = []struct {
	kind   RefKind
	scheme string
	file   string
}{
	{RefQualificationLevel, "", "qualification_levels.csv"},
	{RefAcademicTitle, "", "academic_titles.csv"},
	{RefField, "vn2008", "fields_2008.csv"},
	{RefEthnicGroup, "", "ethnic_groups_gso_2008.csv"},
	{RefCountry, "", "countries.csv"},
	{RefAdminUnit, "", "admin_units_2024_kien_giang.csv"},
	{RefAdminUnit, "", "admin_units_2025_an_giang.csv"},
}

// refList says how a reference list is kept: its table and the columns of
// its CSV files, which are the table's columns, mostly under the same names.
type refList struct {
	kind  RefKind
	name  string // as `trithuc reference load --list` names it
	title string // for messages: "qualification level"
	see   string // the method that lists it, for messages
	table string
	// key are the table's key columns; "scheme" is not in the file but
	// given with it.
	key     []string
	columns []refColumn
	// checkRow checks a row's columns against each other.
	checkRow func(r *refRecord, v *Invalids)
}

// refColumn is a column of a list's CSV files.
type refColumn struct {
	name string // in the header
	sql  string // the table's column when it is named differently
	// required columns must be in the header; an optional one that is
	// missing reads as empty cells.
	required bool
	// parse checks a cell's text and returns the value to store, or a
	// problem saying what to write instead.
	parse func(s string) (any, string)
}

func (c refColumn) sqlName() string {
	if c.sql != "" {
		return c.sql
	}
	return c.name
}

// refRecord is one parsed row of a CSV file.
type refRecord struct {
	row  int            // the line it starts on; the header is row 1
	vals map[string]any // by table column
}

func (r *refRecord) str(col string) string {
	s, _ := r.vals[col].(string)
	return s
}

func (r *refRecord) num(col string) int64 {
	n, _ := r.vals[col].(int64)
	return n
}

var (
	upperCodeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)
	schemeRE    = regexp.MustCompile(`^[a-z][a-z0-9]{0,19}$`)
	fieldCodeRE = regexp.MustCompile(`^[0-9A-Za-z._]{1,20}$`)
	ethnicRE    = regexp.MustCompile(`^[0-9]{2}$`)
	countryRE   = regexp.MustCompile(`^[A-Z]{2}$`)
	unitCodeRE  = regexp.MustCompile(`^[0-9]{2,5}$`)
)

// unitKinds are the kinds of administrative unit as files spell them, and
// as the table keeps them.
var unitKinds = map[string]pb.AdministrativeUnit_Kind{}

func init() {
	for n, name := range pb.AdministrativeUnit_Kind_name {
		if n != 0 {
			unitKinds[strings.ToLower(name)] = pb.AdministrativeUnit_Kind(n)
		}
	}
}

// UnitKindNames lists the kinds of administrative unit as CSV files spell
// them, for usage messages.
func UnitKindNames() string { return kindNames() }

func kindNames() string {
	names := make([]string, 0, len(unitKinds))
	for k := range unitKinds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return unitKinds[names[i]] < unitKinds[names[j]] })
	return strings.Join(names, ", ")
}

func codeColumn(re *regexp.Regexp, help string) refColumn {
	return refColumn{name: "code", required: true, parse: func(s string) (any, string) {
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
func textColumn(name string, required bool, max int) refColumn {
	return refColumn{name: name, required: required, parse: func(s string) (any, string) {
		s = normText(s)
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
func intColumn(name string, required bool, lo, hi, def int64) refColumn {
	return refColumn{name: name, required: required, parse: func(s string) (any, string) {
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
func boolColumn(name string, required, def bool) refColumn {
	return refColumn{name: name, required: required, parse: func(s string) (any, string) {
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
func rankColumn() refColumn {
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
func dateColumn(name string) refColumn {
	return refColumn{name: name, required: true, parse: func(s string) (any, string) {
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

var refLists = []*refList{
	{
		kind: RefQualificationLevel, name: "qualification_levels", title: "qualification level", see: "ListQualificationLevels",
		table: "ref_qualification_levels", key: []string{"code"},
		columns: []refColumn{
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
		kind: RefAcademicTitle, name: "academic_titles", title: "academic title", see: "ListAcademicTitles",
		table: "ref_academic_titles", key: []string{"code"},
		columns: []refColumn{
			codeColumn(upperCodeRE, "upper-case letters, digits and _, starting with a letter, for example GIAO_SU"),
			rankColumn(),
			textColumn("name_vi", true, 200),
			textColumn("abbrev_vi", true, 20),
			textColumn("name_en", true, 200),
		},
	},
	{
		kind: RefField, name: "fields", title: "field", see: "ListFields",
		table: "ref_fields", key: []string{"scheme", "code"},
		columns: []refColumn{
			codeColumn(fieldCodeRE, "1 to 20 letters, digits, dots or _, for example 502"),
			{name: "parent_code", required: true, parse: func(s string) (any, string) {
				if s != "" && !fieldCodeRE.MatchString(s) {
					return nil, fmt.Sprintf("%q is not a field code; leave it empty at level 1", s)
				}
				return s, ""
			}},
			intColumn("level", true, 1, 9, -1),
			textColumn("name_vi", true, 300),
			textColumn("name_en", false, 300),
			boolColumn("verified", false, false),
		},
		checkRow: func(r *refRecord, v *Invalids) {
			switch level, parent := r.num("level"), r.str("parent_code"); {
			case level == 1 && parent != "":
				v.add(rowField(r.row, "parent_code"), "a field at level 1 has no parent: leave it empty")
			case level > 1 && parent == "":
				v.add(rowField(r.row, "parent_code"), "required: the code of the field one level up")
			case parent == r.str("code"):
				v.add(rowField(r.row, "parent_code"), "a field cannot be its own parent")
			}
		},
	},
	{
		kind: RefEthnicGroup, name: "ethnic_groups", title: "ethnic group", see: "ListEthnicGroups",
		table: "ref_ethnic_groups", key: []string{"code"},
		columns: []refColumn{
			codeColumn(ethnicRE, "two digits, for example 05"),
			textColumn("name_vi", true, 100),
			boolColumn("verified", false, false),
		},
	},
	{
		kind: RefCountry, name: "countries", title: "country", see: "ListCountries",
		table: "ref_countries", key: []string{"code"},
		columns: []refColumn{
			codeColumn(countryRE, "an upper-case ISO 3166-1 alpha-2 code, for example JP"),
			textColumn("name_vi", true, 200),
			textColumn("name_en", true, 200),
		},
	},
	{
		kind: RefAdminUnit, name: "admin_units", title: "administrative unit", see: "ListAdministrativeUnits",
		table: "ref_admin_units", key: []string{"code", "valid_from"},
		columns: []refColumn{
			codeColumn(unitCodeRE, "2 to 5 digits, for example 30742"),
			textColumn("name", true, 200),
			{name: "kind", required: true, parse: func(s string) (any, string) {
				s = strings.ToLower(s)
				if _, ok := unitKinds[s]; !ok {
					return nil, fmt.Sprintf("%q: want one of %s", s, kindNames())
				}
				return s, ""
			}},
			{name: "parent_code", required: true, parse: func(s string) (any, string) {
				if s != "" && !unitCodeRE.MatchString(s) {
					return nil, fmt.Sprintf("%q is not a unit code: want 2 to 5 digits, or nothing for a province", s)
				}
				return s, ""
			}},
			dateColumn("valid_from"),
			dateColumn("valid_to"),
			{name: "successors", sql: "successor_codes", parse: func(s string) (any, string) {
				codes := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' })
				for _, c := range codes {
					if !unitCodeRE.MatchString(c) {
						return nil, fmt.Sprintf("%q is not a unit code: want codes of 2 to 5 digits, separated by spaces", c)
					}
				}
				return strings.Join(codes, " "), ""
			}},
		},
		checkRow: func(r *refRecord, v *Invalids) {
			from, to := r.str("valid_from"), r.str("valid_to")
			if to != "" && from > to {
				v.add(rowField(r.row, "valid_to"), "%s is before valid_from %s", to, from)
			}
			if r.str("successor_codes") != "" && to == "" {
				v.add(rowField(r.row, "successors"), "a unit that is still valid has no successors: give valid_to, or leave successors empty")
			}
			if r.str("parent_code") == r.str("code") {
				v.add(rowField(r.row, "parent_code"), "a unit cannot be its own parent")
			}
		},
	},
}

func refListOf(kind RefKind) *refList {
	for _, l := range refLists {
		if l.kind == kind {
			return l
		}
	}
	panic(fmt.Sprintf("store: no reference list %d", kind))
}

// RefListNames are the names `trithuc reference load --list` takes.
func RefListNames() []string {
	names := make([]string, len(refLists))
	for i, l := range refLists {
		names[i] = l.name
	}
	return names
}

// RefKindByName finds a list by one of RefListNames; "-" may stand for "_".
func RefKindByName(name string) (RefKind, bool) {
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	for _, l := range refLists {
		if l.name == name {
			return l.kind, true
		}
	}
	return 0, false
}

// RefColumns describes the CSV columns of a list, for usage messages.
func RefColumns(kind RefKind) (required, optional []string) {
	for _, c := range refListOf(kind).columns {
		if c.required {
			required = append(required, c.name)
		} else {
			optional = append(optional, c.name)
		}
	}
	return required, optional
}

func rowField(row int, column string) string {
	if column == "" {
		return fmt.Sprintf("row %d", row)
	}
	return fmt.Sprintf("row %d, column %s", row, column)
}

// Bounds on a loaded file, so that a wrong file fails quickly instead of
// filling memory.
const (
	maxLoadBytes = 32 << 20
	maxLoadRows  = 200000
)

// parseRefCSV reads a list's CSV file: a header naming its columns, in any
// order, then one row per entry. It returns the good rows, and every bad
// cell, row or header column as an Invalids naming the row and column. When
// the file cannot be read row by row (a bad header, broken quoting) it
// returns no rows.
func parseRefCSV(l *refList, scheme string, r io.Reader) ([]*refRecord, Invalids) {
	var v Invalids
	if l.kind == RefField && !schemeRE.MatchString(scheme) {
		v.add("scheme", "%q: want the scheme the fields belong to: a lower-case letter, then up to 19 lower-case letters or digits, for example vn2025", scheme)
		return nil, v
	}
	if l.kind != RefField && scheme != "" {
		v.add("scheme", "only fields belong to a scheme; leave it out for %s", strings.ReplaceAll(l.name, "_", " "))
		return nil, v
	}
	data, err := io.ReadAll(io.LimitReader(r, maxLoadBytes+1))
	if err != nil {
		v.add("", "cannot read the file: %v", err)
		return nil, v
	}
	if len(data) > maxLoadBytes {
		v.add("", "the file is over %d MiB; is it the right file?", maxLoadBytes>>20)
		return nil, v
	}
	// Spreadsheets save CSV with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := bytes.Count(data[:invalidUTF8At(data)], []byte("\n")) + 1
		v.add(fmt.Sprintf("line %d", line), "is not UTF-8 text; save the file as CSV UTF-8")
		return nil, v
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		v.add(rowField(1, ""), "the file is empty; the first row must name the columns: %s", columnList(l))
		return nil, v
	}
	if err != nil {
		return nil, Invalids{csvError(err)}
	}
	hrow, _ := cr.FieldPos(0)
	index := map[string]int{}
	var unnamed []int // columns without a name, as a trailing comma makes
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			unnamed = append(unnamed, i)
			continue
		case refColumnNamed(l, h) == nil:
			v.add(rowField(hrow, h), "unknown column; the columns of %s are %s", l.name, columnList(l))
		case index[h] != 0:
			v.add(rowField(hrow, h), "appears twice")
		}
		index[h] = i + 1 // 0 is "absent"
	}
	for _, c := range l.columns {
		if c.required && index[c.name] == 0 {
			v.add(rowField(hrow, c.name), "missing: the first row must name the columns %s", columnList(l))
		}
	}
	if len(v) > 0 {
		return nil, v
	}

	var recs []*refRecord
	seen := map[string]int{}
	for rows := 0; ; rows++ {
		// Rows are numbered by the line they start on, which is the row a
		// spreadsheet shows unless a cell spans lines.
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, append(v, csvError(err))
		}
		row, _ := cr.FieldPos(0)
		if rows >= maxLoadRows {
			v.add(rowField(row, ""), "the file has more than %d rows; split it", maxLoadRows)
			return nil, v
		}
		if len(cells) != len(header) {
			// A blank line between rows is harmless; anything else with the
			// wrong number of cells is a shifted row.
			if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
				continue
			}
			v.add(rowField(row, ""), "has %d cell(s); the header has %d", len(cells), len(header))
			continue
		}
		ok := true
		for _, i := range unnamed {
			if strings.TrimSpace(cells[i]) != "" {
				v.add(rowField(row, ""), "cell %d is under a column with no name; name the column in the first row, or empty the cell", i+1)
				ok = false
			}
		}
		rec := &refRecord{row: row, vals: map[string]any{}}
		if l.kind == RefField {
			rec.vals["scheme"] = scheme
		}
		for _, c := range l.columns {
			cell := ""
			if i := index[c.name]; i != 0 {
				cell = strings.TrimSpace(cells[i-1])
			}
			val, problem := c.parse(cell)
			if problem != "" {
				v.add(rowField(row, c.name), "%s", problem)
				ok = false
				continue
			}
			rec.vals[c.sqlName()] = val
		}
		if !ok {
			continue
		}
		if l.checkRow != nil {
			n := len(v)
			l.checkRow(rec, &v)
			if len(v) > n {
				continue
			}
		}
		key := rec.key(l)
		if first, dup := seen[key]; dup {
			v.add(rowField(row, "code"), "%s is given twice (first in row %d)", rec.label(l), first)
			continue
		}
		seen[key] = row
		recs = append(recs, rec)
	}
	if len(recs) == 0 && len(v) == 0 {
		v.add(rowField(2, ""), "the file has no rows below its header")
	}
	return recs, v
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// csvError reports a CSV syntax error at its line, as a text editor counts
// (a quoted cell may span lines, so it is not always the row).
func csvError(err error) *Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errorf(Invalid, fmt.Sprintf("line %d", pe.Line),
			"character %d: %v; put cells with commas, quotes or line breaks in double quotes, and double the quotes inside them", pe.Column, pe.Err)
	}
	return errorf(Invalid, "", "cannot read the file as CSV: %v", err)
}

func refColumnNamed(l *refList, name string) *refColumn {
	for i := range l.columns {
		if l.columns[i].name == name {
			return &l.columns[i]
		}
	}
	return nil
}

func columnList(l *refList) string {
	var req, opt []string
	for _, c := range l.columns {
		if c.required {
			req = append(req, c.name)
		} else {
			opt = append(opt, c.name)
		}
	}
	s := strings.Join(req, ", ")
	if len(opt) > 0 {
		s += " (and optionally " + strings.Join(opt, ", ") + ")"
	}
	return s
}

func (r *refRecord) key(l *refList) string {
	parts := make([]string, len(l.key))
	for i, k := range l.key {
		parts[i] = fmt.Sprint(r.vals[k])
	}
	return strings.Join(parts, "\x00")
}

// label names a row's entry in messages.
func (r *refRecord) label(l *refList) string {
	switch l.kind {
	case RefField:
		return fieldName(r.str("scheme"), r.str("code"))
	case RefAdminUnit:
		from := r.str("valid_from")
		if from == "" {
			from = "the start"
		}
		return fmt.Sprintf("unit %s valid from %s", r.str("code"), from)
	}
	return fmt.Sprintf("%s %s", l.title, r.str("code"))
}

// LoadResult counts what a load did.
type LoadResult struct {
	Added, Updated, Unchanged int
}

// LoadReference loads a newer version of a reference list from a CSV file
// in the columns of the seed files (see RefColumns), in one transaction:
// rows are added or updated by their code (for fields, scheme and code; for
// administrative units, code and valid_from), never deleted, because
// profiles may still refer to them. Every row is checked, alone and against
// the rest of the list, and if any is bad nothing changes: the error is an
// Invalids naming the row and column of each problem. With dryRun it checks
// everything and changes nothing.
func (db *DB) LoadReference(ctx context.Context, kind RefKind, scheme string, r io.Reader, dryRun bool) (LoadResult, error) {
	l := refListOf(kind)
	recs, bad := parseRefCSV(l, scheme, r)
	if len(recs) == 0 {
		return LoadResult{}, bad
	}
	// The good rows are written and checked against the list even when
	// others are bad, so that one attempt reports every problem; the
	// transaction is then rolled back.
	var res LoadResult
	err := db.write(ctx, dryRun, func(tx *Tx) error {
		var err error
		res, err = tx.upsertRef(ctx, l, recs, "admin")
		if err != nil {
			return err
		}
		v := bad
		if err := tx.checkRefList(ctx, l, recs, &v); err != nil {
			return err
		}
		sort.SliceStable(v, func(i, j int) bool { return rowOf(v[i].Field) < rowOf(v[j].Field) })
		return v.err()
	})
	if err != nil {
		return LoadResult{}, err
	}
	return res, nil
}

// rowOf is the row or line number a problem's field names, for sorting.
func rowOf(field string) int {
	var n int
	if _, err := fmt.Sscanf(field, "row %d", &n); err == nil {
		return n
	}
	if _, err := fmt.Sscanf(field, "line %d", &n); err == nil {
		return n
	}
	return 0
}

// upsertRef writes records of a list. Rows that an administrator loaded
// are not changed by seeding (origin "seed"). The statements are made from
// the list's own table and column names, never from the file's text, which
// only ever travels as parameters.
func (tx *Tx) upsertRef(ctx context.Context, l *refList, recs []*refRecord, origin string) (LoadResult, error) {
	var res LoadResult
	if err := tx.assignRanks(ctx, l, recs); err != nil {
		return res, err
	}
	cols := append([]string(nil), l.key...)
	var vals []string
	for _, c := range l.columns {
		if !contains(l.key, c.sqlName()) {
			cols = append(cols, c.sqlName())
			vals = append(vals, c.sqlName())
		}
	}
	keyCond := strings.Join(l.key, " = ? AND ") + " = ?"
	sets := make([]string, len(vals))
	for i, c := range vals {
		sets[i] = c + " = excluded." + c
	}
	upsert := fmt.Sprintf(`INSERT INTO %s (%s, origin, load_time) VALUES (%s?, ?)
		ON CONFLICT (%s) DO UPDATE SET %s, origin = excluded.origin, load_time = excluded.load_time`,
		l.table, strings.Join(cols, ", "), strings.Repeat("?, ", len(cols)), strings.Join(l.key, ", "), strings.Join(sets, ", "))
	if origin == "seed" {
		upsert += " WHERE origin = 'seed'"
	}
	current := fmt.Sprintf(`SELECT %s FROM %s WHERE %s`, strings.Join(vals, ", "), l.table, keyCond)
	for _, rec := range recs {
		keyArgs := make([]any, len(l.key))
		for i, k := range l.key {
			keyArgs[i] = rec.vals[k]
		}
		have := make([]any, len(vals))
		ptrs := make([]any, len(vals))
		for i := range have {
			ptrs[i] = &have[i]
		}
		err := tx.QueryRowContext(ctx, current, keyArgs...).Scan(ptrs...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res.Added++
		case err != nil:
			return res, dbError(err)
		default:
			same := true
			for i, c := range vals {
				if fmt.Sprint(have[i]) != fmt.Sprint(rec.vals[c]) {
					same = false
				}
			}
			if same {
				res.Unchanged++
			} else {
				res.Updated++
			}
		}
		args := append([]any(nil), keyArgs...)
		for _, c := range vals {
			args = append(args, rec.vals[c])
		}
		args = append(args, origin, micros(tx.now))
		if _, err := tx.ExecContext(ctx, upsert, args...); err != nil {
			return res, dbError(err)
		}
	}
	return res, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// assignRanks gives the rows of a ranked list without a rank the rank
// their code has, or, for new codes, ranks after every other, in the order
// of the file.
func (tx *Tx) assignRanks(ctx context.Context, l *refList, recs []*refRecord) error {
	if refColumnNamed(l, "rank") == nil {
		return nil
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rank), 0) FROM `+l.table).Scan(&next); err != nil {
		return dbError(err)
	}
	for _, rec := range recs {
		if n, ok := rec.vals["rank"].(int64); ok && n > next {
			next = n
		}
	}
	for _, rec := range recs {
		if rec.vals["rank"] != nil {
			continue
		}
		var rank int64
		err := tx.QueryRowContext(ctx, `SELECT rank FROM `+l.table+` WHERE code = ?`, rec.str("code")).Scan(&rank)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			next++
			rank = next
		case err != nil:
			return dbError(err)
		}
		rec.vals["rank"] = rank
	}
	return nil
}

// checkRefList checks the rows just written against the whole list, as it
// now stands: ranks are unique, a field's parent exists one level up, the
// versions of a unit do not overlap, and parents and successors exist when
// they should.
func (tx *Tx) checkRefList(ctx context.Context, l *refList, recs []*refRecord, v *Invalids) error {
	switch l.kind {
	case RefQualificationLevel, RefAcademicTitle:
		for _, rec := range recs {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT code FROM `+l.table+` WHERE rank = ? AND code != ? ORDER BY code LIMIT 1`,
				rec.num("rank"), rec.str("code")).Scan(&other)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return dbError(err)
			default:
				v.add(rowField(rec.row, "rank"), "%d is also the rank of %s; give each %s its own rank, higher for a higher one", rec.num("rank"), other, l.title)
			}
		}
	case RefField:
		for _, rec := range recs {
			scheme, level := rec.str("scheme"), rec.num("level")
			if parent := rec.str("parent_code"); parent != "" {
				var plevel int64
				err := tx.QueryRowContext(ctx, `SELECT level FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, parent).Scan(&plevel)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					v.add(rowField(rec.row, "parent_code"), "%s is not in scheme %s: add the parent field to the file, above its children", parent, scheme)
				case err != nil:
					return dbError(err)
				case plevel != level-1:
					v.add(rowField(rec.row, "level"), "%d, but its parent %s is at level %d: a child is one level below its parent", level, parent, plevel)
				}
			}
			var child string
			err := tx.QueryRowContext(ctx, `SELECT code FROM ref_fields WHERE scheme = ? AND parent_code = ? AND level != ? ORDER BY code LIMIT 1`,
				scheme, rec.str("code"), level+1).Scan(&child)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return dbError(err)
			default:
				v.add(rowField(rec.row, "level"), "%d leaves its child %s two or more levels below it; load its children with their new levels too", level, child)
			}
		}
	case RefAdminUnit:
		for _, rec := range recs {
			if err := tx.checkUnitVersion(ctx, rec, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) checkUnitVersion(ctx context.Context, rec *refRecord, v *Invalids) error {
	code, from, to := rec.str("code"), rec.str("valid_from"), rec.str("valid_to")
	// Another version of the code that overlaps this one would make "the
	// unit valid on a date" ambiguous.
	var otherFrom, otherTo string
	err := tx.QueryRowContext(ctx, `SELECT valid_from, valid_to FROM ref_admin_units
		WHERE code = ? AND valid_from != ? AND (valid_to = '' OR ? <= valid_to) AND (? = '' OR valid_from <= ?)
		ORDER BY valid_from LIMIT 1`, code, from, from, to, to).Scan(&otherFrom, &otherTo)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return dbError(err)
	default:
		v.add(rowField(rec.row, "valid_from"), "unit %s valid %s overlaps its version valid %s; give the same valid_from to replace that version, or dates that do not overlap",
			code, span(from, to), span(otherFrom, otherTo))
	}
	if parent := rec.str("parent_code"); parent != "" {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ref_admin_units
			WHERE code = ? AND (valid_to = '' OR ? <= valid_to) AND (? = '' OR valid_from <= ?)`,
			parent, from, to, to).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n == 0 {
			v.add(rowField(rec.row, "parent_code"), "no unit %s is valid at any time in %s; load the parent unit first, or in the same file", parent, span(from, to))
		}
	}
	for _, s := range strings.Fields(rec.str("successor_codes")) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ref_admin_units
			WHERE code = ? AND valid_from <= date(?, '+1 day') AND (valid_to = '' OR valid_to >= date(?, '+1 day'))`,
			s, to, to).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n == 0 {
			v.add(rowField(rec.row, "successors"), "no unit %s is valid on the day after %s; load the successor first, or in the same file", s, to)
		}
	}
	return nil
}

// span writes a version's dates for messages.
func span(from, to string) string {
	if from == "" {
		from = "…"
	}
	if to == "" {
		to = "…"
	}
	return from + " to " + to
}

// seedReference loads the embedded lists into a database that lacks them,
// and, when this binary's lists differ from the ones last seeded, updates
// the rows that came from seeding; rows an administrator loaded stay as
// they are. It runs at every start, and costs one read when nothing
// changed.
func (db *DB) seedReference(ctx context.Context) error {
	h := sha256.New()
	for _, s := range seeds {
		b, err := seedFiles.ReadFile("reference/" + s.file)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%d:%s:%s:%d;", s.kind, s.scheme, s.file, len(b))
		h.Write(b)
	}
	sum := h.Sum(nil)
	var have []byte
	err := db.writer.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'reference_seed'`).Scan(&have)
	if err == nil && bytes.Equal(have, sum) {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: reference data: %w", err)
	}
	err = db.write(ctx, false, func(tx *Tx) error {
		for _, s := range seeds {
			b, _ := seedFiles.ReadFile("reference/" + s.file)
			l := refListOf(s.kind)
			recs, bad := parseRefCSV(l, s.scheme, bytes.NewReader(b))
			if err := bad.err(); err != nil {
				return fmt.Errorf("%s: %w", s.file, err)
			}
			if _, err := tx.upsertRef(ctx, l, recs, "seed"); err != nil {
				return fmt.Errorf("%s: %w", s.file, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('reference_seed', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, sum)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: seeding reference data: %w", err)
	}
	return nil
}
