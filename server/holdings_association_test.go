package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association reads the memberships of its own, not
// another's. Its member's registration with another association, and the
// changes of that membership, moved the person's etag and update_time as
// the key read them and gave it an UPDATED of the person in its feed: it
// learnt when its member joined another association. It now sees none of
// that, over gRPC and REST, nor by a filter on update_time; a change of a
// membership of its own association it still sees.
func TestAssociationKeySeesNothingOfAnothersMemberships(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	p, own := f.medicalMember(t, &pb.Person{FamilyName: "Võ", GivenName: "Hạnh"})
	type seen struct{ etag, updateTime, restEtag, restTime string }
	read := func() seen {
		t.Helper()
		got, err := f.medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		code, body := e.restAs(f.medicalTok, "GET", "/v1/"+p.Name, nil)
		if code != http.StatusOK {
			t.Fatalf("REST %d %v", code, body)
		}
		rt, _ := body["updateTime"].(string)
		re, _ := body["etag"].(string)
		if re != got.Etag {
			t.Errorf("etag %q, over REST %q", got.Etag, re)
		}
		return seen{got.Etag, got.UpdateTime.AsTime().String(), re, rt}
	}
	told := func(from string) (grpcUpdated, restNamed bool) {
		t.Helper()
		for _, ch := range listAll(t, f.medical.Changes, from, "") {
			if ch.Resource == p.Name && ch.Kind == pb.Change_UPDATED {
				grpcUpdated = true
			}
		}
		code, body := e.restAs(f.medicalTok, "GET", "/v1/changes?pageToken="+url.QueryEscape(from)+"&pageSize=1000", nil)
		if code != http.StatusOK {
			t.Fatalf("REST feed %d %v", code, body)
		}
		return grpcUpdated, strings.Contains(jsonText(body), `"`+p.Name+`"`)
	}
	changedSince := func(since string) (listed, found int) {
		t.Helper()
		filter := fmt.Sprintf("update_time > %q", since)
		list, err := f.medical.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: filter, OrderBy: "update_time desc"})
		if err != nil {
			t.Fatal(err)
		}
		search, err := f.medical.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: p.GivenName, Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		return len(list.People), len(search.People)
	}
	adminBefore := e.get(p.Name, pb.PersonView_PERSON_VIEW_BASIC).Etag
	before, from := read(), headOf(t, e.client.Changes)
	since := time.Now().UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)

	// The member registers with the economists' association, is approved
	// and suspended there.
	other := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: other.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: other.Membership.Name, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}
	if e.get(p.Name, pb.PersonView_PERSON_VIEW_BASIC).Etag == adminBefore {
		t.Fatal("the admin's etag stayed")
	}
	if now := read(); now != before {
		t.Errorf("after a registration with another association: %+v, before %+v", now, before)
	}
	if g, r := told(from); g || r {
		t.Errorf("the key's feed tells of the person after a registration with another association: gRPC %v, REST %v", g, r)
	}
	if l, s := changedSince(since); l+s != 0 {
		t.Errorf("%d listed, %d found changed since the registration with another association", l, s)
	}
	// Its etag is current for it: an update with it goes through.
	if _, err := f.medical.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, Availability: pb.Person_LIMITED, Etag: before.etag},
		UpdateMask: mask("availability")}); err != nil {
		t.Errorf("an update with the key's etag: %v", err)
	}

	// A change of the membership of its own association it sees.
	before, from = read(), headOf(t, e.client.Changes)
	since = time.Now().UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: own.Membership.Name, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}
	if now := read(); now.etag == before.etag || now.updateTime == before.updateTime || now.restTime == before.restTime {
		t.Errorf("after a change of its own association's membership: %+v, before %+v", now, before)
	}
	if g, r := told(from); !g || !r {
		t.Errorf("the key's feed after a change of its own association's membership: UPDATED over gRPC %v, the person over REST %v", g, r)
	}
	if l, s := changedSince(since); l != 1 || s != 1 {
		t.Errorf("%d listed, %d found changed since the change of its own association's membership; want 1, 1", l, s)
	}
}

// medicalMember makes person, registered with f.hyh and approved.
func (f *scopeFixture) medicalMember(t *testing.T, person *pb.Person) (*pb.Person, *pb.RegisterMemberResponse) {
	t.Helper()
	p := f.e.person(person)
	own := f.e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}})
	if _, err := f.e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: own.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	return p, own
}
