package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserKeyboardSkipsTheMenu: a keyboard's first Tab reaches a link,
// shown when it has the focus, that goes past the brand, the menu's
// entries and the sign-out to the page's content. Before, a keyboard or
// screen reader user went through up to twelve stops on every page.
func TestBrowserKeyboardSkipsTheMenu(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	run(t, ctx, signInTasks(e.base+"/people", e.account("admin", "")), chromedp.WaitVisible("#q"),
		chromedp.EmulateViewport(1024, 800),
		chromedp.Navigate(e.base+"/stats"),
		chromedp.WaitVisible("#d1"),
		chromedp.KeyEvent(kb.Tab),
	)
	got := read(t, ctx, chromedp.Evaluate[[]any](`(() => {
  const a = document.activeElement, r = a.getBoundingClientRect();
  return [a.id, a.textContent, r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight];
})()`))
	if got[0] != "skip" || got[2] != true {
		t.Fatalf("the first Tab reaches %v, want the link past the menu, in sight", got)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	if id := read(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); id != "main" {
		t.Errorf("the link past the menu left the focus on %q, want the page's content", id)
	}
	// The next Tab is in the content, not the menu.
	run(t, ctx, chromedp.KeyEvent(kb.Tab))
	if in := read(t, ctx, chromedp.Evaluate[bool](`!!document.activeElement.closest("main")`)); !in {
		t.Errorf("the Tab after the link goes to %s, outside the content", read(t, ctx, chromedp.Evaluate[string](`document.activeElement.outerHTML`)))
	}
}
