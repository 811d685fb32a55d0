package refdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Problem is a bad cell, row or header column of a file: Field names the
// row and column ("row 3, column code") or the line.
type Problem struct {
	Field, Message string
}

// Problems are every problem of a file, so that one attempt reports all.
type Problems []Problem

func (v *Problems) add(field, format string, args ...any) {
	*v = append(*v, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// RowField names a cell of a file in a problem.
func RowField(row int, column string) string {
	if column == "" {
		return fmt.Sprintf("row %d", row)
	}
	return fmt.Sprintf("row %d, column %s", row, column)
}

// Bounds on a loaded file, so that a wrong file fails quickly instead of
// filling memory.
const (
	maxLoadBytes = 32 << 20
	maxLoadRows  = 200000
)

// Parse reads a list's CSV file: a header naming its columns, in any
// order, then one row per entry. It returns the good rows, and every bad
// cell, row or header column as an Problems naming the row and column. When
// the file cannot be read row by row (a bad header, broken quoting) it
// returns no rows.
func Parse(l *List, scheme string, r io.Reader) ([]*Record, Problems) {
	var v Problems
	if l.Kind == Field && !SchemeRE.MatchString(scheme) {
		v.add("scheme", "%q: want the scheme the fields belong to: a lower-case letter, then up to 19 lower-case letters or digits, for example vn2025", scheme)
		return nil, v
	}
	if l.Kind != Field && scheme != "" {
		v.add("scheme", "only fields belong to a scheme; leave it out for %s", strings.ReplaceAll(l.Name, "_", " "))
		return nil, v
	}
	data, err := io.ReadAll(io.LimitReader(r, maxLoadBytes+1))
	if err != nil {
		v.add("", "cannot read the file: %v", err)
		return nil, v
	}
	if len(data) > maxLoadBytes {
		v.add("", "the file is over %d MiB; is it the right file?", maxLoadBytes>>20)
		return nil, v
	}
	// Spreadsheets save CSV with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := bytes.Count(data[:invalidUTF8At(data)], []byte("\n")) + 1
		v.add(fmt.Sprintf("line %d", line), "is not UTF-8 text; save the file as CSV UTF-8")
		return nil, v
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		v.add(RowField(1, ""), "the file is empty; the first row must name the columns: %s", columnList(l))
		return nil, v
	}
	if err != nil {
		return nil, Problems{csvError(err)}
	}
	hrow, _ := cr.FieldPos(0)
	index := map[string]int{}
	var unnamed []int // columns without a name, as a trailing comma makes
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			unnamed = append(unnamed, i)
			continue
		case columnNamed(l, h) == nil:
			v.add(RowField(hrow, h), "unknown column; the columns of %s are %s", l.Name, columnList(l))
		case index[h] != 0:
			v.add(RowField(hrow, h), "appears twice")
		}
		index[h] = i + 1 // 0 is "absent"
	}
	for _, c := range l.Columns {
		if c.Required && index[c.Name] == 0 {
			v.add(RowField(hrow, c.Name), "missing: the first row must name the columns %s", columnList(l))
		}
	}
	if len(v) > 0 {
		return nil, v
	}

	var recs []*Record
	seen := map[string]int{}
	for rows := 0; ; rows++ {
		// Rows are numbered by the line they start on, which is the row a
		// spreadsheet shows unless a cell spans lines.
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, append(v, csvError(err))
		}
		row, _ := cr.FieldPos(0)
		if rows >= maxLoadRows {
			v.add(RowField(row, ""), "the file has more than %d rows; split it", maxLoadRows)
			return nil, v
		}
		if len(cells) != len(header) {
			// A blank line between rows is harmless; anything else with the
			// wrong number of cells is a shifted row.
			if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
				continue
			}
			v.add(RowField(row, ""), "has %d cell(s); the header has %d", len(cells), len(header))
			continue
		}
		ok := true
		for _, i := range unnamed {
			if strings.TrimSpace(cells[i]) != "" {
				v.add(RowField(row, ""), "cell %d is under a column with no name; name the column in the first row, or empty the cell", i+1)
				ok = false
			}
		}
		rec := &Record{Row: row, Vals: map[string]any{}}
		if l.Kind == Field {
			rec.Vals["scheme"] = scheme
		}
		for _, c := range l.Columns {
			cell := ""
			if i := index[c.Name]; i != 0 {
				cell = strings.TrimSpace(cells[i-1])
			}
			val, problem := c.parse(cell)
			if problem != "" {
				v.add(RowField(row, c.Name), "%s", problem)
				ok = false
				continue
			}
			rec.Vals[c.SQLName()] = val
		}
		if !ok {
			continue
		}
		if l.checkRow != nil {
			n := len(v)
			l.checkRow(rec, &v)
			if len(v) > n {
				continue
			}
		}
		key := rec.Key(l)
		if first, dup := seen[key]; dup {
			v.add(RowField(row, "code"), "%s is given twice (first in row %d)", rec.Label(l), first)
			continue
		}
		seen[key] = row
		recs = append(recs, rec)
	}
	if len(recs) == 0 && len(v) == 0 {
		v.add(RowField(2, ""), "the file has no rows below its header")
	}
	return recs, v
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// csvError reports a CSV syntax error at its line, as a text editor counts
// (a quoted cell may span lines, so it is not always the row).
func csvError(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{Field: fmt.Sprintf("line %d", pe.Line), Message: fmt.Sprintf(
			"character %d: %v; put cells with commas, quotes or line breaks in double quotes, and double the quotes inside them", pe.Column, pe.Err)}
	}
	return Problem{Message: fmt.Sprintf("cannot read the file as CSV: %v", err)}
}

// Has reports whether the list's files have a column of that name.
func (l *List) Has(name string) bool { return columnNamed(l, name) != nil }

func columnNamed(l *List, name string) *Column {
	for i := range l.Columns {
		if l.Columns[i].Name == name {
			return &l.Columns[i]
		}
	}
	return nil
}

func columnList(l *List) string {
	var req, opt []string
	for _, c := range l.Columns {
		if c.Required {
			req = append(req, c.Name)
		} else {
			opt = append(opt, c.Name)
		}
	}
	s := strings.Join(req, ", ")
	if len(opt) > 0 {
		s += " (and optionally " + strings.Join(opt, ", ") + ")"
	}
	return s
}

// Key identifies the row's entry within its list.
func (r *Record) Key(l *List) string {
	parts := make([]string, len(l.Key))
	for i, k := range l.Key {
		parts[i] = fmt.Sprint(r.Vals[k])
	}
	return strings.Join(parts, "\x00")
}

// label names a row's entry in messages.
func (r *Record) Label(l *List) string {
	switch l.Kind {
	case Field:
		return "fields/" + r.Str("scheme") + "-" + r.Str("code")
	case FieldCrosswalk:
		return fmt.Sprintf("crosswalk row %s-%s to %s-%s", r.Str("from_scheme"), r.Str("from_code"), r.Str("to_scheme"), r.Str("to_code"))
	case AdminUnit:
		from := r.Str("valid_from")
		if from == "" {
			from = "the start"
		}
		return fmt.Sprintf("unit %s valid from %s", r.Str("code"), from)
	}
	return fmt.Sprintf("%s %s", l.Title, r.Str("code"))
}

// LoadResult counts what a load did.
