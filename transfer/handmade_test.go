package transfer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// handmade is a workbook as a tool other than Excel writes one: inline
// strings, no theme, the styles part styles ("" for none), and sheetData
// rows. The header row has the template's first columns and row 2 a bad
// birth date, unless rows says otherwise.
type handmade struct {
	styles string
	rows   string // the sheet's rows after the header; "" for the bad date
	sst    string // a sharedStrings part, or ""
}

const handmadeHeader = `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ</t></is></c><c r="B1" t="inlineStr"><is><t>Tên đệm</t></is></c><c r="C1" t="inlineStr"><is><t>Tên</t></is></c><c r="D1" t="inlineStr"><is><t>Giới tính</t></is></c><c r="E1" t="inlineStr"><is><t>Ngày sinh</t></is></c></row>`

func inlineRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		col, _ := excelize.ColumnNumberToName(i + 1)
		fmt.Fprintf(&b, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, col, n, c)
	}
	return b.String() + "</row>"
}

func (h handmade) bytes(t testing.TB) []byte {
	t.Helper()
	rows := h.rows
	if rows == "" {
		rows = inlineRow(2, "Trần", "Văn", "Bình", "Nam", "99/99/1980")
	}
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	parts := map[string]string{
		"_rels/.rels":     `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + PeopleSheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			handmadeHeader + rows + `</sheetData></worksheet>`,
	}
	if h.styles != "" {
		ct += `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
		parts["xl/styles.xml"] = h.styles
	}
	if h.sst != "" {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
		parts["xl/sharedStrings.xml"] = h.sst
	}
	parts["[Content_Types].xml"] = ct + `</Types>`
	parts["xl/_rels/workbook.xml.rels"] = rels + `</Relationships>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml"} {
		text, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The style sheets a hand-made workbook may have, by what they lack.
var handmadeStyles = map[string]string{
	"NoStylesPart":        "",
	"EmptyStyleSheet":     `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`,
	"OnlyCellXfs":         `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>`,
	"XfsNameMissingFonts": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="1"><xf numFmtId="99999" fontId="77" fillId="88" borderId="99"/></cellXfs></styleSheet>`,
	"Complete":            `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="1"><xf/></cellXfs></styleSheet>`,
}

// A workbook whose styles part is missing or cannot take new styles gets a
// report all the same, from MarkWorkbook and from Report: the errors
// column, and the bad cell filled red.
func TestReportOfWorkbookWithoutUsableStyles(t *testing.T) {
	problems := []Problem{{Row: 2, Column: "E", Message: "E (Ngày sinh): 99/99/1980 is not a date"}}
	for name, styles := range handmadeStyles {
		data := handmade{styles: styles}.bytes(t)
		for _, mk := range []struct {
			how string
			fn  func() ([]byte, error)
		}{
			{"MarkWorkbook", func() ([]byte, error) { return MarkWorkbook(data, PeopleSheet, problems) }},
			{"Report", func() ([]byte, error) { return Report(data, XLSX, PeopleSheet, problems) }},
		} {
			t.Run(name+"/"+mk.how, func(t *testing.T) {
				out, err := mk.fn()
				if err != nil {
					t.Fatal(err)
				}
				f, err := excelize.OpenReader(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if v, _ := f.GetCellValue(PeopleSheet, "F2"); !strings.Contains(v, "not a date") {
					t.Errorf("the errors cell reads %q", v)
				}
				id, err := f.GetCellStyle(PeopleSheet, "E2")
				if err != nil {
					t.Fatal(err)
				}
				if fill := fillOf(t, out, id); !strings.HasSuffix(fill, "FFC7CE") {
					t.Errorf("the bad cell's fill is %q; want it red", fill)
				}
				zr, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
				var ct, rels string
				for _, zf := range zr.File {
					b, _ := readPart(zf, 1<<20)
					switch zf.Name {
					case "[Content_Types].xml":
						ct = string(b)
					case "xl/_rels/workbook.xml.rels":
						rels = string(b)
					}
				}
				if !strings.Contains(ct, "/xl/styles.xml") || !strings.Contains(rels, stylesRelType) {
					t.Errorf("the styles part is not declared: %s\n%s", ct, rels)
				}
			})
		}
	}
}

// fillOf is the colour of the fill of cell format id in the workbook's
// styles part, read as Excel reads it: the first two fills are reserved
// (none and gray125), whatever the part has there.
func fillOf(t *testing.T, data []byte, id int) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name != stylesPath {
			continue
		}
		b, err := readPart(zf, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var ss struct {
			Fills []struct {
				Fg struct {
					RGB string `xml:"rgb,attr"`
				} `xml:"patternFill>fgColor"`
			} `xml:"fills>fill"`
			Xfs []struct {
				Fill int `xml:"fillId,attr"`
			} `xml:"cellXfs>xf"`
		}
		if err := xml.Unmarshal(b, &ss); err != nil {
			t.Fatal(err)
		}
		if id >= len(ss.Xfs) || ss.Xfs[id].Fill < 2 || ss.Xfs[id].Fill >= len(ss.Fills) {
			return ""
		}
		return ss.Fills[ss.Xfs[id].Fill].Fg.RGB
	}
	return ""
}

// Reading a workbook never panics, and a sheet it cannot read is an
// ErrUnreadable (the sender's mistake), whatever the parts say. The seeds
// are the shapes tools other than Excel write: no styles, cells past the
// last column, rows past the last row, shared strings.
func FuzzXLSXRows(f *testing.F) {
	for _, h := range []handmade{
		{},
		{styles: handmadeStyles["EmptyStyleSheet"]},
		{styles: handmadeStyles["XfsNameMissingFonts"]},
		{rows: inlineRow(2, "Trần") + `<row r="3"><c r="ZZZZZ3" t="inlineStr"><is><t>x</t></is></c></row>`},
		{rows: `<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>`},
		{rows: `<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>99</v></c></row>`, sst: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si><si/></sst>`},
		// The markup a text may hide in (checkExpansion measures it).
		{rows: `<row r="2"><c r="A2" t="inlineStr"><is><r><t><![CDATA[<a>]]></t></r><r><t xml:space='preserve'>b&gt;</t></r></is></c><!-- c> --><?pi x?></row>`},
		{rows: `<row r="2"><c r="A2" t="inlineStr"><is><t>` + strings.Repeat("x", 70<<10) + `</t></is></c></row>`},
		{rows: `<!DOCTYPE x [<!ENTITY a "b">]><row r="2"><c r="A2" t="inlineStr"><is><t>&a;</t></is></c></row>`},
		{rows: `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, sst: `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t><![CDATA[a]]]]><![CDATA[>]]></x:t></x:si></x:sst>`},
	} {
		f.Add(h.bytes(f))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := Open(data, XLSX)
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("Open: %v is not ErrUnreadable", err)
			}
			return
		}
		defer wb.Close()
		rows, err := wb.Rows(PeopleSheet)
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
		}
		if err := rows.Err(); err != nil && !errors.Is(err, ErrUnreadable) {
			t.Fatalf("reading: %v is not ErrUnreadable", err)
		}
	})
}
