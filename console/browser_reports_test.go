package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/store"
)

// An officer of the Department of Home Affairs makes the yearly report
// through the form, follows it to its page, finds it listed, downloads its
// workbook, and has a date before anyone was registered refused next to
// the date's box.
func TestBrowserYearlyReport(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.registeredIn(2020)
	email := e.account("home_affairs", "")
	dir := screenshotDir(t)
	last := time.Now().In(store.Vietnam).Year() - 1
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("sign in and open the reports", func(t *testing.T) {
		run(t, ctx,
			signInTasks(e.base+"/people", email),
			chromedp.WaitVisible("#nav-reports"),
			chromedp.Click("#nav-reports"),
			chromedp.WaitVisible("#as_of"),
			shot(dir, "40-bao-cao-nam"),
		)
		if v := read(t, ctx, chromedp.Value("#as_of")); v != fmt.Sprintf("31/12/%d", last) {
			t.Errorf("the form's date is %q, want the last day of last year", v)
		}
	})

	step("make a report", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys("#report_id", "nam-ke-hoach"),
			chromedp.Click("#make-report"),
			// The operation's page reloads itself until the report is made.
			chromedp.WaitVisible("#table-1"),
			shot(dir, "41-bao-cao"),
		)
		if got := read(t, ctx, chromedp.Text("#report-as-of")); got != fmt.Sprintf("31/12/%d", last) {
			t.Errorf("the report is as on %q", got)
		}
		if got := read(t, ctx, chromedp.Text("#indicator-counts")); !strings.Contains(got, "Số giáo sư, phó giáo sư") {
			t.Errorf("the counted indicators: %q", got)
		}
	})

	step("see it listed and open it", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/reports"),
			chromedp.WaitVisible("#reports"),
		)
		row := read(t, ctx, chromedp.Text("#reports tbody tr"))
		for _, want := range []string{"nam-ke-hoach", fmt.Sprintf("31/12/%d", last), "Báo cáo năm về đội ngũ trí thức", email} {
			if !strings.Contains(row, want) {
				t.Errorf("the list's row %q lacks %q", row, want)
			}
		}
		run(t, ctx,
			chromedp.Click(`//a[text()="nam-ke-hoach"]`),
			chromedp.WaitVisible("#report-xlsx"),
		)
	})

	step("download the workbook", func(t *testing.T) {
		f, err := excelize.OpenReader(strings.NewReader(download(t, ctx, "#report-xlsx")))
		if err != nil {
			t.Fatalf("the download is not a workbook: %v", err)
		}
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), "|"); got != "Bảng 1|Bảng 2|Bảng 3|Chỉ tiêu" {
			t.Errorf("the workbook's sheets: %s", got)
		}
		if a, _ := f.GetCellValue("Bảng 1", "A2"); !strings.Contains(a, fmt.Sprintf("31/12/%d", last)) {
			t.Errorf("the workbook does not say its day: A2 %q", a)
		}
	})

	step("a date before anyone was registered", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/reports"),
			chromedp.WaitVisible("#as_of"),
			chromedp.SetValue("#as_of", "01/01/2010"),
			chromedp.Click("#make-report"),
			chromedp.WaitVisible("#err-as_of"),
			shot(dir, "42-bao-cao-ngay-sai"),
		)
		if msg := read(t, ctx, chromedp.Text("#err-as_of")); !strings.Contains(msg, "trước khi có người đầu tiên được đăng ký") || !strings.Contains(msg, "01/01/2020") {
			t.Errorf("the date's box says %q", msg)
		}
		if v := read(t, ctx, chromedp.Value("#as_of")); v != "01/01/2010" {
			t.Errorf("the box holds %q, not what was typed", v)
		}
	})
}
