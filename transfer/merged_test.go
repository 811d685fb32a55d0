package transfer

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A cell merged down over rows is read on each of them, as a spreadsheet
// shows it; a row with nothing else stays blank, a cell with a value of
// its own keeps it, and a range merged across columns is read once.
func TestMergedCellsReadDown(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	rows := [][]any{
		{"Họ", "Tên", "Dân tộc", "Cơ quan"},
		{"Nguyễn", "An", "Kinh", "Sở Y tế"}, // 2: C2:C4 and D2:E3 merged
		{"Trần", "Bình", "", ""},
		{"Lê", "Cường", "", "Sở Nội vụ"},
		{"Phạm", "Dũng", "Khmer", ""}, // 5: C5:C7 merged past the list's last row
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"C2", "C4"}, {"D2", "E3"}, {"C5", "C7"}} {
		if err := f.MergeCell(s, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	wb, err := Open(buf.Bytes(), XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	r, err := wb.Rows(s)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got [][]string
	for r.Next() {
		_, cells := r.Row()
		got = append(got, slices.Clone(cells))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Họ", "Tên", "Dân tộc", "Cơ quan"},
		{"Nguyễn", "An", "Kinh", "Sở Y tế"},
		{"Trần", "Bình", "Kinh", "Sở Y tế"},
		{"Lê", "Cường", "Kinh", "Sở Nội vụ"},
		{"Phạm", "Dũng", "Khmer"},
	}
	for i := range want {
		if i >= len(got) || !slices.Equal(trimEnd(got[i]), want[i]) {
			t.Errorf("row %d: %q, want %q", i+1, got, want[i])
		}
	}
	for i := len(want); i < len(got); i++ {
		if !Blank(got[i]) {
			t.Errorf("row %d, past the list: %q", i+1, got[i])
		}
	}
}

func trimEnd(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}
