package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association that links a registration to someone
// outside its scope (by national ID) records a consent that may not be
// theirs: until a registrar without a limit confirms the link, it changes
// nothing of what others read of the person. Before, knowing a national
// ID was enough to show every registrar the email and phone a person had
// withheld, to hide those they allowed, or to keep a profile whose own
// consent was withdrawn from being restricted.
func TestScopedLinkConsentUnconfirmed(t *testing.T) {
	f := newScopeFixture(t)
	_, regTok := f.e.key(RoleRegistrar)
	registrar := f.e.clientAs(regTok)
	privacy := f.e.client.Privacy
	contactShown := func(name string) bool {
		t.Helper()
		p, err := registrar.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: name})
		if err != nil {
			t.Fatalf("the registrar reading %s: %v", name, err)
		}
		return p.ContactAllowed && p.Email != ""
	}
	link := func(nationalID string, purposes ...pb.Consent_Purpose) *pb.RegisterMemberResponse {
		t.Helper()
		reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name,
			Consent:   &pb.Consent{Purposes: purposes, TextVersion: "2025-01"},
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: nationalID}}})
		if err != nil || !reg.LinkedExistingPerson {
			t.Fatalf("the limited key's registration: %v %v", reg, err)
		}
		return reg
	}

	// The outsider withholds their contact details: their registration's
	// consent (REGISTRY, CONTACT) is withdrawn, one for REGISTRY alone
	// recorded.
	consents, err := privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.outsider.Name})
	if err != nil || len(consents.Consents) != 1 {
		t.Fatalf("the outsider's consents: %v %v", consents, err)
	}
	if _, err := privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.outsider.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: consents.Consents[0].Name}); err != nil {
		t.Fatal(err)
	}
	if contactShown(f.outsider.Name) {
		t.Fatal("the outsider's contact details are shown before any link")
	}
	withheld := link(f.outsiderNationlID, pb.Consent_REGISTRY, pb.Consent_CONTACT)
	if contactShown(f.outsider.Name) {
		t.Error("a limited key's unconfirmed registration brought back the contact details the outsider withholds")
	}

	// Someone registered under the public duty (no consent on record)
	// keeps their contact details shown, and is not restricted when a
	// limited key links a registration without CONTACT to them.
	duty := f.e.person(&pb.Person{FamilyName: "Trương", GivenName: "Công", NationalId: "091070000777", Email: "cong@example.vn"})
	link("091070000777", pb.Consent_REGISTRY)
	if !contactShown(duty.Name) {
		t.Error("a limited key's unconfirmed registration hid the contact details of a person registered under the public duty")
	}

	// A person who withdraws their own consent is restricted, whatever an
	// unconfirmed registration says.
	own := f.e.person(&pb.Person{FamilyName: "Lý", GivenName: "Tâm", NationalId: "091070000888"})
	c, err := privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: own.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}})
	if err != nil {
		t.Fatal(err)
	}
	link("091070000888", pb.Consent_REGISTRY)
	if _, err := privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: c.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = registrar.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: own.Name})
	wantCode(t, err, codes.PermissionDenied)

	// Confirmed by a registrar without a limit, the registration is the
	// person's, and so is its consent.
	f.confirmBrings(t, withheld.Membership.Name)
	if !contactShown(f.outsider.Name) {
		t.Error("the confirmed registration's CONTACT consent does not count")
	}
}

// A registration refused because the person named already holds an open
// membership does not tell a limited key which of its association's
// memberships, whose person it is not shown, is theirs: that would tie the
// person, and the national ID the membership was registered with, to it.
func TestScopedLinkConflictNamesNoMembership(t *testing.T) {
	f := newScopeFixture(t)
	reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: f.outsiderNationlID}}})
	if err != nil || reg.Membership.Person != "" {
		t.Fatalf("the link: %v %v", reg, err)
	}
	_, err = f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_Person{Person: f.outsider.Name}})
	wantCode(t, err, codes.AlreadyExists, "person")
	if msg := status.Convert(err).Message(); strings.Contains(msg, reg.Membership.Name) || strings.Contains(msg, "PENDING") {
		t.Errorf("the refusal ties %s to the membership whose person the key is not shown: %q", f.outsider.Name, msg)
	}
	// A registrar without a limit is told which.
	_, err = f.e.client.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_Person{Person: f.outsider.Name}})
	wantCode(t, err, codes.AlreadyExists, "person")
	if msg := status.Convert(err).Message(); !strings.Contains(msg, reg.Membership.Name) {
		t.Errorf("the refusal to a registrar without a limit does not name the membership: %q", msg)
	}
}
