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
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Reports: a template's figures on a date, computed once and frozen. The
// figures are those ComputeStatistics and
// GetIndicators give as on the date, suppression applied.

// yearlyTables are the tables of YEARLY_WORKFORCE.
var yearlyTables = []struct {
	title string
	q     StatsQuery
}{
	{"Trí thức theo trình độ, lĩnh vực và đơn vị hành chính", StatsQuery{Dimensions: []Dimension{
		pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_FIELD, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}}},
	{"Trí thức theo trình độ và huyện (địa giới 2024)", StatsQuery{Dimensions: []Dimension{
		pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT},
		UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024}},
	{"Trí thức theo trình độ và học hàm", StatsQuery{Dimensions: []Dimension{
		pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_ACADEMIC_TITLE}}},
}

// CheckReport checks a report to make before the operation starts. A
// report as on a day before the registry's earliest registry date (the
// day from which its first person counts, registrydate.go) would count no
// one and be kept so, frozen: it is refused, saying from when the
// registry has figures.
func (db *DB) CheckReport(ctx context.Context, r *pb.Report, id string) error {
	on, err := db.checkReport(r, id)
	if err != nil || on == "" {
		return err
	}
	var first sql.NullInt64
	if err := db.read(ctx, func(tx *Tx) error {
		return dbError(tx.QueryRowContext(ctx, `SELECT MIN(COALESCE(registry_start, create_time)) FROM people`).Scan(&first))
	}); err != nil {
		return err
	}
	if !first.Valid {
		return errorf(FailedPrecondition, "report.as_of", "report.as_of: the registry holds no one yet: a report would count no one; register or import people first")
	}
	if since := day(time.UnixMicro(first.Int64).In(Vietnam)); on < since {
		return errorf(FailedPrecondition, "report.as_of",
			"report.as_of: %s is before anyone was registered: the registry's first profile was registered on %s (the earliest registry_date, Ngày vào danh sách), so a report as on that date would count no one; choose %s or later, or import the people with the registry date their earlier lists had them from",
			on, since, since)
	}
	return nil
}

// checkReport checks the request alone and returns its day.
func (db *DB) checkReport(r *pb.Report, id string) (string, error) {
	var v Invalids
	if r == nil {
		v.add("report", "required: the template and as_of of the report to make")
		return "", v.err()
	}
	if r.GetTemplate() != pb.Report_YEARLY_WORKFORCE {
		v.add("report.template", "must be YEARLY_WORKFORCE")
	}
	on := ""
	if r.GetAsOf() == nil {
		v.add("report.as_of", "required: the date the figures are as on")
	} else if d, err := figuresDay(r.GetAsOf(), "report.as_of", db.Now()); err != nil {
		v = append(v, err.(*Error))
	} else {
		on = d
	}
	if id != "" && !validID(id) {
		v.add("report_id", "must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
	}
	return on, v.err()
}

// ReportOperationKind is the kind of the operation that makes a report.
// A report is kept as the response of its finished operation: written once,
// never changed (frozen), with no table of its own yet (a table would let
// reports be listed and filtered without reading operations).
const ReportOperationKind = "create_report"

// StartReport stores op, the running operation that makes the report
// reports/{o.ID} (a name the store picks when empty), and answer, what
// the caller is told: a report of that name is AlreadyExists. With
// o.Request, a repeat of the request is not started again: answer is
// then the first one's, and started false.
func (db *DB) StartReport(ctx context.Context, op *Operation, answer proto.Message, o CreateOptions) (started bool, err error) {
	// The name's check after the recall: the first request's report may
	// have that name by now. A name taken says so before a full slot.
	return db.startOperation(ctx, op, answer, o, func(tx *Tx) error {
		if o.ID != "" {
			if _, _, err := tx.report(ctx, "reports/"+o.ID); err == nil {
				return errorf(AlreadyExists, "report_id", "reports/%s exists; reports are frozen: choose another id", o.ID)
			} else if !errors.Is(err, errNoReport) {
				return err
			}
			if err := tx.reportNotBeingMade(ctx, "reports/"+o.ID); err != nil {
				return err
			}
		}
		return tx.reportSlotFree(ctx, op.Principal)
	})
}

// A report's reads have no budget and take no slot of the read pool
// (MakeReport): at a million people each runs for seconds, so reports
// made at once would hold every read connection. These bound them: one
// being made for each principal, and maxReportsMade in all.
const (
	maxReportsMade        = 2
	maxReportsByPrincipal = 1
)

// reportSlotFree refuses a report while its principal has one being made,
// or maxReportsMade are.
func (tx *Tx) reportSlotFree(ctx context.Context, principal string) error {
	var all, mine int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(principal = ?), 0) FROM operations WHERE kind = ? AND done = 0`,
		principal, ReportOperationKind).Scan(&all, &mine)
	switch {
	case err != nil:
		return dbError(err)
	case mine >= maxReportsByPrincipal:
		return &Error{Code: ResourceExhausted, Message: "a report you asked for is still being made: wait until its operation is done, then make the next"}
	case all >= maxReportsMade:
		return &Error{Code: ResourceExhausted, Message: fmt.Sprintf("%d reports are being made: try again when one of them is done, in a few minutes", all)}
	}
	return nil
}

// reportNotBeingMade refuses a name a running operation makes a report
// of: two would make it, and the later one's would fail, or overwrite.
func (tx *Tx) reportNotBeingMade(ctx context.Context, name string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, metadata FROM operations WHERE kind = ? AND done = 0`, ReportOperationKind)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			return dbError(err)
		}
		meta := &pb.CreateReportMetadata{}
		if proto.Unmarshal(body, meta) == nil && meta.GetReport() == name {
			return errorf(AlreadyExists, "report_id", "%s is being made (operations/%s); reports are frozen: choose another id", name, id)
		}
	}
	return dbError(rows.Err())
}

