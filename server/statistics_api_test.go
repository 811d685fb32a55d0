package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestIndicators(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	get := func(filter string) map[pb.Indicator_Kind]*pb.Indicator {
		t.Helper()
		r, err := e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: filter, AsOf: day(2025, 3, 10)})
		if err != nil {
			t.Fatal(err)
		}
		out := map[pb.Indicator_Kind]*pb.Indicator{}
		for _, ind := range r.GetIndicators() {
			out[ind.GetKind()] = ind
			if ind.GetLabel() == "" {
				t.Errorf("%v has no label", ind.GetKind())
			}
		}
		if len(out) != 7 {
			t.Errorf("%d indicators", len(out))
		}
		return out
	}
	show := func(ind *pb.Indicator) string {
		if ind.GetSuppressed() {
			return fmt.Sprintf("*/%d", ind.GetDenominator())
		}
		return fmt.Sprintf("%d/%d=%.4f", ind.GetNumerator(), ind.GetDenominator(), ind.GetShare())
	}
	want := func(got map[pb.Indicator_Kind]*pb.Indicator, w map[pb.Indicator_Kind]string) {
		t.Helper()
		for k, s := range w {
			if show(got[k]) != s {
				t.Errorf("%v: got %s, want %s", k, show(got[k]), s)
			}
		}
	}
	// At the default threshold, 5: the doctorates (3), the professors
	// (2), the ethnic minorities (3) and those outside the province (2)
	// are too few to show. The master's or higher, 7, would tell that the
	// two the table by level hides besides them (CAO_DANG and no degree)
	// are 8 - 6 = 2, one each.
	want(get(""), map[pb.Indicator_Kind]string{
		pb.Indicator_MASTER_OR_HIGHER:         "*/15",
		pb.Indicator_DOCTORATE:                "*/15",
		pb.Indicator_PROFESSORS:               "*/15",
		pb.Indicator_WOMEN:                    "8/15=0.5333",
		pb.Indicator_UNDER_35:                 "7/15=0.4667",
		pb.Indicator_ETHNIC_MINORITY:          "*/15",
		pb.Indicator_WORKING_OUTSIDE_PROVINCE: "*/15",
	})
	// At 3 the table by level hides the doctorates (3) to protect the
	// CAO_DANG (1) and the one with no degree: the doctorates, or the
	// master's or higher, would tell all three. The minorities, 3, would
	// tell the one whose ethnicity is not recorded (15 - 11 Kinh - 3).
	e.setThreshold(3)
	want(get(""), map[pb.Indicator_Kind]string{
		pb.Indicator_MASTER_OR_HIGHER:         "*/15",
		pb.Indicator_DOCTORATE:                "*/15",
		pb.Indicator_PROFESSORS:               "*/15",
		pb.Indicator_WOMEN:                    "8/15=0.5333",
		pb.Indicator_ETHNIC_MINORITY:          "*/15",
		pb.Indicator_WORKING_OUTSIDE_PROVINCE: "*/15",
	})
	// Women: a01, a02 doctors, a05 master; 3 of 8, and 5 without, of
	// whom one has no degree, hidden in the table by level with them: 3
	// would tell her (8 - 4 DAI_HOC - 3).
	want(get("gender = FEMALE"), map[pb.Indicator_Kind]string{
		pb.Indicator_MASTER_OR_HIGHER: "*/8",
		// 2 doctors: too few; and 1 with a master's alone besides them.
		pb.Indicator_DOCTORATE: "*/8",
		pb.Indicator_WOMEN:     "8/8=1.0000",
	})
	// Two people: nothing is shown, not even how many.
	got := get(`ethnicity = "05"`)
	if ind := got[pb.Indicator_WOMEN]; !ind.GetSuppressed() || ind.Denominator != nil || ind.Numerator != nil {
		t.Errorf("two people: %v", ind)
	}
}

