package console_test

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
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
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", csrfOf(page))
	w.WriteField("validate_only", "1")
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

// A wrong upload is refused on the form with what to do, and starts no
// import.
func TestImportRefusesBadFiles(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ name, file, content, want string }{
		{"no file", "", "", "Hãy chọn một tệp XLSX hoặc CSV"},
		{"not the template", "x.csv", "Tên gọi;Tuổi\nAn;40\n", "Dòng tiêu đề"},
		{"empty", "x.csv", "", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.upload(tc.file, tc.content)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="file"`) {
				t.Errorf("HTTP %d, want 422 with %q on the form:\n%s", code, tc.want, body)
			}
		})
	}
	if code, _ := b.get("/imports/nosuchop"); code != http.StatusNotFound {
		t.Errorf("an unknown import: HTTP %d, want 404", code)
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
		";Lê;Văn;NguyÔn;1970;\n" // TCVN3
	_, _, op := b.uploadTo("x.csv", file)
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	table := regexp.MustCompile(`(?s)<table class="list" id="import-problems">.*?</table>`).FindString(page)
	if table == "" {
		t.Fatalf("no problems table:\n%s", page)
	}
	for _, want := range []string{"đang ghi", "Giống người đã có", "bảng mã TCVN3"} {
		if !strings.Contains(html.UnescapeString(table), want) {
			t.Errorf("the problems lack %q:\n%s", want, table)
		}
	}
	for _, english := range []string{"registered", "resembles", "looks typed", "import it again"} {
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
