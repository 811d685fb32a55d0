package vimsg

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/transfer"
)

// bigCellWorkbook is a workbook whose cell B2 holds more text than any
// field takes.
func bigCellWorkbook(t *testing.T) []byte {
	t.Helper()
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	parts := map[string]string{
		"[Content_Types].xml":        head + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                head + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/_rels/workbook.xml.rels": head + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/workbook.xml":            head + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + transfer.PeopleSheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml": head + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ</t></is></c></row>` +
			`<row r="2"><c r="B2" t="inlineStr"><is><t>` + strings.Repeat("x", 70_000) + `</t></is></c></row></sheetData></worksheet>`,
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, body := range parts {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A file refused as a whole is said in Vietnamese, its parts too: the
// messages transfer.Open writes.
func TestFileRefusalsInVietnamese(t *testing.T) {
	for _, c := range []struct {
		name   string
		data   []byte
		format transfer.Format
		want   []string
	}{
		{"NotAWorkbook", []byte("not a zip"), transfer.XLSX, []string{"Không đọc được tệp: tệp không phải là tệp Excel XLSX", "“Excel Workbook (.xlsx)”"}},
		{"NotUTF8", []byte("H\xe4\n"), transfer.CSV, []string{"Không đọc được tệp: tệp CSV không phải là văn bản UTF-8"}},
		{"NeitherFormat", []byte("x"), transfer.FormatUnknown, []string{"hãy gửi một tệp Excel (XLSX) hoặc một tệp CSV"}},
		{"TooLongAText", bigCellWorkbook(t), transfer.XLSX, []string{"giải nén ra quá lớn: trang " + `"` + transfer.PeopleSheet + `"` + ", ô B2, chứa một đoạn văn bản dài hơn 64 KB", "hãy rút ngắn, hoặc mở tệp bằng Excel rồi lưu lại"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wb, err := transfer.Open(c.data, c.format)
			if err == nil {
				wb.Close()
				t.Fatal("opened")
			}
			vi, ok := Import(err.Error())
			if !ok {
				t.Fatalf("%q is not known", err)
			}
			for _, w := range c.want {
				if !strings.Contains(vi, w) {
					t.Errorf("%q\n → %q\nlacks %q", err, vi, w)
				}
			}
			for _, english := range []string{"unreadable", "workbook expands", "save it", "holds", "cell", "sheet", "send an"} {
				if strings.Contains(vi, english) {
					t.Errorf("%q\n → %q says %q", err, vi, english)
				}
			}
		})
	}
}
