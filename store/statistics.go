package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/suppress"
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
	// FieldLevel is 1 to 4 (0 means 1); a scheme with fewer levels
	// reports its deepest.
	FieldLevel int
	// FieldScheme is the scheme FIELD counts in (DefaultFieldScheme when
	// ""): people coded in another are counted through the crosswalk.
	FieldScheme string
	UnitVintage pb.ComputeStatisticsRequest_UnitVintage
	// Scope is the caller's limit (ListQuery.Scope), "" for none: every
	// figure, and the base of the suppression rules, is drawn from the
	// people within it.
	Scope string
	// MayFilter are the fields the caller may filter by, for the hints of
	// a refused filter; all when nil.
	MayFilter FilterFields

	// unbounded lifts the read budget of a call, and the allowance of its
	// suppression: a report's figures are made in an operation no caller
	// waits on (reports.go).
	unbounded bool
}

// maxFieldLevel is the deepest level of a field scheme statistics report:
// Circular 24/2025/TT-BKHCN has four.
const maxFieldLevel = 4

// The last day of the 2024 districts: the reform of 1 July 2025 abolished
// them.
const lastDay2024 = refdata.LastDay2024

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
	// name is a value's name in the reference data or the registry (a
	// field's, a unit's, an organization's), "" when it has none there:
	// the words for the rest are the presenter's (server/statlabels.go).
	name func(value string) string
	// order sorts values: by rank, then by text; "" sorts last.
	order func(value string) (int, string)
	// lookup says that expr looks up other tables for every person.
	lookup bool
	// top, when set, keeps that many values with the most people and
	// counts the rest together as otherOrganizations.
	top int
	// levels, when set, gives the coarser levels of a value that other
	// answers count by (a field's ancestors above the level asked), so
	// that suppression keeps their sums from telling a hidden count.
	levels func(value string) []string
}

// ComputeStatistics counts the live people q.Filter selects by q's
// dimensions, and suppresses the small counts.
func (db *DB) ComputeStatistics(ctx context.Context, q StatsQuery) (*pb.ComputeStatisticsResponse, error) {
	asOf, err := db.checkStatistics(q)
	if err != nil {
		return nil, err
	}
	budget := db.ReadBudget()
	if q.unbounded {
		budget = 0
	}
	var out *pb.ComputeStatisticsResponse
	err = db.readWithin(ctx, budget, func(tx *Tx) error {
		var err error
		// One allowance for every suppression the answer makes.
		out, err = tx.computeStatistics(ctx, q, asOf, db.suppressionWork(q.unbounded))
		return err
	})
	return out, err
}

// checkStatistics checks q, and returns the day it is as on ("" for
// today).
func (db *DB) checkStatistics(q StatsQuery) (string, error) {
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
		case !knownDimension(d):
			v.add(field, "%v is not a dimension; dimensions: %s", d, dimensionNames())
		case seen[d]:
			v.add(field, "%v is given twice", d)
		}
		seen[d] = true
	}
	if q.FieldLevel < 0 || q.FieldLevel > maxFieldLevel {
		v.add("field_level", "must be 1 (the six areas) to %d (the deepest level of the 2025 scheme), or 0 for 1", maxFieldLevel)
	}
	if _, ok := pb.ComputeStatisticsRequest_UnitVintage_name[int32(q.UnitVintage)]; !ok {
		v.add("unit_vintage", "must be CURRENT or HISTORY_2024")
	}
	asOf, err := figuresDay(q.AsOf, "as_of", db.Now())
	if err != nil {
		v = append(v, err.(*Error))
	}
	return asOf, v.err()
}

// computeStatistics is ComputeStatistics in tx, q checked, as on asOf
// ("" for today), its suppressions spending work.
func (tx *Tx) computeStatistics(ctx context.Context, q StatsQuery, asOf string, work *suppress.Allowance) (*pb.ComputeStatisticsResponse, error) {
	threshold, err := tx.suppressionThreshold(ctx)
	if err != nil {
		return nil, err
	}
	if asOf == "" {
		asOf = tx.today()
	}
	on, err := tx.statsDayOf(ctx, asOf, q.AsOf != nil)
	if err != nil {
		return nil, err
	}
	var dims []*statDim
	for i, d := range q.Dimensions {
		sd, err := tx.statDimension(ctx, d, fmt.Sprintf("dimensions[%d]", i), on, q)
		if err != nil {
			return nil, err
		}
		dims = append(dims, sd)
	}
	sensitive := sensitiveDims(q.Dimensions)
	if sensitive {
		// The groups of the other dimensions are compared across
		// filters (statsguard.go): "the rest" of ORGANIZATION could
		// hold other organizations under each, so each is kept.
		for _, d := range dims {
			d.top = 0
		}
	}
	on.fieldScheme = q.FieldScheme
	scope, err := tx.statsScope(ctx, q.Filter, q.Scope, on, threshold, sensitive, q.MayFilter)
	if err != nil {
		return nil, err
	}
	if sensitive && scope.sensitiveErr != nil {
		return nil, scope.sensitiveErr
	}
	// A filter pinning a dimension to values its table hides would
	// tell them (statpinned.go).
	withheld, err := tx.filterSelectsHidden(ctx, q.Filter, scope, threshold, work)
	if err != nil {
		return nil, err
	}
	t := &statTable{dims: dims, withheld: true}
	if !withheld {
		tables, err := tx.statTables(ctx, q, on, dims, scope, threshold, nil, work)
		if err != nil {
			return nil, err
		}
		t = tables[0]
		if sensitive && !scope.small {
			if t.cells, err = tx.guardEthnicityGroups(ctx, t.cells, t.dims, scope, threshold); err != nil {
				return nil, err
			}
		}
	}
	return statsResponse(q, t, threshold, asOf, scope.small), nil
}

