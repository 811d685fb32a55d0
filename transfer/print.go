package transfer

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// PrintSetup makes a sheet written cell by cell print on A4, landscape,
// as wide as a page, with its rows down to header (the table's header)
// repeated on every page and frozen on screen: the one print setup of
// the workbooks the service writes (statistics, reports, exports of
// people).
func PrintSetup(f *excelize.File, sheet string, header int) error {
	if err := printLayout(f, sheet, header); err != nil {
		return err
	}
	return f.SetPanes(sheet, headerPanes(header))
}

// printLayout is PrintSetup but for the frozen header. A streamed sheet
// takes it before its stream writer is made (the writer writes the sheet's
// properties, fit to page among them, when it starts) and the panes from
// the stream writer before its first row.
func printLayout(f *excelize.File, sheet string, header int) error {
	landscape, a4, wide, tall, fit := "landscape", 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("%s!$1:$%d", quoted, header)})
}

// headerPanes freeze the rows down to header.
func headerPanes(header int) *excelize.Panes {
	below, _ := excelize.CoordinatesToCellName(1, header+1)
	return &excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: below, ActivePane: "bottomLeft"}
}
