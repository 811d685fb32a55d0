package console_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// registerForm posts the registration form of assoc as b.
func registerForm(b *browser, assoc string, form url.Values) (int, string) {
	b.t.Helper()
	_, body := b.get("/members/" + assoc + "/-/register")
	form.Set("csrf", csrfOf(body))
	form.Set("consent", "on")
	return b.post("/members/"+assoc+"/-/register", form)
}

// Registering again someone who is already a member, by their national
// ID, was refused as "the national ID is in another person's profile",
// which it is not: the person is theirs, and the membership exists. The
// page says so and links to it when the account may see it.
func TestRegisterAMemberAgainSaysTheyAreOne(t *testing.T) {
	e := newEnv(t)
	form := func() url.Values {
		return url.Values{"family_name": {"Nguyễn"}, "middle_name": {"Văn"}, "given_name": {"Anh"}, "national_id": {"079085001234"}}
	}
	for _, tc := range []struct {
		name, association string
		link              bool
	}{
		{"the Union's registrar", "", true},
		{"an association's registrar", "associations/hoi-y-hoc", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.association != "" {
				e = newEnv(t)
			}
			b := e.signIn(e.account("registrar", tc.association))
			if code, _ := registerForm(b, "hoi-y-hoc", form()); code != http.StatusSeeOther {
				t.Fatalf("the first registration: HTTP %d", code)
			}
			code, body := registerForm(b, "hoi-y-hoc", form())
			if code < 400 {
				t.Fatalf("the second registration: HTTP %d, want a refusal", code)
			}
			if strings.Contains(body, "hồ sơ của một người khác") || !strings.Contains(body, "đã có đơn chưa kết thúc") {
				t.Errorf("the refusal does not say the person is a member already: %s", errorOf(body))
			}
			ms, err := e.admin.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
			if err != nil || len(ms.GetMemberships()) != 1 {
				t.Fatalf("memberships: %v %v, want one", ms, err)
			}
			m := ms.GetMemberships()[0].GetName()
			link := `<a href="/members/hoi-y-hoc/` + m[strings.LastIndex(m, "/")+1:] + `">`
			if got := strings.Contains(body, link); got != tc.link {
				t.Errorf("the refusal links to the membership: %v, want %v", got, tc.link)
			}
		})
	}
}

