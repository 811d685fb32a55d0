package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
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

// An admin opens a review campaign over two units by ticking them, on a
// phone as on a screen: the form's units are boxes to tick, not a list
// to Ctrl-click (a click without Ctrl dropped the units chosen, and a
// phone has no Ctrl; the form said "giữ Ctrl để chọn nhiều").
func TestBrowserReviewCampaignUnitsAreTicked(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	for id, name := range map[string]string{"so-y-te": "Sở Y tế", "so-gd": "Sở Giáo dục và Đào tạo", "so-tc": "Sở Tài chính"} {
		if _, err := e.admin.Organizations.CreateOrganization(bg, &pb.CreateOrganizationRequest{OrganizationId: id,
			Organization: &pb.Organization{DisplayName: name}}); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/reviews", e.account("admin", "")), chromedp.WaitVisible("#c-name"))
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("select[multiple]").length`)); n != 0 {
		t.Errorf("the form has %d lists to Ctrl-click", n)
	}
	run(t, ctx,
		chromedp.SendKeys("#c-name", "Rà soát năm nay"),
		chromedp.SendKeys("#c-id", "nam-nay"),
		chromedp.SendKeys("#c-deadline", time.Now().AddDate(0, 1, 0).Format("02/01/2006")),
		chromedp.Evaluate[chromedp.Void](`(() => {
  for (const l of document.querySelectorAll("#c-orgs label")) if (/Sở Y tế|Sở Tài chính/.test(l.textContent)) l.click();
})()`),
		window(screenshotDir(t), "34-ra-soat-chon-don-vi-390"),
	)
	follow(t, ctx, chromedp.Click("#c-create"))
	run(t, ctx, chromedp.WaitVisible("#campaign-name"))
	c, err := e.admin.Reviews.GetReviewCampaign(bg, &pb.GetReviewCampaignRequest{Name: "reviewCampaigns/nam-nay"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.GetOrganizations(), " "); got != "organizations/so-tc organizations/so-y-te" && got != "organizations/so-y-te organizations/so-tc" {
		t.Errorf("the campaign reviews %q, want the two units ticked", got)
	}
}

// The forms that make an account or a key choose no role by themselves:
// they chose the first, admin, so that an account made in haste could do
// everything. Sent without one, the form is refused beside the role's
// box in Vietnamese, and nothing is made.
func TestAccountFormsChooseNoRoleByThemselves(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ path, name string }{{"/admin/accounts", "email"}, {"/admin/keys", "name"}} {
		_, page := b.get(tc.path)
		sel := regexp.MustCompile(`(?s)<select name="role"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
		if sel == nil || !strings.HasPrefix(sel[1], `<option value="" selected>`) || strings.Contains(sel[1], `" selected>Quản trị viên`) {
			t.Errorf("%s: the role box chooses a role by itself: %q", tc.path, sel)
		}
		form := url.Values{"csrf": {csrfOf(page)}, "email": {"moi@example.vn"}, "name": {"Người mới"}, "role": {""}}
		code, body := b.post(tc.path, form)
		msg := regexp.MustCompile(`id="err-role">([^<]*)<`).FindStringSubmatch(body)
		if code != http.StatusUnprocessableEntity || msg == nil || !vietnamese.MatchString(msg[1]) {
			t.Errorf("%s sent without a role: HTTP %d, beside the role %q, want 422 and a message in Vietnamese", tc.path, code, msg)
		}
	}
	accts, err := e.db.ListAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Email == "moi@example.vn" {
			t.Errorf("an account without a role was made: %+v", a)
		}
	}
}
