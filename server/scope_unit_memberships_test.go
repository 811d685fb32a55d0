package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/protobuf/encoding/protojson"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A key limited to an organization reads its people, what they hold and
// their revisions, but not their memberships (README, "Keys and accounts
// limited to a unit": memberships are PERMISSION_DENIED to it): none of
// its answers shows one, in the FULL profile (gRPC and REST), the lists'
// memberships.* filters and counts, the revisions and their pages, or
// the export's Hội viên sheet, for its registrar and its home affairs.
func TestUnitKeyReadsNoMemberships(t *testing.T) {
	f := newUnitFixture(t)
	e := f.e
	_, hyh := e.associations()
	reg := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: f.inside.Name}})
	if _, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	person := f.inside.Name
	leaks := func(where, text string) {
		t.Helper()
		if strings.Contains(text, hyh.Name) || strings.Contains(text, "Hội Y học") {
			t.Errorf("%s shows the membership of %s:\n%.800s", where, hyh.Name, text)
		}
	}
	if full := e.get(person, pb.PersonView_PERSON_VIEW_FULL); len(full.Memberships) != 1 {
		t.Fatalf("the memberships, for a registrar without a limit: %v", full.GetMemberships())
	}
	for _, k := range []struct {
		name string
		tok  string
	}{{"registrar", f.regTok}, {"home_affairs", f.haTok}} {
		c := e.clientAs(k.tok)
		got, err := c.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: person, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil || len(got.Memberships) != 0 {
			t.Errorf("%s: GetPerson FULL: %v %v; want no memberships", k.name, got.GetMemberships(), err)
		}
		leaks(k.name+": GetPerson FULL", protojson.Format(got))
		code, body := e.restAs(k.tok, "GET", "/v1/"+person+"?view=PERSON_VIEW_FULL", nil)
		if code != http.StatusOK {
			t.Fatalf("%s: REST GetPerson: %d %v", k.name, code, body)
		}
		if body["memberships"] != nil {
			t.Errorf("%s: REST GetPerson FULL holds memberships: %v", k.name, body["memberships"])
		}
		list, err := c.People.ListPeople(f.ctx, &pb.ListPeopleRequest{View: pb.PersonView_PERSON_VIEW_FULL, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		leaks(k.name+": ListPeople FULL", protojson.Format(list))

		for _, filter := range []string{`memberships.association = "` + hyh.Name + `"`, `memberships.state = ACTIVE`} {
			resp, err := c.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: filter, PageSize: 10})
			if err != nil || resp.TotalSize != 0 || len(resp.People) != 0 {
				t.Errorf("%s: ListPeople %s: %d people (total_size %d), %v; want none", k.name, filter, len(resp.GetPeople()), resp.GetTotalSize(), err)
			}
			code, body := e.restAs(k.tok, "GET", "/v1/people?filter="+url.QueryEscape(filter), nil)
			if code != http.StatusOK || body["people"] != nil {
				t.Errorf("%s: REST ListPeople %s: %d %v", k.name, filter, code, body)
			}
			search, err := c.People.SearchPeople(f.ctx, &pb.SearchPeopleRequest{Query: "Trong", Filter: filter})
			if err != nil || len(search.GetPeople()) != 0 {
				t.Errorf("%s: SearchPeople %s: %v %v; want none", k.name, filter, search, err)
			}
		}
		// Its own filters still find her.
		if resp, err := c.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: `given_name = "Trong"`}); err != nil || resp.TotalSize != 1 {
			t.Errorf("%s: ListPeople by name: %v %v", k.name, resp, err)
		}

		revs, err := c.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: person, PageSize: 100})
		if err != nil || len(revs.PersonRevisions) == 0 {
			t.Fatalf("%s: revisions: %v %v", k.name, revs, err)
		}
		leaks(k.name+": ListPersonRevisions", protojson.Format(revs))
		first, err := c.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: person, PageSize: 1})
		if err != nil || len(first.PersonRevisions) != 1 || first.PersonRevisions[0].Name != revs.PersonRevisions[0].Name {
			t.Errorf("%s: the first page of revisions: %v %v; want %s", k.name, first, err, revs.PersonRevisions[0].Name)
		}

		xlsx := e.export(k.tok, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
		wb, err := excelize.OpenReader(bytes.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(transfer.MembershipsSheet)
		wb.Close()
		if len(rows) > 1 {
			t.Errorf("%s: the export's %s sheet holds %d memberships: %v", k.name, transfer.MembershipsSheet, len(rows)-1, rows[1:])
		}
	}
}
