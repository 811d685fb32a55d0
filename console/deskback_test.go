package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A membership opened from a page of its desk links back to that page,
// its state and page kept, and still does after a refused and an accepted
// action; a back parameter that is not the association's desk leads to the
// desk's first page. Before, the link was always the desk's first page of
// pending registrations.
func TestMembershipLinksBackToItsDeskPage(t *testing.T) {
	e := newEnv(t)
	var members []store.BulkMember
	for i := range 205 {
		members = append(members, store.BulkMember{Parent: "associations/hoi-y-hoc", Registration: store.Registration{
			NewPerson: &pb.Person{FamilyName: "Trần", MiddleName: "Văn", GivenName: fmt.Sprintf("Hội viên %03d", i)},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}}})
	}
	if err := e.db.BulkRegisterMembers(context.Background(), members); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	_, first := b.get("/members/hoi-y-hoc?state=PENDING")
	next := regexp.MustCompile(`<a href="([^"]+)" id="next">`).FindStringSubmatch(first)
	if next == nil {
		t.Fatal("the desk has no second page")
	}
	deskPage := html.UnescapeString(next[1])
	code, page2 := b.get(deskPage)
	if code != http.StatusOK {
		t.Fatalf("%s: HTTP %d", deskPage, code)
	}
	row := regexp.MustCompile(`<a href="(/members/hoi-y-hoc/[a-z0-9]+[^"]*)" class="person"`).FindStringSubmatch(page2)
	if row == nil {
		t.Fatalf("no row on the desk's second page:\n%s", page2)
	}
	backRE := regexp.MustCompile(`<a href="([^"]*)" id="back-to-desk">`)
	wantBack := func(step, body string) {
		t.Helper()
		m := backRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no link back to the desk:\n%s", step, body)
		}
		got, _ := url.Parse(html.UnescapeString(m[1]))
		want, _ := url.Parse(deskPage)
		if got.Path != want.Path || got.Query().Get("state") != "PENDING" || got.Query().Get("page") != want.Query().Get("page") {
			t.Errorf("%s: the link back is %s, want the desk's page %s", step, got, deskPage)
		}
	}
	membership := html.UnescapeString(row[1])
	_, body := b.get(membership)
	wantBack("opened from the desk's second page", body)

	rejectRE := regexp.MustCompile(`<form method="post" action="([^"]*/reject[^"]*)"`)
	etagRE := regexp.MustCompile(`name="etag" value="([^"]*)"`)
	act := rejectRE.FindStringSubmatch(body)
	if act == nil {
		t.Fatalf("no reject form:\n%s", body)
	}
	form := url.Values{"csrf": {csrfOf(body)}, "etag": {etagRE.FindStringSubmatch(body)[1]}}
	code, refused := b.post(html.UnescapeString(act[1]), form) // no reason: refused
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a rejection without its reason: HTTP %d", code)
	}
	wantBack("after a refused rejection", refused)
	form.Set("reason", "Hồ sơ không đủ")
	resp, err := b.http.PostForm(e.base+html.UnescapeString(act[1]), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rejecting: HTTP %d", resp.StatusCode)
	}
	_, body = b.get(resp.Header.Get("Location"))
	wantBack("after the rejection", body)

	// Another association's desk, another site, another page: the desk.
	id := regexp.MustCompile(`/members/hoi-y-hoc/([a-z0-9]+)`).FindStringSubmatch(membership)[1]
	for _, back := range []string{"/members/hoi-tin-hoc?state=ACTIVE", "https://evil.example/members/hoi-y-hoc", "/people?q=x", "//evil.example/members/hoi-y-hoc"} {
		_, body := b.get("/members/hoi-y-hoc/" + id + "?back=" + url.QueryEscape(back))
		if m := backRE.FindStringSubmatch(body); m == nil || m[1] != "/members/hoi-y-hoc" {
			t.Errorf("back=%s: the link back is %v, want /members/hoi-y-hoc", back, m)
		}
	}
}
