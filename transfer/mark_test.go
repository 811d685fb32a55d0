package transfer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// markedBook is a workbook of n people written as the template has them
// (a styled header, a date column with its format, a second sheet), and
// problems on a few rows.
func markedBook(t testing.TB, n int) ([]byte, []Problem) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", PeopleSheet)
	f.NewSheet("Hướng dẫn")
	f.SetCellStr("Hướng dẫn", "A1", "Điền mỗi người một dòng")
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	day, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	sw, err := f.NewStreamWriter(PeopleSheet)
	if err != nil {
		t.Fatal(err)
	}
	sw.SetColWidth(1, 3, 20)
	header := []any{}
	for _, h := range []string{"Họ", "Tên đệm", "Tên", "Ngày sinh", "Số CCCD", "Địa chỉ"} {
		header = append(header, excelize.Cell{Value: h, StyleID: head})
	}
	sw.SetRow("A1", header)
	for i := 2; i <= n+1; i++ {
		sw.SetRow(fmt.Sprintf("A%d", i), []any{"Nguyễn", "Văn", fmt.Sprintf("An %d", i),
			excelize.Cell{Value: 29201 + i%5000, StyleID: day}, fmt.Sprintf("0911%08d", i),
			fmt.Sprintf("Số %d, %s", i, strings.Repeat("đường Trần Hưng Đạo, phường Vĩnh Thanh Vân, ", 24))})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	problems := []Problem{
		{Row: 3, Column: "D", Message: "D (Ngày sinh): ngày 31/02 không có"},
		{Row: 3, Column: "E", Message: "E (Số CCCD): trùng <người khác> & \"x\""},
		{Row: 5, Message: "[POSSIBLE_DUPLICATE] giống people/abc"},
	}
	if n > 100 {
		problems = append(problems, Problem{Row: n, Column: "C", Message: "C (Tên): bắt buộc"})
	}
	return buf.Bytes(), problems
}

// MarkWorkbook makes the report Report makes: the same cells, the errors
// column with its header, the same cells marked red, the date format of a
// marked cell kept, the other sheet kept.
func TestMarkWorkbookMarksAsReportDoes(t *testing.T) {
	data, problems := markedBook(t, 200)
	want, err := Report(data, XLSX, PeopleSheet, problems)
	if err != nil {
		t.Fatal(err)
	}
	got, err := MarkWorkbook(data, PeopleSheet, problems)
	if err != nil {
		t.Fatal(err)
	}
	open := func(b []byte) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	w, g := open(want), open(got)
	wr, _ := w.GetRows(PeopleSheet, excelize.Options{RawCellValue: true})
	gr, _ := g.GetRows(PeopleSheet, excelize.Options{RawCellValue: true})
	if fmt.Sprint(wr) != fmt.Sprint(gr) {
		t.Fatalf("cells differ:\nReport:       %q\nMarkWorkbook: %q", wr[:6], gr[:6])
	}
	if gr[0][6] != ErrorsHeader || gr[2][6] == "" || len(gr[3]) != 6 {
		t.Errorf("errors column: %q", gr[:4])
	}
	style := func(f *excelize.File, cell string) *excelize.Style {
		id, _ := f.GetCellStyle(PeopleSheet, cell)
		st, _ := f.GetStyle(id)
		if st == nil {
			st = &excelize.Style{}
		}
		return st
	}
	for _, cell := range []string{"A1", "F1", "D2", "D3", "E3", "C3", "A5", "C200", "D4"} {
		ws, gs := style(w, cell), style(g, cell)
		if fmt.Sprint(ws.Fill.Color, ws.NumFmt, ws.Font != nil && ws.Font.Bold) != fmt.Sprint(gs.Fill.Color, gs.NumFmt, gs.Font != nil && gs.Font.Bold) {
			t.Errorf("%s: Report's style fill %v numfmt %d, MarkWorkbook's fill %v numfmt %d", cell, ws.Fill.Color, ws.NumFmt, gs.Fill.Color, gs.NumFmt)
		}
	}
	if st := style(g, "D3"); len(st.Fill.Color) == 0 || st.NumFmt != 14 {
		t.Errorf("the bad date cell: fill %v, format %d; want red, its date format kept", st.Fill.Color, st.NumFmt)
	}
	if width, _ := g.GetColWidth(PeopleSheet, "G"); width != 60 {
		t.Errorf("the errors column is %v wide, want 60", width)
	}
	if v, _ := g.GetCellValue("Hướng dẫn", "A1"); v == "" {
		t.Error("the other sheet is lost")
	}
}

