package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// moveOrg gives the organization org the parent parent ("" for none).
func (f *unitFixture) moveOrg(org *pb.Organization, parent string) {
	f.e.t.Helper()
	if _, err := f.e.client.Organizations.UpdateOrganization(f.ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: org.Name, Parent: parent}, UpdateMask: mask("parent")}); err != nil {
		f.e.t.Fatal(err)
	}
}

// restrictPerson completes a RESTRICTION request of the person.
func restrictPerson(t *testing.T, e *env, name string) {
	t.Helper()
	ctx := context.Background()
	req, err := e.client.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: name, Requester: "Trần Hạn"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Privacy.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.Name,
		State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
		t.Fatal(err)
	}
}

// headOf is the cursor after every change c's caller sees now.
func headOf(t *testing.T, c pb.ChangeServiceClient) string {
	t.Helper()
	token := ""
	for {
		r, err := c.ListChanges(context.Background(), &pb.ListChangesRequest{PageToken: token, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		token = r.Cursor
		if r.NextPageToken == "" {
			return token
		}
	}
}

// personChanges is what changes says of each person: their last change's
// kind, for the changes of the person themself.
func personChanges(t *testing.T, changes []*pb.Change) map[string]pb.Change_Kind {
	t.Helper()
	last := map[string]pb.Change_Kind{}
	names := map[string]bool{}
	for _, c := range changes {
		if names[c.Name] {
			t.Errorf("two changes are named %s", c.Name)
		}
		names[c.Name] = true
		if c.ResourceType == pb.Change_PERSON {
			last[c.Resource] = c.Kind
		}
		if c.ResourceType == pb.Change_PERSON && c.Kind == pb.Change_DELETED && strings.HasSuffix(c.Name, "-1") {
			if want := fmt.Sprintf("changes/%d-1", c.Sequence); c.Name != want {
				t.Errorf("the DELETED of %s is named %s, want %s", c.Resource, c.Name, want)
			}
		}
	}
	return last
}

// An organization moved out of a unit takes its people out of the scope
// of the unit's key: its feed tells of their DELETED, and the key of the
// unit it moves under, to which they come, of their UPDATED, so that its
// copy reads them. Someone who also works elsewhere in the unit stays,
// and is not named. Moved back, the people come back to the first key,
// and the people of an organization moved in are told to it; nobody
// outside is ever named to it.
func TestChangesTellAnOrganizationsMove(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	_, eduTok, err := e.db.CreateScopedKey(ctx, "Sở Giáo dục, thống kê", RoleHomeAffairs, f.education.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	edu := e.clientAs(eduTok)
	clinic := f.org("tram-y-te", "Trạm Y tế xã", f.hospital.Name)
	ward := f.org("khoa-noi", "Khoa Nội", clinic.Name)
	nurse, _ := f.worker(clinic, "Y tá")
	doctor, _ := f.worker(ward, "Bác sĩ")
	both, _ := f.worker(clinic, "Hai nơi")
	e.position(both.Name, &pb.Position{Organization: f.hospital.Name, Title: "Trưởng khoa", Start: &date.Date{Year: 2016, Month: 1, Day: 1}, Current: true})
	lab := f.org("phong-thi-nghiem", "Phòng thí nghiệm", f.education.Name)
	chemist, _ := f.worker(lab, "Hoá")
	// Restricted: the admins' alone, whatever scope they come into.
	hidden, _ := f.worker(lab, "Hạn chế")
	restrictPerson(t, e, hidden.Name)
	fromHealth, fromEdu := headOf(t, f.ha.Changes), headOf(t, edu.Changes)

	f.moveOrg(clinic, f.education.Name)
	f.moveOrg(lab, f.hospital.Name)

	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.ha.Changes, fromHealth, filter)
		for _, c := range got {
			f.noLeak(t, "ListChanges", c.Resource)
		}
		last := personChanges(t, got)
		for p, want := range map[string]pb.Change_Kind{
			nurse.Name: pb.Change_DELETED, doctor.Name: pb.Change_DELETED, chemist.Name: pb.Change_UPDATED,
		} {
			if last[p] != want {
				t.Errorf("filter %q: the unit's feed tells %s of %s, want %s: %q", filter, last[p], p, want, summaryOf(got))
			}
		}
		for _, p := range []string{both.Name, hidden.Name} {
			if _, ok := last[p]; ok {
				t.Errorf("filter %q: the unit's feed names %s: %q", filter, p, summaryOf(got))
			}
		}

		got = listAll(t, edu.Changes, fromEdu, filter)
		last = personChanges(t, got)
		for p, want := range map[string]pb.Change_Kind{
			nurse.Name: pb.Change_UPDATED, doctor.Name: pb.Change_UPDATED, both.Name: pb.Change_UPDATED, chemist.Name: pb.Change_DELETED,
		} {
			if last[p] != want {
				t.Errorf("filter %q: the school's feed tells %s of %s, want %s: %q", filter, last[p], p, want, summaryOf(got))
			}
		}
		for _, c := range got {
			// The restricted, in the school's scope before, leave it as
			// anyone does (their restriction was told as their DELETED).
			if c.Resource == hidden.Name && c.Kind == pb.Change_DELETED {
				continue
			}
			if !slices.Contains([]string{nurse.Name, doctor.Name, both.Name, chemist.Name}, c.Resource) {
				t.Errorf("filter %q: the school's feed tells of %s: %q", filter, c.Resource, summaryOf(got))
			}
		}
	}

	// Back under the unit: the people come back to its key.
	from := headOf(t, f.ha.Changes)
	f.moveOrg(clinic, f.health.Name)
	last := personChanges(t, listAll(t, f.ha.Changes, from, "resource_type = PERSON"))
	for _, p := range []string{nurse.Name, doctor.Name} {
		if last[p] != pb.Change_UPDATED {
			t.Errorf("the unit's feed tells %s of %s, who came back, want UPDATED", last[p], p)
		}
	}
}

// A person who left the unit while their organization was under it is
// told as DELETED, though the organization moved out and back since.
func TestChangesDeletedBeforeAMoveOutAndBack(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	clinic := f.org("tram-y-te", "Trạm Y tế xã", f.health.Name)
	f.worker(clinic, "Ở lại")
	leaver, pos := f.worker(clinic, "Nghỉ")
	from := headOf(t, f.ha.Changes)
	if _, err := e.client.People.UpdatePosition(ctx, &pb.UpdatePositionRequest{
		Position:   &pb.Position{Name: pos.Name, Current: false, End: &date.Date{Year: 2024, Month: 12, Day: 31}},
		UpdateMask: mask("current", "end")}); err != nil {
		t.Fatal(err)
	}
	f.moveOrg(clinic, f.education.Name)
	f.moveOrg(clinic, f.health.Name)
	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.ha.Changes, from, filter)
		if last := personChanges(t, got); last[leaver.Name] != pb.Change_DELETED {
			t.Errorf("filter %q: the unit's feed does not tell that %s left it: %q", filter, leaver.Name, summaryOf(got))
		}
	}
}