// Over REST: counts are JSON numbers, and the CSV export is for a
// spreadsheet.
func TestStatisticsREST(t *testing.T) {
	e := newStatsEnv(t)
	code, body := e.rest("GET", "/v1/statistics:compute?dimensions=WORK_LOCATION&filter=gender%20%3D%20MALE%20OR%20gender%20%3D%20FEMALE&asOf.year=2025&asOf.month=3&asOf.day=10", nil)
	if code != http.StatusOK {
		t.Fatalf("HTTP %d %v", code, body)
	}
	if n, ok := body["total"].(float64); !ok || n != 15 {
		t.Errorf("total is %#v, want the number 15", body["total"])
	}
	if n, ok := body["suppressionThreshold"].(float64); !ok || n != 5 {
		t.Errorf("suppressionThreshold is %#v", body["suppressionThreshold"])
	}
	rows := body["rows"].([]any)
	first := rows[0].(map[string]any)
	if c, ok := first["count"].(float64); !ok || c != 11 || first["suppressed"] != nil {
		t.Errorf("first row %v: want IN_PROVINCE with the number 11", first)
	}
	hidden := 0
	for _, r := range rows {
		row := r.(map[string]any)
		if row["suppressed"] == true {
			hidden++
			if _, ok := row["count"]; ok {
				t.Errorf("a suppressed row has a count: %v", row)
			}
		}
	}
	if hidden == 0 {
		t.Error("no row is suppressed")
	}
	code, body = e.rest("GET", "/v1/statistics:indicators", nil)
	if code != http.StatusOK {
		t.Fatalf("indicators: HTTP %d %v", code, body)
	}
	ind := body["indicators"].([]any)[3].(map[string]any)
	if n, ok := ind["numerator"].(float64); !ok || n != 8 || ind["denominator"] != float64(15) || ind["kind"] != "WOMEN" {
		t.Errorf("first indicator %v", ind)
	}

	// The CSV.
	req, _ := http.NewRequest("GET", e.base+"/v1/statistics:export?dimensions=GENDER&dimensions=HIGHEST_QUALIFICATION_LEVEL", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("HTTP %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no byte-order mark: %q", raw[:min(10, len(raw))])
	}
	lines := strings.Split(strings.TrimSuffix(string(raw[3:]), "\r\n"), "\r\n")
	wantLines := []string{
		"Mã giới tính,Giới tính,Mã trình độ cao nhất,Trình độ cao nhất,Số người",
		"MALE,Nam,CAO_DANG,Cao đẳng,<5",
		"MALE,Nam,DAI_HOC,Đại học,<5",
	}
	for i, w := range wantLines {
		if i >= len(lines) || lines[i] != w {
			t.Errorf("line %d: got %q, want %q", i+1, lines[min(i, len(lines)-1)], w)
		}
	}
	if last := lines[len(lines)-4]; last != "Tổng cộng,,,,15" {
		t.Errorf("total line %q", last)
	}
	if legend := lines[len(lines)-2]; !strings.Contains(legend, "Ghi chú: <5 là từ 1 đến 4 người") {
		t.Errorf("legend %q", legend)
	}
	if asOf := lines[len(lines)-1]; !strings.HasPrefix(asOf, "Số liệu tính đến ngày ") {
		t.Errorf("the last line %q does not say the day the figures are as on", asOf)
	}
	// Only the total and the rows: 8 combinations people have.
	if len(lines) < 10 {
		t.Errorf("%d lines:\n%s", len(lines), raw)
	}

	// The export passes the same checks as any call.
	req, _ = http.NewRequest("GET", e.base+"/v1/statistics:export?dimensions=GENDER", nil)
	resp, err = e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an export without a key: HTTP %d", resp.StatusCode)
	}
	code, body = e.rest("GET", "/v1/statistics:export", nil)
	wantREST(t, code, body, http.StatusBadRequest, "dimensions")

	// Over gRPC, the same bytes.
	out, err := e.client.Statistics.ExportStatistics(context.Background(), &pb.ExportStatisticsRequest{
		Dimensions: []dim{dGender, dLevel}})
	if err != nil {
		t.Fatal(err)
	}
	if out.GetContentType() != "text/csv; charset=utf-8" || !bytes.Equal(out.GetData(), raw) {
		t.Errorf("gRPC export differs: %q", out.GetData())
	}
}

