package server

import (
	"slices"
	"strings"
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

// The newest person's internal number is given again after their purge:
// the changes of the one purged, outside a limited key's scope, are not
// shown to it because the next holder of that number is in it.
func TestChangesOfOnePurgedNotOfTheNextHolder(t *testing.T) {
	f := newUnitFixture(t)
	gone, _ := f.worker(f.education, "Đã xoá")
	purge(t, f.e, gone.Name)
	next, _ := f.worker(f.health, "Kế")
	seen := false
	for _, c := range listAll(t, f.ha.Changes, "", "") {
		if c.Resource == gone.Name || strings.HasPrefix(c.Resource, gone.Name+"/") {
			t.Errorf("the unit's feed tells of %s, who never worked there: %s %s", gone.Name, c.Kind, c.Resource)
		}
		seen = seen || c.Resource == next.Name
	}
	if !seen {
		t.Errorf("the unit's feed does not tell of %s, who works there", next.Name)
	}

	s := newScopeFixture(t)
	left := s.e.register(&pb.RegisterMemberRequest{Parent: s.kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Khác"}}})
	purge(t, s.e, left.Person.Name)
	member := s.e.register(&pb.RegisterMemberRequest{Parent: s.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}}})
	seen = false
	for _, c := range listAll(t, s.medical.Changes, "", "") {
		if c.Resource == left.Person.Name || strings.HasPrefix(c.Resource, left.Person.Name+"/") {
			t.Errorf("the association's feed tells of %s, never its member: %s %s", left.Person.Name, c.Kind, c.Resource)
		}
		seen = seen || c.Resource == member.Person.Name
	}
	if !seen {
		t.Errorf("the association's feed does not tell of %s, its member", member.Person.Name)
	}
}

// Nor is a key of an organization told the DELETED of someone whose
// position at another organization ended before that one came under it:
// they never were in its scope. A position ended there after is told.
func TestChangesNoDeletedOfOneWhoLeftBeforeTheMove(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	clinic := f.org("tram-y-te", "Trạm Y tế xã", "")
	end := func(pos *pb.Position) {
		t.Helper()
		if _, err := e.client.People.UpdatePosition(ctx, &pb.UpdatePositionRequest{
			Position:   &pb.Position{Name: pos.Name, Current: false, End: &date.Date{Year: 2020, Month: 6}},
			UpdateMask: mask("current", "end")}); err != nil {
			t.Fatal(err)
		}
	}
	head := feedOf(t, f.ha.Changes, "")
	from := head[len(head)-1].Cursor
	former, pos := f.worker(clinic, "Trước")
	end(pos)
	if _, err := e.client.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: clinic.Name, Parent: f.health.Name}, UpdateMask: mask("parent")}); err != nil {
		t.Fatal(err)
	}
	after, pos := f.worker(clinic, "Sau")
	end(pos)

	for _, filter := range []string{"", "resource_type = PERSON"} {
		told := map[string]bool{}
		for _, c := range listAll(t, f.ha.Changes, from, filter) {
			if c.Resource == former.Name || strings.HasPrefix(c.Resource, former.Name+"/") {
				t.Errorf("filter %q: the unit's feed tells of %s, who left before the clinic came under it: %s %s", filter, former.Name, c.Kind, c.Resource)
			}
			told[c.Resource] = told[c.Resource] || c.Kind == pb.Change_DELETED
		}
		if !told[after.Name] {
			t.Errorf("filter %q: the unit's feed does not tell that %s left it", filter, after.Name)
		}
	}
}

// So is a key of an association not told the DELETED of someone who
// withdrew from another association before that one came under its own.
func TestChangesNoDeletedOfOneWhoWithdrewBeforeTheMove(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	club := e.association("cau-lac-bo", &pb.Association{DisplayName: "Câu lạc bộ Y", Code: "CLBY"})
	withdraw := func(m string) {
		t.Helper()
		if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m}); err != nil {
			t.Fatal(err)
		}
	}
	head := feedOf(t, e.client.Changes, "")
	from := head[len(head)-1].Cursor
	former := e.register(&pb.RegisterMemberRequest{Parent: club.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Trước"}}})
	withdraw(former.Membership.Name)
	if _, err := e.client.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{
		Association: &pb.Association{Name: club.Name, Parent: f.hyh.Name}, UpdateMask: mask("parent")}); err != nil {
		t.Fatal(err)
	}
	after := e.register(&pb.RegisterMemberRequest{Parent: club.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Sau"}}})
	withdraw(after.Membership.Name)

	for _, filter := range []string{"", "resource_type = PERSON"} {
		told := map[string]bool{}
		for _, c := range listAll(t, f.medical.Changes, from, filter) {
			if c.Resource == former.Person.Name || strings.HasPrefix(c.Resource, former.Person.Name+"/") {
				t.Errorf("filter %q: the association's feed tells of %s, who withdrew before the club came under it: %s %s", filter, former.Person.Name, c.Kind, c.Resource)
			}
			told[c.Resource] = told[c.Resource] || c.Kind == pb.Change_DELETED
		}
		if !told[after.Person.Name] {
			t.Errorf("filter %q: the association's feed does not tell that %s left it", filter, after.Person.Name)
		}
	}
}
