package console_test

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/server"
)

// bigCSV is a file of the template's columns, of at least n bytes.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("Họ;Tên;Địa chỉ\n")
	for b.Len() < n {
		b.WriteString("Lê;Hà;" + strings.Repeat("Số 1 Lê Lợi, Rạch Giá. ", 80) + "\n")
	}
	return b.String()
}

// A file past the request limit (4 MiB) but within the import limit is
// imported in the console as over the API; one past the import limit, or
// a form past the request limit, is refused with a page in Vietnamese
// naming the limit, whether the browser sent the body's length or not.
func TestLargeUploads(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) { c.MaxImportBytes = 6 << 20 })
	b := e.signIn(e.account("admin", ""))

	code, body, op := b.uploadTo("lon.csv", bigCSV(5<<20))
	if code != http.StatusSeeOther || !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("a 5 MB file: HTTP %d to %q: %s", code, op, body)
	}

	refused := func(what string, code int, body, want string) {
		t.Helper()
		body = html.UnescapeString(body)
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, want) || strings.Contains(body, `"code"`) {
			t.Errorf("%s: HTTP %d, want 413 and %q:\n%.600s", what, code, want, body)
		}
	}
	want := "Không nhập được tệp: tệp lớn hơn 6 MB"
	code, body, _ = b.uploadTo("qua-lon.csv", bigCSV(7<<20))
	refused("a 7 MB file", code, body, want)

	// Sent without its length (chunked): cut as it is read.
	_, page := b.get("/imports")
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	w.WriteField("csrf", csrfOf(page))
	f, _ := w.CreateFormFile("file", "qua-lon.csv")
	f.Write([]byte(bigCSV(7 << 20)))
	w.Close()
	resp, err := b.http.Post(e.base+"/imports", w.FormDataContentType(), io.MultiReader(&form))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	refused("a 7 MB file without its length", resp.StatusCode, string(raw), want)

	// Any other form: the request limit.
	_, page = b.get("/people/anh/edit")
	code, body = b.post("/people/anh/edit", url.Values{"csrf": {csrfOf(page)}, "address": {strings.Repeat("a", 5<<20)}})
	refused("a 5 MB form", code, body, "Biểu mẫu gửi lên lớn hơn 4 MB nên chưa được gửi")
}

// The import form passes the gate of the API's import route before its
// file is read: a role that may not import is refused on a page in
// Vietnamese. (The gate is the API's, takeImportSlot: its places, one a
// principal, are tested in server/gate_test.go. A second file of one
// person while the first arrives was tested here too, but the console
// answers a stalled form early, so that case raced.)
func TestUploadGate(t *testing.T) {
	e := newEnv(t)
	ha := e.signIn(e.account("home_affairs", ""))
	code, body, _ := ha.uploadTo("x.csv", bigCSV(1<<20))
	if body = html.UnescapeString(body); code != http.StatusForbidden || strings.Contains(body, `"code"`) || strings.Contains(body, "permission") {
		t.Errorf("home affairs' upload: HTTP %d:\n%.600s", code, body)
	}
}