// MakeReport computes a report's figures.
func (db *DB) MakeReport(ctx context.Context, r *pb.Report, id string) (*pb.Report, error) {
	if _, err := db.checkReport(r, id); err != nil {
		return nil, err
	}
	if id == "" {
		id = newID()
	}
	out := &pb.Report{Name: "reports/" + id, Template: r.GetTemplate(), AsOf: r.GetAsOf()}
	// Made in an operation no caller waits on: answers as on a date look
	// up every person's facts, seconds at a million people
	// (BENCHMARKS.md), past a call's read budget. Each table is
	// ComputeStatistics' answer, suppression included: a table suppressed
	// otherwise (the one by 2024 district with the one by unit, as it once
	// was) hides other cells than the call, and the two together tell what
	// each hides. One read, so that the tables count the same people.
	err := db.readWithin(ctx, 0, func(tx *Tx) error {
		for _, t := range yearlyTables {
			q := t.q
			q.AsOf, q.unbounded = r.GetAsOf(), true
			day, err := db.checkStatistics(q)
			if err != nil {
				return err
			}
			s, err := tx.computeStatistics(ctx, q, day, db.suppressionWork(true))
			if err != nil {
				return err
			}
			out.Tables = append(out.Tables, &pb.ReportTable{Title: t.title, Statistics: s})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Indicators, err = db.indicators(ctx, "", "", nil, r.GetAsOf(), 0, nil); err != nil {
		return nil, err
	}
	prev := proto.Clone(r.GetAsOf()).(*date.Date)
	prev.Year--
	if prev.Month == 2 && prev.Day == 29 {
		prev.Day = 28
	}
	if out.PreviousIndicators, err = db.indicators(ctx, "", "", nil, prev, 0, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// FinishReport keeps a report as the response of its operation, which it
// finishes; a report of the same name is AlreadyExists, and the operation
// is then left to the caller to fail.
func (db *DB) FinishReport(ctx context.Context, op *Operation, r *pb.Report) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		if _, _, err := tx.report(ctx, r.GetName()); err == nil {
			return errorf(AlreadyExists, "report_id", "%s exists; reports are frozen: choose another id", r.GetName())
		} else if !errors.Is(err, errNoReport) {
			return err
		}
		r.CreateTime, r.Creator = timestamppb.New(tx.now), op.Principal
		a, err := anypb.New(r)
		if err == nil {
			op.Response, err = proto.Marshal(a)
		}
		if err != nil {
			return &Error{Code: Internal, Message: "report", Err: err}
		}
		return tx.finishOperation(ctx, op)
	})
}

var errNoReport = errors.New("no such report")

// reports calls f with every report, the latest first, from the operation
// before pk before (all when 0), until f returns false.
func (tx *Tx) reports(ctx context.Context, before int64, f func(pk int64, r *pb.Report) bool) error {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := tx.QueryContext(ctx, `SELECT pk, principal, response FROM operations
		WHERE kind = ? AND done = 1 AND response IS NOT NULL AND pk < ? ORDER BY pk DESC`, ReportOperationKind, before)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pk int64
		var who string
		var body []byte
		if err := rows.Scan(&pk, &who, &body); err != nil {
			return dbError(err)
		}
		a := &anypb.Any{}
		r := &pb.Report{}
		if proto.Unmarshal(body, a) != nil || a.UnmarshalTo(r) != nil {
			continue
		}
		if r.Creator == "" {
			// Made before reports kept their maker: the operation's.
			r.Creator = who
		}
		if !f(pk, r) {
			break
		}
	}
	return dbError(rows.Err())
}

func (tx *Tx) report(ctx context.Context, name string) (*pb.Report, int64, error) {
	var out *pb.Report
	var at int64
	err := tx.reports(ctx, 0, func(pk int64, r *pb.Report) bool {
		if r.GetName() == name {
			out, at = r, pk
		}
		return out == nil
	})
	if err == nil && out == nil {
		err = errNoReport
	}
	return out, at, err
}

// GetReport returns a report as it was made.
func (db *DB) GetReport(ctx context.Context, name string) (*pb.Report, error) {
	id, ok := strings.CutPrefix(name, "reports/")
	if !ok || !validID(id) {
		return nil, errorf(Invalid, "name", "want reports/{report}, not %q", name)
	}
	var out *pb.Report
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		out, _, err = tx.report(ctx, name)
		return err
	})
	if errors.Is(err, errNoReport) {
		return nil, errorf(NotFound, "name", "no report %s", name)
	}
	return out, err
}

// ListReports lists the reports, the latest made first, without their
// figures.
func (db *DB) ListReports(ctx context.Context, size int, token string) ([]*pb.Report, string, error) {
	if size <= 0 {
		size = 50
	}
	var before int64
	if token != "" {
		n, err := strconv.ParseInt(token, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", errorf(Invalid, "page_token", "not a page token of ListReports; pass next_page_token as it came")
		}
		before = n
	}
	var out []*pb.Report
	next := ""
	err := db.read(ctx, func(tx *Tx) error {
		return tx.reports(ctx, before, func(pk int64, r *pb.Report) bool {
			if len(out) == size {
				next = strconv.FormatInt(pk+1, 10)
				return false
			}
			out = append(out, &pb.Report{Name: r.GetName(), Template: r.GetTemplate(), AsOf: r.GetAsOf(), CreateTime: r.GetCreateTime(),
				Creator: r.GetCreator(), CreatorDisplayName: r.GetCreatorDisplayName()})
			return true
		})
	})
	return out, next, err
}
