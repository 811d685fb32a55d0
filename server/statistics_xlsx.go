package server

import (
	"bytes"

	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// statisticsSheet is the sheet of an exported answer.
const statisticsSheet = "Thống kê"

// statisticsXLSX writes an answer of ComputeStatistics as a workbook: the
// table of statsTable as statsSheet lays it out.
func statisticsXLSX(r *pb.ComputeStatisticsResponse, who string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", statisticsSheet); err != nil {
		return nil, err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, err
	}
	if err := statsSheet(f, st, statisticsSheet, 1, r, who); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sheetStyles are the styles of the statistics' and reports' sheets, by
// name: header, total, title, and the two marks of a suppressed count.
type sheetStyles map[string]int

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	styles := map[string]*excelize.Style{
		"header":   {Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}},
		"total":    {Font: &excelize.Font{Bold: true}},
		"title":    {Font: &excelize.Font{Bold: true, Size: 13}},
		"below":    {Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}, Alignment: &excelize.Alignment{Horizontal: "right"}},
		"protects": {Font: &excelize.Font{Italic: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}, Alignment: &excelize.Alignment{Horizontal: "right"}},
		// Codes are text (a unit's 00004 keeps its zeros), and a count's
		// thousands are grouped as the reader's spreadsheet groups them.
		"code":  {NumFmt: 49},
		"count": {NumFmt: 3},
	}
	st := sheetStyles{}
	for name, s := range styles {
		n, err := f.NewStyle(s)
		if err != nil {
			return nil, err
		}
		st[name] = n
	}
	return st, nil
}

// statsSheet writes the table of an answer on a sheet from row top: the
// header shaded, codes as text and counts as numbers, a count below the
// threshold ("<5") shaded grey and one withheld to protect another ("ẩn")
// shaded yellow in italics, so that neither is read as the other, the
// total in bold, the legend under the table with each mark in its own
// shading, whom the figures count (who, filterLine; "" for everyone) and
// the date the figures are as on. The sheet prints across a
// page's width, landscape, its header row repeated on every page.
func statsSheet(f *excelize.File, st sheetStyles, sheet string, top int, r *pb.ComputeStatisticsResponse, who string) error {
	t := newStatsTable(r)
	t.who = who
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col, row)
		return name
	}
	countCol := len(t.header)
	if err := f.SetSheetRow(sheet, cell(1, top), &t.header); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell(1, top), cell(countCol, top), st["header"]); err != nil {
		return err
	}
	mark := map[pb.SuppressionReason]int{pb.SuppressionReason_BELOW_THRESHOLD: st["below"], pb.SuppressionReason_PROTECTS_ANOTHER: st["protects"]}
	for i, row := range t.rows {
		n := top + 1 + i
		for j, v := range row.labels {
			if err := f.SetCellStr(sheet, cell(j+1, n), v); err != nil {
				return err
			}
		}
		if countCol > 1 {
			if err := f.SetCellStyle(sheet, cell(1, n), cell(countCol-1, n), st["code"]); err != nil {
				return err
			}
		}
		if row.count.n != nil {
			if err := f.SetCellInt(sheet, cell(countCol, n), int64(*row.count.n)); err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, cell(countCol, n), cell(countCol, n), st["count"]); err != nil {
				return err
			}
			continue
		}
		if err := f.SetCellStr(sheet, cell(countCol, n), row.count.text); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell(countCol, n), cell(countCol, n), mark[row.count.reason]); err != nil {
			return err
		}
	}
	last := top + len(t.rows)
	if err := f.SetCellStyle(sheet, cell(1, last), cell(countCol-1, last), st["total"]); err != nil {
		return err
	}
	n := last + 2
	if t.note != "" {
		if err := f.SetCellStr(sheet, cell(1, last+1), t.note); err != nil {
			return err
		}
		n++
	}
	// The legend: each mark in its shading, then what it means.
	for _, l := range []struct {
		reason pb.SuppressionReason
		text   string
	}{{pb.SuppressionReason_BELOW_THRESHOLD, t.legendBelow}, {pb.SuppressionReason_PROTECTS_ANOTHER, t.legendProtects}} {
		sample := labels.BelowMark(r.GetSuppressionThreshold())
		if l.reason == pb.SuppressionReason_PROTECTS_ANOTHER {
			sample = labels.ProtectsMark
		}
		if err := f.SetCellStr(sheet, cell(1, n), sample); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell(1, n), cell(1, n), mark[l.reason]); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell(2, n), l.text); err != nil {
			return err
		}
		n++
	}
	if err := f.SetCellStr(sheet, cell(1, n), t.legendScope); err != nil {
		return err
	}
	n++
	if t.who != "" {
		if err := f.SetCellStr(sheet, cell(1, n), t.who); err != nil {
			return err
		}
		n++
	}
	if t.asOf != "" {
		if err := f.SetCellStr(sheet, cell(1, n), t.asOf); err != nil {
			return err
		}
	}
	for j := range t.header {
		name, _ := excelize.ColumnNumberToName(j + 1)
		width := 12.0
		if j%2 == 1 && j < countCol-1 {
			width = 28
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return err
		}
	}
	return transfer.PrintSetup(f, sheet, top)
}
