package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// In a workbook the two kinds of suppressed count are shaded apart, and the
// legend shows each shading with what it means (issue 15).
func TestStatisticsExportXLSX(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	out, err := e.client.Statistics.ExportStatistics(context.Background(), &pb.ExportStatisticsRequest{
		Dimensions: []dim{dLevel}, Format: pb.SpreadsheetFormat_XLSX})
	if err != nil {
		t.Fatal(err)
	}
	if out.GetContentType() != transfer.ContentTypeXLSX {
		t.Errorf("content type %q", out.GetContentType())
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(statisticsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != "Mã trình độ cao nhất|Trình độ cao nhất|Số người" {
		t.Errorf("header %q", rows[0])
	}
	fill := func(cell string) string {
		id, _ := f.GetCellStyle(statisticsSheet, cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return st.Fill.Color[0]
	}
	at := map[string]int{}
	var legend []int
	for i, r := range rows {
		if len(r) > 0 {
			at[r[0]] = i + 1
		}
		if len(r) > 1 && strings.Contains(r[1], "không công bố") {
			legend = append(legend, i+1)
		}
	}
	cell := func(col string, row int) string { return col + strconv.Itoa(row) }
	below, protects, shown := cell("C", at["CAO_DANG"]), cell("C", at["TIEN_SI"]), cell("C", at["DAI_HOC"])
	if v, _ := f.GetCellValue(statisticsSheet, below); v != "<3" {
		t.Errorf("CAO_DANG count %q, want <3", v)
	}
	if v, _ := f.GetCellValue(statisticsSheet, protects); v != "ẩn" {
		t.Errorf("TIEN_SI count %q, want ẩn", v)
	}
	if typ, _ := f.GetCellType(statisticsSheet, shown); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("a shown count is of type %v, not a number", typ)
	}
	if v, _ := f.GetCellValue(statisticsSheet, shown); v != "6" {
		t.Errorf("DAI_HOC count %q", v)
	}
	if fill(below) == "" || fill(protects) == "" || fill(below) == fill(protects) || fill(shown) != "" {
		t.Errorf("shading: below %q, protects %q, shown %q", fill(below), fill(protects), fill(shown))
	}
	if len(legend) != 2 {
		t.Fatalf("legend rows %v in %q", legend, rows)
	}
	for i, want := range []struct{ mark, fill, text string }{{"<3", fill(below), "từ 1 đến 2 người"}, {"ẩn", fill(protects), "có thể là số bất kỳ"}} {
		r := rows[legend[i]-1]
		if r[0] != want.mark || fill(cell("A", legend[i])) != want.fill || !strings.Contains(r[1], want.text) {
			t.Errorf("legend line %d: %q shaded %q", i, r, fill(cell("A", legend[i])))
		}
	}
	if total := rows[at["Tổng cộng"]-1]; total[len(total)-1] == "" {
		t.Errorf("total row %q", total)
	}

	// Over REST, the same workbook.
	req, _ := http.NewRequest("GET", e.base+"/v1/statistics:export?dimensions=HIGHEST_QUALIFICATION_LEVEL&format=XLSX", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != transfer.ContentTypeXLSX {
		t.Fatalf("REST: HTTP %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	g, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if v, _ := g.GetCellValue(statisticsSheet, protects); v != "ẩn" {
		t.Errorf("REST workbook: %s is %q", protects, v)
	}
}

// exportedText is what an export of the statistics holds, as lines: a CSV
// file as it is, a workbook's statistics sheet its cells joined by "|".
func exportedText(t *testing.T, e *env, req *pb.ExportStatisticsRequest) string {
	t.Helper()
	out, err := e.client.Statistics.ExportStatistics(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if req.Format != pb.SpreadsheetFormat_XLSX {
		return string(out.GetData())
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(statisticsSheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}
