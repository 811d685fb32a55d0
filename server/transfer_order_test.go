package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// problemColumn is the number of a problem's column (1 for A), 0 for none.
func problemColumn(t *testing.T, p *pb.ImportProblem) int {
	t.Helper()
	if p.GetColumn() == "" {
		return 0
	}
	letter, _, _ := strings.Cut(p.GetColumn(), " ")
	n, err := excelize.ColumnNameToNumber(letter)
	if err != nil {
		t.Fatalf("problem %v: %v", p, err)
	}
	return n
}

// An import's problems come as a clerk corrects the file: sheets in the
// file's order, rows in order, a row's problems in the order of its
// columns (those of the whole row after them) — though they are found in
// another order (a cell that cannot be read, the request's rules, the
// store's checks; the people sheet before the sheets of records). The
// report's column "Lỗi" lists them so too.
func TestImportProblemsInColumnOrder(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	names := []string{transfer.QualificationsSheet, transfer.PeopleSheet}
	file := sheets(t, names, map[string][][]any{
		transfer.QualificationsSheet: {
			{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Năm"},
			{"001099999999", "Bằng cấp", "KHONG_CO", "Nội khoa", "năm ngoái"}, // no such person (the store), no such year (a cell)
		},
		transfer.PeopleSheet: {
			{"Họ", "Tên", "Ngày sinh", "Dân tộc", "Số CCCD", "Email"},
			{"Lê", "", "31/02/1980", "99", "12345", "not-an-email"},
			{"Lê", "", "1980", "99", "", "not-an-email"},
		},
	})
	name := e.importAs(registrar, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if st == nil || len(resp.Problems) < 8 {
		t.Fatalf("the import: %v, problems %v", st, resp.GetProblems())
	}
	sheetAt := map[string]int{}
	for i, s := range names {
		sheetAt[s] = i
	}
	// Where a problem is, column-less ones after the row's cells.
	at := func(p *pb.ImportProblem) [3]int {
		col := problemColumn(t, p)
		if col == 0 {
			col = 1 << 20
		}
		return [3]int{sheetAt[p.GetSheet()], int(p.GetRow()), col}
	}
	var listed []string
	for i, p := range resp.Problems {
		listed = append(listed, fmt.Sprintf("%s row %d %s", p.GetSheet(), p.GetRow(), p.GetColumn()))
		if i == 0 {
			continue
		}
		a, b := at(resp.Problems[i-1]), at(p)
		if b[0] < a[0] || b[0] == a[0] && (b[1] < a[1] || b[1] == a[1] && b[2] < a[2]) {
			t.Errorf("problem %d (%s %d %s) comes after (%s %d %s)", i, p.GetSheet(), p.GetRow(), p.GetColumn(),
				resp.Problems[i-1].GetSheet(), resp.Problems[i-1].GetRow(), resp.Problems[i-1].GetColumn())
		}
	}
	if t.Failed() {
		t.Logf("problems listed: %v", listed)
	}

	// The report lists each row's problems in the same order.
	f := e.reportOf(registrar, name)
	for _, c := range []struct {
		sheet string
		cell  string
		row   int32
	}{{transfer.PeopleSheet, "G2", 2}, {transfer.PeopleSheet, "G3", 3}, {transfer.QualificationsSheet, "F2", 2}} {
		var cols []int
		for _, p := range resp.Problems {
			if p.GetSheet() == c.sheet && p.GetRow() == c.row && p.GetColumn() != "" {
				cols = append(cols, problemColumn(t, p))
			}
		}
		slices.Sort(cols)
		var want []string
		for _, n := range cols {
			letter, _ := excelize.ColumnNumberToName(n)
			want = append(want, letter)
		}
		v, _ := f.GetCellValue(c.sheet, c.cell)
		var got []string
		for _, line := range strings.Split(v, "\n") {
			if letter, _, ok := strings.Cut(line, " ("); ok {
				got = append(got, letter)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") || len(want) < 2 {
			t.Errorf("%s!%s lists columns %v, want %v:\n%s", c.sheet, c.cell, got, want, v)
		}
	}
}