// statsResponse is the answer of a suppressed table. Its total is shown
// whenever it reaches the threshold: other answers, a report's other
// tables and the indicators' denominators show it anyway, so hiding it
// would protect nothing. Where suppression could protect a small count
// only by hiding it (every cell that could help is hidden already), the
// rows are left out instead, as for a filter that selects a few.
func statsResponse(q StatsQuery, t *statTable, threshold int, asOf string, few bool) *pb.ComputeStatisticsResponse {
	cells := t.cells
	sortCells(cells, t.dims)
	total := t.total
	totalSuppressed := t.totalHidden
	if totalSuppressed && !small(total, threshold) {
		totalSuppressed, cells = false, nil
	}
	if few {
		// The rows would tell which values the few have.
		cells = nil
	}
	if t.withheld {
		totalSuppressed, cells = true, nil
	}
	out := &pb.ComputeStatisticsResponse{
		SuppressionThreshold: int32(threshold),
		AsOf:                 protoDate(asOf),
		TotalSuppressed:      totalSuppressed,
	}
	switch {
	case !totalSuppressed:
		out.Total = proto.Int32(int32(total))
	case t.withheld:
		out.TotalSuppressionReason = pinnedHiddenReason
	default:
		out.TotalSuppressionReason = suppressionReason(small(total, threshold))
	}
	for _, d := range t.dims {
		out.Dimensions = append(out.Dimensions, d.kind)
		switch d.kind {
		case pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:
			out.UnitVintage = cmp.Or(q.UnitVintage, pb.ComputeStatisticsRequest_CURRENT)
		case pb.ComputeStatisticsRequest_FIELD:
			out.FieldScheme = cmp.Or(q.FieldScheme, DefaultFieldScheme)
		}
	}
	for _, c := range cells {
		row := &pb.StatisticsRow{Values: c.Values, Suppressed: c.Suppressed}
		if c.Suppressed {
			row.SuppressionReason = suppressionReason(c.Primary)
		}
		for i, d := range t.dims {
			name := ""
			if d.name != nil {
				name = d.name(c.Values[i])
			}
			row.Labels = append(row.Labels, name)
		}
		if !c.Suppressed {
			row.Count = proto.Int32(int32(c.Count))
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// nestings are the coarser levels of dims that other answers count by.
func nestings(dims []*statDim) []suppress.Nesting {
	var out []suppress.Nesting
	for i, d := range dims {
		if d.levels != nil {
			out = append(out, suppress.Nesting{Dim: i, Levels: d.levels})
		}
	}
	return out
}

// knownDimension reports whether d is a dimension of the contract.
func knownDimension(d Dimension) bool {
	_, ok := pb.ComputeStatisticsRequest_Dimension_name[int32(d)]
	return ok && d != pb.ComputeStatisticsRequest_DIMENSION_UNSPECIFIED
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
// person (quicker in the order of the rows), the planner chooses. A filter
// joins with EXISTS; the pk, which today's answers read where a flag is
// behind (statheld.go, which looks up only those few), is the rowid that
// every index holds.
func statsFrom(where string, lookups bool) string {
	// The positions of the few who hold several current ones are looked
	// up for them alone (joinHeldPos).
	if !lookups && strings.Count(where, "EXISTS") == strings.Count(where, joinHeldPos.Held.Lookup()) {
		covered := true
		for _, m := range columnRE.FindAllStringSubmatch(where, -1) {
			covered = covered && (m[1] == "pk" || slices.Contains(statisticsColumns, m[1]))
		}
		if covered {
			return "people p INDEXED BY people_statistics"
		}
	}
	return "people p"
}

// statisticsColumns are the columns of people_statistics (0007_stats.sql, 0045).
var statisticsColumns = []string{"highest_level", "highest_level_rank", "academic_title", "primary_field",
	"current_unit", "current_org_kind", "current_employment", "unit_on_20250630", "work_location", "gender",
	"birth_year", "birth_month", "birth_day", "ethnicity", "current_positions"}

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
func (tx *Tx) countCells(ctx context.Context, dims []*statDim, listed, where string, whereArgs []any) ([]*suppress.Cell, error) {
	n, rest, err := tx.readValues(ctx, dims, listed, where, whereArgs)
	if err != nil || n == 0 {
		return nil, err
	}
	// Each distinct raw value of a dimension gets a small number, and a
	// combination of them a key: the counting needs no allocation per
	// person. (The key holds a number per dimension: packing them into
	// one integer merged values once a linked answer's partner made four
	// dimensions.)
	if len(dims) > maxCellDims {
		return nil, &Error{Code: Internal, Message: "statistics", Err: fmt.Errorf("%d dimensions counted at once; at most %d", len(dims), maxCellDims)}
	}
	type distinct struct {
		index map[string]uint32
		raw   []string
	}
	ds := make([]distinct, len(dims))
	for i := range ds {
		ds[i].index = map[string]uint32{}
	}
	counts := map[cellKey]int{}
	// The value of the row before, and its number: rows come in runs of a
	// value when the scan follows an index that starts with it.
	last, lastK := make([]string, len(dims)), make([]int64, len(dims))
	for i := range last {
		lastK[i] = -1
	}
	for range n {
		var key cellKey
		for i := range dims {
			var v string
			if j := strings.IndexByte(rest[i], 31); j >= 0 {
				v, rest[i] = rest[i][:j], rest[i][j+1:]
			} else {
				v, rest[i] = rest[i], ""
			}
			if lastK[i] >= 0 && v == last[i] {
				key[i] = uint32(lastK[i])
				continue
			}
			k, ok := ds[i].index[v]
			if !ok {
				k = uint32(len(ds[i].raw))
				ds[i].index[v] = k
				ds[i].raw = append(ds[i].raw, v)
			}
			last[i], lastK[i] = v, int64(k)
			key[i] = k
		}
		counts[key]++
	}
	// Raw values to reported ones, once per distinct value.
	values := make([][]string, len(dims))
	for i, d := range dims {
		for _, raw := range ds[i].raw {
			values[i] = append(values[i], d.value(raw))
		}
		if d.top > 0 {
			keepTop(values[i], counts, i, d.top)
		}
	}
	byKey := map[string]*suppress.Cell{}
	var cells []*suppress.Cell
	for key, count := range counts {
		vals := make([]string, len(dims))
		for i := range dims {
			vals[i] = values[i][key[i]]
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

// cellKey is a combination of dimensions' values, by their numbers in
// countCells; maxCellDims the most dimensions counted at once (three asked
// for, and a linked answer's partner).
type cellKey [maxCellDims]uint32

const maxCellDims = 5

// readValues reads, in one query over people, the raw values of dims of
// every person selected, as one string per dimension, the values
// separated by US (char 31); and how many people there are.
func (tx *Tx) readValues(ctx context.Context, dims []*statDim, listed, where string, whereArgs []any) (int, []string, error) {
	sel := []string{"COUNT(*)"}
	var args []any
	lookups := false
	for _, d := range dims {
		sel = append(sel, "group_concat("+d.expr+", char(31))")
		args = append(args, d.args...)
		lookups = lookups || d.lookup
	}
	conds := []string{listed}
	if where != "" {
		conds = append(conds, where)
		args = append(args, whereArgs...)
	}
	from := statsFrom(where, lookups)
	if listed != personListed {
		from = "people p" // dated: the registration and deletion times are not in the index
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + from + whereSQL(conds)
	var n int
	cols := make([]sql.NullString, len(dims))
	dest := []any{&n}
	for i := range cols {
		dest = append(dest, &cols[i])
	}
	if err := tx.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return 0, nil, dbError(err)
	}
	rest := make([]string, len(dims))
	for i := range cols {
		rest[i] = cols[i].String
	}
	return n, rest, nil
}

// keepTop renames all but the top values of a dimension, by the people
// they hold (ties by value), to otherOrganizations; "" stays. dim is the
// dimension's place in the keys of counts.
func keepTop(values []string, counts map[cellKey]int, dim, top int) {
	total := map[string]int{}
	for key, n := range counts {
		total[values[key[dim]]] += n
	}
	var vs []string
	for v := range total {
		if v != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) <= top {
		return
	}
	slices.SortFunc(vs, func(a, b string) int { return cmp.Or(cmp.Compare(total[b], total[a]), cmp.Compare(a, b)) })
	kept := map[string]bool{}
	for _, v := range vs[:top] {
		kept[v] = true
	}
	for i, v := range values {
		if v != "" && !kept[v] {
			values[i] = otherOrganizations
		}
	}
}

// sortCells puts cells in the order of their values, the values' text
// last, so that the order is one whatever the order they came in (the
// ties of suppression are broken by it: statTables).
func sortCells(cells []*suppress.Cell, dims []*statDim) {
	slices.SortFunc(cells, func(a, b *suppress.Cell) int {
		for i, d := range dims {
			ra, ta := d.order(a.Values[i])
			rb, tb := d.order(b.Values[i])
			if c := cmp.Or(cmp.Compare(ra, rb), cmp.Compare(ta, tb)); c != 0 {
				return c
			}
		}
		return slices.Compare(a.Values, b.Values)
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
