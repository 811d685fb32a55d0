package console_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
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
		if want := "/export?format=" + format + "&member_of=hoi-tin-hoc&member_state=ACTIVE"; link != want {
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
