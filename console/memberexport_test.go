package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The membership desk links to the export of the association's members in
// the state it shows, with their names: an account limited to the
// association downloads them, and no one else.
func TestDeskExportsMembers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	register := func(assoc string, p *pb.Person, approve bool) {
		t.Helper()
		r, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/" + assoc,
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		if approve {
			if _, err := e.admin.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: r.Membership.Name}); err != nil {
				t.Fatal(err)
			}
		}
	}
	register("hoi-tin-hoc", &pb.Person{FamilyName: "Phạm", MiddleName: "Thị", GivenName: "Hoa"}, true)
	register("hoi-tin-hoc", &pb.Person{FamilyName: "Đỗ", GivenName: "Khang"}, false)
	register("hoi-y-hoc", &pb.Person{FamilyName: "Vũ", GivenName: "Minh"}, true)

	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	code, body := b.get("/members/hoi-tin-hoc?state=ACTIVE")
	if code != http.StatusOK {
		t.Fatalf("the desk: HTTP %d", code)
	}
	if !strings.Contains(body, "Xuất danh sách (") {
		t.Errorf("the desk offers no export:\n%s", body)
	}
	for _, format := range []string{"csv", "xlsx"} {
		m := regexp.MustCompile(`<a href="([^"]+)" id="export-` + format + `"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the desk has no %s export link", format)
		}
		link := html.UnescapeString(m[1])
		if want := "/export?format=" + format + "&list=members&member_of=hoi-tin-hoc&member_state=ACTIVE"; link != want {
			t.Errorf("the %s link is %s, want %s", format, link, want)
		}
		code, file := b.get(link)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d: %s", link, code, file)
		}
		if format == "csv" {
			if !strings.Contains(file, "Phạm,Thị,Hoa") || strings.Contains(file, "Khang") || strings.Contains(file, "Minh") || strings.Count(strings.TrimSpace(file), "\n") != 1 {
				t.Errorf("the export of the active members:\n%s", file)
			}
			// A member list: the association, the state and the number.
			for _, want := range []string{"Số hội viên", "associations/hoi-tin-hoc - ", "Đang sinh hoạt", "-0001"} {
				if !strings.Contains(file, want) {
					t.Errorf("the CSV member list has no %q:\n%s", want, file)
				}
			}
		} else if !strings.HasPrefix(file, "PK") {
			t.Errorf("the XLSX export is not a workbook: %.40q", file)
		}
	}
	// The pending ones, by the desk's other state.
	_, body = b.get("/members/hoi-tin-hoc?state=PENDING")
	m := regexp.MustCompile(`<a href="([^"]+)" id="export-csv"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the PENDING desk has no export link")
	}
	if _, file := b.get(html.UnescapeString(m[1])); !strings.Contains(file, "Đỗ,,Khang") || strings.Contains(file, "Hoa") {
		t.Errorf("the export of the pending members:\n%s", file)
	}
}

// The desk counts registrations, and so does its CSV export, a row each (a
// person rejected twice is two), but an account limited to the
// association exports only those of the people whose profiles it may
// read. The page says how many registrations the export holds, and that
// number is the file's rows.
func TestDeskCountAndExportAgree(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	register := func(applicant *pb.RegisterMemberRequest) string { return registerInformatics(t, e, applicant) }
	reject := func(m string) {
		t.Helper()
		if _, err := e.admin.Memberships.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: m, Reason: "Thiếu hồ sơ"}); err != nil {
			t.Fatal(err)
		}
	}
	twice := register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Phạm", GivenName: "Hai"}}})
	reject(twice)
	m, err := e.admin.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: twice})
	if err != nil {
		t.Fatal(err)
	}
	reject(register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_Person{Person: m.Person}}))
	reject(register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Đinh", GivenName: "Một"}}}))
	register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Cao", GivenName: "Chờ"}}})

	exportRows := func(b *browser, body string) int {
		t.Helper()
		link := regexp.MustCompile(`<a href="([^"]+)" id="export-csv"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatal("the desk has no CSV export link")
		}
		code, file := b.get(html.UnescapeString(link[1]))
		if code != http.StatusOK {
			t.Fatalf("the export: HTTP %d", code)
		}
		return strings.Count(strings.TrimSpace(file), "\n")
	}
	said := func(body, id string) string {
		t.Helper()
		m := regexp.MustCompile(`id="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the desk has no #%s", id)
		}
		return strings.TrimSpace(m[1])
	}
	check := func(who string, b *browser, state string, desk, people int) { // people: the file's rows
		t.Helper()
		code, body := b.get("/members/hoi-tin-hoc?state=" + state)
		if code != http.StatusOK {
			t.Fatalf("%s, the %s desk: HTTP %d", who, state, code)
		}
		if rows := strings.Count(body[strings.Index(body, `id="queue"`):], `<tr>`) - 1; rows != desk {
			t.Errorf("%s, the %s desk lists %d memberships, want %d", who, state, rows, desk)
		}
		if got, want := said(body, "count"), strconv.Itoa(desk)+" lượt đăng ký"; !strings.HasPrefix(got, want) {
			t.Errorf("%s, the %s desk's count says %q, want %q", who, state, got, want)
		}
		if n := exportRows(b, body); n != people {
			t.Errorf("%s, the %s export holds %d people, want %d", who, state, n, people)
		}
		if got, want := said(body, "export-count"), strconv.Itoa(people)+" lượt đăng ký"; !strings.HasPrefix(got, want) {
			t.Errorf("%s, the %s desk says its export holds %q, want %q", who, state, got, want)
		}
		if differ := strings.Contains(body, `id="export-differs"`); differ != (desk != people) {
			t.Errorf("%s, the %s desk explains a difference: %v, want %v", who, state, differ, desk != people)
		}
	}
	admin := e.signIn(e.account("admin", ""))
	check("an admin", admin, "REJECTED", 3, 3)
	check("an admin", admin, "PENDING", 1, 1)

	// A registration the limited account makes of someone already in the
	// registry is not its to read: on its desk, not in its export.
	limited := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	_, body := limited.get("/members/hoi-tin-hoc/-/register")
	if code, _ := limited.post("/members/hoi-tin-hoc/-/register", url.Values{"csrf": {csrfOf(body)}, "family_name": {"Nguyễn"},
		"given_name": {"Anh"}, "national_id": {"079085001234"}, "consent": {"on"}}); code != http.StatusSeeOther {
		t.Fatalf("registering by national ID: HTTP %d", code)
	}
	check("a limited account", limited, "PENDING", 2, 1)
	check("a limited account", limited, "REJECTED", 3, 0)
}

