package console_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// An expert pool's search button is a button beside the boxes, not a
// block as tall as their labels and as wide as a column (at 1366 px it
// was 230 by 55 px, a dark slab under "Tìm" that read as a banner).
func TestBrowserPoolSearchButtonIsAButton(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.expertSetup()
	run(t, ctx, signInTasks(e.base+"/experts/hoi-y-hoc/thuy-san", e.account("admin", "")), chromedp.WaitVisible("#search"))
	dir := screenshotDir(t)
	for _, width := range []int64{1366, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(e.base+"/experts/hoi-y-hoc/thuy-san"),
			chromedp.WaitVisible("#search"), window(dir, fmt.Sprintf("33-pool-search-%d", width)))
		got := read(t, ctx, chromedp.Evaluate[string](`(() => {
  const b = document.querySelector("#search").getBoundingClientRect(), box = document.querySelector("#s-role").getBoundingClientRect();
  const out = [];
  if (b.height > box.height * 1.5) out.push("the button is " + Math.round(b.height) + " px tall beside a box of " + Math.round(box.height));
  if (b.width > 160) out.push("the button is " + Math.round(b.width) + " px wide");
  return out.join("; ");
})()`))
		if got != "" {
			t.Errorf("at %d px: %s", width, got)
		}
	}
}
