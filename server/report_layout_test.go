package server

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A report's files say what they count and as on which day, as Vietnamese
// writes a date; the workbook keeps codes as text, shades the marks as the
// statistics' workbook does, and prints: A4 landscape, a page wide, the
// heading and header repeated on every page. A report before anyone was
// registered is refused, saying from when there are figures.
func TestReportExportLayout(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	st := e.client.Statistics
	_, err := st.CreateReport(ctx, &pb.CreateReportRequest{
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2004, 12, 31)}})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "registered on 2005-01-01") {
		t.Errorf("a report before anyone was registered: %v, want FAILED_PRECONDITION saying the first was on 2005-01-01", err)
	}

	e.makeReport(t, "nam-2025")
	const asOf = "Số liệu tính đến ngày 31/12/2025."

	body, err := st.ExportReport(ctx, &pb.ExportReportRequest{Name: "reports/nam-2025", Format: pb.ExportReportRequest_CSV})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(string(body.GetData()), utf8BOM), "\r\n")
	if lines[0] != "BÁO CÁO NĂM VỀ ĐỘI NGŨ TRÍ THỨC" || !strings.HasPrefix(lines[1], asOf+" Lập ngày ") {
		t.Errorf("the CSV file begins %q, want the report's name and %q", lines[:2], asOf)
	}
	if n := strings.Count(string(body.GetData()), asOf); n != 4 {
		t.Errorf("the CSV file says %q %d times, want in its heading and under each of 3 tables", asOf, n)
	}

	body, err = st.ExportReport(ctx, &pb.ExportReportRequest{Name: "reports/nam-2025"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := map[string]string{}
	names := f.GetDefinedName()
	for _, d := range names {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, sheet := range f.GetSheetList() {
		if v, _ := f.GetCellValue(sheet, "A2"); !strings.HasPrefix(v, asOf) {
			t.Errorf("%s: A2 is %q, want %q", sheet, v, asOf)
		}
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 ||
			layout.Size == nil || *layout.Size != 9 {
			t.Errorf("%s: page layout %+v, %v; want A4 landscape, a page wide", sheet, layout, err)
		}
		if want := "'" + sheet + "'!$1:$5"; titles[sheet] != want {
			t.Errorf("%s: rows printed on every page %q, want %q", sheet, titles[sheet], want)
		}
	}
	if rows, _ := f.GetRows("Bảng 1"); len(rows) < 5 || strings.Join(rows[4], "|") != "Mã trình độ cao nhất|Trình độ cao nhất|Mã lĩnh vực KH&CN|Lĩnh vực KH&CN|Mã đơn vị hành chính|Đơn vị hành chính|Số người" {
		t.Fatalf("Bảng 1's header (row 5): %q", rows)
	}
	out, err := st.ExportStatistics(ctx, &pb.ExportStatisticsRequest{Dimensions: []dim{dLevel}, AsOf: day(2025, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out.GetData()), asOf) {
		t.Errorf("the statistics CSV file does not say %q:\n%s", asOf, out.GetData())
	}
}

// In a report's workbook a unit's code stays text (00004 keeps its zeros),
// counts are numbers, and the marks are shaded as in the statistics'
// workbook.
func TestReportXLSXCells(t *testing.T) {
	n := func(v int32) *int32 { return &v }
	r := &pb.Report{Name: "reports/r", AsOf: day(2025, 12, 31), Tables: []*pb.ReportTable{{Title: "Trí thức theo đơn vị hành chính",
		Statistics: &pb.ComputeStatisticsResponse{
			DimensionLabels: []string{"Đơn vị hành chính"}, SuppressionThreshold: 5, Total: n(1240), AsOf: day(2025, 12, 31),
			Rows: []*pb.StatisticsRow{
				{Values: []string{"00004"}, Labels: []string{"Phường Ba Đình"}, Count: n(1234)},
				{Values: []string{"30742"}, Labels: []string{"Phường Rạch Giá"}, Suppressed: true, SuppressionReason: pb.SuppressionReason_BELOW_THRESHOLD},
				{Values: []string{"30760"}, Labels: []string{"Phường Vĩnh Thông"}, Suppressed: true, SuppressionReason: pb.SuppressionReason_PROTECTS_ANOTHER},
			}}}}}
	data, err := reportXLSX(r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Bảng 1"
	fill := func(cell string) string {
		id, _ := f.GetCellStyle(sheet, cell)
		s, _ := f.GetStyle(id)
		if s == nil || len(s.Fill.Color) == 0 {
			return ""
		}
		return s.Fill.Color[0]
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	// Rows by what their second column says, wherever the heading puts
	// them.
	at := func(col, label string) string {
		for i, r := range rows {
			if len(r) > 1 && (r[1] == label || r[0] == label) {
				return col + strconv.Itoa(i+1)
			}
		}
		t.Fatalf("no row %q in %q", label, rows)
		return ""
	}
	for _, c := range []struct {
		cell, value string
		number      bool
		shaded      bool
	}{
		{at("A", "Phường Ba Đình"), "00004", false, false},
		{at("C", "Phường Ba Đình"), "1,234", true, false},
		{at("A", "Phường Rạch Giá"), "30742", false, false},
		{at("C", "Phường Rạch Giá"), "<5", false, true},
		{at("C", "Phường Vĩnh Thông"), "ẩn", false, true},
		{at("C", "Tổng cộng"), "1,240", true, false},
	} {
		v, _ := f.GetCellValue(sheet, c.cell)
		typ, _ := f.GetCellType(sheet, c.cell)
		number := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset
		if v != c.value || number != c.number || (fill(c.cell) != "") != c.shaded {
			t.Errorf("%s: %q (a number: %v, shaded: %q), want %q (a number: %v, shaded: %v)", c.cell, v, number, fill(c.cell), c.value, c.number, c.shaded)
		}
	}
}
