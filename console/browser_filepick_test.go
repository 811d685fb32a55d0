package console_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// pickerState says, for each file box of the page, what of the browser's
// own words a person sees: its button ("Choose File" in an English
// Chromium) and, before a file is chosen, its "No file chosen"; and
// whether a label in Vietnamese, on the screen, opens it.
const pickerState = `(() => {
  const out = [];
  for (const el of document.querySelectorAll("input[type=file]")) {
    const r = el.getBoundingClientRect(), shown = r.width > 1 && r.height > 1;
    if (shown && getComputedStyle(el, "::file-selector-button").display !== "none")
      out.push(el.id + ": the browser's own button shows");
    if (shown && el.files.length === 0)
      out.push(el.id + ": the browser's own words for no file show");
    const button = [...el.labels].find(l => /Chọn tệp/.test(l.textContent) && l.getBoundingClientRect().width > 1);
    if (!button) out.push(el.id + ": no label on the screen says Chọn tệp");
    const none = document.querySelector("#file-none");
    if (el.files.length > 0 && !shown) out.push(el.id + ": the chosen file's name is out of sight");
    if (el.files.length > 0 && none && none.getBoundingClientRect().width > 0) out.push(el.id + ": a file is chosen, and the page says none is");
    if (el.files.length === 0 && !(none && none.getBoundingClientRect().width > 0)) out.push(el.id + ": nothing says no file is chosen");
  }
  return out;
})()`

// The import's file box in a Chromium set up in English, at a screen's
// width and a phone's: its button and its words are Vietnamese, before a
// file is chosen and after, and the chosen file's name shows. Before, the
// box was the browser's own, "Choose File" and "No file chosen" in the
// middle of a Vietnamese form (the pages run no script, so the box cannot
// be relabelled; its own parts are now out of sight behind a label).
func TestBrowserFilePickerSpeaksVietnamese(t *testing.T) {
	ctx := englishTab(t)
	e := newEnv(t)
	dir := screenshotDir(t)
	csv := filepath.Join(t.TempDir(), "danh-sach.csv")
	if err := os.WriteFile(csv, []byte("Họ;Tên;Ngày sinh\nVõ;Sáu;15/03/1980\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, signInTasks(e.base+"/imports", e.account("admin", "")), chromedp.WaitReady("#file"))
	for _, width := range []int64{1366, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(e.base+"/imports"), chromedp.WaitReady("#file"),
			window(dir, fmt.Sprintf("35-chon-tep-%d", width)))
		for _, s := range read(t, ctx, chromedp.Evaluate[[]string](pickerState)) {
			t.Errorf("at %d px, no file chosen: %s", width, s)
		}
		run(t, ctx, chromedp.SetUploadFiles("#file", []string{csv}),
			window(dir, fmt.Sprintf("35-da-chon-tep-%d", width)))
		for _, s := range read(t, ctx, chromedp.Evaluate[[]string](pickerState)) {
			t.Errorf("at %d px, a file chosen: %s", width, s)
		}
	}
}

// An import's dry run at 390 px: its problems one a box, none of their
// cells past the screen's edge. Before, the problems' six columns
// scrolled sideways in their box, the message and the person out of
// sight.
func TestBrowserImportProblemsReadOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bad := filepath.Join(t.TempDir(), "danh-sach.csv")
	if err := os.WriteFile(bad, []byte("Họ;Tên;Ngày sinh;Số CCCD\nVõ;Sáu;15/03/1980;001080000001\nTrần;Bình;32/01/1980;\nLê;Cúc;01/01/1990;079085001234\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/imports", e.account("admin", "")), chromedp.WaitReady("#file"),
		chromedp.SetUploadFiles("#file", []string{bad}))
	follow(t, ctx, chromedp.Click("#upload"))
	run(t, ctx, chromedp.WaitVisible("#import-problems"), window(screenshotDir(t), "35-nhap-tep-loi-390"))
	readsOnAPhone(t, ctx, "import's problems")
}