// A problem of another sheet is marked on that sheet, as Report marks it,
// and not on the people sheet's row of the same number.
func TestMarkWorkbookMarksEverySheet(t *testing.T) {
	data, problems := markedBook(t, 20)
	book, err := excelize.OpenReader(bytes.NewReader(data))
	t.Cleanup(func() { book.Close() })
	if err != nil {
		t.Fatal(err)
	}
	book.SetCellStr("Hướng dẫn", "A2", "một dòng có lỗi")
	buf, err := book.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	data = buf.Bytes()
	problems = append(problems, Problem{Sheet: "Hướng dẫn", Row: 2, Column: "A", Message: "A: sai ở trang khác"})
	want, err := Report(data, XLSX, PeopleSheet, problems)
	if err != nil {
		t.Fatal(err)
	}
	got, err := MarkWorkbook(data, PeopleSheet, problems)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"Report": want, "MarkWorkbook": got} {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		other, _ := f.GetRows("Hướng dẫn")
		if len(other) < 2 || len(other[0]) < 2 || other[0][1] != ErrorsHeader || len(other[1]) < 2 || other[1][1] == "" {
			t.Errorf("%s: the other sheet is %q, want its errors column and the row's error", name, other)
		}
		people, _ := f.GetRows(PeopleSheet)
		if len(people[1]) != 6 {
			t.Errorf("%s: people sheet row 2 %q: the other sheet's problem leaked onto it", name, people[1])
		}
		id, _ := f.GetCellStyle("Hướng dẫn", "A2")
		if st, _ := f.GetStyle(id); st == nil || len(st.Fill.Color) == 0 {
			t.Errorf("%s: the other sheet's bad cell is not marked", name)
		}
		f.Close()
	}
}

// Marking a large workbook holds little of it at a time: the heap grows by
// much less than the sheet's XML (Report's grew by several times it,
// holding every cell). The heap is sampled while the report is made, so
// the largest sample is at most the true peak: the test cannot fail
// because the machine is slow.
func TestMarkWorkbookMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a workbook of 20,000 rows")
	}
	data, problems := markedBook(t, 20000)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := peakHeap(func() {
		if _, err := MarkWorkbook(data, PeopleSheet, problems); err != nil {
			t.Error(err)
		}
	})
	var sheetXML int64
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			sheetXML = max(sheetXML, int64(f.UncompressedSize64))
		}
	}
	grew := int64(peak) - int64(base.HeapAlloc)
	t.Logf("sheet XML %.1f MB; the heap grew by %.1f MB", float64(sheetXML)/(1<<20), float64(grew)/(1<<20))
	if limit := sheetXML / 4; grew > limit {
		t.Errorf("marking a workbook of 20,000 rows, %.1f MB of sheet XML: the heap grew by %.1f MB, want under %.1f MB",
			float64(sheetXML)/(1<<20), float64(grew)/(1<<20), float64(limit)/(1<<20))
	}
}

