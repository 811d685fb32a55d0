package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association reads its members' profiles, but not
// what they hold in other associations: a member of the medical
// association who has applied to the economists' shows the key no trace
// of it, in the FULL profile (gRPC and REST), the lists' filters and
// counts, the revisions and their pages, or the export.
func TestScopedKeyHidesOtherAssociationsMemberships(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	hoa := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Phạm", GivenName: "Hoa"}}})
	if _, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: hoa.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	person := hoa.Membership.Person
	other := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: person}}).Membership
	otherMark := f.kt.Name + "/"

	// A registrar without a limit sees both.
	full, err := e.client.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: person, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || len(full.Memberships) != 2 {
		t.Fatalf("the memberships, for a registrar without a limit: %v %v", full.GetMemberships(), err)
	}

	leaks := func(where string, answer any) {
		t.Helper()
		var text string
		switch a := answer.(type) {
		case string:
			text = a
		default:
			b, _ := json.Marshal(a)
			text = string(b)
		}
		if strings.Contains(text, otherMark) || strings.Contains(text, strings.TrimPrefix(other.Name, otherMark)) {
			t.Errorf("%s shows the membership of %s:\n%s", where, f.kt.Name, text)
		}
	}
	got, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: person, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || len(got.Memberships) != 1 || got.Memberships[0].Name != hoa.Membership.Name {
		t.Errorf("GetPerson FULL: %v %v; want the medical membership alone", got.GetMemberships(), err)
	}
	leaks("GetPerson FULL", protojson.Format(got))
	code, body := e.restAs(f.medicalTok, "GET", "/v1/"+person+"?view=PERSON_VIEW_FULL", nil)
	if code != http.StatusOK {
		t.Fatalf("REST GetPerson: %d %v", code, body)
	}
	leaks("REST GetPerson FULL", body)

	// Filters and counts: the other association's membership matches
	// nothing, and a state only it has does not find her.
	for _, filter := range []string{`memberships.association = "` + f.kt.Name + `"`, `memberships.state = PENDING`,
		`memberships.association = "` + f.kt.Name + `" AND memberships.state = PENDING`} {
		resp, err := f.medical.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: filter, PageSize: 10})
		if err != nil || resp.TotalSize != 0 || len(resp.People) != 0 {
			t.Errorf("ListPeople %s: %d people (total_size %d), %v; want none", filter, len(resp.GetPeople()), resp.GetTotalSize(), err)
		}
		code, body := e.restAs(f.medicalTok, "GET", "/v1/people?filter="+url.QueryEscape(filter), nil)
		if code != http.StatusOK || body["totalSize"] != nil && body["totalSize"] != float64(0) {
			t.Errorf("REST ListPeople %s: %d %v", filter, code, body)
		}
		search, err := f.medical.People.SearchPeople(f.ctx, &pb.SearchPeopleRequest{Query: "Hoa", Filter: filter})
		if err != nil || len(search.GetPeople()) != 0 {
			t.Errorf("SearchPeople %s: %v %v; want none", filter, search, err)
		}
	}
	// Her own association's still does.
	if resp, err := f.medical.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: `memberships.association = "` + f.hyh.Name + `"`}); err != nil || resp.TotalSize != 1 {
		t.Errorf("ListPeople by the key's association: %v %v", resp, err)
	}

	// Revisions: the registration with the economists is not listed, nor
	// does it fill a page (a page of one is the newest the key may read).
	revs, err := f.medical.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: person, PageSize: 100})
	if err != nil || len(revs.PersonRevisions) == 0 {
		t.Fatalf("revisions: %v %v", revs, err)
	}
	leaks("ListPersonRevisions", protojson.Format(revs))
	first, err := f.medical.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: person, PageSize: 1})
	if err != nil || len(first.PersonRevisions) != 1 || first.PersonRevisions[0].Name != revs.PersonRevisions[0].Name {
		t.Errorf("the first page of revisions: %v %v; want %s", first, err, revs.PersonRevisions[0].Name)
	}

	// Of her consents, the one her other registration recorded is that
	// association's (TestAssociationKeySeesNoConsentOfAnothersRegistration).
	consents, err := f.medical.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: person})
	if err != nil || len(consents.Consents) != 1 || consents.Consents[0].Membership != hoa.Membership.Name {
		t.Errorf("ListConsents: %v %v; want the medical registration's alone", consents, err)
	}
	leaks("ListConsents", protojson.Format(consents))

	// ListMemberships reads its associations alone.
	_, err = f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.kt.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: "associations/-", Filter: `person = "` + person + `"`})
	wantCode(t, err, codes.PermissionDenied)
}
