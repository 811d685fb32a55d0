package server

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registration that resembles a person restricted since is read with
// that look-alike left unnamed (hideRestricted), but the refusal of its
// approval named them ("... resembles people/X (same name and birth
// date)"), to a registrar who may not read them. It still refuses, over
// gRPC and REST, naming no one restricted; an admin's names them.
func TestApprovalNamesNoRestrictedLookAlike(t *testing.T) {
	f := newPrivacyFixture(t)
	p := bao()
	p.Email, p.Phone, p.NationalId = "", "", ""
	reg, err := f.registrar.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}})
	if err != nil {
		t.Fatal(err)
	}
	if d := reg.Membership.GetPossibleDuplicates(); len(d) != 1 || d[0].Person != f.person.Name {
		t.Fatalf("the registration's look-alikes: %v", d)
	}
	f.restrict(t)
	_, err = f.registrar.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name})
	wantCode(t, err, codes.FailedPrecondition)
	if msg := status.Convert(err).Message(); strings.Contains(msg, f.person.Name) || !strings.Contains(msg, "confirm_distinct_person") {
		t.Errorf("the registrar's refusal says %q", msg)
	}
	code, body := f.e.restAs(f.registrarTok, "POST", "/v1/"+reg.Membership.Name+":approve", map[string]any{})
	wantREST(t, code, body, http.StatusBadRequest)
	if msg, _ := body["message"].(string); strings.Contains(msg, f.person.Name) {
		t.Errorf("the registrar's refusal over REST says %q", msg)
	}
	_, err = f.e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name})
	if msg := status.Convert(err).Message(); !strings.Contains(msg, f.person.Name) {
		t.Errorf("the admin's refusal does not name the look-alike: %q", msg)
	}
}
