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
	"time"

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
// file is read: a role that may not import is refused, and so is a second
// file of one person while the first is arriving, each on a page in
// Vietnamese.
func TestUploadGate(t *testing.T) {
	e := newEnv(t)
	ha := e.signIn(e.account("home_affairs", ""))
	code, body, _ := ha.uploadTo("x.csv", bigCSV(1<<20))
	if body = html.UnescapeString(body); code != http.StatusForbidden || strings.Contains(body, `"code"`) || strings.Contains(body, "permission") {
		t.Errorf("home affairs' upload: HTTP %d:\n%.600s", code, body)
	}

	b := e.signIn(e.account("admin", ""))
	_, page := b.get("/imports")
	pr, pw := io.Pipe()
	first := make(chan int)
	go func() {
		resp, err := b.http.Post(e.base+"/imports", "multipart/form-data; boundary=x", pr)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	// The first file's form starts to arrive, and stalls.
	pw.Write([]byte("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrfOf(page) + "\r\n--x\r\n" +
		"Content-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\nHọ;Tên\r\n"))
	var second int
	for i := 0; i < 100; i++ {
		if second, body, _ = b.uploadTo("y.csv", "Họ;Tên\nLê;Hà\n"); second != http.StatusSeeOther {
			break
		}
		time.Sleep(20 * time.Millisecond) // the first has not reached the gate yet
	}
	if body = html.UnescapeString(body); second != http.StatusTooManyRequests || !strings.Contains(body, "Không nhập được tệp: ") {
		t.Errorf("a second file while the first arrives: HTTP %d:\n%.600s", second, body)
	}
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-first
}
