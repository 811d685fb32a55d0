package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"trithuc.gov.vn/trithuc/store"
)

// The indicators' page chooses its day, as the statistics' page does: the
// yearly report sets this year's indicators beside last year's, and the
// page offered today's alone (as_of only by editing the address). A date
// that does not exist is refused next to its box.
func TestBrowserIndicatorsOnADay(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.registeredIn(2020)
	email := e.account("home_affairs", "")
	dir := screenshotDir(t)
	lastDay := fmt.Sprintf("31/12/%d", time.Now().In(store.Vietnam).Year()-1)
	run(t, ctx, signInTasks(e.base+"/stats/indicators", email), chromedp.WaitVisible("#indicators-table"))
	follow(t, ctx, chromedp.SetValue("#as_of", lastDay), chromedp.Click("#compute"))
	run(t, ctx, chromedp.WaitVisible("#indicators-table"), shot(dir, "63-chi-tieu-ngay"))
	if got := read(t, ctx, chromedp.Text("#indicators-as-of")); !strings.Contains(got, "Tính đến "+lastDay) {
		t.Errorf("the indicators are %q, want as on %s", got, lastDay)
	}
	// The number of professors is a count, apart from the shares, as in a
	// report: beside a denominator it read as a share ("0 | 16 | 0,0%").
	if got := read(t, ctx, chromedp.Text("#indicators-table")); strings.Contains(got, "Số giáo sư") {
		t.Errorf("the shares hold the professors' count: %q", got)
	}
	if got := read(t, ctx, chromedp.Text("#indicator-counts")); !strings.Contains(got, "Số giáo sư, phó giáo sư") {
		t.Errorf("the counts: %q", got)
	}
	follow(t, ctx, chromedp.SetValue("#as_of", "31/02/2025"), chromedp.Click("#compute"))
	run(t, ctx, chromedp.WaitVisible("#err-as_of"))
	if got := read(t, ctx, chromedp.Text("#err-as_of")); !strings.Contains(got, "không có ngày") {
		t.Errorf("31/02/2025 is refused with %q next to its box", got)
	}
	if v := read(t, ctx, chromedp.Value("#as_of")); v != "31/02/2025" {
		t.Errorf("the box holds %q after the refusal, want the date as typed", v)
	}
}
