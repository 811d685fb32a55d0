package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registrar who opens the form of a person who gave no CONTACT consent
// sees no boxes for the email, phone and address, but a note saying why;
// saving the form as it came changes nothing, and saving a change keeps
// them. A form posted with one of them anyway is refused in plain words.
func TestUnchangedSaveKeepsWithheldContact(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "chi", Person: &pb.Person{
		FamilyName: "Trần", MiddleName: "Kim", GivenName: "Chi", Gender: pb.Person_FEMALE, BirthDate: &date.Date{Year: 1980, Month: 5, Day: 2},
		Email: "chi.tran@example.vn", Phone: "0912345678", Address: "5 Nguyễn Trãi, Rạch Giá"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}}); err != nil {
		t.Fatal(err)
	}
	stored := func() *pb.Person {
		t.Helper()
		p, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/chi"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before := stored()
	kept := func(when string) {
		t.Helper()
		if p := stored(); p.Email != before.Email || p.Phone != before.Phone || p.Address != before.Address {
			t.Errorf("%s: email %q, phone %q, address %q; want them kept", when, p.Email, p.Phone, p.Address)
		}
	}

	b := e.signIn(e.account("registrar", ""))
	_, body := b.get("/people/chi/edit")
	for _, f := range []string{"email", "phone", "address"} {
		if strings.Contains(body, `name="`+f+`"`) {
			t.Errorf("the form has a box for %s, which the registrar may not read", f)
		}
		if !strings.Contains(body, `id="withheld-`+f+`">Người này không đồng ý cho dùng thông tin liên hệ; không thể xem hoặc sửa.<`) {
			t.Errorf("the form does not say why %s is not shown", f)
		}
	}
	if _, profile := b.get("/people/chi"); !strings.Contains(profile, `id="contact-withheld"`) {
		t.Errorf("the profile does not say the contact details are withheld")
	}

	code, page := b.post("/people/chi/edit", formOf(t, body))
	if code != http.StatusSeeOther {
		t.Fatalf("saving the form unchanged: HTTP %d\n%s\nposted %v", code, page, formOf(t, body))
	}
	kept("saved unchanged")
	if p := stored(); p.Etag != before.Etag {
		t.Errorf("saving the form unchanged wrote the profile")
	}

	_, body = b.get("/people/chi/edit")
	form := formOf(t, body)
	form.Set("given_name", "Chi Mai")
	if code, page := b.post("/people/chi/edit", form); code != http.StatusSeeOther {
		t.Fatalf("saving a change: HTTP %d\n%s", code, page)
	}
	if p := stored(); p.GivenName != "Chi Mai" {
		t.Errorf("the change was not saved: given name %q", p.GivenName)
	}
	kept("saved with a change")

	_, body = b.get("/people/chi/edit")
	form = formOf(t, body)
	form.Set("email", "moi@example.vn")
	code, page = b.post("/people/chi/edit", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Bạn không có quyền sửa thông tin liên hệ của người này") ||
		strings.Contains(page, "moi@example.vn") {
		t.Errorf("a form posted with the email: HTTP %d, want 422 saying why, without a box for it:\n%s", code, page)
	}
	kept("posted with the email")

	// The admin reads them, and has the boxes.
	_, body = e.signIn(e.account("admin", "")).get("/people/chi/edit")
	if !strings.Contains(body, `name="email" id="f-email" value="chi.tran@example.vn"`) {
		t.Errorf("the admin's form has no box with the email")
	}
}

// Saving a form writes the fields changed and nothing else: a form that
// leaves fields out (another client, an old page) changes only the one it
// changed, and the person's history names only that one.
func TestSaveWritesOnlyTheChangedField(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: "people/anh",
		Hometown: "30292", Orcid: "0000-0002-1825-0097", Availability: pb.Person_AVAILABLE,
		ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE},
		Fields:      []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"hometown", "orcid", "availability", "expert_roles", "fields"}}}); err != nil {
		t.Fatal(err)
	}
	before, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	_, body := b.get("/people/anh/edit")
	// Only the civil-servant code, with the form's token and etag.
	code, page := b.post("/people/anh/edit", url.Values{"csrf": {csrfOf(body)}, "etag": {etagOf(body)}, "civil_servant_code": {"CC-0042"}})
	if code != http.StatusSeeOther {
		t.Fatalf("saving: HTTP %d\n%s", code, page)
	}
	after, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	if after.CivilServantCode != "CC-0042" {
		t.Errorf("civil_servant_code %q, want CC-0042", after.CivilServantCode)
	}
	after.CivilServantCode = before.CivilServantCode
	after.Etag, after.UpdateTime = before.Etag, before.UpdateTime
	if got, want := after.String(), before.String(); got != want {
		t.Errorf("a form with one field changed others:\nbefore %s\nafter  %s", want, got)
	}
	revs, err := e.admin.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: "people/anh"})
	if err != nil || len(revs.PersonRevisions) == 0 {
		t.Fatalf("revisions: %v %v", revs, err)
	}
	last := revs.PersonRevisions[0]
	for _, r := range revs.PersonRevisions {
		if r.CreateTime.AsTime().After(last.CreateTime.AsTime()) {
			last = r
		}
	}
	if !slices.Equal(last.ChangedFields, []string{"civil_servant_code"}) {
		t.Errorf("the revision changed %v, want [civil_servant_code]", last.ChangedFields)
	}
}

