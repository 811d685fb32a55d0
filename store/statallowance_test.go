package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The suppression of an answer runs in Go, past the read budget: a
// three-way answer of many small cells took seconds of CPU a call. Beyond
// its allowance the call is refused, saying what to ask instead; within
// it, the answer is the one made without a bound; and a report, which no
// caller waits on, is never refused.
func TestSuppressionAllowance(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	bulkLoad(t, db, 1000, 5)
	q := StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
		pb.ComputeStatisticsRequest_ETHNICITY, pb.ComputeStatisticsRequest_ORGANIZATION}}

	db.SetSuppressionAllowance(1000)
	_, err := db.ComputeStatistics(ctx, q)
	if errCode(err) != ResourceExhausted {
		t.Fatalf("three dimensions within 1,000 steps: %v, want ResourceExhausted", err)
	}
	e := err.(*Error)
	for _, want := range []string{"too many small counts", "fewer dimensions"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("the message %q does not say %q", e.Message, want)
		}
	}
	if e.Field != "" {
		t.Errorf("the error names field %q: no field is wrong", e.Field)
	}
	db.SetSuppressionAllowance(1)
	if _, err := db.GetIndicators(ctx, "", "", nil, nil); errCode(err) != ResourceExhausted {
		t.Errorf("indicators within 1 step: %v, want ResourceExhausted", err)
	}
	if _, err := db.MakeReport(ctx, &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: 2026, Month: 3, Day: 1}}, ""); err != nil {
		t.Errorf("a report, with an allowance of 1 step: %v", err)
	}

	db.SetSuppressionAllowance(-1)
	unbounded, err := db.ComputeStatistics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	db.SetSuppressionAllowance(0)
	if got := db.SuppressionAllowance(); got != DefaultSuppressionAllowance {
		t.Errorf("SuppressionAllowance() = %d after SetSuppressionAllowance(0), want the default %d", got, DefaultSuppressionAllowance)
	}
	within, err := db.ComputeStatistics(ctx, q)
	if err != nil {
		t.Fatalf("within the default allowance: %v", err)
	}
	if got, want := publishedCells(within), publishedCells(unbounded); got != want {
		t.Errorf("within the default allowance it publishes\n%s\nwithout a bound\n%s", got, want)
	}
}
