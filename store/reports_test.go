package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A report as on a day before anyone was registered would be frozen with
// no one counted: it is refused, saying from when the registry has figures.
func TestCheckReportBeforeRecords(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	report := func(y, m, d int32) *pb.Report {
		return &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: y, Month: m, Day: d}}
	}
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	if err := db.CheckReport(ctx, report(2025, 12, 31), ""); errCode(err) != FailedPrecondition || !strings.Contains(err.Error(), "holds no one") {
		t.Errorf("an empty registry: %v, want FAILED_PRECONDITION saying it holds no one", err)
	}
	// Registered at 20:00 UTC on 14 May 2019: 15 May in Vietnam.
	db.Now = func() time.Time { return time.Date(2019, 5, 14, 20, 0, 0, 0, time.UTC) }
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name string
		r    *pb.Report
		want Code // -1: accepted
	}{
		{"OK the first day", report(2019, 5, 15), -1},
		{"OK a later year", report(2025, 12, 31), -1},
		{"ErrBeforeRecords", report(2018, 12, 31), FailedPrecondition},
		{"ErrTheDayBefore", report(2019, 5, 14), FailedPrecondition},
		{"ErrFuture", report(2026, 12, 31), Invalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := db.CheckReport(ctx, c.r, "")
			code := errCode(err)
			if _, ok := err.(Invalids); ok {
				code = Invalid
			}
			if code != c.want {
				t.Fatalf("%v, want code %v", err, c.want)
			}
			if c.want == FailedPrecondition && !strings.Contains(err.Error(), "2019-05-15") {
				t.Errorf("%v: want the first registration's day, 2019-05-15", err)
			}
		})
	}
}

// A report's name is taken from the moment an operation starts making it:
// a second request for the same name while the first runs (a form sent
// twice, two officers) was started too, and two operations made one
// report.
func TestReportNameTakenWhileMade(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	start := func() (bool, error) {
		meta, _ := proto.Marshal(&pb.CreateReportMetadata{Report: "reports/nam-2024"})
		op := &Operation{ID: NewOperationID(), Kind: ReportOperationKind, Principal: "key:test", Metadata: meta}
		return db.StartReport(ctx, op, &pb.Report{}, CreateOptions{ID: "nam-2024"})
	}
	if started, err := start(); err != nil || !started {
		t.Fatalf("the first request: started %v, %v", started, err)
	}
	started, err := start()
	var e *Error
	if !errors.As(err, &e) || e.Code != AlreadyExists || e.Field != "report_id" || started {
		t.Fatalf("a second request while the first runs: started %v, %v; want AlreadyExists on report_id", started, err)
	}
	if !strings.Contains(err.Error(), "being made") {
		t.Errorf("the refusal %q does not say the report is being made", err)
	}
}