// home_affairs reads profiles and memberships but writes neither: no link
// or button to edit a person or act on a membership, and the forms
// themselves are refused.
func TestHomeAffairsSeesNoWriteActions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_Person{Person: "people/anh"},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: "2026-01"}})
	if err != nil {
		t.Fatal(err)
	}
	membership := "/members/hoi-y-hoc/" + reg.Membership.Name[strings.LastIndex(reg.Membership.Name, "/")+1:]
	qual := "/people/anh/qualifications/" + e.qual.Name[strings.LastIndex(e.qual.Name, "/")+1:] + "/edit"
	browsers := map[string]*browser{"home_affairs": e.signIn(e.account("home_affairs", "")), "registrar": e.signIn(e.account("registrar", ""))}
	for _, tc := range []struct {
		role      string
		shows     bool
		path      string
		marks     []string
		sawMember bool
	}{
		{"home_affairs", false, "/people/anh", []string{`id="edit-person"`, `/edit"`, "/qualifications/new"}, false},
		{"home_affairs", false, membership, []string{`id="approve"`, "/reject", "/suspend", "/withdraw"}, true},
		{"home_affairs", false, "/members/hoi-y-hoc", []string{`id="register"`}, false},
		{"registrar", true, "/people/anh", []string{`id="edit-person"`}, false},
		{"registrar", true, membership, []string{`id="approve"`, "/withdraw"}, true},
		{"registrar", true, "/members/hoi-y-hoc", []string{`id="register"`}, false},
	} {
		t.Run(tc.role+tc.path, func(t *testing.T) {
			code, body := browsers[tc.role].get(tc.path)
			if code != http.StatusOK {
				t.Fatalf("HTTP %d", code)
			}
			if tc.sawMember && !strings.Contains(body, "Nguyễn Văn Anh") {
				t.Fatalf("the page does not show the membership; the test proves nothing")
			}
			for _, m := range tc.marks {
				if strings.Contains(body, m) != tc.shows {
					t.Errorf("%s shown: %v, want %v", m, !tc.shows, tc.shows)
				}
			}
		})
	}
	b := browsers["home_affairs"]
	for _, path := range []string{"/people/anh/edit", qual, "/people/anh/works/new", "/members/hoi-y-hoc/-/register"} {
		if code, body := b.get(path); code != http.StatusForbidden || !strings.Contains(body, "vai trò của tài khoản không cho phép") {
			t.Errorf("GET %s: HTTP %d, want 403 saying the role may not", path, code)
		}
	}
}

// formOf is what a browser sends for the page's edit form as it is shown:
// its text and hidden inputs, the options selected, the boxes ticked.
func formOf(t *testing.T, page string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	out := url.Values{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch {
			case n.Data == "input" && named:
				typ, _ := attr(n, "type")
				v, hasValue := attr(n, "value")
				_, checked := attr(n, "checked")
				switch typ {
				case "checkbox", "radio":
					if checked {
						if !hasValue {
							v = "on"
						}
						out.Add(name, v)
					}
				case "submit":
				default:
					out.Add(name, v)
				}
			case n.Data == "select" && named:
				var chosen string
				found, any := false, false
				for o := n.FirstChild; o != nil; o = o.NextSibling {
					if o.Type != html.ElementNode || o.Data != "option" {
						continue
					}
					v, _ := attr(o, "value")
					if !any {
						chosen, any = v, true
					}
					if _, sel := attr(o, "selected"); sel && !found {
						chosen, found = v, true
					}
				}
				out.Add(name, chosen)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