// So an association moved out of a key's association takes its members
// out of the key's scope (their DELETED), one moved under it brings its
// members in (their UPDATED), and one moved out and back hides no
// DELETED of its earlier time there; the outsider is never named.
func TestChangesTellAnAssociationsMove(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	move := func(a *pb.Association, parent string) {
		t.Helper()
		if _, err := e.client.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{
			Association: &pb.Association{Name: a.Name, Parent: parent}, UpdateMask: mask("parent")}); err != nil {
			t.Fatal(err)
		}
	}
	member := func(a *pb.Association, given string) *pb.RegisterMemberResponse {
		return e.register(&pb.RegisterMemberRequest{Parent: a.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: given}}})
	}
	club := e.association("cau-lac-bo", &pb.Association{DisplayName: "Câu lạc bộ Y", Code: "CLBY", Parent: f.hyh.Name})
	branch := e.association("chi-hoi", &pb.Association{DisplayName: "Chi hội Kinh tế", Code: "CHKT", Parent: f.kt.Name})
	gone := member(club, "Đi")
	withdrawn := member(club, "Rút")
	came := member(branch, "Đến")
	from := headOf(t, f.medical.Changes)

	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: withdrawn.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	move(club, f.kt.Name)
	move(branch, f.hyh.Name)
	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.medical.Changes, from, filter)
		for _, c := range got {
			f.noLeak(t, "ListChanges "+filter, c)
		}
		last := personChanges(t, got)
		for p, want := range map[string]pb.Change_Kind{
			gone.Person.Name: pb.Change_DELETED, withdrawn.Person.Name: pb.Change_DELETED, came.Person.Name: pb.Change_UPDATED,
		} {
			if last[p] != want {
				t.Errorf("filter %q: the association's feed tells %s of %s, want %s: %q", filter, last[p], p, want, summaryOf(got))
			}
		}
	}
	// And its memberships, which the key reads as those of its
	// associations: a copy drops those of the club and reads the branch's.
	last := map[string]pb.Change_Kind{}
	for _, c := range listAll(t, f.medical.Changes, from, "resource_type = MEMBERSHIP") {
		last[c.Resource] = c.Kind
	}
	for m, want := range map[string]pb.Change_Kind{
		gone.Membership.Name: pb.Change_DELETED, withdrawn.Membership.Name: pb.Change_DELETED, came.Membership.Name: pb.Change_UPDATED,
	} {
		if last[m] != want {
			t.Errorf("the association's feed of memberships tells %s of %s, want %s", last[m], m, want)
		}
	}

	move(club, f.hyh.Name)
	got := listAll(t, f.medical.Changes, from, "resource_type = PERSON")
	told := false
	for _, c := range got {
		told = told || c.Resource == withdrawn.Person.Name && c.Kind == pb.Change_DELETED
	}
	if !told {
		t.Errorf("after the club came back, the association's feed does not tell that %s withdrew: %q", withdrawn.Person.Name, summaryOf(got))
	}
}
