package transfer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MarkWorkbook is Report for an XLSX workbook of any size: on every sheet
// with problems (one without a sheet is the people sheet's) the copy has the
// same sheets, cells and formats, a column of each row's errors after the
// sheet's last used column, and the bad cells filled red (an empty one
// too: a required value left out). It does not load the
// sheet: its XML is read twice as a stream (once for the styles the bad
// cells have, once to copy it with the marks), the other parts of the file
// are copied as they are but for the styles, so that memory does not grow
// with the rows (Report, through excelize, holds every cell of the sheet:
// over a gigabyte for 100,000 rows).
func MarkWorkbook(data []byte, sheet string, problems []Problem) ([]byte, error) {
	data, err := withStyles(data)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	// One marker per sheet that has problems (a problem without a sheet is
	// the people sheet's, as in Report); the red styles are the workbook's,
	// shared by its sheets.
	styles := map[int]int{}
	byPath := map[string]*marker{}
	bySheet := map[string]*marker{}
	for _, p := range problems {
		name := p.Sheet
		if name == "" {
			name = sheet
		}
		m := bySheet[name]
		if m == nil {
			m = &marker{byRow: map[int][]Problem{}, styles: styles}
			bySheet[name] = m
		}
		m.byRow[p.Row] = append(m.byRow[p.Row], p)
	}
	for name, m := range bySheet {
		sheetPath, err := sheetXMLPath(zr, name)
		if err != nil {
			if name == sheet {
				return nil, err
			}
			continue // a problem of a sheet the file does not have
		}
		byPath[sheetPath] = m
		// First pass: the sheet's width and the styles of the bad cells.
		if err := m.pass(zr, sheetPath, io.Discard, false); err != nil {
			return nil, err
		}
		m.errCol, _ = excelize.ColumnNumberToName(m.width + 1)
	}
	styled := &marker{styles: styles}
	stylesXML, err := styled.newStyles(zr)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if m := byPath[f.Name]; m != nil {
			m.bold = styled.bold
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			if err := m.pass(zr, f.Name, w, true); err != nil {
				return nil, err
			}
			continue
		}
		if f.Name == stylesPath {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(stylesXML); err != nil {
				return nil, err
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

const stylesPath = "xl/styles.xml"

// sheetPart is a sheet of a workbook and the part (its path in the zip,
// lower case) that holds it.
type sheetPart struct {
	name, part string
}

// workbookSheets lists a workbook's sheets and their parts, through the
// workbook and its relationships, reading at most limit bytes of each:
// the listing runs on files not yet checked too (expand.go).
func workbookSheets(zr *zip.Reader, limit int64) []sheetPart {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for _, f := range zr.File {
		var v any
		switch partName(f) {
		case "xl/workbook.xml":
			v = &wb
		case "xl/_rels/workbook.xml.rels":
			v = &rels
		default:
			continue
		}
		if b, err := readPart(f, limit); err == nil {
			xml.Unmarshal(b, v)
		}
	}
	var out []sheetPart
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if r.ID != s.ID {
				continue
			}
			target := strings.ToLower(r.Target)
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join("xl", target)
			}
			out = append(out, sheetPart{name: s.Name, part: target})
		}
	}
	return out
}

// sheetXMLPath finds the part that holds a sheet.
func sheetXMLPath(zr *zip.Reader, sheet string) (string, error) {
	for _, s := range workbookSheets(zr, math.MaxInt64) {
		if s.name == sheet {
			for _, f := range zr.File {
				if partName(f) == s.part {
					return f.Name, nil
				}
			}
		}
	}
	return "", fmt.Errorf("the workbook has no sheet %q", sheet)
}

func unmarshalPart(zr *zip.Reader, name string, v any) error {
	r, err := zr.Open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	return xml.NewDecoder(r).Decode(v)
}

// marker copies a sheet's XML with the marks of a report.
type marker struct {
	byRow map[int][]Problem
	// width is the last column any row uses; errCol is the column after
	// it, which holds the errors: a column of its own, whatever cells lie
	// past the header.
	width  int
	errCol string
	// styles maps the style of a bad cell to its red copy; bold is the
	// errors header's style.
	styles map[int]int
	bold   int
}

