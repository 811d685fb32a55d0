package server

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// statisticsSheet is the sheet of an exported answer.
const statisticsSheet = "Thống kê"

// statisticsXLSX writes an answer of ComputeStatistics as a workbook: the
// table of statsTable with counts as numbers, a count below the threshold
// ("<5") shaded grey and one withheld to protect another ("ẩn") shaded
// yellow in italics, so that neither is read as the other, and the legend
// under the table with each mark in its own shading.
func statisticsXLSX(r *pb.ComputeStatisticsResponse) ([]byte, error) {
	t := newStatsTable(r)
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", statisticsSheet); err != nil {
		return nil, err
	}
	styles := map[string]*excelize.Style{
		"header":   {Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}},
		"total":    {Font: &excelize.Font{Bold: true}},
		"below":    {Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}, Alignment: &excelize.Alignment{Horizontal: "right"}},
		"protects": {Font: &excelize.Font{Italic: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}, Alignment: &excelize.Alignment{Horizontal: "right"}},
	}
	id := map[string]int{}
	for name, st := range styles {
		n, err := f.NewStyle(st)
		if err != nil {
			return nil, err
		}
		id[name] = n
	}
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col, row)
		return name
	}
	countCol := len(t.header)
	if err := f.SetSheetRow(statisticsSheet, "A1", &t.header); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(statisticsSheet, "A1", cell(countCol, 1), id["header"]); err != nil {
		return nil, err
	}
	mark := map[pb.SuppressionReason]int{pb.SuppressionReason_BELOW_THRESHOLD: id["below"], pb.SuppressionReason_PROTECTS_ANOTHER: id["protects"]}
	for i, row := range t.rows {
		n := i + 2
		for j, v := range row.labels {
			if err := f.SetCellStr(statisticsSheet, cell(j+1, n), v); err != nil {
				return nil, err
			}
		}
		if row.count.n != nil {
			if err := f.SetCellInt(statisticsSheet, cell(countCol, n), int64(*row.count.n)); err != nil {
				return nil, err
			}
		} else {
			if err := f.SetCellStr(statisticsSheet, cell(countCol, n), row.count.text); err != nil {
				return nil, err
			}
			if err := f.SetCellStyle(statisticsSheet, cell(countCol, n), cell(countCol, n), mark[row.count.reason]); err != nil {
				return nil, err
			}
		}
	}
	last := len(t.rows) + 1
	if err := f.SetCellStyle(statisticsSheet, cell(1, last), cell(countCol-1, last), id["total"]); err != nil {
		return nil, err
	}
	// The legend: each mark in its shading, then what it means.
	for i, l := range []struct {
		reason pb.SuppressionReason
		text   string
	}{{pb.SuppressionReason_BELOW_THRESHOLD, t.legendBelow}, {pb.SuppressionReason_PROTECTS_ANOTHER, t.legendProtects}} {
		n := last + 2 + i
		sample := "<" + fmt.Sprint(r.GetSuppressionThreshold())
		if l.reason == pb.SuppressionReason_PROTECTS_ANOTHER {
			sample = protectsMark
		}
		if err := f.SetCellStr(statisticsSheet, cell(1, n), sample); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(statisticsSheet, cell(1, n), cell(1, n), mark[l.reason]); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(statisticsSheet, cell(2, n), l.text); err != nil {
			return nil, err
		}
	}
	for j := range t.header {
		name, _ := excelize.ColumnNumberToName(j + 1)
		width := 12.0
		if j%2 == 1 && j < countCol-1 {
			width = 28
		}
		if err := f.SetColWidth(statisticsSheet, name, name, width); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
