package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/suppress"
)

// kinhCode is the ethnic group of the majority; every other recorded group
// is a minority.
const kinhCode = "01"

// An indicator counts the people with some values of one dimension of
// ComputeStatistics: its numerator is a sum of cells of the table by that
// dimension, its denominator the table's total. It is computed from that
// very table, as the same caller would get it (filter, scope, as_of), so
// that it is published only where, set beside the table, it tells none of
// the counts the table hides (suppress.SumsSafe).
type indicatorSpec struct {
	kind pb.Indicator_Kind
	dim  Dimension
	in   func(value string) bool
}

// indicatorSpecs are the plan's indicators, in the order of the answer;
// master and doctor are the ranks of THAC_SI and TIEN_SI.
func indicatorSpecs(levels map[string]int64, master, doctor int64) []indicatorSpec {
	is := func(vs ...string) func(string) bool { return func(v string) bool { return slices.Contains(vs, v) } }
	rankFrom := func(r int64) func(string) bool {
		return func(v string) bool { rank, ok := levels[v]; return ok && rank >= r }
	}
	return []indicatorSpec{
		{pb.Indicator_MASTER_OR_HIGHER, pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, rankFrom(master)},
		{pb.Indicator_DOCTORATE, pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, rankFrom(doctor)},
		{pb.Indicator_PROFESSORS, pb.ComputeStatisticsRequest_ACADEMIC_TITLE, func(v string) bool { return v != "" }},
		{pb.Indicator_WOMEN, pb.ComputeStatisticsRequest_GENDER, is(pb.Person_FEMALE.String())},
		{pb.Indicator_UNDER_35, pb.ComputeStatisticsRequest_AGE_BAND, is(ageBands[0].code)},
		{pb.Indicator_ETHNIC_MINORITY, pb.ComputeStatisticsRequest_ETHNICITY, func(v string) bool { return v != "" && v != kinhCode }},
		{pb.Indicator_WORKING_OUTSIDE_PROVINCE, pb.ComputeStatisticsRequest_WORK_LOCATION,
			is(pb.Person_ELSEWHERE_IN_VIETNAM.String(), pb.Person_ABROAD.String())},
	}
}

// GetIndicators computes the plan's indicators over the live people filter
// selects, on asOf (today in Vietnam when nil); may are the fields the
// caller may filter by, for hints (nil: all).
func (db *DB) GetIndicators(ctx context.Context, filter, scope string, may FilterFields, asOfDate *date.Date) (*pb.GetIndicatorsResponse, error) {
	return db.indicators(ctx, filter, scope, may, asOfDate, db.ReadBudget(), db.suppressionWork(false))
}

