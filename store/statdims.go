package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/refdata"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The dimensions of ComputeStatistics: what each reads of a person, and how
// its values are reported and ordered.

// enumDim is a dimension whose raw value is an enum's number: reported by
// the value's name, "" for 0.
func enumDim(kind Dimension, expr string, ed protoreflect.EnumDescriptor) *statDim {
	return &statDim{
		kind: kind, expr: expr,
		value: func(raw string) string {
			n, _ := strconv.ParseInt(raw, 10, 64)
			if n == 0 {
				return ""
			}
			if ev := ed.Values().ByNumber(protoreflect.EnumNumber(n)); ev != nil {
				return string(ev.Name())
			}
			return strconv.FormatInt(n, 10)
		},
		order: func(v string) (int, string) {
			if v == "" {
				return unknownLast, ""
			}
			if ev := ed.Values().ByName(protoreflect.Name(v)); ev != nil {
				return int(ev.Number()), ""
			}
			return unknownLast - 1, v
		},
	}
}

// codeDim is a dimension whose raw value is a code, named by a reference
// list.
func codeDim(kind Dimension, expr string, names map[string]string, ranks map[string]int) *statDim {
	return &statDim{
		kind: kind, expr: expr,
		value: asString,
		name:  func(v string) string { return names[v] },
		order: func(v string) (int, string) {
			if v == "" {
				return unknownLast, ""
			}
			if r, ok := ranks[v]; ok {
				return r, v
			}
			return unknownLast - 1, v
		},
	}
}

// statDimension resolves a dimension: its SQL, and the reference data that
// names and orders its values.
func (tx *Tx) statDimension(ctx context.Context, d Dimension, field string, on statsDay, q StatsQuery) (*statDim, error) {
	// dated swaps a column kept on people for its lookup as on the day.
	dated := func(sd *statDim, expr string) *statDim {
		if on.dated {
			sd.expr, sd.lookup = expr, true
		}
		return sd
	}
	// held does for a column of the position held, which today is looked
	// up too for the people whose current flag is behind (statheld.go).
	held := func(sd *statDim, expr string) *statDim {
		sd.expr, sd.lookup = on.held(sd.expr, expr), on.dated
		return sd
	}
	switch d {
	case pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL:
		names, ranks, err := tx.refNames(ctx, `SELECT code, name_vi, rank FROM ref_qualification_levels`)
		if err != nil {
			return nil, err
		}
		return dated(codeDim(d, "p.highest_level", names, ranks), on.levelOn()), nil
	case pb.ComputeStatisticsRequest_ACADEMIC_TITLE:
		names, ranks, err := tx.refNames(ctx, `SELECT code, name_vi, rank FROM ref_academic_titles`)
		if err != nil {
			return nil, err
		}
		return dated(codeDim(d, "p.academic_title", names, ranks), on.titleOn()), nil
	case pb.ComputeStatisticsRequest_ETHNICITY:
		names, _, err := tx.refNames(ctx, `SELECT code, name_vi, 0 FROM ref_ethnic_groups`)
		if err != nil {
			return nil, err
		}
		return codeDim(d, "p.ethnicity", names, nil), nil
	case pb.ComputeStatisticsRequest_FIELD:
		return tx.fieldDimension(ctx, q.FieldScheme, max(1, q.FieldLevel))
	case pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:
		return tx.unitDimension(ctx, on, q.UnitVintage)
	case pb.ComputeStatisticsRequest_ORGANIZATION_KIND:
		return held(enumDim(d, "p.current_org_kind", pb.Organization_Kind(0).Descriptor()),
			on.positionOn("IFNULL(ho.kind, 0)", "0")), nil
	case pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:
		return held(enumDim(d, "p.current_employment", pb.Position_EmploymentType(0).Descriptor()),
			on.positionOn("h.employment_type", "0")), nil
	case pb.ComputeStatisticsRequest_WORK_LOCATION:
		return held(enumDim(d, "p.work_location", pb.Person_WorkLocation(0).Descriptor()), on.workLocationOn()), nil
	case pb.ComputeStatisticsRequest_GENDER:
		return enumDim(d, "p.gender", pb.Person_Gender(0).Descriptor()), nil
	case pb.ComputeStatisticsRequest_AGE_BAND:
		return ageDimension(on.t), nil
	case pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:
		return tx.membershipDimension(ctx, on)
	case pb.ComputeStatisticsRequest_ORGANIZATION:
		return tx.organizationDimension(ctx, on)
	case pb.ComputeStatisticsRequest_SECTOR:
		return tx.sectorDimension(ctx, on)
	case pb.ComputeStatisticsRequest_ASSOCIATION:
		return tx.associationDimension(ctx, on)
	case pb.ComputeStatisticsRequest_HONOR_KIND:
		return honorKindDimension(on), nil
	case pb.ComputeStatisticsRequest_HONOR_YEAR:
		return honorYearDimension(on), nil
	case pb.ComputeStatisticsRequest_EXPERT_ROLE:
		return expertRoleDimension(), nil
	}
	return nil, errorf(Invalid, field, "%v is not a dimension", d)
}

