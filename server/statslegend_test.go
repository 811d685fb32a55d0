package server

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Every file of statistics and of the report says what suppression did,
// with the threshold, and claims no more: small counts and those that
// would give them away are hidden, which is no promise that no one can be
// recognised by other means (an audit found such a promise).
func TestStatisticsFilesSayWhatSuppressionDid(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	st := e.client.Statistics
	r := e.makeReport(t, "nam-2025")
	files := map[string][]byte{}
	for name, req := range map[string]*pb.ExportStatisticsRequest{
		"statistics.csv":  {Dimensions: []dim{dLevel}},
		"statistics.xlsx": {Dimensions: []dim{dLevel}, Format: pb.SpreadsheetFormat_XLSX},
	} {
		body, err := st.ExportStatistics(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = body.GetData()
	}
	for name, format := range map[string]pb.ExportReportRequest_Format{"report.csv": pb.ExportReportRequest_CSV, "report.xlsx": pb.ExportReportRequest_XLSX} {
		body, err := st.ExportReport(ctx, &pb.ExportReportRequest{Name: r.GetName(), Format: format})
		if err != nil {
			t.Fatal(err)
		}
		files[name] = body.GetData()
	}
	for name, data := range files {
		text := string(data)
		if strings.HasSuffix(name, ".xlsx") {
			text = workbookText(t, data)
		}
		for _, want := range []string{"<3 là từ 1 đến 2 người, dưới ngưỡng công bố (3 người)",
			"ẩn là số không công bố để không suy ra được một số <3 từ các số khác bằng phép trừ",
			"không bảo đảm rằng không ai có thể bị nhận ra khi đối chiếu với nguồn thông tin khác"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not say %q", name, want)
			}
		}
		for _, claim := range []string{"bảo vệ thông tin cá nhân", "không ai có thể bị nhận diện"} {
			if strings.Contains(text, claim) {
				t.Errorf("%s still claims %q", name, claim)
			}
		}
	}
}

// workbookText is the text of every cell of every sheet of a workbook,
// a line a row.
func workbookText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			b.WriteString(strings.Join(row, " ") + "\n")
		}
	}
	return b.String()
}
