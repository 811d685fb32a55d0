package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An account limited to an association reads on its member's profile that
// a qualification was verified, not by whom when the verifier is outside
// its scope: the home affairs officer's name and email are the
// department's (server/principals.go). A registrar without a limit reads
// them.
func TestProfileHidesOtherScopesVerifier(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	officer := e.account("home_affairs", "")
	b := e.signIn(officer)
	path := verifyPath + idOfName(e.qual.GetName()) + "/verify"
	f := verifyForm(t, b, path)
	f.Set("state", "VERIFIED")
	if code, body := b.post(path, f); code != http.StatusSeeOther {
		t.Fatalf("verifying: HTTP %d: %q", code, errorOf(body))
	}
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"},
		Applicant: &pb.RegisterMemberRequest_Person{Person: e.person.Name}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	profile := "/" + e.person.Name
	if _, all := e.signIn(e.account("registrar", "")).get(profile); !strings.Contains(all, "Cán bộ home_affairs") {
		t.Fatalf("the profile, for a registrar without a limit, does not name the verifier:\n%s", all)
	}
	code, body := e.signIn(e.account("registrar", "associations/hoi-y-hoc")).get(profile)
	if code != http.StatusOK {
		t.Fatalf("the profile, for the medical association's account: HTTP %d\n%s", code, body)
	}
	if strings.Contains(body, officer) || strings.Contains(body, "Cán bộ home_affairs") {
		t.Errorf("the medical association's account reads who verified:\n%s", body)
	}
	if !strings.Contains(body, "tài khoản của đơn vị khác") {
		t.Errorf("the profile does not say the verifier is of another organization:\n%s", body)
	}
}

// A unit's account reads on its campaign's page that a profile was
// confirmed, not by whom when a registrar without a limit confirmed it.
func TestCampaignHidesOtherScopesConfirmer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.unitSetup()
	deadline := time.Now().AddDate(0, 1, 0)
	c, err := e.admin.Reviews.CreateReviewCampaign(ctx, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026",
		ReviewCampaign: &pb.ReviewCampaign{DisplayName: "Rà soát năm 2026", Organizations: []string{org},
			Deadline: &date.Date{Year: int32(deadline.Year()), Month: int32(deadline.Month()), Day: int32(deadline.Day())}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Reviews.ConfirmProfileReview(ctx, &pb.ConfirmProfileReviewRequest{
		Name: c.GetName() + "/profileReviews/" + idOfName(e.person.GetName())}); err != nil {
		t.Fatal(err)
	}
	email := "tccb@syt.example.vn"
	_, token, err := e.db.CreateAccount(ctx, email, "Lê Văn Tâm", "registrar", org)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(ctx, token, testPassword); err != nil {
		t.Fatal(err)
	}
	code, body := e.signIn(email).get("/reviews/2026?state=ALL")
	if code != http.StatusOK {
		t.Fatalf("the campaign page: HTTP %d\n%s", code, body)
	}
	if strings.Contains(body, "test admin") {
		t.Errorf("the unit's account reads who confirmed:\n%s", body)
	}
	if !strings.Contains(body, "bởi tài khoản của đơn vị khác") {
		t.Errorf("the page does not say another organization's account confirmed:\n%s", body)
	}
}
