package server

import (
	"testing"

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
