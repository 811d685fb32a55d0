package console_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserHeaderShowsTheWholeName signs in as an admin (the longest
// menu) with a long name and email and loads a page from a phone's width
// to a wide screen's: the signed-in name is never cut short (at 1024 px it
// was, to "Nguyễn Thị…"), and the page does not scroll sideways for it.
func TestBrowserHeaderShowsTheWholeName(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	const name = "Nguyễn Thị Thanh Hương Quản Trị"
	email := "nguyen.thi.thanh.huong.quan.tri@sonoivu.angiang.gov.vn"
	_, token, err := e.db.CreateAccount(context.Background(), email, name, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(context.Background(), token, testPassword); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, signInTasks(e.base+"/people", email), chromedp.WaitVisible("#q"))
	dir := screenshotDir(t)
	for _, width := range []int64{390, 1024, 1280, 1366, 1920} {
		run(t, ctx,
			chromedp.EmulateViewport(width, 800),
			chromedp.Navigate(e.base+"/people"),
			chromedp.WaitVisible("#q"),
			window(dir, fmt.Sprintf("31-ten-%d", width)),
		)
		// Every box that holds the whole name shows it whole: none
		// clips it, and it lies inside the window.
		faults := read(t, ctx, chromedp.Evaluate[[]string](`(() => {
  const name = `+"`"+name+"`"+`, out = [];
  const who = document.querySelector("#who");
  for (const el of [who, ...who.querySelectorAll("*")]) {
    if (!el.textContent.includes(name)) continue;
    if (el.scrollWidth > el.clientWidth) out.push((el.id || el.className) + " shows " + el.clientWidth + " of the name's " + el.scrollWidth + " px");
  }
  const r = document.createRange();
  const text = [...who.querySelectorAll("*"), who].flatMap(el => [...el.childNodes]).find(n => n.nodeType === 3 && n.textContent.includes(name));
  if (!text) return ["the header does not hold the name as one text"];
  r.selectNodeContents(text);
  const b = r.getBoundingClientRect();
  if (b.left < 0 || b.right > innerWidth) out.push("the name runs from " + Math.round(b.left) + " to " + Math.round(b.right) + " px, outside the window");
  if (document.documentElement.scrollWidth > innerWidth) out.push("the page is " + document.documentElement.scrollWidth + " px wide");
  return out;
})()`))
		for _, f := range faults {
			t.Errorf("at %d px: %s", width, f)
		}
		if got := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("#who").title`)); got != name+" ("+email+")" {
			t.Errorf("at %d px: the name's title is %q", width, got)
		}
	}
}

// The signed-in email under the name is whole on the screens staff use
// (1280 to 1920 px), not cut short with its whole only in the tooltip
// (at 1366 px it was, to "nguyen.thi.thanh…"); on a phone and at 1024 px
// it wraps rather than widen the page.
func TestBrowserHeaderShowsTheWholeEmail(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	email := "nguyen.thi.thanh.huong.quan.tri@sonoivu.angiang.gov.vn"
	_, token, err := e.db.CreateAccount(context.Background(), email, "Nguyễn Thị Thanh Hương", "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(context.Background(), token, testPassword); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, signInTasks(e.base+"/people", email), chromedp.WaitVisible("#q"))
	dir := screenshotDir(t)
	for _, width := range []int64{390, 1024, 1280, 1366, 1440, 1920} {
		run(t, ctx,
			chromedp.EmulateViewport(width, 800),
			chromedp.Navigate(e.base+"/people"),
			chromedp.WaitVisible("#q"),
			window(dir, fmt.Sprintf("32-email-%d", width)),
		)
		faults := read(t, ctx, chromedp.Evaluate[[]string](`(() => {
  const out = [], el = document.querySelector("#who .who-email");
  if (!el.textContent.includes(`+"`"+email+"`"+`)) return ["the header does not hold the email"];
  if (el.scrollWidth > el.clientWidth) out.push("the email's box shows " + el.clientWidth + " of its " + el.scrollWidth + " px");
  const r = document.createRange();
  r.selectNodeContents(el);
  for (const b of r.getClientRects()) {
    if (b.left < 0 || b.right > innerWidth) out.push("the email runs from " + Math.round(b.left) + " to " + Math.round(b.right) + " px, outside the window");
  }
  if (document.documentElement.scrollWidth > innerWidth) out.push("the page is " + document.documentElement.scrollWidth + " px wide");
  return out;
})()`))
		for _, f := range faults {
			t.Errorf("at %d px: %s", width, f)
		}
	}
}
