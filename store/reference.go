package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// RefKind names a reference list.
type RefKind = refdata.Kind

const (
	RefQualificationLevel = refdata.QualificationLevel
	RefAcademicTitle      = refdata.AcademicTitle
	RefField              = refdata.Field
	RefEthnicGroup        = refdata.EthnicGroup
	RefCountry            = refdata.Country
	RefAdminUnit          = refdata.AdminUnit
)

// Vietnam is the time zone of the calendar that the dates people type and
// the days administrative units change on are in; a fixed offset, because
// Vietnam has no daylight saving time and a fixed zone needs no time zone
// database on the host.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// day is a date as the reference tables keep it, YYYY-MM-DD.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// today is the date in Vietnam when tx began.
func (tx *Tx) today() string { return day(tx.now.In(Vietnam)) }

// thisYear is the year in Vietnam when tx began: from 17:00 UTC on 31
// December it is already the next.
func (tx *Tx) thisYear() int32 { return int32(tx.now.In(Vietnam).Year()) }

// checkRef adds an Invalid error for field to v when code is not in list kind. For RefField the code is a field resource name ("fields/vn2008-502"). For RefAdminUnit the code must have been valid on the date `on` (zero time: valid at any time in its history).
//
// The date of on is taken in on's location: pass a civil date such as
// time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC). An empty code is not
// checked, since whether a field is required is the caller's rule. The
// error returned is for a failure of the database only; a bad code goes to
// v, with a message that says where to find good ones.
func (tx *Tx) checkRef(ctx context.Context, v *Invalids, kind RefKind, field, code string, on time.Time) error {
	return checkRef(ctx, tx, v, kind, field, code, on)
}