// peakHeap runs fn and returns the largest heap it saw while fn ran.
func peakHeap(fn func()) uint64 {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > max {
				max = m.HeapAlloc
			}
			select {
			case <-done:
				peak <- max
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	return <-peak
}

// cellsInOrder fails when a row of the sheet's XML has a cell twice or out
// of order, which Excel repairs with a prompt.
func cellsInOrder(t *testing.T, report []byte, sheetPath string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(report), int64(len(report)))
	if err != nil {
		t.Fatal(err)
	}
	var ws struct {
		Rows []struct {
			R     int `xml:"r,attr"`
			Cells []struct {
				R string `xml:"r,attr"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := unmarshalPart(zr, sheetPath, &ws); err != nil {
		t.Fatal(err)
	}
	for _, row := range ws.Rows {
		last := 0
		for _, c := range row.Cells {
			col, _, err := excelize.CellNameToCoordinates(c.R)
			if err != nil || col <= last {
				t.Errorf("row %d: cell %s after column %d", row.R, c.R, last)
			}
			last = col
		}
	}
}

// The errors column comes after the last column any row uses, a bad cell
// left empty is marked, and the report imports again once corrected: its
// errors column is not read.
func TestReportColumnsAndEmptyCells(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Họ", "Tên", "Ngày sinh"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Lê", "", "31/02/1980", nil, "ghi chú"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"Trần", "Bình", "1980"})
	var buf bytes.Buffer
	f.WriteTo(&buf)
	problems := []Problem{{Row: 2, Column: "B", Message: "B (Tên): required"}, {Row: 2, Column: "C", Message: "C (Ngày sinh): no such day"}}
	for name, mark := range map[string]func() ([]byte, error){
		"MarkWorkbook": func() ([]byte, error) { return MarkWorkbook(buf.Bytes(), "Sheet1", problems) },
		"Report":       func() ([]byte, error) { return Report(buf.Bytes(), XLSX, "Sheet1", problems) },
	} {
		out, err := mark()
		if err != nil {
			t.Fatal(err)
		}
		cellsInOrder(t, out, "xl/worksheets/sheet1.xml")
		r, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		get := func(cell string) string { v, _ := r.GetCellValue("Sheet1", cell); return v }
		if get("E2") != "ghi chú" || get("F1") != ErrorsHeader || !strings.Contains(get("F2"), "required") {
			t.Errorf("%s: E2 %q, F1 %q, F2 %q", name, get("E2"), get("F1"), get("F2"))
		}
		for _, cell := range []string{"B2", "C2"} {
			id, _ := r.GetCellStyle("Sheet1", cell)
			if st, _ := r.GetStyle(id); st == nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != "FFC7CE" {
				t.Errorf("%s: %s is not marked", name, cell)
			}
		}
		rows := readAll(t, out, XLSX)
		if _, errs := MapHeader(rows[0]); len(errs) > 0 {
			t.Errorf("%s: the report does not import again: %v", name, errs)
		}
		r.Close()
	}
}

// A CSV file's rows are numbered as a spreadsheet shows them, one per
// record, and its report keeps a value past the header.
func TestCSVRowsAndReport(t *testing.T) {
	data := []byte("Họ,Tên,Địa chỉ\nLê,An,\"Số 5\nđường Lê Lợi\"\n\nTrần,,,ghi chú\n")
	var rows []int
	r := newCSVRows(data)
	for r.Next() {
		n, _ := r.Row()
		rows = append(rows, n)
	}
	if fmt.Sprint(rows) != "[1 2 4]" {
		t.Errorf("rows numbered %v, want [1 2 4]", rows)
	}
	out, err := Report(data, CSV, PeopleSheet, []Problem{{Row: 4, Column: "B", Message: "B (Tên): required"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	get := func(cell string) string { v, _ := f.GetCellValue(PeopleSheet, cell); return v }
	if get("D4") != "ghi chú" || get("E1") != ErrorsHeader || !strings.Contains(get("E4"), "required") || get("A4") != "Trần" {
		t.Errorf("D4 %q, E1 %q, E4 %q, A4 %q", get("D4"), get("E1"), get("E4"), get("A4"))
	}
	id, _ := f.GetCellStyle(PeopleSheet, "B4")
	if st, _ := f.GetStyle(id); st == nil || len(st.Fill.Color) == 0 {
		t.Error("the empty required cell is not marked")
	}
}
