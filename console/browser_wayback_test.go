package console_test

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// A registrar searches, opens a profile from the results, edits it, adds
// a qualification and deletes it: after each form returns to the profile,
// its link back still leads to the same results (search and filters
// kept). Before, the first form's return to the profile lost it.
func TestBrowserWayBackSurvivesTheProfileForms(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	list := "/people?" + url.Values{"q": {"nguyen van anh"}, "gender": {"MALE"}}.Encode()
	run(t, ctx, signInTasks(e.base+list, e.account("registrar", "")), chromedp.WaitVisible(`#results a[href^="/people/anh?"]`))
	follow(t, ctx, chromedp.Click(`#results a[href^="/people/anh?"]`))
	backOK := func(step string) {
		t.Helper()
		run(t, ctx, chromedp.WaitVisible("#person-name"))
		ok := read(t, ctx, chromedp.Evaluate[bool](`(() => {
  const a = document.querySelector("#back-to-results");
  if (!a) return false;
  const u = new URL(a.href);
  return u.pathname === "/people" && u.searchParams.get("q") === "nguyen van anh" && u.searchParams.get("gender") === "MALE";
})()`))
		if !ok {
			t.Errorf("%s: the profile has no link back to the results", step)
		}
	}
	backOK("opened from the results")

	follow(t, ctx, chromedp.Click("#edit-person"))
	run(t, ctx, chromedp.WaitVisible("#f-address"), chromedp.SetValue("#f-address", "12 Tôn Đức Thắng, Long Xuyên"))
	follow(t, ctx, chromedp.Click("#save"))
	backOK("after saving the profile's edit")

	follow(t, ctx, chromedp.Click(`a[href*="/qualifications/new"]`))
	run(t, ctx, chromedp.WaitVisible("#f-major"),
		chromedp.SetValue("#f-kind", "DEGREE"), chromedp.SetValue("#f-level", "TIEN_SI"),
		chromedp.SetValue("#f-major", "Thủy sản"), chromedp.SetValue("#f-year", "năm 2019"))
	follow(t, ctx, chromedp.Click("#save")) // refused: the year is no number
	run(t, ctx, chromedp.WaitVisible("#err-year"), chromedp.SetValue("#f-year", "2019"))
	follow(t, ctx, chromedp.Click("#save"))
	backOK("after adding a qualification (refused once)")

	follow(t, ctx, chromedp.Click(`#qualifications a.edit-qualification[aria-label*="Thủy sản"]`))
	run(t, ctx, chromedp.WaitVisible("#confirm-delete"), chromedp.Click("#confirm-delete"))
	follow(t, ctx, chromedp.Click("#delete"))
	backOK("after deleting the qualification")

	follow(t, ctx, chromedp.Click("#back-to-results"))
	if got := read(t, ctx, chromedp.Value("#q")); got != "nguyen van anh" {
		t.Errorf("the link back leads to a search for %q", got)
	}
}