func TestStatisticsBadInputs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		req   *pb.ComputeStatisticsRequest
		field string
	}{
		{"no dimension", &pb.ComputeStatisticsRequest{}, "dimensions"},
		{"four dimensions", &pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel, dGender, dAge, dUnit}}, "dimensions"},
		{"twice the same", &pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel, dLevel}}, "dimensions"},
		{"unknown dimension", &pb.ComputeStatisticsRequest{Dimensions: []dim{99}}, "dimensions[0]"},
		{"unspecified", &pb.ComputeStatisticsRequest{Dimensions: []dim{0}}, "dimensions[0]"},
		{"field level 5", &pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldLevel: 5}, "field_level"},
		{"unknown field scheme", &pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldScheme: "vn1999"}, "field_scheme"},
		{"bad field scheme", &pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldScheme: "VN 2008"}, "field_scheme"},
		{"bad filter", &pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel}, Filter: "salary > 10"}, "filter"},
		// Fields that pick people out.
		{"by national ID", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `NOT national_id = "091190001234"`}, "filter"},
		{"by name", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `given_name = "Ánh"`}, "filter"},
		{"by birth date", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `birth_date = "1990-03-11"`}, "filter"},
		{"by year of birth", &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, Filter: `birth_date.year = 1990`}, "filter"},
		{"by creation time", &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, Filter: `create_time < "2025-01-01T00:00:00Z"`}, "filter"},
		// Figures by ethnicity: the short list, comparisons ANDed.
		{"ethnicity by title", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `academic_title.title = GIAO_SU`}, "filter"},
		{"ethnicity with OR", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `gender = MALE OR work_location = ABROAD`}, "filter"},
		{"ethnicity with NOT", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `NOT work_location = ABROAD`}, "filter"},
		{"ethnicity by a subfield", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: `fields.field = "fields/vn2008-502"`}, "filter"},
		{"bad date", &pb.ComputeStatisticsRequest{Dimensions: []dim{dAge}, AsOf: day(2025, 2, 30)}, "as_of.day"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.Statistics.ComputeStatistics(ctx, tt.req)
			wantCode(t, err, codes.InvalidArgument, tt.field)
		})
	}
	code, body := e.rest("GET", "/v1/statistics:compute?dimensions=SALARY", nil)
	wantREST(t, code, body, http.StatusBadRequest, "dimensions")
	code, body = e.rest("GET", "/v1/statistics:compute?dimensions=GENDER&dimensions=GENDER", nil)
	wantREST(t, code, body, http.StatusBadRequest, "dimensions")
	_, err := e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: "gender = SIDEWAYS"})
	wantCode(t, err, codes.InvalidArgument, "filter")
	_, err = e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: `email = "a@example.vn"`})
	wantCode(t, err, codes.InvalidArgument, "filter")
	if !strings.Contains(err.Error(), "statistics cannot be filtered by email") {
		t.Errorf("message: %v", err)
	}
	// Nor by the year of birth, nor by timestamps: with a filter one year
	// or one microsecond apart they single people out.
	for _, f := range []string{`birth_date.year >= 1990`, `create_time <= "2025-01-01T00:00:00Z"`} {
		_, err = e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: f})
		wantCode(t, err, codes.InvalidArgument, "filter")
	}

	// The threshold is never below 3.
	for _, n := range []int32{2, 0, -1, 1001} {
		_, err := e.client.Statistics.UpdateStatisticsSettings(ctx, &pb.UpdateStatisticsSettingsRequest{
			Settings: &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: n}, UpdateMask: mask("suppression_threshold")})
		wantCode(t, err, codes.InvalidArgument, "settings.suppression_threshold")
	}
	code, body = e.rest("PATCH", "/v1/statisticsSettings", map[string]any{"suppressionThreshold": 2})
	wantREST(t, code, body, http.StatusBadRequest, "settings.suppression_threshold")
	_, err = e.client.Statistics.GetStatisticsSettings(ctx, &pb.GetStatisticsSettingsRequest{Name: "settings"})
	wantCode(t, err, codes.InvalidArgument, "name")
}

func TestStatisticsSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, err := e.client.Statistics.GetStatisticsSettings(ctx, &pb.GetStatisticsSettingsRequest{Name: "statisticsSettings"})
	if err != nil {
		t.Fatal(err)
	}
	if s.GetSuppressionThreshold() != 5 || s.GetEtag() == "" || s.GetName() != "statisticsSettings" {
		t.Fatalf("defaults: %v", s)
	}
	if code, body := e.rest("GET", "/v1/statisticsSettings", nil); code != http.StatusOK || body["suppressionThreshold"] != float64(5) {
		t.Fatalf("GET over REST: HTTP %d %v", code, body)
	}
	// Over REST, with the etag of what was read.
	code, body := e.rest("PATCH", "/v1/statisticsSettings", map[string]any{"suppressionThreshold": 10, "etag": s.GetEtag()})
	if code != http.StatusOK || body["suppressionThreshold"] != float64(10) || body["updateTime"] == nil {
		t.Fatalf("HTTP %d %v", code, body)
	}
	// The etag read before is stale now.
	_, err = e.client.Statistics.UpdateStatisticsSettings(ctx, &pb.UpdateStatisticsSettingsRequest{
		Settings:   &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: 4, Etag: s.GetEtag()},
		UpdateMask: mask("suppression_threshold")})
	wantCode(t, err, codes.Aborted)
	// validate_only changes nothing.
	_, err = e.client.Statistics.UpdateStatisticsSettings(ctx, &pb.UpdateStatisticsSettingsRequest{
		Settings: &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: 4}, UpdateMask: mask("suppression_threshold"), ValidateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.client.Statistics.ComputeStatistics(ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetSuppressionThreshold() != 10 {
		t.Errorf("threshold used: %d, want 10", r.GetSuppressionThreshold())
	}
	raw, _ := json.Marshal(body)
	if strings.Contains(string(raw), `"10"`) {
		t.Errorf("a number is quoted: %s", raw)
	}
}

// TestFiguresDayInRange: statistics, indicators and reports are as on a day
// from 1900 to today in Vietnam: figures of a day to come would be made up,
// and a report of one would be frozen so.
func TestFiguresDayInRange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now().In(store.Vietnam)
	tomorrow := now.AddDate(0, 0, 1)
	for _, c := range []struct {
		name  string
		asOf  *date.Date
		field string
	}{
		{"ErrYear3000", day(3000, 1, 1), "as_of"},
		{"ErrTomorrow", dateOf(tomorrow), "as_of"},
		{"ErrYear1800", day(1800, 1, 1), "as_of.year"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.client.Statistics.ComputeStatistics(ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, AsOf: c.asOf})
			wantCode(t, err, codes.InvalidArgument, c.field)
			_, err = e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{AsOf: c.asOf})
			wantCode(t, err, codes.InvalidArgument, c.field)
			_, err = e.client.Statistics.CreateReport(ctx, &pb.CreateReportRequest{
				Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: c.asOf}})
			wantCode(t, err, codes.InvalidArgument, "report."+c.field)
		})
	}
	code, body := e.rest("GET", "/v1/statistics:indicators?asOf.year=3000&asOf.month=1&asOf.day=1", nil)
	wantREST(t, code, body, http.StatusBadRequest, "as_of")
	code, body = e.rest("POST", "/v1/reports", map[string]any{"template": "YEARLY_WORKFORCE", "asOf": map[string]any{"year": 3000, "month": 1, "day": 1}})
	wantREST(t, code, body, http.StatusBadRequest, "report.as_of")
	ops, err := longrunningpb.NewOperationsClient(e.client.Conn()).ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: "operations"})
	if err != nil || len(ops.Operations) != 0 {
		t.Fatalf("refused reports started operations: %v %v", ops, err)
	}
	// Today is a day with figures.
	if _, err := e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{AsOf: dateOf(now)}); err != nil {
		t.Fatalf("as of today: %v", err)
	}
}
