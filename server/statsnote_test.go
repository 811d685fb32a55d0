package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// An answer without rows says why, in the files a reader is given: a
// table whose rows are left out (no suppression of them would protect
// its small counts) read "Tổng cộng 300" under a header and nothing else,
// which looks like a fault, or like a table of no one; so do a total
// withheld and a day before anyone was listed.
func TestStatisticsFilesSayWhyNoRows(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := synth.Load(ctx, e.db, 1, 300); err != nil {
		t.Fatal(err)
	}
	// By one and by two dimensions these people's rows are published; by
	// level, kind of organization and employment, checked against the
	// answers by two and by one of them, no suppression protects every
	// small count, and the rows are left out.
	unit := []pb.ComputeStatisticsRequest_Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
		pb.ComputeStatisticsRequest_ORGANIZATION_KIND, pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE}
	level := []pb.ComputeStatisticsRequest_Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL}
	for _, tc := range []struct {
		name string
		req  *pb.ComputeStatisticsRequest
		want string
	}{
		{"RowsLeftOut", &pb.ComputeStatisticsRequest{Dimensions: unit}, "Chỉ công bố tổng số"},
		{"NobodyYet", &pb.ComputeStatisticsRequest{Dimensions: level, AsOf: &date.Date{Year: 2001, Month: 1, Day: 1}}, "Không có ai được đếm"},
		{"TotalWithheld", &pb.ComputeStatisticsRequest{Dimensions: level, Filter: `academic_title.title = PHO_GIAO_SU`},
			"Không công bố số liệu của bảng này"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := e.client.Statistics.ComputeStatistics(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.GetRows()) != 0 {
				t.Fatalf("the data no longer gives an answer without rows: %v", resp)
			}
			for _, format := range []pb.SpreadsheetFormat{pb.SpreadsheetFormat_CSV, pb.SpreadsheetFormat_XLSX} {
				text := exportedText(t, e, &pb.ExportStatisticsRequest{Dimensions: tc.req.Dimensions,
					Filter: tc.req.Filter, AsOf: tc.req.AsOf, Format: format})
				if !strings.Contains(text, tc.want) {
					t.Errorf("%v does not say why it has no rows (want %q):\n%s", format, tc.want, text)
				}
			}
		})
	}
}
