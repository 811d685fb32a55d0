package transfer

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// Every CSV file trithuc writes goes through CSVWriter, so that no cell
// reaches a spreadsheet as a formula (CSV injection, OWASP): a registrar
// could store a family name "=HYPERLINK(…)" that runs in the hands of
// whoever exports it. XLSX needs none of this: its cells are written as
// text (inlineStr or shared strings), never as formulas.

// formulaStart are the characters with which a spreadsheet reads a cell
// as a formula (or, tab and CR, hide one), as OWASP lists them.
const formulaStart = "=+-@\t\r"

// negativeNumber is a cell that starts with "-" and is a number, as the
// statistics write a change ("-2,50", "-3%"): a spreadsheet reads it as
// the number, never a formula, and a quote would make it text.
var negativeNumber = regexp.MustCompile(`^-[0-9]+([.,][0-9]+)?%?$`)

// quoted reports whether s is quotes followed by a formula's character:
// such a cell is a neutralised one as the import reads it.
func quoted(s string) bool {
	rest := strings.TrimLeft(s, "'")
	return len(rest) < len(s) && rest != "" && strings.IndexByte(formulaStart, rest[0]) >= 0
}

// SafeCell is s as a CSV cell: prefixed with a single quote, which
// spreadsheets read as "this is text", when it would start a formula; and
// when it already looks like a neutralised cell, so that UnquoteCell gives
// s back whatever it is ("'=x" is written with two quotes).
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte(formulaStart, s[0]) >= 0 && !negativeNumber.MatchString(s) || quoted(s) {
		return "'" + s
	}
	return s
}

// UnquoteCell undoes SafeCell on a cell of an imported CSV file: it drops a
// leading quote that precedes quotes and a formula's character, and only
// then ("'+84 912 345 678" is read "+84 912 345 678", "'Ngọc" stays).
func UnquoteCell(s string) string {
	if quoted(s) {
		return s[1:]
	}
	return s
}

// CSVWriter writes CSV whose cells never start a formula.
type CSVWriter struct {
	w     *csv.Writer
	cells []string
}

// NewCSVWriter returns a CSVWriter to w; crlf ends lines in CRLF, as RFC
// 4180 and Excel have them.
func NewCSVWriter(w io.Writer, crlf bool) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = crlf
	return &CSVWriter{w: cw}
}

// Write writes one line, each cell through SafeCell.
func (c *CSVWriter) Write(cells []string) error {
	c.cells = c.cells[:0]
	for _, s := range cells {
		c.cells = append(c.cells, SafeCell(s))
	}
	return c.w.Write(c.cells)
}

// Flush writes what is buffered and returns the first error met.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Close flushes: the Writer of a CSV file.
func (c *CSVWriter) Close() error { return c.Flush() }
