package console_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// upload posts the import form with a file (none when name is "").
func (b *browser) upload(name, content string) (int, string) {
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
	return resp.StatusCode, string(raw)
}

// A wrong upload is refused on the form with what to do, and starts no
// import.
func TestImportRefusesBadFiles(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ name, file, content, want string }{
		{"no file", "", "", "Hãy chọn một tệp XLSX hoặc CSV"},
		{"not the template", "x.csv", "Tên gọi;Tuổi\nAn;40\n", "header row"},
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
