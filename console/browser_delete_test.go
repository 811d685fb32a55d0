package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A qualification entered by mistake is deleted from its edit page, once
// the box confirming it is ticked; without it the console refuses the
// form, on the same page, beside the box (the browser leaves the check
// to it: its own popup would be in its own language).
func TestBrowserDeletesAQualification(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	email := e.account("registrar", "")
	edit := "/" + e.qual.GetName() + "/edit"

	b := e.signIn(email)
	_, body := b.get(edit)
	if code, body := b.post("/"+e.qual.GetName()+"/delete", url.Values{"csrf": {csrfOf(body)}, "etag": {e.qual.GetEtag()}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Xoá hẳn mục này") {
		t.Errorf("a deletion not confirmed: HTTP %d, want 422 asking to tick the box", code)
	}
	if _, err := e.admin.People.GetQualification(context.Background(), &pb.GetQualificationRequest{Name: e.qual.GetName()}); err != nil {
		t.Fatalf("the qualification is gone after a deletion not confirmed: %v", err)
	}

	run(t, ctx, signInTasks(e.base+edit, email), chromedp.WaitVisible("#delete"))
	// Not ticked: the page again, the box marked.
	follow(t, ctx, chromedp.Click("#delete"))
	run(t, ctx, chromedp.WaitVisible("#err-confirm-delete"), chromedp.Click("#confirm-delete"))
	follow(t, ctx, chromedp.Click("#delete"))
	run(t, ctx, chromedp.WaitVisible(".flash"))
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/people/anh?ok=qualification-deleted") {
		t.Errorf("after the deletion the browser is at %s, want the profile", loc)
	}
	if flash := read(t, ctx, chromedp.Text(".flash")); flash != "Đã xoá trình độ." {
		t.Errorf("the profile says %q", flash)
	}
	if _, err := e.admin.People.GetQualification(context.Background(), &pb.GetQualificationRequest{Name: e.qual.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("the deleted qualification: %v, want NOT_FOUND", err)
	}
}
