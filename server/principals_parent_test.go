package server

import (
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association reads the people of the associations
// under it (store.scopeAssociations), so it reads who changed them too: a
// principal of its scope or of a scope under it is named, as its own are.
// Before, "same scope" was an exact match, and the union's key read its
// member associations' keys as names.OtherPrincipal. A member
// association's key still does not read the union's key, nor a sibling's.
func TestParentScopeReadsChildrenPrincipals(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	_, unionTok, err := e.db.CreateScopedKey(ctx, "Liên hiệp hội", RoleRegistrar, f.union.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	union := e.clientAs(unionTok)
	// A member of both children, changed by each child's key and the union's.
	p := e.person(&pb.Person{FamilyName: "Đỗ", GivenName: "Hai Hội", NationalId: "091070000322"})
	for _, a := range []string{f.hyh.Name, f.kt.Name} {
		reg := e.register(&pb.RegisterMemberRequest{Parent: a, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}})
		if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
			t.Fatal(err)
		}
	}
	_, ktTok, err := e.db.CreateScopedKey(ctx, "Hội Kinh tế", RoleRegistrar, f.kt.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{f.medicalTok, ktTok, unionTok} {
		if _, err := e.clientAs(tok).People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: p.Name,
			Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Bài báo", Year: 2020}}); err != nil {
			t.Fatal(err)
		}
	}
	principals := func(c pb.PrivacyServiceClient) map[string]bool {
		t.Helper()
		revs, err := c.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: p.Name, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range revs.PersonRevisions {
			seen[r.Principal] = true
		}
		return seen
	}
	seen := principals(union.Privacy)
	for _, tok := range []string{f.medicalTok, ktTok, unionTok} {
		if id := keyPrincipal(tok); !seen[id] {
			t.Errorf("the union's key does not read %s, of its scope; it reads %v", id, seen)
		}
	}
	seen = principals(f.medical.Privacy)
	for _, tok := range []string{ktTok, unionTok} {
		if id := keyPrincipal(tok); seen[id] {
			t.Errorf("a member association's key reads %s, outside its scope", id)
		}
	}
}