// checkRef is Tx.checkRef through c's lookups.
func checkRef(ctx context.Context, c checker, v *Invalids, kind RefKind, field, code string, on time.Time) error {
	if code == "" {
		return nil
	}
	l := refdata.Of(kind)
	switch kind {
	case RefField:
		scheme, fcode, ok := parseFieldName(code)
		if !ok {
			v.add(field, "%q is not a field's name: want fields/{scheme}-{code}, for example \"fields/vn2008-502\"; see ListFields", code)
			return nil
		}
		found, err := refPresent(ctx, c, `SELECT 1 FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, fcode)
		if err != nil || found {
			return err
		}
		v.add(field, "unknown field %q; see ListFields", code)
		return nil
	case RefAdminUnit:
		return checkUnit(ctx, c, v, field, code, on)
	}
	found, err := refPresent(ctx, c, `SELECT 1 FROM `+l.Table+` WHERE code = ?`, code)
	if err != nil || found {
		return err
	}
	hint := ""
	if upper := strings.ToUpper(code); upper != code {
		if found, err := c.exists(ctx, `SELECT 1 FROM `+l.Table+` WHERE code = ?`, upper); err != nil {
			return err
		} else if found {
			hint = fmt.Sprintf(" (codes are upper case: %q)", upper)
		}
	}
	v.add(field, "unknown %s code %q%s; see %s", l.Title, code, hint, l.See)
	return nil
}

func checkUnit(ctx context.Context, c checker, v *Invalids, field, code string, on time.Time) error {
	if on.IsZero() {
		found, err := refPresent(ctx, c, `SELECT 1 FROM ref_admin_units WHERE code = ?`, code)
		if err != nil || found {
			return err
		}
		v.add(field, "unknown administrative unit code %q; see ListAdministrativeUnits", code)
		return nil
	}
	d := day(on)
	found, err := c.exists(ctx, `SELECT 1 FROM ref_admin_units WHERE code = ? AND `+validOn, code, d, d)
	if err != nil || found {
		return err
	}
	versions, err := c.base().unitVersions(ctx, code)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		v.add(field, "unknown administrative unit code %q; see ListAdministrativeUnits", code)
		return nil
	}
	v.add(field, "administrative unit %s was not valid on %s (%s); give the code of a unit valid on that date: see ListAdministrativeUnits with as_of %s",
		code, d, describeVersions(versions), d)
	return nil
}

// validOn is the condition for a unit version valid on a date, given twice.
const validOn = `valid_from <= ? AND (valid_to = '' OR valid_to >= ?)`

func (tx *Tx) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, dbError(err)
}

// levelRank returns the rank of a qualification level code, or 0 when unknown.
func (tx *Tx) levelRank(ctx context.Context, code string) (int, error) {
	var rank int
	err := tx.QueryRowContext(ctx, `SELECT rank FROM ref_qualification_levels WHERE code = ?`, code).Scan(&rank)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return rank, dbError(err)
}

// refMaxPageSize is larger than other lists' maximum so that a whole
// classification (the 2025 field scheme has over 2,000 codes) fits on one
// page; reference rows are small.
const refMaxPageSize = 5000

func refPageSize(n int) (int, error) {
	if n > refMaxPageSize {
		n = refMaxPageSize
	}
	if n > MaxPageSize {
		return n, nil
	}
	return pageSize(n)
}

// refCode returns the code of a name collection/{code}, or an error naming
// field.
func refCode(name, collection, field, example string) (string, error) {
	code, ok := strings.CutPrefix(name, collection+"/")
	if !ok || code == "" || strings.Contains(code, "/") {
		return "", errorf(Invalid, field, "want a name %s/{code}, for example %s, not %q", collection, example, name)
	}
	return code, nil
}

func notFound(name, see string) error {
	return errorf(NotFound, "", "%s does not exist; see %s", name, see)
}

// Qualification levels.

const levelColumns = `code, rank, nqf_level, isced_2011, name_vi, name_en, awarded`

func scanLevel(s scanner, extra ...any) (*pb.QualificationLevel, error) {
	var q pb.QualificationLevel
	if err := s.Scan(append([]any{&q.Code, &q.Rank, &q.NqfLevel, &q.Isced_2011, &q.NameVi, &q.NameEn, &q.Awarded}, extra...)...); err != nil {
		return nil, err
	}
	q.Name = "qualificationLevels/" + q.Code
	return &q, nil
}

var qualificationLevelsList = codeList[*pb.QualificationLevel]{collection: "qualificationLevels", table: "ref_qualification_levels", columns: levelColumns, ranked: true,
	example: "qualificationLevels/THAC_SI", see: "ListQualificationLevels", scan: scanLevel}

// ListQualificationLevels lists the levels, lowest first.
func (db *DB) ListQualificationLevels(ctx context.Context, q ListQuery) ([]*pb.QualificationLevel, Page, error) {
	return qualificationLevelsList.list(ctx, db, q)
}

// GetQualificationLevel returns a level by its name, qualificationLevels/{code}.
func (db *DB) GetQualificationLevel(ctx context.Context, name string) (*pb.QualificationLevel, error) {
	return qualificationLevelsList.get(ctx, db, name)
}

// Academic titles.

const titleColumns = `code, rank, name_vi, abbrev_vi, name_en`

func scanTitle(s scanner, extra ...any) (*pb.AcademicTitle, error) {
	var a pb.AcademicTitle
	if err := s.Scan(append([]any{&a.Code, &a.Rank, &a.NameVi, &a.AbbrevVi, &a.NameEn}, extra...)...); err != nil {
		return nil, err
	}
	a.Name = "academicTitles/" + a.Code
	return &a, nil
}

var academicTitlesList = codeList[*pb.AcademicTitle]{collection: "academicTitles", table: "ref_academic_titles", columns: titleColumns, ranked: true,
	example: "academicTitles/GIAO_SU", see: "ListAcademicTitles", scan: scanTitle}

// ListAcademicTitles lists the academic titles, lowest first.
func (db *DB) ListAcademicTitles(ctx context.Context, q ListQuery) ([]*pb.AcademicTitle, Page, error) {
	return academicTitlesList.list(ctx, db, q)
}

// GetAcademicTitle returns a title by its name, academicTitles/{code}.
func (db *DB) GetAcademicTitle(ctx context.Context, name string) (*pb.AcademicTitle, error) {
	return academicTitlesList.get(ctx, db, name)
}

// Fields.

// fieldName is the resource name of a field.
func fieldName(scheme, code string) string { return "fields/" + scheme + "-" + code }

// parseFieldName splits fields/{scheme}-{code}.
func parseFieldName(name string) (scheme, code string, ok bool) {
	rest, ok := strings.CutPrefix(name, "fields/")
	if !ok {
		return "", "", false
	}
	scheme, code, ok = strings.Cut(rest, "-")
	if !ok || !refdata.SchemeRE.MatchString(scheme) || !refdata.FieldCodeRE.MatchString(code) {
		return "", "", false
	}
	return scheme, code, true
}

const fieldColumns = `scheme, code, parent_code, level, name_vi, name_en, verified`

func scanField(s scanner, extra ...any) (*pb.Field, error) {
	var f pb.Field
	var parent string
	if err := s.Scan(append([]any{&f.Scheme, &f.Code, &parent, &f.Level, &f.NameVi, &f.NameEn, &f.Verified}, extra...)...); err != nil {
		return nil, err
	}
	f.Name = fieldName(f.Scheme, f.Code)
	if parent != "" {
		f.Parent = fieldName(f.Scheme, parent)
	}
	return &f, nil
}

// FieldQuery is a ListFields call.
type FieldQuery struct {
	ListQuery
	// Scheme, when set, lists only that scheme's fields.
	Scheme string
	// Parent, when set, lists only the children of that field (a name,
	// fields/{scheme}-{code}).
	Parent string
	// Level, when not 0, lists only the fields at that depth.
	Level int
}

// ListFields lists fields by scheme, each scheme in tree order: the codes
// of a child begin with its parent's, so ordering by code puts every field
// before its descendants.
func (db *DB) ListFields(ctx context.Context, q FieldQuery) ([]*pb.Field, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_fields",
		columns: fieldColumns,
		terms:   []orderTerm{{sortKey: sortKey{expr: "scheme", kind: kindText}}, {sortKey: sortKey{expr: "code", kind: kindText}}},
		query:   queryChecksum("fields", q.Scheme, q.Parent, strconv.Itoa(q.Level)),
		size:    size,
		token:   q.PageToken,
	}
	var v Invalids
	if q.Scheme != "" {
		if !refdata.SchemeRE.MatchString(q.Scheme) {
			v.add("scheme", "%q is not a scheme name; for example vn2008", q.Scheme)
		}
		l.where = append(l.where, "scheme = ?")
		l.args = append(l.args, q.Scheme)
	}
	if q.Parent != "" {
		scheme, code, ok := parseFieldName(q.Parent)
		switch {
		case !ok:
			v.add("parent", "%q is not a field's name: want fields/{scheme}-{code}, for example fields/vn2008-5", q.Parent)
		case q.Scheme != "" && scheme != q.Scheme:
			v.add("parent", "%s is not in scheme %s; leave scheme out, or name a parent in it", q.Parent, q.Scheme)
		}
		l.where = append(l.where, "scheme = ?", "parent_code = ?")
		l.args = append(l.args, scheme, code)
	}
	if q.Level < 0 || q.Level > 9 {
		v.add("level", "must be 1 to 9, or 0 for every level")
	} else if q.Level != 0 {
		l.where = append(l.where, "level = ?")
		l.args = append(l.args, q.Level)
	}
	if err := v.err(); err != nil {
		return nil, Page{}, err
	}
	fields, page, err := listRead(ctx, db, l, scanField)
	if err == nil && q.Parent != "" && len(fields) == 0 && q.PageToken == "" {
		// No children, or no such parent: only the second is a mistake.
		if _, err := db.GetField(ctx, q.Parent); err != nil {
			var se *Error
			if errors.As(err, &se) && se.Code == NotFound {
				return nil, Page{}, errorf(Invalid, "parent", "there is no field %s; see ListFields", q.Parent)
			}
			return nil, Page{}, err
		}
	}
	if err == nil && q.Scheme != "" && len(fields) == 0 && q.PageToken == "" {
		// Likewise for the scheme.
		var known bool
		if err := db.read(ctx, func(tx *Tx) (err error) {
			known, err = tx.exists(ctx, `SELECT 1 FROM ref_fields WHERE scheme = ?`, q.Scheme)
			return err
		}); err != nil {
			return nil, Page{}, err
		}
		if !known {
			return nil, Page{}, errorf(Invalid, "scheme", "no field is in scheme %q; give a scheme ListFields lists, such as %s", q.Scheme, DefaultFieldScheme)
		}
	}
	return fields, page, err
}

// GetField returns a field by its name, fields/{scheme}-{code}.
func (db *DB) GetField(ctx context.Context, name string) (*pb.Field, error) {
	scheme, code, ok := parseFieldName(name)
	if !ok {
		return nil, errorf(Invalid, "name", "want a field's name, fields/{scheme}-{code}, for example fields/vn2008-502, not %q", name)
	}
	return getRead(ctx, db, name, "ListFields", scanField,
		`SELECT `+fieldColumns+` FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, code)
}

// Ethnic groups.

const ethnicColumns = `code, name_vi, verified`

func scanEthnic(s scanner, extra ...any) (*pb.EthnicGroup, error) {
	var e pb.EthnicGroup
	if err := s.Scan(append([]any{&e.Code, &e.NameVi, &e.Verified}, extra...)...); err != nil {
		return nil, err
	}
	e.Name = "ethnicGroups/" + e.Code
	return &e, nil
}

var ethnicGroupsList = codeList[*pb.EthnicGroup]{collection: "ethnicGroups", table: "ref_ethnic_groups", columns: ethnicColumns, ranked: false,
	example: "ethnicGroups/05", see: "ListEthnicGroups", scan: scanEthnic}

// ListEthnicGroups lists the ethnic groups by code.
func (db *DB) ListEthnicGroups(ctx context.Context, q ListQuery) ([]*pb.EthnicGroup, Page, error) {
	return ethnicGroupsList.list(ctx, db, q)
}

// GetEthnicGroup returns an ethnic group by its name, ethnicGroups/{code}.
func (db *DB) GetEthnicGroup(ctx context.Context, name string) (*pb.EthnicGroup, error) {
	return ethnicGroupsList.get(ctx, db, name)
}

// Countries.

const countryColumns = `code, name_vi, name_en`

func scanCountry(s scanner, extra ...any) (*pb.Country, error) {
	var c pb.Country
	if err := s.Scan(append([]any{&c.Code, &c.NameVi, &c.NameEn}, extra...)...); err != nil {
		return nil, err
	}
	c.Name = "countries/" + c.Code
	return &c, nil
}

var countriesList = codeList[*pb.Country]{collection: "countries", table: "ref_countries", columns: countryColumns, ranked: false,
	example: "countries/JP", see: "ListCountries", scan: scanCountry}

// ListCountries lists the countries by code.
func (db *DB) ListCountries(ctx context.Context, q ListQuery) ([]*pb.Country, Page, error) {
	return countriesList.list(ctx, db, q)
}

// GetCountry returns a country by its name, countries/{code}.
func (db *DB) GetCountry(ctx context.Context, name string) (*pb.Country, error) {
	return countriesList.get(ctx, db, name)
}

// listRead runs a listing in a read transaction.
func listRead[T any](ctx context.Context, db *DB, l listing, scan func(s scanner, extra ...any) (T, error)) ([]T, Page, error) {
	var items []T
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		items, page, err = list(ctx, tx, l, scan)
		return err
	})
	return items, page, err
}