// The desk's CSV file of withdrawn or rejected registrations is, as for
// the other states, the member list (the memberships sheet: name,
// association, state, member number, reason), not the people list: a row
// per registration for an account without a limit, and those of the
// people in its scope for an account limited to the association.
func TestDeskExportsEndedRegistrations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	register := func(applicant *pb.RegisterMemberRequest) string { return registerInformatics(t, e, applicant) }
	withdraw := func(m string) string {
		t.Helper()
		if _, err := e.admin.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m}); err != nil {
			t.Fatal(err)
		}
		w, err := e.admin.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m})
		if err != nil {
			t.Fatal(err)
		}
		return w.Person
	}
	withdraw(register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Phan", GivenName: "Rút"}}}))
	// Withdrawn, and back: in the limited account's scope again.
	back := withdraw(register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Hồ", GivenName: "Về"}}}))
	register(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_Person{Person: back}})

	for _, c := range []struct {
		who  string
		b    *browser
		want []string
	}{
		{"an account without a limit", e.signIn(e.account("registrar", "")), []string{"Phan,,Rút", "Hồ,,Về"}},
		{"a limited account", e.signIn(e.account("registrar", "associations/hoi-tin-hoc")), []string{"Hồ,,Về"}},
	} {
		code, body := c.b.get("/members/hoi-tin-hoc?state=WITHDRAWN")
		if code != http.StatusOK {
			t.Fatalf("%s, the withdrawn desk: HTTP %d", c.who, code)
		}
		link := regexp.MustCompile(`<a href="([^"]+)" id="export-csv"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("%s: the withdrawn desk has no CSV export link", c.who)
		}
		code, file := c.b.get(html.UnescapeString(link[1]))
		if code != http.StatusOK {
			t.Fatalf("%s, the export: HTTP %d: %s", c.who, code, file)
		}
		header, rows, _ := strings.Cut(strings.TrimSpace(file), "\n")
		if !strings.Contains(header, "Số hội viên") || !strings.Contains(header, "Hội") || strings.Contains(header, "Ngày vào danh sách") {
			t.Errorf("%s: the withdrawn registrations' file is not the member list: %s", c.who, header)
		}
		if n := strings.Count(rows, "\n") + 1; rows == "" || n != len(c.want) {
			t.Errorf("%s: %d rows, want %d:\n%s", c.who, n, len(c.want), file)
		}
		for _, w := range c.want {
			if !strings.Contains(rows, w) {
				t.Errorf("%s: the file has no row of %s:\n%s", c.who, w, file)
			}
		}
		if !strings.Contains(rows, "Đã rút") || strings.Contains(rows, "Chờ duyệt") {
			t.Errorf("%s: the file holds registrations other than the withdrawn ones:\n%s", c.who, file)
		}
	}
}

// registerInformatics registers the applicant with hoi-tin-hoc as an admin
// (registry consent only), returning the membership's name.
func registerInformatics(t *testing.T, e *env, applicant *pb.RegisterMemberRequest) string {
	t.Helper()
	applicant.Parent = "associations/hoi-tin-hoc"
	applicant.Consent = &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}
	r, err := e.admin.Memberships.RegisterMember(context.Background(), applicant)
	if err != nil {
		t.Fatal(err)
	}
	return r.Membership.Name
}

// A desk with no registrations in the state it shows offers no export,
// whose file would hold none, and says so in Vietnamese; once there is
// one, it offers the export again.
func TestDeskWithoutRegistrationsOffersNoExport(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(e.account("admin", ""))
	for _, who := range []*browser{admin, e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))} {
		code, body := who.get("/members/hoi-tin-hoc?state=SUSPENDED")
		if code != http.StatusOK {
			t.Fatalf("the empty desk: HTTP %d", code)
		}
		if strings.Contains(body, `id="export-csv"`) || strings.Contains(body, `id="export-xlsx"`) || strings.Contains(body, "Xuất danh sách (") {
			t.Errorf("the empty desk offers an export:\n%s", body)
		}
		if !strings.Contains(body, `id="export-none"`) || !strings.Contains(body, "Không có lượt đăng ký «Tạm đình chỉ» nào") {
			t.Errorf("the empty desk does not say why there is no export:\n%s", body)
		}
	}
	registerInformatics(t, e, &pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Cao", GivenName: "Chờ"}}})
	_, body := admin.get("/members/hoi-tin-hoc?state=PENDING")
	if !strings.Contains(body, `id="export-csv"`) || strings.Contains(body, `id="export-none"`) {
		t.Errorf("the desk with a registration offers no export:\n%s", body)
	}
}