// pass reads the sheet's XML. The first pass (write false) learns the
// sheet's width and the styles to copy; the second copies the XML to w,
// byte for byte but for the marked rows: their bad cells restyled, the
// bad cells they lack added empty and red, and their errors cell.
func (m *marker) pass(zr *zip.Reader, sheetPath string, w io.Writer, write bool) error {
	rc, err := zr.Open(sheetPath)
	if err != nil {
		return err
	}
	defer rc.Close()
	src := &teeReader{r: rc}
	d := xml.NewDecoder(src)
	out := &rawCopy{w: w, src: src}
	var (
		rowN, colN int
		firstRow   = true
		inFirst    bool
		marked     map[string]bool // the bad columns of the current row
		missing    []int           // those it has no cell for yet, in order
		extra      bool            // the current row gets an errors cell
		prefix     string
		colsSeen   bool
		colCovered bool
	)
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		end := d.InputOffset()
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "cols":
				colsSeen = true
			case "col":
				lo, _ := strconv.Atoi(attr(t, "min"))
				hi, _ := strconv.Atoi(attr(t, "max"))
				if k := m.width + 1; lo <= k && k <= hi {
					colCovered = true
				}
			case "sheetData":
				if write && !colsSeen {
					// The errors column is wide enough to read; it needs a
					// cols element, which comes before sheetData.
					if err := out.upTo(start); err != nil {
						return err
					}
					if err := out.write(fmt.Sprintf(`<%scols>%s</%scols>`, pfx(t.Name.Space), m.colXML(t.Name.Space), pfx(t.Name.Space))); err != nil {
						return err
					}
				}
			case "row":
				if r, err := strconv.Atoi(attr(t, "r")); err == nil {
					rowN = r
				} else {
					rowN++
				}
				colN = 0
				inFirst, firstRow = firstRow, false
				prefix = t.Name.Space
				marked, missing = map[string]bool{}, nil
				for _, p := range m.byRow[rowN] {
					if c, err := excelize.ColumnNameToNumber(p.Column); err == nil && !marked[p.Column] {
						marked[p.Column] = true
						missing = append(missing, c)
					}
				}
				slices.Sort(missing)
				if len(missing) > 0 && !write {
					m.styles[0] = -1 // of the cells added
				}
				extra = inFirst || len(m.byRow[rowN]) > 0
				if write && extra {
					// The row's spans would leave out the new cells.
					closed := out.selfClosing(start, end)
					if err := out.replace(start, end, startTag(t, "spans", "", false)); err != nil {
						return err
					}
					if closed {
						if err := out.write(m.emptyCells(prefix, rowN, &missing, m.width+1) + m.errorsCell(prefix, rowN, inFirst) + "</" + pfx(prefix) + "row>"); err != nil {
							return err
						}
						extra = false
					}
				}
			case "c":
				col := colN + 1
				if ref := attr(t, "r"); ref != "" {
					if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
						col = c
					}
				}
				colN = col
				m.width = max(m.width, col)
				if write && len(missing) > 0 && missing[0] <= col {
					// The bad cells the row lacks before this one.
					if err := out.upTo(start); err != nil {
						return err
					}
					if err := out.write(m.emptyCells(prefix, rowN, &missing, col)); err != nil {
						return err
					}
				}
				name, _ := excelize.ColumnNumberToName(col)
				if !marked[name] {
					break
				}
				if len(missing) > 0 && missing[0] == col {
					missing = missing[1:]
				}
				style, _ := strconv.Atoi(attr(t, "s"))
				if !write {
					m.styles[style] = -1
					break
				}
				if err := out.replace(start, end, startTag(t, "s", strconv.Itoa(m.styles[style]), out.selfClosing(start, end))); err != nil {
					return err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if write && extra && end > start {
					if err := out.upTo(start); err != nil {
						return err
					}
					if err := out.write(m.emptyCells(prefix, rowN, &missing, m.width+1) + m.errorsCell(prefix, rowN, inFirst)); err != nil {
						return err
					}
				}
				extra = false
			case "cols":
				if write && !colCovered && end > start {
					if err := out.upTo(start); err != nil {
						return err
					}
					if err := out.write(m.colXML(t.Name.Space)); err != nil {
						return err
					}
				}
			}
		}
		// What was read is written (to io.Discard on the first pass) and
		// dropped, so that the buffer holds no more than a token.
		if err := out.upTo(end); err != nil {
			return err
		}
	}
	return out.upTo(d.InputOffset())
}

func (m *marker) colXML(prefix string) string {
	k := m.width + 1
	return fmt.Sprintf(`<%scol min="%d" max="%d" width="60" customWidth="1"/>`, pfx(prefix), k, k)
}

