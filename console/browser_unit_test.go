package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestBrowserUnitReview drives Chromium as a unit's account through a
// review campaign: it sees its own people only, confirms a profile and
// sees the progress move, then corrects the profile, choosing the
// qualification level "Thạc sĩ" from the list, and the progress counts
// the change.
func TestBrowserUnitReview(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	org := e.unitSetup()
	bg := context.Background()
	deadline := time.Now().AddDate(0, 1, 0)
	if _, err := e.admin.Reviews.CreateReviewCampaign(bg, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026",
		ReviewCampaign: &pb.ReviewCampaign{DisplayName: "Rà soát năm 2026", Organizations: []string{org},
			Deadline: &date.Date{Year: int32(deadline.Year()), Month: int32(deadline.Month()), Day: int32(deadline.Day())}}}); err != nil {
		t.Fatal(err)
	}
	email := "tccb@syt.example.vn"
	_, token, err := e.db.CreateAccount(bg, email, "Lê Văn Tâm", "registrar", org)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(bg, token, testPassword); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("sign in as the unit", func(t *testing.T) {
		run(t, ctx,
			signInTasks(e.base+"/people", email),
			chromedp.WaitVisible("#unit-scope"),
			shot(dir, "20-don-vi-tim-kiem"),
		)
		if list := read(t, ctx, chromedp.Text("#results tbody")); !strings.Contains(list, "Nguyễn Văn Anh") || strings.Contains(list, "Bích") {
			t.Errorf("the unit's list is %q", list)
		}
	})

	step("confirm a profile and see the progress move", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(`#nav-reviews`),
			chromedp.WaitVisible("#campaigns"),
			chromedp.Click(`//a[text()="Rà soát năm 2026"]`),
			chromedp.WaitVisible("#confirm-anh"),
			shot(dir, "21-ra-soat-don-vi"),
		)
		if n := read(t, ctx, chromedp.Text("#total-confirmed")); n != "0" {
			t.Fatalf("confirmed before: %q", n)
		}
		run(t, ctx,
			chromedp.Click("#confirm-anh"),
			chromedp.WaitVisible(".flash"),
			shot(dir, "22-da-xac-nhan"),
		)
		if n, p := read(t, ctx, chromedp.Text("#total-confirmed")), read(t, ctx, chromedp.Text("#total-pending")); n != "1" || p != "0" {
			t.Fatalf("after confirming: %q confirmed, %q pending", n, p)
		}
	})

	step("correct the profile, choosing Thạc sĩ from the list", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/people/anh/qualifications/new"),
			chromedp.WaitVisible("#f-level"),
		)
		level := read(t, ctx, chromedp.AttributeValue(`//select[@id="f-level"]/option[text()="Thạc sĩ"]`, "value", chromedp.NodeReady))
		if !level.Exists {
			t.Fatal("the level list has no Thạc sĩ")
		}
		run(t, ctx,
			chromedp.SetValue("#f-kind", "DEGREE"),
			chromedp.SetValue("#f-level", level.Value),
			chromedp.SendKeys("#f-major", "Y tế công cộng"),
			chromedp.SendKeys("#f-year", "2018"),
			shot(dir, "23-chon-trinh-do"),
			chromedp.Click("#save"),
			chromedp.WaitVisible("#person-name"),
		)
		if q := read(t, ctx, chromedp.Text("#qualifications")); !strings.Contains(q, "Y tế công cộng") || strings.Count(q, "Thạc sĩ") < 2 {
			t.Fatalf("the profile's qualifications after adding one: %q", q)
		}
		run(t, ctx,
			chromedp.Navigate(e.base+"/reviews/2026?state=ALL"),
			chromedp.WaitVisible("#progress"),
			shot(dir, "24-tien-do"),
		)
		if n := read(t, ctx, chromedp.Text("#total-changed")); n != "1" {
			t.Errorf("the progress counts %q changed profiles after the correction, want 1", n)
		}
	})
}
