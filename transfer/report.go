package transfer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/vntext"
)

// ErrorsHeader heads the column a report adds.
const ErrorsHeader = "Lỗi"

// isErrorsHeader reports whether h heads the errors column of a report:
// its first line (a note of the whole sheet may follow, errorsHeader).
func isErrorsHeader(h string) bool {
	first, _, _ := strings.Cut(h, "\n")
	return vntext.Fold(strings.TrimSpace(first)) == vntext.Fold(ErrorsHeader)
}

// isNumberingHeader reports whether h heads the column that numbers a
// list's rows (STT, TT, Số TT, Số thứ tự), which nearly every list typed
// by hand has: it holds nothing to import, and is left unread.
func isNumberingHeader(h string) bool {
	switch refdata.NameKey(h) {
	case "stt", "tt", "sott", "sothutu", "thutu":
		return true
	}
	return false
}

// errorsHeader is the header of the errors column, and under it the
// messages of the header row's problems: notes of the whole sheet (that
// not all the import's problems are marked).
func errorsHeader(notes []Problem) string {
	if len(notes) == 0 {
		return ErrorsHeader
	}
	return ErrorsHeader + "\n" + messages(notes)
}

// Problem is one problem of an import as a report marks it.
type Problem struct {
	Sheet   string // the sheet; "" for the people sheet (or a CSV file's one)
	Row     int    // as the spreadsheet shows it
	Column  string // the column's letter ("E"), "" for the whole row
	Message string // what is wrong, with the column's name
}

// Report returns a copy of the imported file as a workbook (a CSV file
// becomes its one sheet, named PeopleSheet), with a column of the errors
// of each row after the last column of its sheet, and the bad cells
// filled red, on every sheet that has problems; people is the name of the
// people sheet. The other sheets and the formats of the good cells are
// kept.
func Report(data []byte, format Format, people string, problems []Problem) ([]byte, error) {
	bySheet := map[string]map[int][]Problem{}
	var sheets []string
	for _, p := range problems {
		if p.Sheet == "" || format != XLSX {
			p.Sheet = people
		}
		if bySheet[p.Sheet] == nil {
			bySheet[p.Sheet] = map[int][]Problem{}
			sheets = append(sheets, p.Sheet)
		}
		bySheet[p.Sheet][p.Row] = append(bySheet[p.Sheet][p.Row], p)
	}
	if format != XLSX {
		return csvReport(data, bySheet[people])
	}
	data, err := withStyles(data)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzip})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return nil, err
	}
	// Each bad cell keeps its own style (a date's format, say) with a red
	// fill: one new style per style the bad cells had. Styles are the
	// workbook's, shared by its sheets.
	marked := map[int]int{}
	for _, sheet := range sheets {
		if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
			continue // a problem of a sheet the file does not have
		}
		if err := markSheet(f, sheet, bySheet[sheet], bold, marked); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// markSheet adds the errors column to one sheet and marks its bad cells.
func markSheet(f *excelize.File, sheet string, byRow map[int][]Problem, bold int, marked map[int]int) error {
	order := make([]int, 0, len(byRow))
	for row := range byRow {
		order = append(order, row)
	}
	sort.Ints(order)
	// The errors column follows the last column any row uses.
	width := 0
	if rows, err := f.Rows(sheet); err == nil {
		for rows.Next() {
			cells, _ := rows.Columns()
			width = max(width, len(cells))
		}
		rows.Close()
	}
	errCol, _ := excelize.ColumnNumberToName(width + 1)
	if err := f.SetCellStr(sheet, errCol+"1", errorsHeader(byRow[1])); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, errCol+"1", errCol+"1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, errCol, errCol, 60); err != nil {
		return err
	}
	mark := func(cell string) error {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			return err
		}
		red, ok := marked[id]
		if !ok {
			st, err := f.GetStyle(id)
			if err != nil || st == nil {
				st = &excelize.Style{}
			}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
			if red, err = f.NewStyle(st); err != nil {
				return err
			}
			marked[id] = red
		}
		return f.SetCellStyle(sheet, cell, cell, red)
	}
	for _, row := range order {
		for _, p := range byRow[row] {
			if p.Column != "" {
				if err := mark(fmt.Sprintf("%s%d", p.Column, row)); err != nil {
					return err
				}
			}
		}
		if row == 1 {
			continue // said under the header
		}
		if err := f.SetCellStr(sheet, fmt.Sprintf("%s%d", errCol, row), messages(byRow[row])); err != nil {
			return err
		}
	}
	return nil
}

func messages(ps []Problem) string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "\n")
}

// csvReport streams a CSV file's rows into the people sheet of a new
// workbook, each with its errors after the last column any row uses and
// its bad cells, empty or not, filled red: a sheet being streamed cannot
// be changed after.
func csvReport(data []byte, byRow map[int][]Problem) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", PeopleSheet); err != nil {
		return nil, err
	}
	red, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(PeopleSheet)
	if err != nil {
		return nil, err
	}
	width := 0
	for rows := newCSVRows(data); rows.Next(); {
		_, cells := rows.Row()
		width = max(width, len(cells))
	}
	if err := sw.SetColWidth(width+1, width+1, 60); err != nil {
		return nil, err
	}
	rows := newCSVRows(data)
	for rows.Next() {
		n, cells := rows.Row()
		row := make([]any, width+1)
		for i := range row {
			row[i] = excelize.Cell{}
		}
		for i, c := range cells {
			row[i] = excelize.Cell{Value: c}
		}
		for _, p := range byRow[n] {
			if i, err := excelize.ColumnNameToNumber(p.Column); err == nil && i <= width {
				row[i-1] = excelize.Cell{Value: row[i-1].(excelize.Cell).Value, StyleID: red}
			}
		}
		switch {
		case n == 1:
			row[width] = excelize.Cell{Value: errorsHeader(byRow[n]), StyleID: bold}
		case len(byRow[n]) > 0:
			row[width] = excelize.Cell{Value: messages(byRow[n])}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", n), row); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
