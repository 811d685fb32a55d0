package server

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// An import's problems name a sheet's cells as a spreadsheet shows them.

// cellProblems reports the problems of a row's cells: a cell read with a
// warning (a phone given its lost leading 0) as a WARNING, which refuses
// nothing, the others as errors. It returns the fields of the errors
// (checkRow reports each field once) and whether there is one.
func cellProblems(row int32, cellErrs []transfer.CellError, problem func(*pb.ImportProblem)) (reported map[string]bool, refused bool) {
	reported = map[string]bool{}
	for _, e := range cellErrs {
		kind := pb.ImportProblem_ERROR
		if e.Warning {
			kind = pb.ImportProblem_WARNING
		} else {
			reported[e.Field] = e.Field != ""
			refused = true
		}
		problem(&pb.ImportProblem{Kind: kind, Row: row, Column: columnName(e.Index, e.Column), Field: e.Field, Message: e.Msg})
	}
	return reported, refused
}

// inFileOrder sorts an import's problems as a clerk corrects the file:
// by sheet in the file's order, row, and column, a row's problems without
// a column (the whole row's) after those of its cells; problems of one
// cell keep the order they were found in. The answer, the report and the
// console all list them so.
func inFileOrder(problems []*pb.ImportProblem, sheets []string) {
	sheetAt := func(s string) int {
		if i := slices.Index(sheets, s); i >= 0 {
			return i
		}
		return len(sheets)
	}
	slices.SortStableFunc(problems, func(a, b *pb.ImportProblem) int {
		return cmp.Or(cmp.Compare(sheetAt(a.GetSheet()), sheetAt(b.GetSheet())),
			cmp.Compare(a.GetRow(), b.GetRow()),
			cmp.Compare(columnNumber(a.GetColumn()), columnNumber(b.GetColumn())))
	})
}

// columnNumber is the number of a column as columnName writes it (1 for
// "A (Họ)"); a problem of the whole row, without one, comes after all.
func columnNumber(column string) int {
	letter, _, _ := strings.Cut(column, " ")
	n, err := excelize.ColumnNameToNumber(letter)
	if err != nil {
		return excelize.MaxColumns + 1
	}
	return n
}

// clip cuts s to at most n bytes, on a character's boundary, marking the
// cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func columnOf(m *transfer.Mapping, field string) string {
	i := m.ColumnOf(field)
	if i < 0 {
		return ""
	}
	return columnName(i, m.Headers()[i])
}

// columnName is a column as a spreadsheet shows it: "F (Ngày sinh)".
func columnName(i int, header string) string {
	if i < 0 {
		return ""
	}
	name, _ := excelize.ColumnNumberToName(i + 1)
	if header == "" {
		return name
	}
	return name + " (" + header + ")"
}

// noRows is the end of an import of a file whose sheets have their
// header rows and nothing under them.
const noRows = "the file has no rows to import: fill in the rows under the header row of the people sheet or of a sheet of records"

// refusedRows is the message of an import that refused n rows and so
// imported nothing.
func refusedRows(n int64) string {
	if n == 1 {
		return "1 row has errors; nothing was imported. Correct it, or import with skip_invalid to import the good rows"
	}
	return fmt.Sprintf("%d rows have errors; nothing was imported. Correct them, or import with skip_invalid to import the good rows", n)
}

// problemCounts counts an import's problems by sheet, column and kind,
// for an import that finds more than it lists (maxProblems).
type problemCounts map[problemCountKey]*pb.ImportProblemCount

type problemCountKey struct {
	sheet, column string
	kind          pb.ImportProblem_Kind
}

func (c problemCounts) add(sheet string, pr *pb.ImportProblem) {
	k := problemCountKey{sheet, pr.GetColumn(), pr.GetKind()}
	n := c[k]
	if n == nil {
		n = &pb.ImportProblemCount{Sheet: sheet, Column: pr.GetColumn(), Field: pr.GetField(), Kind: pr.GetKind(),
			FirstRow: pr.GetRow(), FirstMessage: pr.GetMessage()}
		c[k] = n
	}
	n.Count++
}

// list is the counts, most first, then by sheet and column.
func (c problemCounts) list() []*pb.ImportProblemCount {
	out := make([]*pb.ImportProblemCount, 0, len(c))
	for _, n := range c {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *pb.ImportProblemCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Sheet, b.Sheet),
			cmp.Compare(columnNumber(a.Column), columnNumber(b.Column)), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}
