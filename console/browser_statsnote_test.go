package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// A statistics answer without rows says why on the page: the table by
// level, kind of organization and employment of the whole registry, whose
// rows no suppression can publish, read
// "Tổng số: 300" over an empty table, which an officer takes for a fault;
// a day before anyone was listed, a choice of a few people, and a yearly
// report's table likewise.
func TestBrowserStatisticsSayWhyNoRows(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	if err := synth.Load(context.Background(), e.db, 1, 300); err != nil {
		t.Fatal(err)
	}
	email := e.account("home_affairs", "")
	dir := screenshotDir(t)
	run(t, ctx, signInTasks(e.base+"/stats", email), chromedp.WaitVisible("#d1"))
	for _, tc := range []struct {
		name, query, want string
	}{
		{"by level, kind and employment", "d1=HIGHEST_QUALIFICATION_LEVEL&d2=ORGANIZATION_KIND&d3=EMPLOYMENT_TYPE", "Chỉ công bố tổng số"},
		{"before anyone", "d1=GENDER&as_of=01/01/2001", "Không có ai được đếm"},
		{"a few", "d1=GENDER&level=THAC_SI&work=ABROAD", "Không công bố số liệu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			follow(t, ctx, chromedp.Navigate(e.base+"/stats?"+tc.query))
			run(t, ctx, chromedp.WaitVisible("#stats-table"), shot(dir, "60-thong-ke-khong-dong-"+strings.ReplaceAll(tc.name, " ", "-")))
			if rows := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("#stats-table tbody").textContent`)); strings.TrimSpace(rows) != "" {
				t.Fatalf("the data no longer gives an answer without rows: %q", rows)
			}
			note := read(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#stats-note")||{}).textContent||""`))
			if !strings.Contains(note, tc.want) {
				t.Errorf("the page says %q under the empty table, want %q", note, tc.want)
			}
			if read(t, ctx, chromedp.Evaluate[bool](`document.querySelector("svg.chart") !== null`)) {
				t.Errorf("the page draws an empty chart")
			}
		})
	}
	// The yearly report's first table, by level, field and unit, is such a
	// table too on a registry of a dozen people, where every count is
	// small (300 people give it rows since three-way answers are audited).
	t.Run("report", func(t *testing.T) {
		few := newEnv(t)
		if err := synth.Load(context.Background(), few.db, 1, 12); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, signInTasks(few.base+"/reports", few.account("home_affairs", "")), chromedp.WaitVisible("#as_of"))
		run(t, ctx,
			chromedp.SetValue("#as_of", time.Now().In(store.Vietnam).Format("02/01/2006")),
			chromedp.Click("#make-report"),
			chromedp.WaitVisible("#table-1"),
			shot(dir, "61-bao-cao-bang-khong-dong"),
		)
		if rows := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("#table-1 tbody").textContent`)); strings.TrimSpace(rows) != "" {
			t.Fatalf("the data no longer gives a report table without rows: %q", rows)
		}
		if note := read(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#note-1")||{}).textContent||""`)); !strings.Contains(note, "Chỉ công bố tổng số") {
			t.Errorf("the report says %q under its empty first table", note)
		}
	})
}
