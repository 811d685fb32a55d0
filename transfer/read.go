// Package transfer reads and writes the spreadsheets through which lists of
// people enter and leave the registry: XLSX workbooks and CSV files, the
// import template, the cell parsers, and the detection of text typed in the
// legacy Vietnamese font encodings. It holds no SQL and knows nothing of the
// server: it turns cells into API messages and back.
package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/vntext"
)

// Format is the kind of file.
type Format int

const (
	// FormatUnknown is neither.
	FormatUnknown Format = iota
	// CSV is comma- or semicolon-separated text in UTF-8.
	CSV
	// XLSX is an Office Open XML workbook.
	XLSX
)

// Content types of the two formats.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Sniff tells the format from the content type, or from the first bytes
// when the content type says nothing useful: an XLSX file is a zip archive.
func Sniff(contentType string, head []byte) Format {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "spreadsheetml"):
		return XLSX
	case strings.HasPrefix(ct, "text/csv"):
		return CSV
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX
	case len(head) > 0 && !bytes.Contains(head, []byte{0}):
		return CSV
	}
	return FormatUnknown
}

// Rows iterates over the rows of one sheet, header first. Row numbers count
// from 1 as a spreadsheet shows them.
type Rows interface {
	Next() bool
	// Row is the current row's number and cells, as text (for XLSX, the
	// raw value: a date is its serial number).
	Row() (int, []string)
	Err() error
	Close() error
}

// ErrUnreadable is wrapped by every error about a file that is not a
// workbook or CSV file at all.
var ErrUnreadable = errors.New("unreadable file")

// Workbook is an opened file: one sheet for CSV, one or more for XLSX.
type Workbook struct {
	format Format
	data   []byte // the file (a workbook's merged cells are read from it)
	xlsx   *excelize.File
}

// maxUnzipInMemory bounds a part of an XLSX held in memory while it is
// read: a larger sheet or table of shared strings is unpacked to a
// temporary file (removed by Close) and streamed from there.
const maxUnzipInMemory = 16 << 20

// Open opens data in format.
func Open(data []byte, format Format) (*Workbook, error) {
	switch format {
	case CSV:
		if !utf8.Valid(bytes.TrimPrefix(data, bom)) {
			return nil, fmt.Errorf("%w: the CSV file is not UTF-8 text; save it as \"CSV UTF-8\"", ErrUnreadable)
		}
		return &Workbook{format: CSV, data: data}, nil
	case XLSX:
		if err := checkExpansion(data); err != nil {
			return nil, err
		}
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzipInMemory})
		if err != nil {
			return nil, fmt.Errorf("%w: not an XLSX workbook (%v); save it as \"Excel Workbook (.xlsx)\"", ErrUnreadable, err)
		}
		if len(f.GetSheetList()) == 0 {
			f.Close()
			return nil, fmt.Errorf("%w: the workbook has no sheets", ErrUnreadable)
		}
		return &Workbook{format: XLSX, xlsx: f, data: data}, nil
	}
	return nil, fmt.Errorf("%w: send an XLSX workbook or a CSV file", ErrUnreadable)
}

// Date1904 reports whether the workbook counts serial dates from 1904
// (workbookPr date1904, as old Mac Excel saved them).
func (w *Workbook) Date1904() bool {
	if w.xlsx == nil {
		return false
	}
	props, err := w.xlsx.GetWorkbookProps()
	return err == nil && props.Date1904 != nil && *props.Date1904
}

// Close releases the workbook.
func (w *Workbook) Close() error {
	if w.xlsx != nil {
		return w.xlsx.Close()
	}
	return nil
}

// Sheets lists the sheet names; a CSV file has one, "", or MembershipsSheet
// when its header is that sheet's (a member list exported as CSV, whose
// column Hội the people sheet has not).
func (w *Workbook) Sheets() []string {
	if w.xlsx == nil {
		if w.csvMemberships() {
			return []string{MembershipsSheet}
		}
		return []string{""}
	}
	return w.xlsx.GetSheetList()
}

// csvMemberships says a CSV file's header row names the memberships
// sheet's association column.
func (w *Workbook) csvMemberships() bool {
	rows := newCSVRows(w.data)
	if !rows.Next() {
		return false
	}
	_, header := rows.Row()
	assoc := associationColumn()
	for _, h := range header {
		if f := vntext.Fold(strings.TrimSpace(h)); f == vntext.Fold(assoc.Header) || f == assoc.Field {
			return true
		}
	}
	return false
}

// PeopleSheetOf is the sheet an import reads people from: the one named
// PeopleSheet, or else the first sheet unless that is a sheet of records (a
// workbook may hold records alone). The import and the scope check of a
// limited key both ask it, so that what one reads the other checks.
func (w *Workbook) PeopleSheetOf() (string, bool) {
	sheets := w.Sheets()
	for _, name := range sheets {
		if name == PeopleSheet {
			return name, true
		}
	}
	if len(sheets) == 0 || RecordSheetNamed(sheets[0]) != nil {
		return "", false
	}
	return sheets[0], true
}

// Rows iterates over a sheet.
func (w *Workbook) Rows(sheet string) (Rows, error) {
	if w.format == CSV {
		return newCSVRows(w.data), nil
	}
	r, err := w.xlsx.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%w: sheet %q: %v", ErrUnreadable, sheet, err)
	}
	shown, err := w.xlsx.Rows(sheet)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%w: sheet %q: %v", ErrUnreadable, sheet, err)
	}
	merged, err := mergedCells(w.data, sheet)
	if err != nil {
		r.Close()
		shown.Close()
		return nil, fmt.Errorf("%w: sheet %q: %v", ErrUnreadable, sheet, err)
	}
	return &xlsxRows{sheet: sheet, rows: r, shown: shown, merged: merged, top: map[int]string{}}, nil
}