// refNames reads code, name and rank from a reference table.
func (tx *Tx) refNames(ctx context.Context, query string) (map[string]string, map[string]int, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, nil, dbError(err)
	}
	defer rows.Close()
	names, ranks := map[string]string{}, map[string]int{}
	for rows.Next() {
		var code, name string
		var rank int
		if err := rows.Scan(&code, &name, &rank); err != nil {
			return nil, nil, dbError(err)
		}
		names[code], ranks[code] = name, rank
	}
	return names, ranks, dbError(rows.Err())
}

// ageDimension bands ages on asOf. SQL reads the year of birth and whether
// the birthday is still to come in the year of asOf, as one number (year*2
// + 1 when it is to come; an unknown month or day, 00, counts as passed):
// few distinct values, so that Go works out each age once.
func ageDimension(asOf time.Time) *statDim {
	return &statDim{
		kind: pb.ComputeStatisticsRequest_AGE_BAND,
		expr: "p.birth_year * 2 + ((p.birth_month * 100 + p.birth_day) > ?)",
		args: []any{int(asOf.Month())*100 + asOf.Day()},
		value: func(raw string) string {
			n, _ := strconv.Atoi(raw)
			if n/2 == 0 {
				return ""
			}
			age := asOf.Year() - n/2 - n%2
			for _, b := range ageBands {
				if age < b.below {
					return b.code
				}
			}
			return ""
		},
		order: func(v string) (int, string) {
			for i, b := range ageBands {
				if b.code == v {
					return i, ""
				}
			}
			return unknownLast, ""
		},
	}
}

// unitDimension reports where people work: the unit of the current
// position, or of the position held on a day of the 2024 districts as the
// district it was in.
func (tx *Tx) unitDimension(ctx context.Context, on statsDay, vintage pb.ComputeStatisticsRequest_UnitVintage) (*statDim, error) {
	h, err := tx.unitHistory(ctx)
	if err != nil {
		return nil, err
	}
	// Units are ordered by level, the length of their code (provinces,
	// districts, communes), then by name in Vietnamese order.
	orderBy := func(name func(string) string) func(string) (int, string) {
		byName := byNameOrder(name)
		return func(v string) (int, string) {
			r, k := byName(v)
			if v == "" {
				return r, k
			}
			return len(v), k
		}
	}

	if vintage != pb.ComputeStatisticsRequest_HISTORY_2024 {
		// Named as on the day: a unit of the day's position.
		name := func(v string) string {
			if u, ok := h.On(v, on.day); ok {
				return u.Name
			}
			if u, ok := h.On(v, tx.today()); ok {
				return u.Name
			}
			return ""
		}
		return &statDim{
			kind:   pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
			expr:   on.held("p.current_unit", on.positionOn("IFNULL(ho.administrative_unit, h.administrative_unit)", "''")),
			lookup: on.dated,
			value:  asString,
			name:   name,
			order:  orderBy(name),
		}, nil
	}

	day := min(on.day, lastDay2024)
	name2024 := func(v string) string {
		if u, ok := h.On(v, lastDay2024); ok {
			return u.Name
		}
		return ""
	}
	// A unit created after the day (a 2025 commune) counts under the
	// district that the reference data names it a successor of, when
	// exactly one does.
	successorOf := h.DistrictsSucceeded()
	// The position held on the day; on the last day of the districts, as
	// kept on the people row.
	expr, lookup := "p.unit_on_20250630", false
	if day != lastDay2024 {
		expr, lookup = newStatsDay(day, true).positionOn("IFNULL(ho.administrative_unit, h.administrative_unit)", "''"), true
	}
	return &statDim{
		kind:   pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
		expr:   expr,
		lookup: lookup,
		value: func(code string) string {
			if code == "" {
				return ""
			}
			if d := h.District(code, day); d != "" {
				return d
			}
			if ds := successorOf[code]; len(ds) == 1 {
				return ds[0]
			}
			return ""
		},
		name:  name2024,
		order: orderBy(name2024),
	}, nil
}

