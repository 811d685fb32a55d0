package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The statistics page and a report's page say what suppression did, with
// the threshold, and claim no more: an audit found them saying no one
// could be identified, which hiding small counts does not guarantee.
func TestStatisticsPagesSayWhatSuppressionDid(t *testing.T) {
	e := newEnv(t)
	e.registeredIn(2020)
	ctx := context.Background()
	if _, err := e.admin.Statistics.CreateReport(ctx, &pb.CreateReportRequest{ReportId: "nam-2024",
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: 2024, Month: 12, Day: 31}}}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := e.admin.Statistics.GetReport(ctx, &pb.GetReportRequest{Name: "reports/nam-2024"}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the report was not made")
		}
	}
	b := e.signIn(e.account("home_affairs", ""))
	for _, path := range []string{"/stats?d1=HIGHEST_QUALIFICATION_LEVEL", "/reports/nam-2024"} {
		code, body := b.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", path, code)
		}
		for _, want := range []string{"số từ 1 đến 4 người, dưới ngưỡng công bố (5 người)",
			"để không suy ra được một số như vậy từ các số khác bằng phép trừ",
			"không bảo đảm rằng không ai có thể bị nhận ra khi đối chiếu với nguồn thông tin khác"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s does not say %q", path, want)
			}
		}
		if strings.Contains(body, "không ai có thể bị nhận diện") {
			t.Errorf("%s still claims that no one can be identified", path)
		}
	}
}
