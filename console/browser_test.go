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
	"github.com/chromedp/chromedp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc/proto/trithuc/v1"
)

// One headless Chromium serves every browser test of the package; each
// test opens its own tab (and so its own cookies' jar is shared: tests
// sign in themselves).
var allocCtx context.Context

func TestMain(m *testing.M) {
	code := func() int {
		path := chromium()
		if path == "" {
			return m.Run()
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 900))
		if os.Geteuid() == 0 {
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

// needBrowser skips a browser test without Chromium, and fails it in CI,
// where .ci/run installs it: a missing browser must not pass silently there.
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	if allocCtx == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium (chromium) on PATH: the console's browser tests need it; .ci/run installs it with apt-get install chromium")
		}
		t.Skip("no Chromium on PATH: install it (apt-get install chromium) to run the console's browser tests")
	}
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel2)
	return ctx
}

// screenshots is the folder the browser tests write their screenshots to:
// $TRITHUC_SCREENSHOTS, or trithuc-console-screenshots in the temporary
// directory.
func screenshots(t *testing.T) string {
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

func shot(t *testing.T, dir, name string) action {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.FullScreenshot(90)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".jpg"), buf, 0o644)
	})
}

func run(t *testing.T, ctx context.Context, step string, actions ...action) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// read returns what a value action gives.
func read(t *testing.T, ctx context.Context, a chromedp.Action[string]) string {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserEndToEnd(t *testing.T) {
	ctx := needBrowser(t)
	e := newEnv(t)
	email := e.account("admin", "")
	dir := screenshots(t)
	t.Logf("screenshots in %s", dir)

	run(t, ctx, "sign in",
		chromedp.Navigate(e.base+"/people"),
		chromedp.WaitVisible("#email"),
		shot(t, dir, "01-dang-nhap"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
		chromedp.WaitVisible("#q"),
	)

	run(t, ctx, "search without accents",
		chromedp.SendKeys("#q", "nguyen van anh"),
		chromedp.Click("#search"),
		chromedp.WaitVisible("#results tbody a"),
		shot(t, dir, "02-tim-kiem"),
	)
	names := read(t, ctx, chromedp.Text("#results tbody"))
	if !strings.Contains(names, "Nguyễn Văn Anh") {
		t.Fatalf("search found %q", names)
	}
	run(t, ctx, "open the profile",
		chromedp.Click(`//a[text()="Nguyễn Văn Anh"]`),
		chromedp.WaitVisible("#person-name"),
		shot(t, dir, "03-ho-so"),
	)

	run(t, ctx, "edit a qualification",
		chromedp.Click(".edit-qualification"),
		chromedp.WaitVisible("#f-major"),
		chromedp.SetValue("#f-major", "Kinh tế phát triển"),
		shot(t, dir, "04-sua-trinh-do"),
		chromedp.Click("#save"),
		chromedp.WaitVisible("#person-name"),
	)
	qualifications := read(t, ctx, chromedp.Text("#qualifications"))
	if !strings.Contains(qualifications, "Kinh tế phát triển") {
		t.Fatalf("the profile shows %q after the edit", qualifications)
	}

	run(t, ctx, "lose an edit to a concurrent change",
		chromedp.Click(".edit-qualification"),
		chromedp.WaitVisible("#f-major"),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			// Someone else saves first.
			_, err := e.admin.People.UpdateQualification(context.Background(), &pb.UpdateQualificationRequest{
				Qualification: &pb.Qualification{Name: e.qual.Name, Institution: "Đại học Kinh tế TP.HCM"},
				UpdateMask:    &fieldmaskpb.FieldMask{Paths: []string{"institution"}}})
			return err
		}),
		chromedp.SetValue("#f-major", "Quản trị kinh doanh"),
		chromedp.Click("#save"),
		chromedp.WaitVisible("#error"),
		shot(t, dir, "05-xung-dot"),
	)
	message, major := read(t, ctx, chromedp.Text("#error")), read(t, ctx, chromedp.Value("#f-institution"))
	if !strings.Contains(message, "người khác sửa") || major != "Đại học Kinh tế TP.HCM" {
		t.Fatalf("after a concurrent change: message %q, institution %q", message, major)
	}

	run(t, ctx, "register and approve a member",
		chromedp.Navigate(e.base+"/members/hoi-y-hoc/register"),
		chromedp.WaitVisible("#f-given_name"),
		chromedp.SendKeys("#f-family_name", "Phạm"),
		chromedp.SendKeys("#f-middle_name", "Minh"),
		chromedp.SendKeys("#f-given_name", "Châu"),
		chromedp.SendKeys("#f-birth_date", "12/05/1988"),
		chromedp.SendKeys("#f-email", "chau.pham@example.vn"),
		chromedp.Click("#consent"),
		shot(t, dir, "06-dang-ky-hoi-vien"),
		chromedp.Click("#save"),
		chromedp.WaitVisible("#approve"),
		shot(t, dir, "07-duyet-hoi-vien"),
		chromedp.Click("#approve"),
		chromedp.WaitVisible("#member-number"),
		shot(t, dir, "08-da-duyet"),
	)
	number := read(t, ctx, chromedp.Text("#member-number"))
	if strings.TrimSpace(number) == "" {
		t.Fatal("approved without a member number")
	}

	downloads := t.TempDir()
	run(t, ctx, "compute statistics and download the CSV",
		chromedp.Navigate(e.base+"/stats"),
		chromedp.WaitVisible("#d1"),
		chromedp.SetValue("#d1", "GENDER"),
		chromedp.Click("#compute"),
		chromedp.WaitVisible("#stats-table"),
		shot(t, dir, "09-thong-ke"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads})
			return err
		}),
		chromedp.Click("#csv"),
	)
	table := read(t, ctx, chromedp.Text("#stats-table"))
	if !strings.Contains(table, "Giới tính") {
		t.Errorf("statistics table: %q", table)
	}
	csv := waitForFile(t, downloads)
	if !strings.Contains(strings.ToLower(csv), "gender") && !strings.Contains(csv, "Giới tính") {
		t.Errorf("the CSV names no dimension:\n%s", csv)
	}

	run(t, ctx, "sign out",
		chromedp.Click("#logout"),
		chromedp.WaitVisible("#email"),
		chromedp.Navigate(e.base+"/people"),
		chromedp.WaitVisible("#email"),
	)

	// The audit trail names the person, not a key.
	events, err := e.admin.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{Principal: "user:" + email, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, ev := range events.GetAuditEvents() {
		methods[ev.GetMethod()] = true
		if ev.GetTransport() != "console" {
			t.Errorf("event %s has transport %q", ev.GetName(), ev.GetTransport())
		}
	}
	for _, m := range []string{"/trithuc.v1.PersonService/SearchPeople", "/trithuc.v1.PersonService/UpdateQualification", "/trithuc.v1.MembershipService/ApproveMembership"} {
		if !methods[m] {
			t.Errorf("the audit trail has no %s by %s", m, email)
		}
	}
}

// waitForFile returns the content of the one file the browser downloads
// into dir.
func waitForFile(t *testing.T, dir string) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if !strings.HasSuffix(en.Name(), ".crdownload") {
				b, err := os.ReadFile(filepath.Join(dir, en.Name()))
				if err == nil && len(b) > 0 {
					return string(b)
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal(fmt.Sprintf("no file was downloaded into %s", dir))
	return ""
}
