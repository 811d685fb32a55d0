package store

import (
	"context"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// kinhCode is the ethnic group of the majority; every other recorded group
// is a minority.
const kinhCode = "01"

// GetIndicators computes the plan's indicators over the live people filter
// selects, on asOf (today in Vietnam when nil).
func (db *DB) GetIndicators(ctx context.Context, filter, scope string, asOfDate *date.Date) (*pb.GetIndicatorsResponse, error) {
	return db.indicators(ctx, filter, scope, asOfDate, db.ReadBudget())
}

// indicators is GetIndicators within a read budget (0: none).
func (db *DB) indicators(ctx context.Context, filter, limit string, asOfDate *date.Date, budget time.Duration) (*pb.GetIndicatorsResponse, error) {
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
		on := newStatsDay(asOf, asOfDate != nil)
		day := on.t
		r, err := tx.ranks(ctx)
		if err != nil {
			return err
		}
		master, ok1 := r.levels["THAC_SI"]
		doctor, ok2 := r.levels["TIEN_SI"]
		if !ok1 || !ok2 {
			return errorf(FailedPrecondition, "", "the qualification levels list has no THAC_SI or TIEN_SI; reload it")
		}
		scope, err := tx.statsScope(ctx, filter, limit, on, threshold, true)
		if err != nil {
			return err
		}
		where, whereArgs := scope.where, scope.args
		conds := []string{scope.listed}
		if where != "" {
			conds = append(conds, where)
		}
		from, rank, title, away := statsFrom(where, false)+whereSQL(conds), "p.highest_level_rank", "p.academic_title", "p.work_location"
		if on.dated {
			// Each person's level and title of the day, looked up once: LIMIT
			// keeps SQLite from flattening the subquery into the sums, which
			// would look the level up twice.
			from = "(SELECT p.*, " + on.levelRankOn() + " AS dated_rank, " + on.titleOn() + " AS dated_title, " +
				on.workLocationOn() + " AS dated_where FROM people p" +
				whereSQL(conds) + " LIMIT -1) p"
			rank, title, away = "p.dated_rank", "p.dated_title", "p.dated_where"
		}
		// One pass: the population and every numerator.
		q := `SELECT COUNT(*),
			IFNULL(SUM(` + rank + ` >= ?), 0),
			IFNULL(SUM(` + rank + ` >= ?), 0),
			IFNULL(SUM(` + title + ` != ''), 0),
			IFNULL(SUM(p.gender = ?), 0),
			IFNULL(SUM(p.birth_year != 0 AND ? - p.birth_year - ((p.birth_month * 100 + p.birth_day) > ?) < 35), 0),
			IFNULL(SUM(p.ethnicity != '' AND p.ethnicity != ?), 0),
			IFNULL(SUM(` + away + ` IN (?, ?)), 0)
			FROM ` + from
		args := []any{master, doctor, int32(pb.Person_FEMALE), day.Year(), int(day.Month())*100 + day.Day(), kinhCode,
			int32(pb.Person_ELSEWHERE_IN_VIETNAM), int32(pb.Person_ABROAD)}
		var den int
		nums := make([]int, 7)
		dest := []any{&den}
		for i := range nums {
			dest = append(dest, &nums[i])
		}
		// The filter's placeholders follow the sums', in the subquery too.
		args = append(args, whereArgs...)
		if err := tx.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
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
	ind := &pb.Indicator{Kind: k}
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
