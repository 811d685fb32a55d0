package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestBrowserScopedSearch drives Chromium as an account limited to an
// association: its search box finds its member by name typed without
// diacritics, and neither lists nor counts the member of another
// association, nor anyone else, by the same name.
func TestBrowserScopedSearch(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	hoa := func(assoc string) string {
		t.Helper()
		p := &pb.Person{FamilyName: "Phạm", MiddleName: "Thị", GivenName: "Hoà", Gender: pb.Person_FEMALE}
		if assoc == "" {
			out, err := e.admin.People.CreatePerson(bg, &pb.CreatePersonRequest{Person: p})
			if err != nil {
				t.Fatal(err)
			}
			return out.Name
		}
		r, err := e.admin.Memberships.RegisterMember(bg, &pb.RegisterMemberRequest{Parent: "associations/" + assoc,
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Membership.Person
	}
	member := hoa("hoi-tin-hoc")
	others := []string{hoa("hoi-y-hoc"), hoa("")}
	email := e.account("registrar", "associations/hoi-tin-hoc")
	dir := screenshotDir(t)

	run(t, ctx,
		signInTasks(e.base+"/people", email),
		chromedp.WaitVisible("#q"),
		chromedp.SendKeys("#q", "pham thi hoa"),
	)
	follow(t, ctx, chromedp.Click("#search"))
	run(t, ctx, chromedp.WaitVisible("#count"), shot(dir, "30-hoi-tim-kiem"))
	if msg := read(t, ctx, chromedp.EvaluateAsDevTools[string](`(document.querySelector("#error") || {}).innerText || ""`)); msg != "" {
		t.Fatalf("the search is refused: %q", msg)
	}
	links := read(t, ctx, chromedp.EvaluateAsDevTools[string](
		`Array.from(document.querySelectorAll("#results tbody a")).map(a => a.pathname).join(" ")`))
	if links != "/people/"+strings.TrimPrefix(member, "people/") {
		t.Errorf("the association's search lists %q, want its member %s alone", links, member)
	}
	page := read(t, ctx, chromedp.EvaluateAsDevTools[string](`document.documentElement.outerHTML`))
	for _, o := range others {
		if strings.Contains(page, strings.TrimPrefix(o, "people/")) {
			t.Errorf("the page names %s, outside the association", o)
		}
	}
	if count := read(t, ctx, chromedp.Text("#count")); !strings.HasPrefix(count, "1 người") || !strings.Contains(count, "Hội Tin học tỉnh") {
		t.Errorf("the count says %q, want 1 person, of Hội Tin học tỉnh", count)
	}
}
