package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// One headless Chromium serves every browser test of the package (starting
// it is the slow part); each test opens its own tab.
var allocCtx context.Context

func TestMain(m *testing.M) {
	code := func() int {
		path := chromium()
		if path == "" {
			return m.Run()
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 900))
		if os.Geteuid() == 0 {
			// Chromium refuses to start its sandbox as root (CI, containers).
			opts = append(opts, chromedp.NoSandbox)
		}
		ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		defer cancel()
		allocCtx = ctx
		return m.Run()
	}()
	os.Exit(code)
}

func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab opens a browser tab for a test. Without Chromium it skips the test,
// and fails it in CI, where .ci/run installs it: a missing browser must not
// pass silently there. The tab logs every response that is an error, so
// that a failing step shows what the browser got beside the server's log.
func tab(t *testing.T) context.Context {
	t.Helper()
	if allocCtx == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium (chromium) on PATH: the console's browser tests need it; .ci/run installs it with apt-get install chromium")
		}
		t.Skip("no Chromium on PATH: install it (apt-get install chromium) to run the console's browser tests")
	}
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Response.Status >= 400 && !strings.HasSuffix(r.Response.URL, "/favicon.ico") {
			t.Logf("browser: HTTP %d for %s", r.Response.Status, r.Response.URL)
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// screenshots is the folder the browser tests write their screenshots to:
// $TRITHUC_SCREENSHOTS, or trithuc-console-screenshots in the temporary
// directory, so that people can look at the pages after a run.
func screenshots(t *testing.T) string {
	t.Helper()
	dir := screenshotDir(t)
	// A run's shots replace the last run's; nothing else there is touched.
	old, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9]-*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

// screenshotDir is the folder of the screenshots, made when missing.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TRITHUC_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "trithuc-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type action = chromedp.Action[chromedp.Void]

// shot saves the whole page as dir/name.png.
func shot(dir, name string) action {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	})
}

// stepTimeout bounds one step of the flow, so that a page that never comes
// fails the step with its name instead of the whole test's deadline.
const stepTimeout = 30 * time.Second

// signInTasks opens url, whose sign-in page it is sent to, and signs in
// as email with the test password; the console sends it back to url.
func signInTasks(url, email string) action {
	steps := []action{
		chromedp.Navigate(url),
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
	}
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, step := range steps {
			if _, err := step(ctx, tg); err != nil {
				return err
			}
		}
		return nil
	})
}

func run(t *testing.T, tabCtx context.Context, actions ...action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tabCtx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		failStep(t, tabCtx, err)
	}
}

// follow runs actions that load another page (a form's submit) and waits
// for that page: a wait that started before the old page went could hold
// on to the old page's elements and never see the new ones (it timed out
// under a loaded machine with the results on the screen).
func follow(t *testing.T, tabCtx context.Context, actions ...action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tabCtx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, actions...); err != nil {
		failStep(t, tabCtx, err)
	}
}

// failStep fails the test with err and what the page showed.
func failStep(t *testing.T, tabCtx context.Context, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tabCtx, stepTimeout)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	msg, _ := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[string](`(document.querySelector("#error") || {}).textContent || ""`))
	// What the page showed, to tell a page that never came from one
	// that came without what the step waited for.
	text, _ := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[string](`(document.querySelector("main") || document.body || {}).innerText || ""`))
	if len(text) > 600 {
		text = text[:600]
	}
	t.Fatalf("%v (the page is %s; its error: %q; it shows: %q)", err, loc, msg, text)
}

// read returns what a value action gives.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// download clicks sel and returns the content of the file the browser
// downloads.
func download(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	// Subscribed before the click, so that no event is missed.
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(sel)); err != nil {
		t.Fatal(err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			// AllowAndName names the file by the download's GUID.
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		case cdpbrowser.DownloadProgressStateCanceled:
			t.Fatal("the browser canceled the download")
		}
	}
	t.Fatal(fmt.Sprintf("no download from %s", sel))
	return ""
}

func ptr[T any](v T) *T { return &v }
