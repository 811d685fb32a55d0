package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/server"
)

// A change saved while a large import holds the writer, and refused for
// it before the call's time runs out, is said so in Vietnamese: an import
// is running, nothing was saved, try again later.
func TestSaveBehindImportSaysWhy(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) { c.MaxCallDuration = 3 * time.Second })
	b := e.signIn(e.account("admin", ""))
	var file strings.Builder
	file.WriteString("Họ;Tên;Số CCCD\n")
	for i := range 20000 {
		fmt.Fprintf(&file, "Nguyễn;An;0010800%05d\n", i)
	}
	_, page := b.get("/imports")
	_, _, op := b.postImport(url.Values{"csrf": {csrfOf(page)}}, "x.csv", file.String())
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	read := regexp.MustCompile(`đã đọc (\d+)`)
	for {
		_, page = b.get(op)
		if !strings.Contains(page, `id="import-progress"`) {
			t.Fatalf("the import ended before a change was saved:\n%.2000s", page)
		}
		if m := read.FindStringSubmatch(page); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > 0 {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, body := b.get("/people/anh/edit")
	code, page := b.post("/people/anh/edit", url.Values{"csrf": {csrfOf(body)}, "etag": {etagOf(body)}, "civil_servant_code": {"CC-0042"}})
	if code == http.StatusSeeOther || !strings.Contains(html.UnescapeString(page), "Đang nhập một danh sách từ tệp") {
		t.Errorf("saving behind an import: HTTP %d\n%.3000s", code, page)
	}
	if p, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/anh"}); err != nil || p.CivilServantCode == "CC-0042" {
		t.Errorf("people/anh after the refused save: %v %v", p, err)
	}
}
