package console_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// vietnamese finds a letter only Vietnamese writes.
var vietnamese = regexp.MustCompile(`[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđư]`)

// A Chromium in English, as on a computer set up in English: a form the
// browser itself checks would say "Please fill out this field" there.
func englishTab(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		tab(t) // skips, or fails in CI
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1366, 900),
		chromedp.Flag("lang", "en-US"), chromedp.Env("LANGUAGE=en_US", "LANG=en_US.UTF-8"))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Started here, with no deadline: a first Run's deadline would end
	// the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// Every form sent with its required boxes empty (or a box to tick left
// unticked) reaches the server, whose answer marks what is missing in
// Vietnamese: the browser's own popup, in the browser's language (English
// here), never stops it. Before, the boxes marked required made Chromium
// say "Please fill out this field." and send nothing.
func TestBrowserRequiredFieldsSpeakVietnamese(t *testing.T) {
	ctx := englishTab(t)
	e := newEnv(t)
	e.expertSetup()
	e.honorSetup()
	bg := context.Background()
	reg, err := e.admin.Memberships.RegisterMember(bg, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_Person{Person: "people/anh"},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}})
	if err != nil {
		t.Fatal(err)
	}
	membership := "/members/hoi-y-hoc/" + reg.Membership.Name[strings.LastIndex(reg.Membership.Name, "/")+1:]
	if _, err := e.admin.Memberships.ApproveMembership(bg, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	_, token, err := e.db.CreateAccount(bg, "moi@example.vn", "Người mới", "registrar", "")
	if err != nil {
		t.Fatal(err)
	}
	qualEdit := "/people/anh/qualifications/" + e.qual.Name[strings.LastIndex(e.qual.Name, "/")+1:] + "/edit"

	// Each form by a box of its own; its required boxes are emptied
	// (some come filled in) and it is sent by its button.
	forms := []struct{ page, box string }{
		{"/set-password?" + url.Values{"token": {token}}.Encode(), "#password"},
		{"/login", "#email"},
	}
	signedIn := []struct{ page, box string }{
		{"/admin/accounts", `input[name="email"]`},
		{"/admin/keys", `input[name="name"]`},
		{"/imports", "#file"},
		{"/reports", "#as_of"},
		{"/reviews", "#c-name"},
		{"/honors", "#hc-name"},
		{"/honors/tieu-bieu/edit", "#hc-name"},
		{"/honors/tieu-bieu", "#nom-person"},
		{"/experts/hoi-y-hoc", "#p-name"},
		{"/experts/hoi-y-hoc/thuy-san/edit", "#p-name"},
		{"/experts/hoi-y-hoc/thuy-san", "#m-person"},
		{"/experts/hoi-y-hoc/thuy-san", "#e-title"},
		{membership, "#suspend-reason"},
		{membership, "#withdraw-confirm"},
		{qualEdit, "#confirm-delete"},
	}
	check := func(page, box string) {
		t.Helper()
		run(t, ctx, chromedp.Navigate(e.base+page), chromedp.WaitVisible(box))
		send := chromedp.Evaluate[chromedp.Void](`(() => {
  const form = document.querySelector(` + "`" + box + "`" + `).closest("form");
  for (const el of form.querySelectorAll("[required]")) {
    if (el.type === "checkbox") el.checked = false; else el.value = "";
  }
  form.querySelector("button[type=submit], button:not([type])").click();
})()`)
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := chromedp.RunResponse(sctx, send); err != nil {
			why := read(t, ctx, chromedp.Evaluate[string](`(() => {
  const form = document.querySelector(`+"`"+box+"`"+`).closest("form");
  const bad = [...form.elements].find(el => !el.checkValidity());
  return bad ? (bad.name || bad.id) + ": " + bad.validationMessage : "";
})()`))
			t.Errorf("%s (%s): the form was not sent; the browser says %q", page, box, why)
			return
		}
		msg := read(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#error, .field-error")].map(e => e.textContent).join(" | ")`))
		if msg == "" || !vietnamese.MatchString(msg) {
			t.Errorf("%s (%s): sent empty, the page says %q, want what is missing in Vietnamese", page, box, msg)
		}
		// The form again, to put right: not a page of the message alone.
		if !read(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector(`+"`"+box+"`"+`)`)) {
			t.Errorf("%s (%s): sent empty, the answer is not the form again: %q", page, box, msg)
		}
	}
	for _, f := range forms {
		check(f.page, f.box)
	}
	run(t, ctx, signInTasks(e.base+"/people", e.account("admin", "")), chromedp.WaitVisible("#q"))
	for _, f := range signedIn {
		check(f.page, f.box)
	}
}