// xlsxRows streams a sheet: excelize's row iterator decodes one row at a
// time, so memory does not grow with the number of rows. A second
// iterator reads the same rows as the spreadsheet shows them, for the
// numbers whose format writes leading zeros (a national ID kept as a
// number and shown as 001080000001). A cell merged down over rows is
// read on each of them (mergeDown).
type xlsxRows struct {
	sheet       string
	rows, shown *excelize.Rows
	n           int
	cells       []string
	err         error
	merged      []mergedRange
	top         map[int]string // the merged ranges' values, by index in merged
}

func (r *xlsxRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	r.n++
	if r.cells, r.err = r.rows.Columns(excelize.Options{RawCellValue: true}); r.err != nil {
		r.err = r.unreadable(fmt.Sprintf("sheet %q, row %d", r.sheet, r.n), r.err)
		return false
	}
	if r.shown.Next() {
		if shown, err := r.shown.Columns(); err == nil {
			keepLeadingZeros(r.cells, shown)
		}
	}
	r.cells = mergeDown(r.n, r.cells, r.merged, r.top)
	return r.err == nil
}

// keepLeadingZeros puts in cells the shown value of every whole number
// that its format writes with leading zeros.
func keepLeadingZeros(cells, shown []string) {
	for i, c := range cells {
		if i >= len(shown) || c == "" || !allDigits(c) || len(shown[i]) <= len(c) {
			continue
		}
		if zeros, ok := strings.CutSuffix(shown[i], c); ok && strings.Trim(zeros, "0") == "" {
			cells[i] = shown[i]
		}
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (r *xlsxRows) Row() (int, []string) { return r.n, r.cells }

func (r *xlsxRows) Err() error {
	if r.err != nil {
		return r.err
	}
	if err := r.rows.Error(); err != nil {
		return r.unreadable(fmt.Sprintf("sheet %q, after row %d", r.sheet, r.n), err)
	}
	return nil
}

// unreadable is an error of the sheet's XML, where it is and what to do: a
// file whose cells lie past the last row or column a spreadsheet has was
// not saved by one.
func (r *xlsxRows) unreadable(where string, err error) error {
	switch {
	case errors.Is(err, excelize.ErrColumnNumber):
		return fmt.Errorf("%w: %s: a cell lies past column XFD (16,384), the last a spreadsheet has; open the file in Excel and save it again", ErrUnreadable, where)
	case errors.Is(err, excelize.ErrMaxRows):
		return fmt.Errorf("%w: %s: a row lies past row 1,048,576, the last a spreadsheet has; open the file in Excel and save it again", ErrUnreadable, where)
	}
	return fmt.Errorf("%w: %s: %v", ErrUnreadable, where, err)
}

func (r *xlsxRows) Close() error { return errors.Join(r.rows.Close(), r.shown.Close()) }

var bom = []byte("\xEF\xBB\xBF")

type csvRows struct {
	r     *csv.Reader
	data  []byte
	n     int
	cells []string
	err   error
	// next is the line after the last record read, off where it begins.
	next int
	off  int64
}

// newCSVRows reads UTF-8 text with or without a byte order mark, separated
// by commas or, as a Vietnamese-locale Excel saves it, by semicolons: the
// separator is whichever of the two the header line has more of.
func newCSVRows(data []byte) *csvRows {
	data = bytes.TrimPrefix(data, bom)
	line, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	return &csvRows{r: r, data: data, next: 1}
}

func (r *csvRows) Next() bool {
	if r.err != nil {
		return false
	}
	rec, err := r.r.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		r.err = fmt.Errorf("%w: %v", ErrUnreadable, err)
		return false
	}
	// Rows are numbered as a spreadsheet shows the file: a record is one
	// row, however many lines its quoted cells span, and a blank line is
	// an empty row.
	line, _ := r.r.FieldPos(0)
	r.n += line - r.next + 1
	off := r.r.InputOffset()
	r.next += bytes.Count(r.data[r.off:off], []byte("\n"))
	r.off = off
	// A cell the export quoted so that it starts no formula reads as
	// it was.
	for i, c := range rec {
		rec[i] = UnquoteCell(c)
	}
	r.cells = rec
	return true
}

func (r *csvRows) Row() (int, []string) { return r.n, r.cells }
func (r *csvRows) Err() error           { return r.err }
func (r *csvRows) Close() error         { return nil }

// DataRows estimates the rows under the header: from the sheet's recorded
// dimension for a workbook (no rows are read), from the lines of a CSV
// file; -1 when unknown.
func (w *Workbook) DataRows(sheet string, data []byte) int64 {
	if w.xlsx == nil {
		n := int64(bytes.Count(data, []byte("\n")))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			n++
		}
		return n - 1
	}
	dim, err := w.xlsx.GetSheetDimension(sheet)
	if err != nil {
		return -1
	}
	_, last, ok := strings.Cut(dim, ":")
	if !ok {
		return -1
	}
	_, row, err := excelize.CellNameToCoordinates(last)
	if err != nil {
		return -1
	}
	return int64(row) - 1
}