// errorOf is a page's message of error.
func errorOf(body string) string {
	if m := regexp.MustCompile(`id="error">([^<]*)`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return "(no error)"
}

// An association's account registers someone registered elsewhere by
// national ID, and a look-alike of them: the membership pages said the
// API's English ("links the registration to a person registered
// outside…", "name: must be a person's resource name"), and the desk's
// rows of them were links without a text.
func TestScopedMembershipPagesSayWhyInWords(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	if code, _ := registerForm(b, "hoi-y-hoc", url.Values{"family_name": {"Nguyễn"}, "middle_name": {"Văn"},
		"given_name": {"Anh"}, "national_id": {"079085001234"}}); code != http.StatusSeeOther {
		t.Fatalf("registering by national ID: HTTP %d", code)
	}
	if code, _ := registerForm(b, "hoi-y-hoc", url.Values{"family_name": {"Nguyen"}, "middle_name": {"Van"},
		"given_name": {"Anh"}, "birth_date": {"08/03/1985"}}); code != http.StatusSeeOther {
		t.Fatalf("registering a look-alike: HTTP %d", code)
	}
	english := []string{"links the registration", "registered outside", "resource name", "must be", "people/{person}"}
	_, desk := b.get("/members/hoi-y-hoc")
	rows := regexp.MustCompile(`<a href="(/members/hoi-y-hoc/[a-z0-9]+)(?:\?[^"]*)?"[^>]*>([^<]*)</a>`).FindAllStringSubmatch(desk, -1)
	if len(rows) != 2 {
		t.Fatalf("the desk shows %d registrations, want 2", len(rows))
	}
	for _, r := range rows {
		if strings.TrimSpace(r[2]) == "" {
			t.Errorf("the desk's row of %s is a link without a text", r[1])
		}
		_, body := b.get(r[1])
		for _, w := range english {
			if strings.Contains(body, w) {
				t.Errorf("%s says the server's English %q", r[1], w)
			}
		}
		if strings.Contains(body, "079085001234") {
			t.Errorf("%s shows the national ID of someone outside the account's scope", r[1])
		}
		etag := regexp.MustCompile(`name="etag" value="([^"]+)"`).FindStringSubmatch(body)
		if etag == nil {
			t.Fatalf("%s has no approval form", r[1])
		}
		code, body := b.post(r[1]+"/approve", url.Values{"csrf": {csrfOf(body)}, "etag": {etag[1]}, "distinct": {"on"}})
		if code < 400 || !strings.Contains(errorOf(body), "Liên hiệp hội") {
			t.Errorf("approving %s: HTTP %d %q, want a refusal saying the Union approves it", r[1], code, errorOf(body))
		}
		for _, w := range english {
			if strings.Contains(errorOf(body), w) {
				t.Errorf("approving %s: the refusal says the server's English %q", r[1], w)
			}
		}
	}
}

// An account limited to an association listed every association on
// "Duyệt hội viên", and every other one's desk refused it.
func TestScopedAssociationListHoldsItsOwn(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.Memberships.CreateAssociation(context.Background(), &pb.CreateAssociationRequest{AssociationId: "hoi-dieu-duong",
		Association: &pb.Association{DisplayName: "Hội Điều dưỡng tỉnh", Code: "HDD", Parent: "associations/hoi-y-hoc"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		association string
		want        []string
	}{
		{"", []string{"hoi-dieu-duong", "hoi-tin-hoc", "hoi-y-hoc"}},
		{"associations/hoi-y-hoc", []string{"hoi-dieu-duong", "hoi-y-hoc"}},
		{"associations/hoi-dieu-duong", []string{"hoi-dieu-duong"}},
	} {
		b := e.signIn(e.account("registrar", tc.association))
		_, body := b.get("/members")
		var got []string
		for _, m := range regexp.MustCompile(`<a href="/members/([a-z0-9-]+)">`).FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
			if code, _ := b.get("/members/" + m[1]); code != http.StatusOK {
				t.Errorf("%q: the list links to /members/%s, which answers HTTP %d", tc.association, m[1], code)
			}
		}
		if strings.Join(slices.Sorted(slices.Values(got)), " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: the list holds %v, want %v", tc.association, got, tc.want)
		}
	}
}

// The registration form took an email and a phone but recorded consent
// for REGISTRY alone, so the registrar who typed them saw them withheld
// ("Người này không đồng ý cho dùng thông tin liên hệ") at once. The form
// asks for the CONTACT consent, and refuses contact details without it.
func TestRegisterFormAsksForContactConsent(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	person := url.Values{"family_name": {"Phạm"}, "middle_name": {"Minh"}, "given_name": {"Châu"}, "birth_date": {"12/05/1988"},
		"email": {"chau.pham@example.vn"}, "phone": {"0913 123 456"}}
	code, body := registerForm(b, "hoi-y-hoc", person)
	if code < 400 || !strings.Contains(body, `id="err-contact"`) {
		t.Errorf("an email without the CONTACT consent: HTTP %d, want a refusal next to the consent's box", code)
	}
	ms, err := e.admin.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil || len(ms.GetMemberships()) != 0 {
		t.Fatalf("refused, and yet registered: %v %v", ms, err)
	}
	person.Set("contact", "on")
	resp, err := b.http.PostForm(e.base+"/members/hoi-y-hoc/-/register", func() url.Values {
		_, form := b.get("/members/hoi-y-hoc/-/register")
		person.Set("csrf", csrfOf(form))
		person.Set("consent", "on")
		return person
	}())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("registering with the CONTACT consent: HTTP %d", resp.StatusCode)
	}
	code, body = b.get(resp.Header.Get("Location"))
	if code != http.StatusOK || !strings.Contains(body, "chau.pham@example.vn") {
		t.Errorf("the membership's page: HTTP %d, without the email the registrar typed", code)
	}
	ms, err = e.admin.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil || len(ms.GetMemberships()) != 1 {
		t.Fatalf("memberships: %v %v", ms, err)
	}
	p, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: ms.GetMemberships()[0].GetPerson(), View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || p.GetPhone() == "" {
		t.Errorf("the person registered: %v %v, want their phone", p, err)
	}
}

