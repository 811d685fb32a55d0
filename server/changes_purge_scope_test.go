package server

import (
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association that registered someone already in the
// registry (their link not confirmed, so never in its scope: the
// membership does not name them to it) is not told their PURGED: it
// would learn the name of a person it never could read, and that they
// were erased. It is told of the membership's deletion, which it saw.
func TestChangesPurgeOfAnOutsiderLinkedUnconfirmed(t *testing.T) {
	f := newScopeFixture(t)
	linked, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}})
	if err != nil || !linked.LinkedExistingPerson {
		t.Fatalf("linking the outsider: %v %v", linked, err)
	}
	f.noLeak(t, "RegisterMember", linked)
	head := feedOf(t, f.medical.Changes, "")
	from := head[len(head)-1].Cursor

	purge(t, f.e, f.outsider.Name)

	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.medical.Changes, from, filter)
		for _, c := range got {
			f.noLeak(t, "ListChanges "+filter, c)
		}
		if filter == "" && (len(got) != 1 || got[0].Resource != linked.Membership.Name || got[0].Kind != pb.Change_DELETED) {
			t.Errorf("the feed after the purge: %q, want the DELETED of %s alone", summaryOf(got), linked.Membership.Name)
		}
	}
}

// The key of an organization is told the PURGED of one of its people, not
// of someone whose position at an organization ended before it came
// under it: that person never was in its scope.
func TestChangesPurgeOfOneNeverInTheUnit(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	clinic := f.org("tram-y-te", "Trạm Y tế xã", "")
	former, pos := f.worker(clinic, "Trước")
	if _, err := e.client.People.UpdatePosition(ctx, &pb.UpdatePositionRequest{
		Position:   &pb.Position{Name: pos.Name, Current: false, End: &date.Date{Year: 2020, Month: 6}},
		UpdateMask: mask("current", "end")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: clinic.Name, Parent: f.health.Name}, UpdateMask: mask("parent")}); err != nil {
		t.Fatal(err)
	}
	head := feedOf(t, f.ha.Changes, "")
	from := head[len(head)-1].Cursor

	purge(t, e, former.Name)
	purge(t, e, f.inside.Name)

	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.ha.Changes, from, filter)
		if s, want := summaryOf(got), []string{"PURGED " + f.inside.Name}; !slices.Equal(s, want) {
			t.Errorf("filter %q: the unit's feed: %q, want %q", filter, s, want)
		}
	}
}
