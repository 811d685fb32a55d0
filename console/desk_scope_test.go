package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An account limited to an association reads every association, as its
// key does, but another association's desk, registration form and
// memberships are not its own: each refuses it (403) in the console's
// words, before any form is shown.
func TestOtherAssociationsDeskRefused(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	for _, path := range []string{"/members/hoi-y-hoc", "/members/hoi-y-hoc?state=ACTIVE", "/members/hoi-y-hoc/-/register"} {
		code, body := b.get(path)
		if code != http.StatusForbidden || strings.Contains(body, `name="family_name"`) {
			t.Errorf("%s: HTTP %d, want 403 without a form:\n%s", path, code, body)
		}
	}
	if code, _ := b.get("/members/hoi-tin-hoc/-/register"); code != http.StatusOK {
		t.Errorf("its own association's form: HTTP %d", code)
	}
}

// An account limited to an association reads its member's profile without
// what they hold in other associations: a registration there is that
// association's, as the key's answers have it (server/scope.go).
func TestProfileHidesOtherAssociations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc", Consent: c,
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Vũ", GivenName: "Minh"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-tin-hoc", Consent: c,
		Applicant: &pb.RegisterMemberRequest_Person{Person: reg.Membership.Person}}); err != nil {
		t.Fatal(err)
	}
	profile := "/" + reg.Membership.Person
	_, all := e.signIn(e.account("registrar", "")).get(profile)
	if !strings.Contains(all, "hoi-tin-hoc") {
		t.Fatalf("the profile, for a registrar without a limit, has no membership of hoi-tin-hoc:\n%s", all)
	}
	code, body := e.signIn(e.account("registrar", "associations/hoi-y-hoc")).get(profile)
	if code != http.StatusOK || !strings.Contains(body, "hoi-y-hoc") {
		t.Fatalf("the profile, for the medical association's account: HTTP %d\n%s", code, body)
	}
	if strings.Contains(body, "hoi-tin-hoc") || strings.Contains(body, "Tin học") {
		t.Errorf("the medical association's account sees the registration with hoi-tin-hoc:\n%s", body)
	}
}

// An account limited to a unit reads its people's profiles without their
// memberships: no membership is its to read (README, "Keys and accounts
// limited to a unit"), as the server's answers have it (server/scope.go).
func TestUnitProfileHidesMemberships(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.unitSetup()
	c := &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}
	if _, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-tin-hoc", Consent: c,
		Applicant: &pb.RegisterMemberRequest_Person{Person: e.person.GetName()}}); err != nil {
		t.Fatal(err)
	}
	profile := "/" + e.person.GetName()
	if _, all := e.signIn(e.account("registrar", "")).get(profile); !strings.Contains(all, "hoi-tin-hoc") {
		t.Fatalf("the profile, for a registrar without a limit, has no membership of hoi-tin-hoc:\n%s", all)
	}
	admin := e.signIn(e.account("admin", ""))
	code, body := e.signIn(e.unitAccount(admin, "registrar", org)).get(profile)
	if code != http.StatusOK || !strings.Contains(body, "Nguyễn Văn Anh") {
		t.Fatalf("the profile, for the unit's account: HTTP %d\n%s", code, body)
	}
	if strings.Contains(body, "hoi-tin-hoc") || strings.Contains(body, "Tin học") {
		t.Errorf("the unit's account sees the registration with hoi-tin-hoc:\n%s", body)
	}
}
