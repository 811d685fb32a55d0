package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The membership desk shows every member of a state, a page at a time with
// the count: an association of more than one page of members lost the
// rest.
func TestDeskPagesThroughEveryMember(t *testing.T) {
	e := newEnv(t)
	const n = 205
	var members []store.BulkMember
	for i := range n {
		members = append(members, store.BulkMember{Parent: "associations/hoi-y-hoc", Registration: store.Registration{
			NewPerson: &pb.Person{FamilyName: "Trần", MiddleName: "Văn", GivenName: fmt.Sprintf("Hội viên %03d", i)},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}}})
	}
	if err := e.db.BulkRegisterMembers(context.Background(), members); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	seen := map[string]bool{}
	rowRE := regexp.MustCompile(`<a href="/members/hoi-y-hoc/([a-z0-9]+)(?:\?[^"]*)?"[^>]*>`)
	nextRE := regexp.MustCompile(`<a href="([^"]+)" id="next">`)
	path := "/members/hoi-y-hoc?state=PENDING"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("the desk's pages do not end")
		}
		code, body := b.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", path, code)
		}
		if pages == 0 && !strings.Contains(body, fmt.Sprintf(`id="count">%d lượt đăng ký`, n)) {
			t.Errorf("the desk does not say it holds %d registrations", n)
		}
		for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("membership %s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := nextRE.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != n {
		t.Errorf("the desk showed %d of %d pending registrations", len(seen), n)
	}
}

// A registered person's national ID on the registration form links the
// registration to them, and an approval of a look-alike is refused in
// words the page's boxes answer, not the API's field name.
func TestRegisterFormLinksByNationalIDAndSaysHowToApprove(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(e.account("registrar", ""))
	_, body := b.get("/members/hoi-y-hoc/-/register")
	if !strings.Contains(body, `name="national_id"`) {
		t.Error("the registration form has no box for the national ID")
	}
	code, _ := b.post("/members/hoi-y-hoc/-/register", url.Values{"csrf": {csrfOf(body)}, "family_name": {"Nguyễn"},
		"middle_name": {"Văn"}, "given_name": {"Anh"}, "national_id": {"079085001234"}, "consent": {"on"}})
	if code != http.StatusSeeOther {
		t.Fatalf("registering by national ID: HTTP %d", code)
	}
	ms, err := e.admin.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.GetMemberships()) != 1 || ms.GetMemberships()[0].GetPerson() != e.person.GetName() {
		t.Errorf("registering a registered person's national ID: %v, want one membership of %s", ms.GetMemberships(), e.person.GetName())
	}

	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-tin-hoc",
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "Anh",
			BirthDate: e.person.GetBirthDate()}},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	m := reg.GetMembership()
	path := "/members/hoi-tin-hoc/" + m.GetName()[strings.LastIndex(m.GetName(), "/")+1:]
	_, body = b.get(path)
	code, body = b.post(path+"/approve", url.Values{"csrf": {csrfOf(body)}, "etag": {m.GetEtag()}})
	if code < 400 || !strings.Contains(body, "Tôi đã đối chiếu: đây là người khác…” rồi bấm Duyệt") {
		t.Errorf("approving a look-alike: HTTP %d, want a refusal saying to tick the box", code)
	}
	if strings.Contains(body, "confirm_distinct_person") || strings.Contains(body, "may be a duplicate") {
		t.Errorf("approving a look-alike: the page says the server's English")
	}
}

// An account limited to an association registers a registered person by
// their national ID: the registration is made and its page shows, without
// the profile, which the registration does not bring into scope.
func TestScopedRegisterByNationalIDShowsTheMembership(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	_, body := b.get("/members/hoi-y-hoc/-/register")
	code, _ := b.post("/members/hoi-y-hoc/-/register", url.Values{"csrf": {csrfOf(body)}, "family_name": {"Nguyễn"},
		"given_name": {"Anh"}, "national_id": {"079085001234"}, "consent": {"on"}})
	if code != http.StatusSeeOther {
		t.Fatalf("registering by national ID: HTTP %d", code)
	}
	ms, err := e.admin.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil || len(ms.GetMemberships()) != 1 {
		t.Fatalf("memberships: %v, %v", ms, err)
	}
	m := ms.GetMemberships()[0].GetName()
	code, body = b.get("/members/hoi-y-hoc/" + m[strings.LastIndex(m, "/")+1:])
	if code != http.StatusOK || !strings.Contains(body, "không xem được") {
		t.Errorf("the membership's page: HTTP %d, want 200 without the profile: %s", code, body)
	}
	if strings.Contains(body, "079085001234") || strings.Contains(body, "1985") {
		t.Errorf("the membership's page shows the profile outside the account's scope")
	}
}

// A membership whose id is "register", which RegisterMember accepts,
// opens at /members/{a}/register like every membership; the form of a
// registration is where no membership's id can be, and the desk links
// to it.
func TestMembershipNamedRegisterOpens(t *testing.T) {
	e := newEnv(t)
	r, err := e.admin.Memberships.RegisterMember(context.Background(), &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		MembershipId: "register", Applicant: &pb.RegisterMemberRequest_Person{Person: e.person.Name},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
	if err != nil || r.Membership.Name != "associations/hoi-y-hoc/memberships/register" {
		t.Fatalf("RegisterMember with membership_id register: %v %v", r, err)
	}
	b := e.signIn(e.account("registrar", ""))
	if code, body := b.get("/members/hoi-y-hoc/register"); code != http.StatusOK || !strings.Contains(body, "Nguyễn Văn Anh") || strings.Contains(body, `name="consent"`) {
		t.Errorf("GET /members/hoi-y-hoc/register: HTTP %d, not the page of the membership register", code)
	}
	_, body := b.get("/members/hoi-y-hoc")
	m := regexp.MustCompile(`<a href="([^"]+)" id="register"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the desk has no link to the registration form")
	}
	if code, form := b.get(m[1]); code != http.StatusOK || !strings.Contains(form, `name="consent"`) {
		t.Errorf("GET %s: HTTP %d, not the registration form", m[1], code)
	}
}
