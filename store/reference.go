package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc/proto/trithuc/v1"
	"trithuc/refdata"
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

// vietnam is the time zone whose calendar dates administrative units
// change on; a fixed offset, because Vietnam has no daylight saving time
// and a fixed zone needs no time zone database on the host.
var vietnam = time.FixedZone("ICT", 7*60*60)

// day is a date as the reference tables keep it, YYYY-MM-DD.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// today is the date in Vietnam when tx began.
func (tx *Tx) today() string { return day(tx.now.In(vietnam)) }

// checkRef adds an Invalid error for field to v when code is not in list kind. For RefField the code is a field resource name ("fields/vn2008-502"). For RefAdminUnit the code must have been valid on the date `on` (zero time: valid at any time in its history).
//
// The date of on is taken in on's location: pass a civil date such as
// time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC). An empty code is not
// checked, since whether a field is required is the caller's rule. The
// error returned is for a failure of the database only; a bad code goes to
// v, with a message that says where to find good ones.
func (tx *Tx) checkRef(ctx context.Context, v *Invalids, kind RefKind, field, code string, on time.Time) error {
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
		found, err := tx.exists(ctx, `SELECT 1 FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, fcode)
		if err != nil || found {
			return err
		}
		v.add(field, "unknown field %q; see ListFields", code)
		return nil
	case RefAdminUnit:
		return tx.checkUnit(ctx, v, field, code, on)
	}
	found, err := tx.exists(ctx, `SELECT 1 FROM `+l.Table+` WHERE code = ?`, code)
	if err != nil || found {
		return err
	}
	hint := ""
	if upper := strings.ToUpper(code); upper != code {
		if found, err := tx.exists(ctx, `SELECT 1 FROM `+l.Table+` WHERE code = ?`, upper); err != nil {
			return err
		} else if found {
			hint = fmt.Sprintf(" (codes are upper case: %q)", upper)
		}
	}
	v.add(field, "unknown %s code %q%s; see %s", l.Title, code, hint, l.See)
	return nil
}

func (tx *Tx) checkUnit(ctx context.Context, v *Invalids, field, code string, on time.Time) error {
	if on.IsZero() {
		found, err := tx.exists(ctx, `SELECT 1 FROM ref_admin_units WHERE code = ?`, code)
		if err != nil || found {
			return err
		}
		v.add(field, "unknown administrative unit code %q; see ListAdministrativeUnits", code)
		return nil
	}
	d := day(on)
	found, err := tx.exists(ctx, `SELECT 1 FROM ref_admin_units WHERE code = ? AND `+validOn, code, d, d)
	if err != nil || found {
		return err
	}
	versions, err := tx.unitVersions(ctx, code)
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
	if tx.bulk != nil && tx.bulk.exists(query, args) {
		return true, nil
	}
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err == nil && tx.bulk != nil {
		tx.bulk.found(query, args)
	}
	return err == nil, dbError(err)
}

// levelRank returns the rank of a qualification level code, or 0 when unknown.
func (tx *Tx) levelRank(ctx context.Context, code string) (int, error) {
	if r, ok := tx.bulk.rank("level", code); ok {
		return r, nil
	}
	var rank int
	err := tx.QueryRowContext(ctx, `SELECT rank FROM ref_qualification_levels WHERE code = ?`, code).Scan(&rank)
	if err == nil {
		tx.bulk.setRank("level", code, rank)
	}
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

// ListQualificationLevels lists the levels, lowest first.
func (db *DB) ListQualificationLevels(ctx context.Context, q ListQuery) ([]*pb.QualificationLevel, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_qualification_levels",
		columns: levelColumns,
		terms:   []orderTerm{{sortKey: sortKey{expr: "rank", kind: kindInt}}, {sortKey: sortKey{expr: "code", kind: kindText}}},
		query:   queryChecksum("qualificationLevels"),
		size:    size,
		token:   q.PageToken,
	}
	return listRead(ctx, db, l, scanLevel)
}

// GetQualificationLevel returns a level by its name, qualificationLevels/{code}.
func (db *DB) GetQualificationLevel(ctx context.Context, name string) (*pb.QualificationLevel, error) {
	code, err := refCode(name, "qualificationLevels", "name", "qualificationLevels/THAC_SI")
	if err != nil {
		return nil, err
	}
	return getRead(ctx, db, name, "ListQualificationLevels", scanLevel,
		`SELECT `+levelColumns+` FROM ref_qualification_levels WHERE code = ?`, code)
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

// ListAcademicTitles lists the academic titles, lowest first.
func (db *DB) ListAcademicTitles(ctx context.Context, q ListQuery) ([]*pb.AcademicTitle, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_academic_titles",
		columns: titleColumns,
		terms:   []orderTerm{{sortKey: sortKey{expr: "rank", kind: kindInt}}, {sortKey: sortKey{expr: "code", kind: kindText}}},
		query:   queryChecksum("academicTitles"),
		size:    size,
		token:   q.PageToken,
	}
	return listRead(ctx, db, l, scanTitle)
}

// GetAcademicTitle returns a title by its name, academicTitles/{code}.
func (db *DB) GetAcademicTitle(ctx context.Context, name string) (*pb.AcademicTitle, error) {
	code, err := refCode(name, "academicTitles", "name", "academicTitles/GIAO_SU")
	if err != nil {
		return nil, err
	}
	return getRead(ctx, db, name, "ListAcademicTitles", scanTitle,
		`SELECT `+titleColumns+` FROM ref_academic_titles WHERE code = ?`, code)
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

// ListEthnicGroups lists the ethnic groups by code.
func (db *DB) ListEthnicGroups(ctx context.Context, q ListQuery) ([]*pb.EthnicGroup, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_ethnic_groups",
		columns: ethnicColumns,
		terms:   []orderTerm{{sortKey: sortKey{expr: "code", kind: kindText}}},
		query:   queryChecksum("ethnicGroups"),
		size:    size,
		token:   q.PageToken,
	}
	return listRead(ctx, db, l, scanEthnic)
}

// GetEthnicGroup returns an ethnic group by its name, ethnicGroups/{code}.
func (db *DB) GetEthnicGroup(ctx context.Context, name string) (*pb.EthnicGroup, error) {
	code, err := refCode(name, "ethnicGroups", "name", "ethnicGroups/05")
	if err != nil {
		return nil, err
	}
	return getRead(ctx, db, name, "ListEthnicGroups", scanEthnic,
		`SELECT `+ethnicColumns+` FROM ref_ethnic_groups WHERE code = ?`, code)
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

// ListCountries lists the countries by code.
func (db *DB) ListCountries(ctx context.Context, q ListQuery) ([]*pb.Country, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_countries",
		columns: countryColumns,
		terms:   []orderTerm{{sortKey: sortKey{expr: "code", kind: kindText}}},
		query:   queryChecksum("countries"),
		size:    size,
		token:   q.PageToken,
	}
	return listRead(ctx, db, l, scanCountry)
}

// GetCountry returns a country by its name, countries/{code}.
func (db *DB) GetCountry(ctx context.Context, name string) (*pb.Country, error) {
	code, err := refCode(name, "countries", "name", "countries/JP")
	if err != nil {
		return nil, err
	}
	return getRead(ctx, db, name, "ListCountries", scanCountry,
		`SELECT `+countryColumns+` FROM ref_countries WHERE code = ?`, code)
}

// Administrative units.

// unitColumns are a unit version's columns, and whether the same code
// continues the next day, which makes the code its own successor.
const unitColumns = `u.code, u.valid_from, u.valid_to, u.name, u.kind, u.parent_code, u.successor_codes,
	u.valid_to != '' AND EXISTS (SELECT 1 FROM ref_admin_units n WHERE n.code = u.code AND n.valid_from = date(u.valid_to, '+1 day'))`

func scanUnit(s scanner, extra ...any) (*pb.AdministrativeUnit, error) {
	var u pb.AdministrativeUnit
	var from, to, kind, successors string
	var continues bool
	if err := s.Scan(append([]any{&u.Code, &from, &to, &u.DisplayName, &kind, &u.ParentCode, &successors, &continues}, extra...)...); err != nil {
		return nil, err
	}
	u.Name = "administrativeUnits/" + u.Code
	u.Kind = refdata.UnitKinds[kind]
	u.ValidFrom = protoDate(from)
	u.ValidTo = protoDate(to)
	if continues {
		u.SuccessorCodes = append(u.SuccessorCodes, u.Code)
	}
	for _, c := range strings.Fields(successors) {
		if c != u.Code || !continues {
			u.SuccessorCodes = append(u.SuccessorCodes, c)
		}
	}
	return &u, nil
}

func protoDate(s string) *date.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// asOfDay checks a request's as_of date and returns it as YYYY-MM-DD, or ""
// when unset.
func asOfDay(d *date.Date, field string) (string, error) {
	if d == nil {
		return "", nil
	}
	switch {
	case d.Year < 1 || d.Year > 9999:
		return "", errorf(Invalid, field+".year", "want a full date: a year from 1 to 9999")
	case d.Month < 1 || d.Month > 12:
		return "", errorf(Invalid, field+".month", "want a full date: a month from 1 to 12")
	case d.Day < 1 || d.Day > daysIn(d.Year, d.Month):
		return "", errorf(Invalid, field+".day", "%04d-%02d has no day %d", d.Year, d.Month, d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day), nil
}

// UnitQuery is a ListAdministrativeUnits call.
type UnitQuery struct {
	ListQuery
	// ParentCode, when set, lists only the units that belong to it.
	ParentCode string
	// Kind, when set, lists only units of that kind.
	Kind pb.AdministrativeUnit_Kind
	// AsOf selects the versions valid on that date; today in Vietnam when
	// nil.
	AsOf *date.Date
	// ShowHistory lists every version instead.
	ShowHistory bool
}

// ListAdministrativeUnits lists administrative units: provinces, then
// districts, then communes (their codes have 2, 3 and 5 digits), each by
// code, and the versions of a code by date.
func (db *DB) ListAdministrativeUnits(ctx context.Context, q UnitQuery) ([]*pb.AdministrativeUnit, Page, error) {
	size, err := refPageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	asOf, err := asOfDay(q.AsOf, "as_of")
	if err != nil {
		return nil, Page{}, err
	}
	var v Invalids
	if asOf != "" && q.ShowHistory {
		v.add("show_history", "lists every version, whatever its dates: leave as_of out, or show_history")
	}
	if q.ParentCode != "" && !refdata.UnitCodeRE.MatchString(q.ParentCode) {
		v.add("parent_code", "%q is not a unit code: want 2 to 5 digits, for example 91", q.ParentCode)
	}
	var kind string
	if q.Kind != 0 {
		name, ok := pb.AdministrativeUnit_Kind_name[int32(q.Kind)]
		if !ok {
			v.add("kind", "%d is not a kind of unit; want one of %s", q.Kind, refdata.UnitKindNames())
		}
		kind = strings.ToLower(name)
	}
	if err := v.err(); err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    "ref_admin_units u",
		columns: unitColumns,
		terms: []orderTerm{
			{sortKey: sortKey{expr: "length(u.code)", kind: kindInt}},
			{sortKey: sortKey{expr: "u.code", kind: kindText}},
			{sortKey: sortKey{expr: "u.valid_from", kind: kindText}},
		},
		// The date as asked, not as resolved: a listing that runs past
		// midnight keeps its pages.
		query: queryChecksum("administrativeUnits", q.ParentCode, kind, asOf, strconv.FormatBool(q.ShowHistory)),
		size:  size,
		token: q.PageToken,
	}
	if q.ParentCode != "" {
		l.where = append(l.where, "u.parent_code = ?")
		l.args = append(l.args, q.ParentCode)
	}
	if kind != "" {
		l.where = append(l.where, "u.kind = ?")
		l.args = append(l.args, kind)
	}
	var units []*pb.AdministrativeUnit
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if !q.ShowHistory {
			on := asOf
			if on == "" {
				on = tx.today()
			}
			l.where = append(l.where, "u.valid_from <= ?", "(u.valid_to = '' OR u.valid_to >= ?)")
			l.args = append(l.args, on, on)
		}
		var err error
		units, page, err = list(ctx, tx, l, scanUnit)
		return err
	})
	return units, page, err
}

// GetAdministrativeUnit returns the version of a unit valid on asOf. When
// asOf is nil it is the version valid today, or, for a unit no longer
// valid, its last version: a code that exists is never NOT_FOUND without a
// date.
func (db *DB) GetAdministrativeUnit(ctx context.Context, name string, asOf *date.Date) (*pb.AdministrativeUnit, error) {
	code, err := refCode(name, "administrativeUnits", "name", "administrativeUnits/30742")
	if err != nil {
		return nil, err
	}
	on, err := asOfDay(asOf, "as_of")
	if err != nil {
		return nil, err
	}
	var out *pb.AdministrativeUnit
	err = db.read(ctx, func(tx *Tx) error {
		q := `SELECT ` + unitColumns + ` FROM ref_admin_units u WHERE u.code = ?`
		var args []any
		if on != "" {
			q += ` AND u.valid_from <= ? AND (u.valid_to = '' OR u.valid_to >= ?)`
			args = []any{code, on, on}
		} else {
			today := tx.today()
			q += ` ORDER BY (u.valid_from <= ? AND (u.valid_to = '' OR u.valid_to >= ?)) DESC, u.valid_from <= ? DESC, u.valid_from DESC LIMIT 1`
			args = []any{code, today, today, today}
		}
		u, err := scanUnit(tx.QueryRowContext(ctx, q, args...))
		if err == nil {
			out = u
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbError(err)
		}
		versions, err := tx.unitVersions(ctx, code)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return notFound(name, "ListAdministrativeUnits")
		}
		return errorf(NotFound, "", "%s was not valid on %s (%s); ask with an as_of in its dates, or list every version with ListAdministrativeUnits and show_history",
			name, on, describeVersions(versions))
	})
	return out, err
}

type unitVersion struct{ name, from, to string }

func (tx *Tx) unitVersions(ctx context.Context, code string) ([]unitVersion, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, valid_from, valid_to FROM ref_admin_units WHERE code = ? ORDER BY valid_from`, code)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var vs []unitVersion
	for rows.Next() {
		var v unitVersion
		if err := rows.Scan(&v.name, &v.from, &v.to); err != nil {
			return nil, dbError(err)
		}
		vs = append(vs, v)
	}
	return vs, dbError(rows.Err())
}

// describeVersions says when the versions of a code were valid:
// "Huyện Giồng Riềng was valid until 2025-06-30".
func describeVersions(vs []unitVersion) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		switch {
		case v.from == "" && v.to == "":
			parts[i] = v.name + " is valid at any date"
		case v.from == "":
			parts[i] = v.name + " was valid until " + v.to
		case v.to == "":
			parts[i] = v.name + " is valid from " + v.from
		default:
			parts[i] = v.name + " was valid from " + v.from + " to " + v.to
		}
	}
	return strings.Join(parts, "; ")
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
