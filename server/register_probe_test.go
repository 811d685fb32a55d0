package server

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association that registers someone by a national ID
// learns whether a registered person holds it (linked_existing_person), or
// that a look-alike exists. A dry run (validate_only) told it so but wrote
// nothing, and its audit event kept only what a write would have made: the
// person was not named, so neither the admin reading the person's trail
// nor the person's own export (ExportPersonData) saw who had asked about
// them. The event names the person the registration met, and the
// look-alikes, whatever became of the write.
func TestRegistrationProbeNamesThePerson(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	resp, err := f.medical.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, ValidateOnly: true, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Thử", GivenName: "An", NationalId: f.outsiderNationlID}}})
	if err != nil || !resp.LinkedExistingPerson {
		t.Fatalf("the probe: %v %v", resp, err)
	}
	// A look-alike: the outsider's name and birth date, without the ID.
	p := bao()
	p.NationalId = ""
	resp, err = f.medical.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, ValidateOnly: true, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}})
	if err != nil || len(resp.GetMembership().GetPossibleDuplicates()) == 0 {
		t.Fatalf("the look-alike probe: %v %v", resp, err)
	}
	waitFor(t, func() bool { return len(e.auditEvents("RegisterMember")) >= 3 })
	evs, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: f.outsider.Name, Method: "RegisterMember", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	// The outsider's own registration, and the two probes.
	if n := len(evs.AuditEvents); n != 3 {
		t.Errorf("the outsider's trail holds %d RegisterMember events, want 3 (their registration and two probes): %v", n, evs.AuditEvents)
	}
}