// A registration by a registered person's national ID links to them and
// writes nothing of what the form said; the page said only "Đã đăng ký",
// so the email and phone typed seemed saved and were not.
func TestRegisterLinkedSaysTheFormWasNotWritten(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	for _, tc := range []struct {
		name   string
		form   url.Values
		linked bool
	}{
		{"a registered person's national ID", url.Values{"family_name": {"Nguyễn"}, "given_name": {"Anh"}, "national_id": {"079085001234"},
			"email": {"anh.moi@example.vn"}, "contact": {"on"}}, true},
		{"a new person", url.Values{"family_name": {"Phạm"}, "given_name": {"Châu"}, "national_id": {"079088005678"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, form := b.get("/members/hoi-tin-hoc/-/register")
			tc.form.Set("csrf", csrfOf(form))
			tc.form.Set("consent", "on")
			resp, err := b.http.PostForm(e.base+"/members/hoi-tin-hoc/-/register", tc.form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("registering: HTTP %d", resp.StatusCode)
			}
			_, body := b.get(resp.Header.Get("Location"))
			if got := strings.Contains(body, "đơn được gắn với hồ sơ đó"); got != tc.linked {
				t.Errorf("the page says the registration is linked to a profile: %v, want %v", got, tc.linked)
			}
		})
	}
	p, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: e.person.GetName()})
	if err != nil || p.GetEmail() != e.person.GetEmail() {
		t.Errorf("the registered person: %v %v, want their email unchanged", p, err)
	}
}

// An association's account imports only memberships of its association
// (README, Spreadsheets); a file with anything else was refused with
// "Bạn không có quyền làm việc này: … ngoài phạm vi …", which neither
// says what such an account may import nor which row is at fault, though
// the server names every cell.
func TestScopedImportRefusalSaysWhatAndWhere(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	members := excelize.NewFile()
	members.SetSheetName("Sheet1", "Hội viên")
	for i, row := range [][]any{
		{"Số CCCD", "Họ", "Tên", "Hội", "Văn bản đồng ý"},
		{"079090001111", "Võ", "Tâm", "associations/hoi-y-hoc", "2026-01"},
		{"079090002222", "Đỗ", "Minh", "associations/hoi-tin-hoc", "2026-01"},
	} {
		members.SetSheetRow("Hội viên", fmt.Sprintf("A%d", i+1), &row)
	}
	var book bytes.Buffer
	if _, err := members.WriteTo(&book); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, content string
		want                []string
	}{
		{"people", "nguoi.csv", "Họ,Tên,Số CCCD\nVõ,Tâm,079090001111\n", []string{"chỉ nhập được trang “Hội viên”", "Dòng 2: tài khoản của hội không nhập người"}},
		{"another association's members", "hoi-vien.xlsx", book.String(), []string{"chỉ nhập được trang “Hội viên”",
			"Trang “Hội viên”, dòng 3, cột D (Hội): hội này không phải hội của bạn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.upload(tc.file, tc.content)
			msg := html.UnescapeString(errorOf(body))
			if code < 400 {
				t.Fatalf("HTTP %d, want a refusal", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the refusal %q does not say %q", msg, w)
				}
			}
		})
	}
	if resp, err := e.admin.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `national_id = "079090001111"`}); err != nil || len(resp.GetPeople()) != 0 {
		t.Errorf("refused files imported: %v %v", resp, err)
	}
}

// The review pages refused an association's account naming its
// association by its key ("associations/hoi-y-hoc"), not its name.
func TestScopedReviewRefusalNamesTheAssociation(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	for _, path := range []string{"/reviews", "/reviews/2026"} {
		code, body := b.get(path)
		if code != http.StatusForbidden || !strings.Contains(body, "chỉ dùng cho Hội Y học tỉnh;") || strings.Contains(body, "associations/hoi-y-hoc") {
			t.Errorf("GET %s: HTTP %d %q, want 403 naming Hội Y học tỉnh", path, code, errorOf(body))
		}
	}
}

