package console_test

import (
	"context"
	"net/http"
	"regexp"
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
	e.makeReport("nam-2024", 2024)
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

// A report's page writes shares and changes in points with one decimal,
// as the indicators' page, the files and the CLI do (it had two).
func TestReportPageSharesHaveOneDecimal(t *testing.T) {
	e := newEnv(t)
	e.registeredIn(2020)
	e.makeReport("nam-2024", 2024)
	b := e.signIn(e.account("home_affairs", ""))
	_, body := b.get("/reports/nam-2024")
	// Women: 6 of 12, on the day and a year before.
	row := regexp.MustCompile(`<td>Tỷ lệ nữ</td>(<td[^>]*>[^<]*</td>)+`).FindString(body)
	cells := regexp.MustCompile(`>([^<]*)</td>`).FindAllStringSubmatch(row, -1)
	var got []string
	for _, c := range cells {
		got = append(got, c[1])
	}
	if want := "Tỷ lệ nữ|6|12|50,0%|50,0%|0,0"; strings.Join(got, "|") != want {
		t.Errorf("the women's row reads %q, want %q", strings.Join(got, "|"), want)
	}
}

// makeReport makes the yearly report as on 31 December of year as id,
// and waits until it is made.
func (e *env) makeReport(id string, year int32) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.admin.Statistics.CreateReport(ctx, &pb.CreateReportRequest{ReportId: id,
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: year, Month: 12, Day: 31}}}); err != nil {
		e.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := e.admin.Statistics.GetReport(ctx, &pb.GetReportRequest{Name: "reports/" + id}); err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("reports/%s was not made", id)
		}
	}
}
