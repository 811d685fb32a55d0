package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc/proto/trithuc/v1"
	"trithuc/suppress"
)

// Statistics (StatisticsService): counts of the people a filter selects,
// broken down by one to three dimensions, in one GROUP BY query; the plan's
// indicators; and the suppression threshold that both apply (suppress.go).

// Dimension is a dimension of ComputeStatistics.
type Dimension = pb.ComputeStatisticsRequest_Dimension

// The suppression threshold: counts from 1 to threshold-1 are suppressed.
const (
	DefaultSuppressionThreshold = 5
	MinSuppressionThreshold     = 3
	MaxSuppressionThreshold     = 1000
)

// StatsQuery is a ComputeStatistics call.
type StatsQuery struct {
	Filter     string
	Dimensions []Dimension
	// AsOf is the date of ages and of historical units; today in Vietnam
	// when nil.
	AsOf *date.Date
	// FieldLevel is 1 or 2 (0 means 1).
	FieldLevel  int
	UnitVintage pb.ComputeStatisticsRequest_UnitVintage
}

// The last day of the 2024 districts: the reform of 1 July 2025 abolished
// them.
const lastDay2024 = "2025-06-30"

// dimensionHeaders are the dimensions' Vietnamese names, for column headers.
var dimensionHeaders = map[Dimension]string{
	pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL: "Trình độ cao nhất",
	pb.ComputeStatisticsRequest_ACADEMIC_TITLE:              "Học hàm",
	pb.ComputeStatisticsRequest_FIELD:                       "Lĩnh vực KH&CN",
	pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:         "Đơn vị hành chính",
	pb.ComputeStatisticsRequest_ORGANIZATION_KIND:           "Loại hình tổ chức",
	pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:             "Loại hình công tác",
	pb.ComputeStatisticsRequest_WORK_LOCATION:               "Nơi làm việc",
	pb.ComputeStatisticsRequest_GENDER:                      "Giới tính",
	pb.ComputeStatisticsRequest_AGE_BAND:                    "Nhóm tuổi",
	pb.ComputeStatisticsRequest_ETHNICITY:                   "Dân tộc",
	pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:            "Trạng thái hội viên",
}

// DimensionHeader is the Vietnamese name of a dimension.
func DimensionHeader(d Dimension) string { return dimensionHeaders[d] }

// Vietnamese names of enum values, by value name; "" is not recorded.
var (
	genderLabels = map[string]string{"MALE": "Nam", "FEMALE": "Nữ", "": "Chưa ghi nhận"}
	workLabels   = map[string]string{"IN_PROVINCE": "Trong tỉnh", "ELSEWHERE_IN_VIETNAM": "Nơi khác trong nước",
		"ABROAD": "Nước ngoài", "": "Chưa ghi nhận"}
	orgKindLabels = map[string]string{"STATE_AGENCY": "Cơ quan nhà nước", "PUBLIC_SERVICE_UNIT": "Đơn vị sự nghiệp công lập",
		"UNIVERSITY": "Trường đại học, cao đẳng", "RESEARCH_INSTITUTE": "Viện nghiên cứu", "HOSPITAL": "Bệnh viện",
		"SCHOOL": "Trường phổ thông", "ENTERPRISE": "Doanh nghiệp", "ASSOCIATION": "Hội, tổ chức xã hội - nghề nghiệp",
		"FOREIGN": "Tổ chức nước ngoài", "OTHER_KIND": "Loại hình khác", "": "Không có hoặc chưa ghi nhận"}
	employmentLabels = map[string]string{"CIVIL_SERVANT": "Công chức", "PUBLIC_EMPLOYEE": "Viên chức",
		"CONTRACT": "Hợp đồng lao động", "PRIVATE_SECTOR": "Khu vực tư nhân", "SELF_EMPLOYED": "Tự làm chủ",
		"OTHER_EMPLOYMENT": "Hình thức khác", "": "Không có hoặc chưa ghi nhận"}
	membershipLabels = map[string]string{"ACTIVE": "Đang sinh hoạt", "PENDING": "Chờ duyệt", "SUSPENDED": "Tạm đình chỉ",
		"WITHDRAWN": "Đã rút", "REJECTED": "Bị từ chối", "": "Không là hội viên"}
)

