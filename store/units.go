package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The administrative units, read by their versions (their history as a
// whole is refdata.UnitHistory).

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

// figuresDay is asOfDay for the day of statistics and reports: facts are
// known up to today in Vietnam, and the registry's dates begin in 1900
// (birth dates, degrees, positions), so a day outside these is a mistake.
func figuresDay(d *date.Date, field string, now time.Time) (string, error) {
	on, err := asOfDay(d, field)
	switch today := day(now.In(Vietnam)); {
	case err != nil || on == "":
		return on, err
	case d.Year < 1900:
		return "", errorf(Invalid, field+".year", "%d is too early: the registry's dates begin in 1900", d.Year)
	case on > today:
		return "", errorf(Invalid, field, "%s is in the future: today in Vietnam is %s", on, today)
	}
	return on, nil
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

// unitKindSQL is a unit's kind as its enum number, which filters compare
// and order_by sorts by.
var unitKindSQL = func() string {
	kinds := slices.Sorted(maps.Keys(refdata.UnitKinds))
	var b strings.Builder
	b.WriteString("(CASE u.kind")
	for _, k := range kinds {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", k, refdata.UnitKinds[k])
	}
	b.WriteString(" ELSE 0 END)")
	return b.String()
}()

// unitDateSQL is a unit's date, 'YYYY-MM-DD' or ” for an open end, as
// filters compare dates: YYYYMMDD, or 0 for unset.
func unitDateSQL(col string) string {
	return "CAST(replace(" + col + ", '-', '') AS INTEGER)"
}

// unitSortKeys are what ListAdministrativeUnits orders by.
var unitSortKeys = map[string]sortKey{
	"code":         {expr: "u.code", kind: kindText},
	"display_name": {expr: "trithuc_sort_key(u.name)", kind: kindBlob},
	"kind":         {expr: unitKindSQL, kind: kindInt},
	"valid_from":   {expr: "u.valid_from", kind: kindText},
}

// unitSchema is what ListAdministrativeUnits filters on. The list is a few
// thousand versions: a name's key is computed as it is read.
func unitSchema(ranks) filter.Schema {
	return filter.Schema{
		"code":         {Type: filter.String, SQL: "u.code"},
		"display_name": sorted(str("u.name"), "trithuc_sort_key(u.name)"),
		"kind":         {Type: filter.Enum, SQL: unitKindSQL, Enum: unitKindEnum},
		"parent_code":  {Type: filter.String, SQL: "u.parent_code"},
		"valid_from":   {Type: filter.Date, SQL: unitDateSQL("u.valid_from")},
		"valid_to":     {Type: filter.Date, SQL: unitDateSQL("u.valid_to")},
	}
}

var unitKindEnum = enumValues(pb.AdministrativeUnit_Kind(0).Descriptor())

// ListAdministrativeUnits lists administrative units: by default
// provinces, then districts, then communes (their codes have 2, 3 and 5
// digits), each by code, and the versions of a code by date.
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
	// By default provinces, districts, then communes, each by code; a
	// version's code and first day, its key, end every order.
	byCode := orderTerm{sortKey: sortKey{expr: "u.code", kind: kindText}}
	byFrom := orderTerm{sortKey: sortKey{expr: "u.valid_from", kind: kindText}}
	terms := []orderTerm{{sortKey: sortKey{expr: "length(u.code)", kind: kindInt}}, byCode, byFrom}
	if q.OrderBy != "" {
		if terms, err = parseOrderBy(q.OrderBy, unitSortKeys, byCode); err != nil {
			return nil, Page{}, err
		}
		terms = append(terms, byFrom)
	}
	// The date as asked, not as resolved: a listing that runs past
	// midnight keeps its pages. A listing without a filter or an order
	// keeps the checksum it had before there were any, and its tokens.
	query := []string{"administrativeUnits", q.ParentCode, kind, asOf, strconv.FormatBool(q.ShowHistory)}
	if q.Filter != "" || q.OrderBy != "" {
		query = append(query, q.Filter, orderSQL(terms))
	}
	l := listing{
		from:    "ref_admin_units u",
		columns: unitColumns,
		terms:   terms,
		query:   queryChecksum(query...),
		size:    size,
		token:   q.PageToken,
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
		if err := tx.addFilter(ctx, &l, q.Filter, unitSchema); err != nil {
			return err
		}
		if !q.ShowHistory {
			on := asOf
			if on == "" {
				on = tx.today()
			}
			l.where = append(l.where, "u.valid_from <= ?", "(u.valid_to = '' OR u.valid_to >= ?)")
			l.args = append(l.args, on, on)
		}
		var err error
		if units, page, err = list(ctx, tx, l, scanUnit); err != nil || len(units) > 0 || q.ParentCode == "" || q.PageToken != "" {
			return err
		}
		// No units under it, or no such unit: only the second is a mistake.
		known, err := tx.exists(ctx, `SELECT 1 FROM ref_admin_units WHERE code = ?`, q.ParentCode)
		if err == nil && !known {
			err = errorf(Invalid, "parent_code", "there is no administrative unit %s; see ListAdministrativeUnits", q.ParentCode)
		}
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