// indicators is GetIndicators within a read budget (0: none) and an
// allowance of suppression work (nil: none).
func (db *DB) indicators(ctx context.Context, filter, limit string, may FilterFields, asOfDate *date.Date, budget time.Duration,
	work *suppress.Allowance) (*pb.GetIndicatorsResponse, error) {
	asOf, err := figuresDay(asOfDate, "as_of", db.Now())
	if err != nil {
		return nil, err
	}
	var out *pb.GetIndicatorsResponse
	err = db.readWithin(ctx, budget, func(tx *Tx) error {
		threshold, err := tx.suppressionThreshold(ctx)
		if err != nil {
			return err
		}
		if asOf == "" {
			asOf = tx.today()
		}
		on, err := tx.statsDayOf(ctx, asOf, asOfDate != nil)
		if err != nil {
			return err
		}
		r, err := tx.ranks(ctx)
		if err != nil {
			return err
		}
		master, ok1 := r.levels["THAC_SI"]
		doctor, ok2 := r.levels["TIEN_SI"]
		if !ok1 || !ok2 {
			return errorf(FailedPrecondition, "", "the qualification levels list has no THAC_SI or TIEN_SI; reload it")
		}
		specs := indicatorSpecs(r.levels, master, doctor)
		scope, err := tx.statsScope(ctx, filter, limit, on, threshold, true, may)
		if err != nil {
			return err
		}
		// The table of each dimension, as ComputeStatistics makes it, all
		// read in one pass.
		var dims []*statDim
		at := map[Dimension]int{}
		for _, s := range specs {
			if _, ok := at[s.dim]; ok {
				continue
			}
			d, err := tx.statDimension(ctx, s.dim, "", on, StatsQuery{})
			if err != nil {
				return err
			}
			at[s.dim] = len(dims)
			dims = append(dims, d)
		}
		// The denominator is the filter's total: withheld, as
		// ComputeStatistics withholds it, when the filter selects people of
		// a count a table without it hides (statpinned.go).
		withheld, err := tx.filterSelectsHidden(ctx, filter, scope, threshold, work)
		if err != nil {
			return err
		}
		tables, den, err := tx.countEach(ctx, dims, scope.listed, scope.where, scope.args)
		if err != nil {
			return err
		}
		for i, d := range dims {
			// As ComputeStatistics suppresses a table of d alone (statlinked.go).
			if tables[i], _, err = work.NestedTable(tables[i], 1, threshold, nestings([]*statDim{d})...); err != nil {
				return suppressionError(err)
			}
		}

		out = &pb.GetIndicatorsResponse{SuppressionThreshold: int32(threshold), AsOf: protoDate(asOf)}
		published := map[Dimension][]func(string) bool{}
		for _, s := range specs {
			ind := &pb.Indicator{Kind: s.kind}
			out.Indicators = append(out.Indicators, ind)
			if small(den, threshold) {
				ind.Suppressed, ind.SuppressionReason = true, pb.SuppressionReason_BELOW_THRESHOLD
				continue
			}
			if withheld {
				ind.Suppressed, ind.SuppressionReason = true, pinnedHiddenReason
				continue
			}
			ind.Denominator = proto.Int32(int32(den))
			num := 0
			for _, c := range tables[at[s.dim]] {
				if s.in(c.Values[0]) {
					num += c.Count
				}
			}
			sets := append(slices.Clone(published[s.dim]), s.in)
			switch {
			case small(num, threshold):
				ind.Suppressed, ind.SuppressionReason = true, pb.SuppressionReason_BELOW_THRESHOLD
			case s.kind == pb.Indicator_ETHNIC_MINORITY && scope.sensitiveErr != nil:
				// A filter that figures by ethnicity may not take
				// (statsguard.go).
				ind.Suppressed, ind.SuppressionReason = true, pb.SuppressionReason_PROTECTS_ANOTHER
			case !suppress.SumsSafe(tables[at[s.dim]], threshold, sets):
				// The rest, or a count the table hides, would be told.
				ind.Suppressed, ind.SuppressionReason = true, pb.SuppressionReason_PROTECTS_ANOTHER
			default:
				published[s.dim] = sets
				ind.Numerator = proto.Int32(int32(num))
				if den > 0 {
					ind.Share = proto.Float64(float64(num) / float64(den))
				}
			}
		}
		return nil
	})
	return out, err
}

// countEach counts the people the filter selects by each of dims alone:
// a one-dimension table per dimension, as countCells would make it, all
// from one read; and how many people there are.
func (tx *Tx) countEach(ctx context.Context, dims []*statDim, listed, where string, whereArgs []any) ([][]*suppress.Cell, int, error) {
	n, cols, err := tx.readValues(ctx, dims, listed, where, whereArgs)
	tables := make([][]*suppress.Cell, len(dims))
	if err != nil || n == 0 {
		return tables, 0, err
	}
	for i, d := range dims {
		// Runs of one raw value are counted before a map is looked up.
		raw := map[string]int{}
		last, run := "", 0
		for v := range strings.SplitSeq(cols[i], "\x1f") {
			if v != last && run > 0 {
				raw[last] += run
				run = 0
			}
			last = v
			run++
		}
		raw[last] += run
		byValue := map[string]*suppress.Cell{}
		for r, count := range raw {
			v := d.value(r)
			c := byValue[v]
			if c == nil {
				c = &suppress.Cell{Values: []string{v}}
				byValue[v] = c
				tables[i] = append(tables[i], c)
			}
			c.Count += count
		}
		sortCells(tables[i], []*statDim{d})
	}
	return tables, n, nil
}

// small reports whether a count is one that suppression hides.
func small(n, threshold int) bool { return n > 0 && n < threshold }