// Age bands, youngest first.
var ageBands = []struct {
	code, label string
	below       int // ages below this (and at or above the previous band's)
}{
	{"UNDER_35", "Dưới 35 tuổi", 35},
	{"35_44", "Từ 35 đến 44 tuổi", 45},
	{"45_54", "Từ 45 đến 54 tuổi", 55},
	{"55_AND_OVER", "Từ 55 tuổi trở lên", 1 << 30},
}

// statDim is one dimension of a query, resolved against the database.
type statDim struct {
	kind Dimension
	// expr is the raw value as an SQL expression over people p, never NULL
	// (group_concat would skip the row). A plain column, where it can be,
	// so that the scan can read the people_statistics index.
	expr string
	args []any
	// value maps a raw value, as text, to the value reported.
	value func(raw string) string
	label func(value string) string
	// order sorts values: by rank, then by text; "" sorts last.
	order func(value string) (int, string)
	// lookup says that expr looks up other tables for every person.
	lookup bool
}

// ComputeStatistics counts the live people q.Filter selects by q's
// dimensions, and suppresses the small counts.
func (db *DB) ComputeStatistics(ctx context.Context, q StatsQuery) (*pb.ComputeStatisticsResponse, error) {
	var v Invalids
	switch {
	case len(q.Dimensions) == 0:
		v.add("dimensions", "required: one to three dimensions, for example HIGHEST_QUALIFICATION_LEVEL")
	case len(q.Dimensions) > 3:
		v.add("dimensions", "at most three dimensions; %d were given", len(q.Dimensions))
	}
	seen := map[Dimension]bool{}
	for i, d := range q.Dimensions {
		field := fmt.Sprintf("dimensions[%d]", i)
		switch {
		case dimensionHeaders[d] == "":
			v.add(field, "%v is not a dimension; dimensions: %s", d, dimensionNames())
		case seen[d]:
			v.add(field, "%v is given twice", d)
		}
		seen[d] = true
	}
	if q.FieldLevel < 0 || q.FieldLevel > 2 {
		v.add("field_level", "must be 1 (the six areas) or 2 (their subfields), or 0 for 1")
	}
	if _, ok := pb.ComputeStatisticsRequest_UnitVintage_name[int32(q.UnitVintage)]; !ok {
		v.add("unit_vintage", "must be CURRENT or HISTORY_2024")
	}
	asOf, err := asOfDay(q.AsOf, "as_of")
	if err != nil {
		v = append(v, err.(*Error))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	level := max(1, q.FieldLevel)

	var out *pb.ComputeStatisticsResponse
	err = db.read(ctx, func(tx *Tx) error {
		threshold, err := tx.suppressionThreshold(ctx)
		if err != nil {
			return err
		}
		if asOf == "" {
			asOf = tx.today()
		}
		day, _ := time.Parse(time.DateOnly, asOf)
		var dims []*statDim
		for i, d := range q.Dimensions {
			sd, err := tx.statDimension(ctx, d, fmt.Sprintf("dimensions[%d]", i), day, level, q.UnitVintage)
			if err != nil {
				return err
			}
			dims = append(dims, sd)
		}
		sensitive := sensitiveDims(q.Dimensions)
		scope, err := tx.statsScope(ctx, q.Filter, threshold, sensitive)
		if err != nil {
			return err
		}
		if sensitive && scope.sensitiveErr != nil {
			return scope.sensitiveErr
		}
		cells, err := tx.countCells(ctx, dims, scope.where, scope.args)
		if err != nil {
			return err
		}
		cells, totalSuppressed := suppress.Table(cells, len(dims), threshold)
		sortCells(cells, dims)
		total := 0
		for _, c := range cells {
			total += c.Count
		}
		if scope.small {
			// The rows would tell which values the few have.
			cells = nil
		} else if sensitive {
			if cells, err = tx.guardEthnicityGroups(ctx, cells, dims, scope, threshold); err != nil {
				return err
			}
		}

		out = &pb.ComputeStatisticsResponse{
			SuppressionThreshold: int32(threshold),
			AsOf:                 protoDate(asOf),
			TotalSuppressed:      totalSuppressed,
		}
		if !totalSuppressed {
			out.Total = proto.Int32(int32(total))
		} else {
			out.TotalSuppressionReason = suppressionReason(small(total, threshold))
		}
		for _, d := range dims {
			out.Dimensions = append(out.Dimensions, d.kind)
			out.DimensionLabels = append(out.DimensionLabels, dimensionHeaders[d.kind])
		}
		for _, c := range cells {
			row := &pb.StatisticsRow{Values: c.Values, Suppressed: c.Suppressed}
			if c.Suppressed {
				row.SuppressionReason = suppressionReason(c.Primary)
			}
			for i, d := range dims {
				row.Labels = append(row.Labels, d.label(c.Values[i]))
			}
			if !c.Suppressed {
				row.Count = proto.Int32(int32(c.Count))
			}
			out.Rows = append(out.Rows, row)
		}
		return nil
	})
	return out, err
}

func dimensionNames() string {
	var names []string
	for n := int32(1); ; n++ {
		name, ok := pb.ComputeStatisticsRequest_Dimension_name[n]
		if !ok {
			return strings.Join(names, ", ")
		}
		names = append(names, name)
	}
}

// statsFrom is the table statistics read. Every live person is read from
// people_statistics, which holds every column statistics need in a fifth
// of the space of the rows, when the filter names only those columns too:
// SQLite does not choose a partial index for a whole scan by itself, and
// this says it must (an error, not a slow answer, if the index were gone).
// Otherwise, and when a value is looked up in another table for every
// person (quicker in the order of the rows), the planner chooses.
func statsFrom(where string, lookups bool) string {
	if !lookups && !strings.Contains(where, "EXISTS") {
		covered := true
		for _, m := range columnRE.FindAllStringSubmatch(where, -1) {
			covered = covered && slices.Contains(statisticsColumns, m[1])
		}
		if covered {
			return "people p INDEXED BY people_statistics"
		}
	}
	return "people p"
}

// statisticsColumns are the columns of people_statistics (0007_stats.sql).
var statisticsColumns = []string{"highest_level", "highest_level_rank", "academic_title", "primary_field",
	"current_unit", "current_org_kind", "current_employment", "unit_on_20250630", "work_location", "gender",
	"birth_year", "birth_month", "birth_day", "ethnicity"}

var columnRE = regexp.MustCompile(`\bp\.([a-z_0-9]+)`)

// countCells counts the people the filter selects by their raw values, in
// one query over people, maps the raw values to reported ones (a field to its area, a unit to its
// 2024 district) and adds up the counts of values that map together. The
// cells come back in the order of their values.
//
// The query reads every selected person's raw values back as one string
// per dimension (group_concat, separated by US, a control character no code
// holds), and Go adds them up, instead of GROUP BY: SQLite aggregates only
// by sorting, which costs about three times as much per person as reading
// the values out when the groups are few, as they are here.
func (tx *Tx) countCells(ctx context.Context, dims []*statDim, where string, whereArgs []any) ([]*suppress.Cell, error) {
	sel := []string{"COUNT(*)"}
	var args []any
	lookups := false
	for _, d := range dims {
		sel = append(sel, "group_concat("+d.expr+", char(31))")
		args = append(args, d.args...)
		lookups = lookups || d.lookup
	}
	conds := []string{"p.delete_time IS NULL"}
	if where != "" {
		conds = append(conds, where)
		args = append(args, whereArgs...)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + statsFrom(where, lookups) + whereSQL(conds)
	var n int
	cols := make([]sql.NullString, len(dims))
	dest := []any{&n}
	for i := range cols {
		dest = append(dest, &cols[i])
	}
	if err := tx.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return nil, dbError(err)
	}
	if n == 0 {
		return nil, nil
	}
	// Each distinct raw value of a dimension gets a small number, and a
	// combination of them a key: the counting needs no allocation per
	// person.
	type distinct struct {
		index map[string]int
		raw   []string
	}
	ds := make([]distinct, len(dims))
	for i := range ds {
		ds[i].index = map[string]int{}
	}
	rest := make([]string, len(dims))
	for i := range cols {
		rest[i] = cols[i].String
	}
	counts := map[uint64]int{}
	// The value of the row before, and its number: rows come in runs of a
	// value when the scan follows an index that starts with it.
	last, lastK := make([]string, len(dims)), make([]int, len(dims))
	for i := range last {
		lastK[i] = -1
	}
	for range n {
		var key uint64
		for i := range dims {
			var v string
			if j := strings.IndexByte(rest[i], 31); j >= 0 {
				v, rest[i] = rest[i][:j], rest[i][j+1:]
			} else {
				v, rest[i] = rest[i], ""
			}
			if lastK[i] >= 0 && v == last[i] {
				key = key<<21 | uint64(lastK[i])
				continue
			}
			k, ok := ds[i].index[v]
			if !ok {
				k = len(ds[i].raw)
				if k == 1<<21 {
					return nil, &Error{Code: Internal, Message: "statistics", Err: fmt.Errorf("more than %d values of %v", k, dims[i].kind)}
				}
				ds[i].index[v] = k
				ds[i].raw = append(ds[i].raw, v)
			}
			last[i], lastK[i] = v, k
			key = key<<21 | uint64(k)
		}
		counts[key]++
	}
	// Raw values to reported ones, once per distinct value.
	values := make([][]string, len(dims))
	for i, d := range dims {
		for _, raw := range ds[i].raw {
			values[i] = append(values[i], d.value(raw))
		}
	}
	byKey := map[string]*suppress.Cell{}
	var cells []*suppress.Cell
	for key, count := range counts {
		vals := make([]string, len(dims))
		for i := len(dims) - 1; i >= 0; i-- {
			vals[i] = values[i][key&(1<<21-1)]
			key >>= 21
		}
		k := strings.Join(vals, "\x00")
		c := byKey[k]
		if c == nil {
			c = &suppress.Cell{Values: vals}
			byKey[k] = c
			cells = append(cells, c)
		}
		c.Count += count
	}
	sortCells(cells, dims)
	return cells, nil
}

// sortCells puts cells in the order of their values.
func sortCells(cells []*suppress.Cell, dims []*statDim) {
	slices.SortFunc(cells, func(a, b *suppress.Cell) int {
		for i, d := range dims {
			ra, ta := d.order(a.Values[i])
			rb, tb := d.order(b.Values[i])
			if c := cmp.Or(cmp.Compare(ra, rb), cmp.Compare(ta, tb)); c != 0 {
				return c
			}
		}
		return 0
	})
}

// unknownLast orders "" after every value.
const unknownLast = 1 << 30

// byText orders values by their text, "" last.
func byText(v string) (int, string) {
	if v == "" {
		return unknownLast, ""
	}
	return 0, v
}

func asString(raw string) string { return raw }

// enumDim is a dimension whose raw value is an enum's number: reported by
// the value's name, "" for 0.
func enumDim(kind Dimension, expr string, ed protoreflect.EnumDescriptor, labels map[string]string) *statDim {
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
		label: func(v string) string {
			if l, ok := labels[v]; ok {
				return l
			}
			return v
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
func codeDim(kind Dimension, expr string, names map[string]string, ranks map[string]int, none string) *statDim {
	return &statDim{
		kind: kind, expr: expr,
		value: asString,
		label: func(v string) string {
			if v == "" {
				return none
			}
			if n, ok := names[v]; ok {
				return n
			}
			return v
		},
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
func (tx *Tx) statDimension(ctx context.Context, d Dimension, field string, asOf time.Time, fieldLevel int, vintage pb.ComputeStatisticsRequest_UnitVintage) (*statDim, error) {
	switch d {
	case pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL:
		names, ranks, err := tx.refNames(ctx, `SELECT code, name_vi, rank FROM ref_qualification_levels`)
		if err != nil {
			return nil, err
		}
		return codeDim(d, "p.highest_level", names, ranks, "Chưa có văn bằng"), nil
	case pb.ComputeStatisticsRequest_ACADEMIC_TITLE:
		names, ranks, err := tx.refNames(ctx, `SELECT code, name_vi, rank FROM ref_academic_titles`)
		if err != nil {
			return nil, err
		}
		return codeDim(d, "p.academic_title", names, ranks, "Không có học hàm"), nil
	case pb.ComputeStatisticsRequest_ETHNICITY:
		names, _, err := tx.refNames(ctx, `SELECT code, name_vi, 0 FROM ref_ethnic_groups`)
		if err != nil {
			return nil, err
		}
		return codeDim(d, "p.ethnicity", names, nil, "Chưa ghi nhận"), nil
	case pb.ComputeStatisticsRequest_FIELD:
		return tx.fieldDimension(ctx, fieldLevel)
	case pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:
		return tx.unitDimension(ctx, asOf, vintage)
	case pb.ComputeStatisticsRequest_ORGANIZATION_KIND:
		return enumDim(d, "p.current_org_kind", pb.Organization_Kind(0).Descriptor(), orgKindLabels), nil
	case pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:
		return enumDim(d, "p.current_employment", pb.Position_EmploymentType(0).Descriptor(), employmentLabels), nil
	case pb.ComputeStatisticsRequest_WORK_LOCATION:
		return enumDim(d, "p.work_location", pb.Person_WorkLocation(0).Descriptor(), workLabels), nil
	case pb.ComputeStatisticsRequest_GENDER:
		return enumDim(d, "p.gender", pb.Person_Gender(0).Descriptor(), genderLabels), nil
	case pb.ComputeStatisticsRequest_AGE_BAND:
		return ageDimension(asOf), nil
	case pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:
		return tx.membershipDimension(ctx, field)
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
		label: func(v string) string {
			for _, b := range ageBands {
				if b.code == v {
					return b.label
				}
			}
			return "Chưa rõ ngày sinh"
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

// fieldDimension reports a person's primary field at a level of its scheme:
// the ancestor at that level, or the field itself when it is above it.
func (tx *Tx) fieldDimension(ctx context.Context, level int) (*statDim, error) {
	type node struct {
		parent, name string
		level        int
	}
	nodes := map[string]node{}
	rows, err := tx.QueryContext(ctx, `SELECT scheme, code, parent_code, level, name_vi FROM ref_fields`)
	if err != nil {
		return nil, dbError(err)
	}
	for rows.Next() {
		var scheme, code, parent, name string
		var lvl int
		if err := rows.Scan(&scheme, &code, &parent, &lvl, &name); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		n := node{name: name, level: lvl}
		if parent != "" {
			n.parent = fieldName(scheme, parent)
		}
		nodes[fieldName(scheme, code)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return &statDim{
		kind: pb.ComputeStatisticsRequest_FIELD,
		expr: "p.primary_field",
		value: func(raw string) string {
			f := raw
			for range 10 {
				n, ok := nodes[f]
				if !ok || n.level <= level || n.parent == "" {
					break
				}
				f = n.parent
			}
			return f
		},
		label: func(v string) string {
			if v == "" {
				return "Chưa ghi lĩnh vực"
			}
			if n, ok := nodes[v]; ok {
				return n.name
			}
			return v
		},
		order: byText,
	}, nil
}

// unitVersion is a version of an administrative unit.
type unitRow struct {
	code, from, to, name, kind, parent, successors string
}

// districtKinds are the kinds of the district level, abolished in 2025.
var districtKinds = map[string]bool{"city": true, "town": true, "district": true, "urban_district": true}

// unitDimension reports where people work: the unit of the current
// position, or of the position held on a day of the 2024 districts as the
// district it was in.
func (tx *Tx) unitDimension(ctx context.Context, asOf time.Time, vintage pb.ComputeStatisticsRequest_UnitVintage) (*statDim, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, valid_from, valid_to, name, kind, parent_code, successor_codes
		FROM ref_admin_units ORDER BY code, valid_from`)
	if err != nil {
		return nil, dbError(err)
	}
	versions := map[string][]unitRow{}
	for rows.Next() {
		var u unitRow
		if err := rows.Scan(&u.code, &u.from, &u.to, &u.name, &u.kind, &u.parent, &u.successors); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		versions[u.code] = append(versions[u.code], u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	// on returns the version of code valid on day, or its last version
	// before it, or its first one.
	on := func(code, day string) (unitRow, bool) {
		vs := versions[code]
		if len(vs) == 0 {
			return unitRow{}, false
		}
		best := vs[0]
		for _, v := range vs {
			if v.from <= day {
				best = v
			}
		}
		return best, true
	}
	validOn := func(u unitRow, day string) bool { return u.from <= day && (u.to == "" || u.to >= day) }
	// Units are ordered as ListAdministrativeUnits lists them: by the
	// length of their code (provinces, districts, communes), then by code.
	order := func(v string) (int, string) {
		if v == "" {
			return unknownLast, ""
		}
		return len(v), v
	}

	if vintage != pb.ComputeStatisticsRequest_HISTORY_2024 {
		today := tx.today()
		return &statDim{
			kind:  pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
			expr:  "p.current_unit",
			value: asString,
			label: func(v string) string {
				if v == "" {
					return "Chưa ghi nhận"
				}
				if u, ok := on(v, today); ok {
					return u.name
				}
				return v
			},
			order: order,
		}, nil
	}

	day := min(asOf.Format(time.DateOnly), lastDay2024)
	// The district a unit of the day belongs to: itself, or the nearest
	// district above it.
	district := func(code string) string {
		for range 5 {
			u, ok := on(code, day)
			if !ok || !validOn(u, day) {
				return ""
			}
			if districtKinds[u.kind] {
				return u.code
			}
			code = u.parent
		}
		return ""
	}
	// A unit created after the day (a 2025 commune) counts under the
	// district that the reference data names it a successor of, when
	// exactly one does.
	successorOf := map[string][]string{}
	for code, vs := range versions {
		for _, v := range vs {
			if validOn(v, lastDay2024) && districtKinds[v.kind] {
				for _, s := range strings.Fields(v.successors) {
					if s != code {
						successorOf[s] = append(successorOf[s], code)
					}
				}
			}
		}
	}
	// The position held on the day; on the last day of the districts, as
	// kept on the people row.
	expr, args := "p.unit_on_20250630", []any(nil)
	if day != lastDay2024 {
		expr = `IFNULL((SELECT IFNULL(ho.administrative_unit, h.administrative_unit)
			FROM positions h LEFT JOIN organizations ho ON ho.pk = h.organization_pk
			WHERE h.person_pk = p.pk AND h.start_date <= ?
			AND (h.end_date = 0 OR (CASE WHEN h.end_date % 100 != 0 THEN h.end_date
				WHEN h.end_date % 10000 != 0 THEN h.end_date + 31 ELSE h.end_date + 1231 END) >= ?)
			ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), '')`
		args = []any{ymdOf(day), ymdOf(day)}
	}
	return &statDim{
		kind:   pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
		expr:   expr,
		args:   args,
		lookup: args != nil,
		value: func(code string) string {
			if code == "" {
				return ""
			}
			if d := district(code); d != "" {
				return d
			}
			if ds := successorOf[code]; len(ds) == 1 {
				return ds[0]
			}
			return ""
		},
		label: func(v string) string {
			if v == "" {
				return "Không xác định được huyện (2024)"
			}
			if u, ok := on(v, lastDay2024); ok {
				return u.name
			}
			return v
		},
		order: order,
	}, nil
}

// ymdOf turns YYYY-MM-DD into the YYYYMMDD integer positions keep.
func ymdOf(day string) int64 {
	n, _ := strconv.ParseInt(strings.ReplaceAll(day, "-", ""), 10, 64)
	return n
}

// membershipOrder is the order in which a person's membership states are
// preferred: the most advanced first.
var membershipOrder = []string{"ACTIVE", "SUSPENDED", "PENDING", "WITHDRAWN", "REJECTED"}

// membershipDimension reports the state of a person's membership of an
// association: the most advanced, for a person with several.
func (tx *Tx) membershipDimension(ctx context.Context, field string) (*statDim, error) {
	ed := pb.Membership_State(0).Descriptor()
	var when []string
	var args []any
	for i, name := range membershipOrder {
		when = append(when, "WHEN ? THEN "+strconv.Itoa(i))
		args = append(args, int64(ed.Values().ByName(protoreflect.Name(name)).Number()))
	}
	rank := "CASE m.state " + strings.Join(when, " ") + " ELSE " + strconv.Itoa(len(membershipOrder)) + " END"
	order := map[string]int{}
	for i, name := range membershipOrder {
		order[name] = i
	}
	return &statDim{
		kind:   pb.ComputeStatisticsRequest_MEMBERSHIP_STATE,
		expr:   "IFNULL((SELECT m.state FROM memberships m WHERE m.person_pk = p.pk ORDER BY " + rank + ", m.state LIMIT 1), '')",
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
		label: func(v string) string {
			if l, ok := membershipLabels[v]; ok {
				return l
			}
			return v
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

// Indicators.

// indicatorLabels are the Vietnamese names of the indicators.
var indicatorLabels = map[pb.Indicator_Kind]string{
	pb.Indicator_MASTER_OR_HIGHER:         "Tỷ lệ có trình độ thạc sĩ trở lên",
	pb.Indicator_DOCTORATE:                "Tỷ lệ có trình độ tiến sĩ",
	pb.Indicator_PROFESSORS:               "Số giáo sư, phó giáo sư",
	pb.Indicator_WOMEN:                    "Tỷ lệ nữ",
	pb.Indicator_UNDER_35:                 "Tỷ lệ dưới 35 tuổi",
	pb.Indicator_ETHNIC_MINORITY:          "Tỷ lệ người dân tộc thiểu số",
	pb.Indicator_WORKING_OUTSIDE_PROVINCE: "Tỷ lệ làm việc ngoài tỉnh (nơi khác trong nước hoặc nước ngoài)",
}

// IndicatorLabel is the Vietnamese name of an indicator.
func IndicatorLabel(k pb.Indicator_Kind) string { return indicatorLabels[k] }

// kinhCode is the ethnic group of the majority; every other recorded group
// is a minority.
const kinhCode = "01"

// GetIndicators computes the plan's indicators over the live people filter
// selects, on asOf (today in Vietnam when nil).
func (db *DB) GetIndicators(ctx context.Context, filter string, asOfDate *date.Date) (*pb.GetIndicatorsResponse, error) {
	asOf, err := asOfDay(asOfDate, "as_of")
	if err != nil {
		return nil, err
	}
	var out *pb.GetIndicatorsResponse
	err = db.read(ctx, func(tx *Tx) error {
		threshold, err := tx.suppressionThreshold(ctx)
		if err != nil {
			return err
		}
		if asOf == "" {
			asOf = tx.today()
		}
		day, _ := time.Parse(time.DateOnly, asOf)
		r, err := tx.ranks(ctx)
		if err != nil {
			return err
		}
		master, ok1 := r.levels["THAC_SI"]
		doctor, ok2 := r.levels["TIEN_SI"]
		if !ok1 || !ok2 {
			return errorf(FailedPrecondition, "", "the qualification levels list has no THAC_SI or TIEN_SI; reload it")
		}
		scope, err := tx.statsScope(ctx, filter, threshold, true)
		if err != nil {
			return err
		}
		where, whereArgs := scope.where, scope.args
		conds := []string{"p.delete_time IS NULL"}
		if where != "" {
			conds = append(conds, where)
		}
		// One pass: the population and every numerator.
		q := `SELECT COUNT(*),
			IFNULL(SUM(p.highest_level_rank >= ?), 0),
			IFNULL(SUM(p.highest_level_rank >= ?), 0),
			IFNULL(SUM(p.academic_title != ''), 0),
			IFNULL(SUM(p.gender = ?), 0),
			IFNULL(SUM(p.birth_year != 0 AND ? - p.birth_year - ((p.birth_month * 100 + p.birth_day) > ?) < 35), 0),
			IFNULL(SUM(p.ethnicity != '' AND p.ethnicity != ?), 0),
			IFNULL(SUM(p.work_location IN (?, ?)), 0)
			FROM ` + statsFrom(where, false) + whereSQL(conds)
		args := []any{master, doctor, int32(pb.Person_FEMALE), day.Year(), int(day.Month())*100 + day.Day(), kinhCode,
			int32(pb.Person_ELSEWHERE_IN_VIETNAM), int32(pb.Person_ABROAD)}
		var den int
		nums := make([]int, 7)
		dest := []any{&den}
		for i := range nums {
			dest = append(dest, &nums[i])
		}
		if err := tx.QueryRowContext(ctx, q, append(args, whereArgs...)...).Scan(dest...); err != nil {
			return dbError(err)
		}
		out = &pb.GetIndicatorsResponse{SuppressionThreshold: int32(threshold), AsOf: protoDate(asOf)}
		kinds := []pb.Indicator_Kind{pb.Indicator_MASTER_OR_HIGHER, pb.Indicator_DOCTORATE, pb.Indicator_PROFESSORS,
			pb.Indicator_WOMEN, pb.Indicator_UNDER_35, pb.Indicator_ETHNIC_MINORITY, pb.Indicator_WORKING_OUTSIDE_PROVINCE}
		for i, k := range kinds {
			out.Indicators = append(out.Indicators, indicator(k, nums[i], den, threshold))
		}
		// A doctorate is a master's or higher too: the holders of a master's
		// alone are the difference of the two, which must not be small
		// either.
		m, d := out.Indicators[0], out.Indicators[1]
		if !m.Suppressed && !d.Suppressed && small(nums[0]-nums[1], threshold) {
			suppressIndicator(d)
		}
		// A filter that figures by ethnicity may not take (statsguard.go).
		if scope.sensitiveErr != nil {
			suppressIndicator(out.Indicators[5])
		}
		return nil
	})
	return out, err
}

// small reports whether a count is one that suppression hides.
func small(n, threshold int) bool { return n > 0 && n < threshold }

// indicator makes an indicator, suppressed when its numerator or the rest
// of its denominator is small; a small denominator is suppressed too.
func indicator(k pb.Indicator_Kind, num, den, threshold int) *pb.Indicator {
	ind := &pb.Indicator{Kind: k, Label: indicatorLabels[k]}
	if small(den, threshold) {
		ind.Suppressed = true
		return ind
	}
	ind.Denominator = proto.Int32(int32(den))
	if small(num, threshold) || small(den-num, threshold) {
		ind.Suppressed = true
		return ind
	}
	ind.Numerator = proto.Int32(int32(num))
	if den > 0 {
		ind.Share = proto.Float64(float64(num) / float64(den))
	}
	return ind
}

func suppressIndicator(ind *pb.Indicator) {
	ind.Numerator, ind.Share, ind.Suppressed = nil, nil, true
}

// Settings.

// statisticsSettingsName is the name of the settings singleton.
const statisticsSettingsName = "statisticsSettings"

// Keys of the settings table.
const (
	keySuppressionThreshold = "statistics.suppression_threshold"
	keyStatisticsRevision   = "statistics.revision"
	keyStatisticsUpdateTime = "statistics.update_time"
)

func (tx *Tx) setting(ctx context.Context, key string, def int64) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, dbError(err)
}

func (tx *Tx) suppressionThreshold(ctx context.Context) (int, error) {
	t, err := tx.setting(ctx, keySuppressionThreshold, DefaultSuppressionThreshold)
	// Whatever is stored, never below the minimum.
	return max(int(t), MinSuppressionThreshold), err
}

func (tx *Tx) statisticsSettings(ctx context.Context) (*pb.StatisticsSettings, error) {
	t, err := tx.suppressionThreshold(ctx)
	if err != nil {
		return nil, err
	}
	rev, err := tx.setting(ctx, keyStatisticsRevision, 0)
	if err != nil {
		return nil, err
	}
	updated, err := tx.setting(ctx, keyStatisticsUpdateTime, 0)
	if err != nil {
		return nil, err
	}
	s := &pb.StatisticsSettings{Name: statisticsSettingsName, SuppressionThreshold: int32(t), Etag: etag(statisticsSettingsName, rev)}
	if updated != 0 {
		setResourceMeta(s, statisticsSettingsName, updated, updated, s.Etag)
	}
	return s, nil
}

// StatisticsSettings returns the settings of the statistics.
func (db *DB) StatisticsSettings(ctx context.Context, name string) (*pb.StatisticsSettings, error) {
	if name != statisticsSettingsName {
		return nil, errorf(Invalid, "name", "want %q, the name of the settings, not %q", statisticsSettingsName, name)
	}
	var out *pb.StatisticsSettings
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.statisticsSettings(ctx)
		return err
	})
	return out, err
}

// UpdateStatisticsSettings changes the settings: apply gets the current
// ones and changes them in place, inside the transaction.
func (db *DB) UpdateStatisticsSettings(ctx context.Context, name string, o WriteOptions, apply func(*pb.StatisticsSettings) error) (*pb.StatisticsSettings, error) {
	if name != statisticsSettingsName {
		return nil, errorf(Invalid, "settings.name", "want %q, the name of the settings, not %q", statisticsSettingsName, name)
	}
	var out *pb.StatisticsSettings
	err := db.write(ctx, o.ValidateOnly, func(tx *Tx) error {
		cur, err := tx.statisticsSettings(ctx)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, cur.Etag, "settings.etag"); err != nil {
			return err
		}
		if err := apply(cur); err != nil {
			return err
		}
		t := cur.SuppressionThreshold
		if t < MinSuppressionThreshold || t > MaxSuppressionThreshold {
			return errorf(Invalid, "settings.suppression_threshold", "must be from %d to %d: smaller counts than %d would single people out",
				MinSuppressionThreshold, MaxSuppressionThreshold, MinSuppressionThreshold)
		}
		rev, err := tx.setting(ctx, keyStatisticsRevision, 0)
		if err != nil {
			return err
		}
		for key, value := range map[string]int64{keySuppressionThreshold: int64(t), keyStatisticsRevision: rev + 1,
			keyStatisticsUpdateTime: micros(tx.now)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
				return dbError(err)
			}
		}
		out, err = tx.statisticsSettings(ctx)
		return err
	})
	return out, err
}