// emptyCells are the red empty cells of the columns in missing before
// col, taken from it.
func (m *marker) emptyCells(prefix string, row int, missing *[]int, col int) string {
	var b strings.Builder
	for len(*missing) > 0 && (*missing)[0] < col {
		name, _ := excelize.ColumnNumberToName((*missing)[0])
		fmt.Fprintf(&b, `<%sc r="%s%d" s="%d"/>`, pfx(prefix), name, row, m.styles[0])
		*missing = (*missing)[1:]
	}
	return b.String()
}

// errorsCell is the cell of a row's errors, or the header's.
func (m *marker) errorsCell(prefix string, row int, header bool) string {
	text, style := messages(m.byRow[row]), ""
	if header {
		text, style = errorsHeader(m.byRow[row]), fmt.Sprintf(` s="%d"`, m.bold)
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(text))
	p := pfx(prefix)
	return fmt.Sprintf(`<%sc r="%s%d"%s t="inlineStr"><%sis><%st xml:space="preserve">%s</%st></%sis></%sc>`,
		p, m.errCol, row, style, p, p, b.String(), p, p, p)
}

// newStyles makes the red copies of the bad cells' styles and the header's
// bold style with excelize, on the workbook emptied of its rows (every
// sheet and the shared strings are empty parts), and returns the styles
// part that has them.
func (m *marker) newStyles(zr *zip.Reader) ([]byte, error) {
	var small bytes.Buffer
	zw := zip.NewWriter(&small)
	hasStyles := false
	for _, f := range zr.File {
		if f.Name == stylesPath {
			hasStyles = true
		}
		empty := ""
		switch {
		case strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml"):
			empty = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`
		case f.Name == "xl/sharedStrings.xml":
			empty = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`
		}
		if empty == "" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, empty); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if !hasStyles {
		return nil, errors.New("the workbook has no styles part")
	}
	f, err := excelize.OpenReader(bytes.NewReader(small.Bytes()))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for id := range m.styles {
		st, err := f.GetStyle(id)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
		if m.styles[id], err = f.NewStyle(st); err != nil {
			return nil, err
		}
	}
	if m.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	out, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	r, err := out.Open(stylesPath)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func pfx(space string) string {
	if space == "" {
		return ""
	}
	return space + ":"
}

// startTag writes t again with attribute name set to value (left out when
// value is empty).
func startTag(t xml.StartElement, name, value string, selfClosing bool) string {
	var b strings.Builder
	b.WriteString("<" + pfx(t.Name.Space) + t.Name.Local)
	set := false
	for _, a := range t.Attr {
		v := a.Value
		if a.Name.Space == "" && a.Name.Local == name {
			if set = true; value == "" {
				continue
			}
			v = value
		}
		b.WriteString(" " + pfx(a.Name.Space) + a.Name.Local + `="`)
		xml.EscapeText(&b, []byte(v))
		b.WriteString(`"`)
	}
	if !set && value != "" {
		b.WriteString(" " + name + `="` + value + `"`)
	}
	if selfClosing {
		b.WriteString("/>")
	} else {
		b.WriteString(">")
	}
	return b.String()
}

// teeReader keeps the bytes read from r that are not copied yet, so that
// the XML can be copied as it was, not as the decoder would write it again.
type teeReader struct {
	r    io.Reader
	buf  []byte
	base int64 // the offset of buf[0]
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// rawCopy writes the bytes of the source up to an offset, or in their
// place other text.
type rawCopy struct {
	w   io.Writer
	src *teeReader
}

func (c *rawCopy) upTo(off int64) error {
	n := int(off - c.src.base)
	if n <= 0 {
		return nil
	}
	if _, err := c.w.Write(c.src.buf[:n]); err != nil {
		return err
	}
	c.drop(n)
	return nil
}

func (c *rawCopy) drop(n int) {
	c.src.buf = c.src.buf[:copy(c.src.buf, c.src.buf[n:])]
	c.src.base += int64(n)
}

func (c *rawCopy) write(s string) error {
	_, err := io.WriteString(c.w, s)
	return err
}

// replace writes what comes before start, then s instead of the bytes from
// start to end.
func (c *rawCopy) replace(start, end int64, s string) error {
	if err := c.upTo(start); err != nil {
		return err
	}
	if err := c.write(s); err != nil {
		return err
	}
	c.drop(int(end - start))
	return nil
}

// selfClosing reports whether the tag from start to end, not copied yet,
// ends with "/>".
func (c *rawCopy) selfClosing(start, end int64) bool {
	i, j := int(start-c.src.base), int(end-c.src.base)
	if i < 0 || j > len(c.src.buf) || j-i < 2 {
		return false
	}
	return string(c.src.buf[j-2:j]) == "/>"
}