// unitHistory reads every version of every administrative unit.
func (tx *Tx) unitHistory(ctx context.Context) (*refdata.UnitHistory, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, valid_from, valid_to, name, kind, parent_code, successor_codes
		FROM ref_admin_units ORDER BY code, valid_from`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	h := refdata.NewUnitHistory()
	for rows.Next() {
		var u refdata.Unit
		if err := rows.Scan(&u.Code, &u.From, &u.To, &u.Name, &u.Kind, &u.Parent, &u.Successors); err != nil {
			return nil, dbError(err)
		}
		h.Add(u)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return h, nil
}

// Age bands, youngest first.
var ageBands = []struct {
	code  string
	below int // ages below this (and at or above the previous band's)
}{
	{"UNDER_35", 35},
	{"35_44", 45},
	{"45_54", 55},
	{"55_AND_OVER", 1 << 30},
}

// membershipOrder is the order in which a person's membership states are
// preferred: the most advanced first.
var membershipOrder = []string{"ACTIVE", "SUSPENDED", "PENDING", "WITHDRAWN", "REJECTED"}

// membershipDimension reports the state of a person's membership of an
// association: the most advanced, for a person with several.
func (tx *Tx) membershipDimension(ctx context.Context, on statsDay) (*statDim, error) {
	ed := pb.Membership_State(0).Descriptor()
	var when []string
	var args []any
	for i, name := range membershipOrder {
		when = append(when, "WHEN ? THEN "+strconv.Itoa(i))
		args = append(args, int64(ed.Values().ByName(protoreflect.Name(name)).Number()))
	}
	state, cond := "m.state", ""
	if on.dated {
		// Only memberships applied for by the day, whose state is then
		// not NULL.
		state, cond = on.membershipStateOn("m"), " AND m.apply_time < "+on.end()
	}
	rank := "CASE " + state + " " + strings.Join(when, " ") + " ELSE " + strconv.Itoa(len(membershipOrder)) + " END"
	order := map[string]int{}
	for i, name := range membershipOrder {
		order[name] = i
	}
	return &statDim{
		kind: pb.ComputeStatisticsRequest_MEMBERSHIP_STATE,
		expr: "IFNULL((SELECT " + state + " FROM memberships m WHERE m.person_pk = p.pk" + cond + " ORDER BY " + rank + ", " +
			state + " LIMIT 1), '')",
		args:   args,
		lookup: true,
		value: func(raw string) string {
			if n, err := strconv.ParseInt(raw, 10, 32); err == nil {
				if n == 0 {
					return ""
				}
				if ev := ed.Values().ByNumber(protoreflect.EnumNumber(n)); ev != nil {
					return string(ev.Name())
				}
				return raw
			}
			if strings.HasSuffix(raw, "_UNSPECIFIED") {
				return ""
			}
			return raw
		},
		order: func(v string) (int, string) {
			if v == "" {
				return unknownLast, ""
			}
			if i, ok := order[v]; ok {
				return i, ""
			}
			return len(membershipOrder), v
		},
	}, nil
}