// A member found by name had no way from their profile to their
// membership (to suspend it, say): the desk, a page of 200 at a time, was
// the only way. The profile's memberships link to their pages, those the
// account may open; and an association the account may not get was shown
// by its key ("associations/hoi-tin-hoc").
func TestProfileLinksToTheMemberships(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	links := map[string]string{}
	for _, a := range []string{"hoi-y-hoc", "hoi-tin-hoc"} {
		r, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/" + a,
			Applicant: &pb.RegisterMemberRequest_Person{Person: e.person.GetName()},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		m := r.GetMembership().GetName()
		links[a] = `href="/members/` + a + `/` + m[strings.LastIndex(m, "/")+1:] + `"`
	}
	for _, tc := range []struct {
		association string
		want        []string
	}{
		{"", []string{"hoi-y-hoc", "hoi-tin-hoc"}},
		{"associations/hoi-y-hoc", []string{"hoi-y-hoc"}},
	} {
		b := e.signIn(e.account("registrar", tc.association))
		code, body := b.get("/people/anh")
		if code != http.StatusOK {
			t.Fatalf("%q: the profile: HTTP %d", tc.association, code)
		}
		for a, link := range links {
			if got, want := strings.Contains(body, link), slices.Contains(tc.want, a); got != want {
				t.Errorf("%q: the profile links to the membership of %s: %v, want %v", tc.association, a, got, want)
			} else if got {
				if code, _ := b.get(strings.TrimSuffix(strings.TrimPrefix(link, `href="`), `"`)); code != http.StatusOK {
					t.Errorf("%q: the link to the membership of %s answers HTTP %d", tc.association, a, code)
				}
			}
		}
		if strings.Contains(body, ">associations/") {
			t.Errorf("%q: the profile names an association by its key", tc.association)
		}
	}
}

// The same pages offered "Duyệt" to the association's account, which
// every click of it refused: they say instead who approves.
func TestScopedMembershipPageOffersNoApprovalItCannotMake(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	for _, form := range []url.Values{
		{"family_name": {"Nguyễn"}, "given_name": {"Anh"}, "national_id": {"079085001234"}},
		{"family_name": {"Nguyen"}, "middle_name": {"Van"}, "given_name": {"Anh"}, "birth_date": {"08/03/1985"}},
		{"family_name": {"Phạm"}, "given_name": {"Châu"}, "birth_date": {"12/05/1988"}},
	} {
		if code, _ := registerForm(b, "hoi-y-hoc", form); code != http.StatusSeeOther {
			t.Fatalf("registering %v: HTTP %d", form, code)
		}
	}
	_, desk := b.get("/members/hoi-y-hoc")
	rows := regexp.MustCompile(`<a href="(/members/hoi-y-hoc/[a-z0-9]+)(?:\?[^"]*)?"[^>]*>([^<]*)</a>`).FindAllStringSubmatch(desk, -1)
	if len(rows) != 3 {
		t.Fatalf("the desk shows %d registrations, want 3", len(rows))
	}
	for _, r := range rows {
		_, body := b.get(r[1])
		approve, note := strings.Contains(body, `id="approve"`), strings.Contains(body, `id="no-approval"`)
		if want := r[2] == "Phạm Châu"; approve != want || note == want {
			t.Errorf("%s (%s): the approve button %v and a note on who approves %v, want the button %v", r[1], r[2], approve, note, want)
		}
	}
}

// A registrar, whose menu has no "Thống kê", reached the statistics and
// the reports by their address, filled the form, and was refused on
// sending it "nằm ngoài phạm vi của tài khoản", which is not why: the
// pages are home_affairs' and admins'. They say so before the form.
func TestStatisticsPagesRefuseRegistrarsUpFront(t *testing.T) {
	e := newEnv(t)
	for _, association := range []string{"", "associations/hoi-y-hoc"} {
		b := e.signIn(e.account("registrar", association))
		for _, path := range []string{"/stats", "/stats?d1=GENDER", "/stats.csv?d1=GENDER", "/stats/indicators", "/reports"} {
			code, body := b.get(path)
			if code != http.StatusForbidden || !strings.Contains(body, "dành cho cán bộ Sở Nội vụ và quản trị viên") || strings.Contains(body, `name="d1"`) {
				t.Errorf("%q: GET %s: HTTP %d %q, want 403 saying whose page it is, without the form", association, path, code, errorOf(body))
			}
		}
	}
	b := e.signIn(e.account("home_affairs", ""))
	if code, body := b.get("/stats"); code != http.StatusOK || !strings.Contains(body, `name="d1"`) {
		t.Errorf("home_affairs: GET /stats: HTTP %d, want the form", code)
	}
}
