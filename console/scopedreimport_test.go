package console_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An association's account downloads its people as a workbook and
// uploads it back: the import is not refused; its page says, in
// Vietnamese, that the people sheet was skipped and nothing of it was
// written, and lists the membership as unchanged.
func TestScopedAccountReimportsItsWorkbook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-tin-hoc",
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Phạm", GivenName: "Hoa"}},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: r.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	code, file := b.get("/export?format=xlsx")
	if code != http.StatusOK || !strings.HasPrefix(file, "PK") {
		t.Fatalf("the workbook: HTTP %d", code)
	}
	code, body, op := b.uploadTo("danh-sach-tri-thuc.xlsx", file)
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload of its own workbook: HTTP %d, sent to %q:\n%s", code, op, html.UnescapeString(errorOf(body)))
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	page = html.UnescapeString(page)
	if !strings.Contains(page, `Trang "Người" không được nhập: tài khoản của hội chỉ nhập trang "Hội viên"`) {
		t.Errorf("the import's page does not say the people sheet was skipped:\n%s", page)
	}
	if strings.Contains(page, `id="import-failed"`) || strings.Contains(page, "was not imported") {
		t.Errorf("the import's page shows a failure or English:\n%s", page)
	}
}