// getRead reads one row, NOT_FOUND when there is none.
func getRead[T any](ctx context.Context, db *DB, name, see string, scan func(s scanner, extra ...any) (T, error), query string, args ...any) (T, error) {
	var out T
	err := db.read(ctx, func(tx *Tx) error {
		v, err := scan(tx.QueryRowContext(ctx, query, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(name, see)
		}
		if err != nil {
			return dbError(err)
		}
		out = v
		return nil
	})
	return out, err
}

// codeList is a reference list whose entries are named {collection}/{code}:
// its table and columns, its order (by rank when ranked, then by code) and
// how a row is scanned. Its List and Get are the same for every such list.
type codeList[T any] struct {
	collection, table, columns string
	ranked                     bool
	example, see               string // for messages
	scan                       func(s scanner, extra ...any) (T, error)
}

func (c codeList[T]) list(ctx context.Context, db *DB, q ListQuery) ([]T, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	terms := []orderTerm{{sortKey: sortKey{expr: "code", kind: kindText}}}
	if c.ranked {
		terms = append([]orderTerm{{sortKey: sortKey{expr: "rank", kind: kindInt}}}, terms...)
	}
	l := listing{
		from:    c.table,
		columns: c.columns,
		terms:   terms,
		query:   queryChecksum(c.collection),
		size:    size,
		token:   q.PageToken,
	}
	return listRead(ctx, db, l, c.scan)
}

func (c codeList[T]) get(ctx context.Context, db *DB, name string) (T, error) {
	code, err := refCode(name, c.collection, "name", c.example)
	if err != nil {
		var zero T
		return zero, err
	}
	return getRead(ctx, db, name, c.see, c.scan, `SELECT `+c.columns+` FROM `+c.table+` WHERE code = ?`, code)
}
