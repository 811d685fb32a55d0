package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An error page's "back" link works under the console's strict
// Content-Security-Policy, which runs no script (a javascript: link did
// nothing); and a form sent after the session ended gets a page, not a
// line of plain text, that signs in again and returns to the form.
func TestBrowserErrorPagesLeadOn(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	email := e.account("registrar", "")
	run(t, ctx,
		signInTasks(e.base+"/people/anh", email),
		chromedp.WaitVisible("#person-name"),
	)
	follow(t, ctx, chromedp.Evaluate[chromedp.Void](`location.href = "/people/khong-co-ai"`))
	run(t, ctx, chromedp.WaitVisible("#error"))
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="javascript:"]').length`)); n != 0 {
		t.Errorf("the error page has %d javascript: links, which the page's policy never runs", n)
	}
	follow(t, ctx, chromedp.Click("#back"))
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/people/anh") {
		t.Errorf("back from the error page: at %s, want the profile", loc)
	}

	run(t, ctx,
		chromedp.Navigate(e.base+"/people/anh/edit"),
		chromedp.WaitVisible("#save"),
		chromedp.Clear("#f-given_name"),
		chromedp.SendKeys("#f-given_name", "Anh Thư"),
	)
	if err := e.db.RevokeSessions(context.Background(), email); err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, chromedp.Click("#save"))
	run(t, ctx, chromedp.WaitVisible("#error"))
	if msg := read(t, ctx, chromedp.Text("#error")); !strings.Contains(msg, "Phiên làm việc đã hết") {
		t.Errorf("a form sent after the session ended shows %q", msg)
	}
	follow(t, ctx, chromedp.Click("#signin-again"))
	run(t, ctx,
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", testPassword),
	)
	follow(t, ctx, chromedp.Click("#signin"))
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/people/anh/edit") {
		t.Errorf("signed in again: at %s, want the form", loc)
	}
}
