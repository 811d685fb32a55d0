package console_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/store"
)

// upload posts the import form with a file (none when name is "").
func (b *browser) upload(name, content string) (int, string) {
	b.t.Helper()
	code, body, _ := b.uploadTo(name, content)
	return code, body
}

// uploadTo is upload, with where the answer sends the browser.
func (b *browser) uploadTo(name, content string) (int, string, string) {
	b.t.Helper()
	_, page := b.get("/imports")
	return b.postImport(url.Values{"csrf": {csrfOf(page)}, "validate_only": {"1"}}, name, content)
}

// A wrong upload is refused on the form with what to do, in Vietnamese
// (the whole file's refusal, as the form's message and next to the file's
// box), and starts no import.
func TestImportRefusesBadFiles(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ name, file, content, want string }{
		{"no file", "", "", "Hãy chọn một tệp XLSX hoặc CSV"},
		{"not the template", "x.csv", "Tên gọi;Tuổi\nAn;40\n", "Dòng tiêu đề"},
		{"empty", "x.csv", "", "Không nhập được tệp: Tệp trống: dòng đầu tiên phải là dòng tiêu đề của mẫu."},
		{"not a workbook", "x.xlsx", "PK not a zip", "Không nhập được tệp: Không đọc được tệp: tệp không phải là tệp Excel XLSX"},
		{"not UTF-8", "x.csv", "H\xe4;T\xean\n", "Không đọc được tệp: tệp CSV không phải là văn bản UTF-8; hãy lưu lại tệp dưới dạng “CSV UTF-8”."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.upload(tc.file, tc.content)
			body = html.UnescapeString(body)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="file"`) {
				t.Errorf("HTTP %d, want 422 with %q on the form:\n%s", code, tc.want, body)
			}
			for _, english := range []string{"unreadable", "workbook", "save it", "empty", "the file"} {
				if strings.Contains(body, english) {
					t.Errorf("the refusal says %q in English:\n%s", english, body)
				}
			}
		})
	}
	if code, _ := b.get("/imports/nosuchop"); code != http.StatusNotFound {
		t.Errorf("an unknown import: HTTP %d, want 404", code)
	}
	if code, body := b.get("/imports/NOT-AN-ID"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Không xem được lần nhập") || strings.Contains(body, "operation") {
		t.Errorf("an import's page of a wrong address: HTTP %d:\n%s", code, body)
	}
}

// rawWorkbook is a workbook of one sheet, Người, of the rows given as
// sheetData's XML, as a tool other than Excel could write it.
func rawWorkbook(t *testing.T, rows string) []byte {
	t.Helper()
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	const rels = `http://schemas.openxmlformats.org/package/2006/relationships`
	parts := map[string]string{
		"[Content_Types].xml":        head + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                head + `<Relationships xmlns="` + rels + `"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/_rels/workbook.xml.rels": head + `<Relationships xmlns="` + rels + `"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/workbook.xml":            head + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Người" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml":   head + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`,
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, body := range parts {
		f, _ := w.Create(name)
		f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An import whose file turns out unreadable as it runs ends in
// Vietnamese on its page, as the transfer package said it in English.
func TestImportFailureInVietnamese(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	cell := func(ref, v string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + v + `</t></is></c>` }
	file := rawWorkbook(t, `<row r="1">`+cell("A1", "Họ")+cell("B1", "Tên")+`</row>`+
		`<row r="2">`+cell("A2", "Lê")+cell("B2", "Hà")+`</row>`+
		`<row r="1048577">`+cell("A1048577", "Võ")+`</row>`)
	_, _, op := b.uploadTo("x.xlsx", string(file))
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	failed := html.UnescapeString(regexp.MustCompile(`(?s)<p class="error" id="import-failed">(.*?)</p>`).FindStringSubmatch(page + `<p class="error" id="import-failed"></p>`)[1])
	want := `Không nhập được tệp: Không đọc được tệp: trang "Người", dòng 2: có một dòng nằm sau dòng 1.048.576, dòng cuối cùng của bảng tính`
	if !strings.HasPrefix(failed, want) || !strings.HasSuffix(failed, "Chưa nhập gì.") {
		t.Errorf("the import's end says %q, want %q…", failed, want)
	}
}

// The problems of an import are said in Vietnamese: a value that differs
// from the registered one, a row like a registered person, text typed in a
// legacy font. The API's English stays the API's.
func TestImportProblemsInVietnamese(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	file := "Mã hồ sơ;Họ;Tên đệm;Tên;Ngày sinh;Địa chỉ\n" +
		e.person.GetName() + ";Trần;Văn;Anh;08/03/1985;\n" + // a conflict on Họ
		";Nguyễn;Văn;Anh;08/03/1985;Số 1 Lê Lợi, Rạch Giá\n" + // like a registered person
		";Lê;Văn;NguyÔn;1970;\n" + // TCVN3
		";Võ;Văn;Bì\u202enh;1971;\n" // an invisible character
	_, _, op := b.uploadTo("x.csv", file)
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	table := regexp.MustCompile(`(?s)<table class="list stack" id="import-problems">.*?</table>`).FindString(page)
	if table == "" {
		t.Fatalf("no problems table:\n%s", page)
	}
	for _, want := range []string{"đang ghi", "Giống người đã có", "bảng mã TCVN3", "Có một ký tự ẩn không nhìn thấy được"} {
		if !strings.Contains(html.UnescapeString(table), want) {
			t.Errorf("the problems lack %q:\n%s", want, table)
		}
	}
	for _, english := range []string{"registered", "resembles", "looks typed", "import it again", "invisible"} {
		if strings.Contains(table, english) {
			t.Errorf("the problems say %q in English:\n%s", english, table)
		}
	}
}

// A statistics request the server refuses is said in Vietnamese, naming
// the page's field.
func TestStatisticsRefusalInVietnamese(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	_, page := b.get("/stats?d1=BOGUS")
	if !strings.Contains(page, "Chiều thống kê: hãy chọn ít nhất một chiều thống kê") || strings.Contains(page, "must contain") {
		t.Errorf("/stats?d1=BOGUS does not say in Vietnamese what to do:\n%s", page)
	}
}

// The import page's "tệp mẫu" is the template to fill in: a workbook whose
// people sheet has the columns an import reads.
func TestImportPageOffersTheTemplate(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	_, page := b.get("/imports")
	link := regexp.MustCompile(`href="([^"]+)" id="import-template"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("the import page has no link to the template it asks the file to follow")
	}
	code, body := b.get(link[1])
	if code != http.StatusOK {
		t.Fatalf("the template: HTTP %d", code)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the template is not a workbook: %v", err)
	}
	defer f.Close()
	if head, err := f.GetCellValue("Người", "B1"); err != nil || head != "Họ" {
		t.Errorf("the template's people sheet begins %q (%v), want the column Họ", head, err)
	}
}

// The import's page lists a row's problems in the order of its columns,
// as the clerk corrects the file, though they are found in another.
func TestImportProblemsInColumnOrder(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	_, _, op := b.uploadTo("x.csv", "Họ;Tên;Ngày sinh;Dân tộc;Số CCCD;Email\nLê;;31/02/1980;99;12345;not-an-email\n")
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	table := regexp.MustCompile(`(?s)<table class="list stack" id="import-problems">.*?</table>`).FindString(page)
	var cols []string
	for _, m := range regexp.MustCompile(`<td data-label="Dòng">2</td><td data-label="Cột">([A-Z]+) `).FindAllStringSubmatch(table, -1) {
		cols = append(cols, m[1])
	}
	if got := strings.Join(cols, ","); got != "B,C,D,E,F" {
		t.Errorf("row 2's problems are in columns %s, want B,C,D,E,F:\n%s", got, table)
	}
}

// postImport posts the import form with form's fields and a file (none
// when name is empty).
func (b *browser) postImport(form url.Values, name, content string) (int, string, string) {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if name != "" {
		f, _ := w.CreateFormFile("file", name)
		f.Write([]byte(content))
	}
	w.Close()
	resp, err := b.http.Post(b.e.base+"/imports", w.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header.Get("Location")
}

// The import form sent twice (a double click, a reload) imports the file
// once: it carries a request id made when the page was shown. Sent again
// with another file, it imports nothing and says why; the form shown then
// imports it.
func TestImportFormSentTwiceImportsOnce(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	imports := func() int {
		t.Helper()
		ops, err := e.db.ListOperations(context.Background(), "", 100, "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, op := range ops {
			if op.Kind == store.ImportOperationKind {
				n++
			}
		}
		return n
	}
	_, page := b.get("/imports")
	form := sentForm(t, page, url.Values{})
	var where []string
	for range 2 {
		code, _, to := b.postImport(form, "ds.csv", "Họ;Tên;Ngày sinh\nLê;Hà;1980\n")
		if code != http.StatusSeeOther || !strings.HasPrefix(to, "/imports/") {
			t.Fatalf("importing: HTTP %d to %q", code, to)
		}
		where = append(where, to)
	}
	if where[1] != where[0] || imports() != 1 {
		t.Errorf("the form sent twice went to %v and started %d imports, want one", where, imports())
	}

	code, body, _ := b.postImport(form, "ds.csv", "Họ;Tên;Ngày sinh\nVõ;Em;1981\n")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "đã được lưu một lần") || imports() != 1 {
		t.Fatalf("the sent form sent again with another file: HTTP %d, %d imports; want 422 saying it was sent", code, imports())
	}
	again := sentForm(t, body, url.Values{})
	if again.Get("request_id") == form.Get("request_id") {
		t.Fatal("the form shown again keeps the used request_id")
	}
	if code, _, to := b.postImport(again, "ds.csv", "Họ;Tên;Ngày sinh\nVõ;Em;1981\n"); code != http.StatusSeeOther || to == where[0] || imports() != 2 {
		t.Fatalf("sending the form shown again: HTTP %d to %q, %d imports", code, to, imports())
	}
}
