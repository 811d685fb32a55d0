package server

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestWorks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.person(anh())
	b := e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl", Ethnicity: "05"})

	patent := &pb.Work{Kind: pb.Work_PATENT, Title: "Quy trình nuôi tôm càng xanh luân canh lúa", Year: 2021,
		Role: pb.Work_LEAD, DocumentNumber: "1-0023456", Venue: "Cục Sở hữu trí tuệ"}
	first, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: a.Name, Work: patent, RequestId: "w-1"})
	if err != nil {
		t.Fatal(err)
	}
	// The same request id answers the same work and adds nothing.
	again, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: a.Name, Work: patent, RequestId: "w-1"})
	if err != nil || again.Name != first.Name {
		t.Fatalf("retried create: %v %v", again, err)
	}
	if _, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: b.Name, Work: &pb.Work{
		Kind: pb.Work_PUBLICATION, Title: "Giống lúa chịu mặn", Year: 2020, Doi: "10.1000/ABC.12", Level: pb.Work_NATIONAL}}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name  string
		work  *pb.Work
		field string
	}{
		{"no kind", &pb.Work{Title: "X"}, "work.kind"},
		{"no title", &pb.Work{Kind: pb.Work_TASK}, "work.title"},
		{"a DOI on a patent", &pb.Work{Kind: pb.Work_PATENT, Title: "X", Doi: "10.1000/x"}, "work.doi"},
		{"a malformed DOI", &pb.Work{Kind: pb.Work_PUBLICATION, Title: "X", Doi: "doi.org/10.1000/x"}, "work.doi"},
		{"before birth", &pb.Work{Kind: pb.Work_TASK, Title: "X", Year: 1980}, "work.year"},
		{"unknown field", &pb.Work{Kind: pb.Work_TASK, Title: "X", Field: "fields/vn2008-999999"}, "work.field"},
	} {
		_, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: a.Name, Work: tt.work})
		wantCode(t, err, codes.InvalidArgument, tt.field)
	}
	if all, _ := e.client.People.ListWorks(ctx, &pb.ListWorksRequest{Parent: "people/-"}); len(all.GetWorks()) != 2 {
		t.Fatalf("a rejected create changed something: %v", all)
	}

	// Filters reach works: on people, on search, and on the listing.
	people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: "works.kind = PATENT"})
	if err != nil || len(people.People) != 1 || people.People[0].Name != a.Name {
		t.Fatalf("works.kind = PATENT: %v %v", people, err)
	}
	found, err := e.client.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "tom cang xanh"})
	if err != nil || len(found.People) != 1 || found.People[0].Name != a.Name {
		t.Fatalf("search by a work's title: %v %v", found, err)
	}
	pubs, err := e.client.People.ListWorks(ctx, &pb.ListWorksRequest{Parent: "people/-", Filter: `doi = "10.1000/abc.12" AND level = NATIONAL`})
	if err != nil || len(pubs.Works) != 1 {
		t.Fatalf("works by DOI: %v %v", pubs, err)
	}

	// The FULL view carries them; BASIC does not.
	full, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: a.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || len(full.Works) != 1 || full.Works[0].DocumentNumber != "1-0023456" {
		t.Fatalf("FULL view: %v %v", full.GetWorks(), err)
	}
	basic, _ := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: a.Name})
	if len(basic.Works) != 0 {
		t.Errorf("BASIC view carries works: %v", basic.Works)
	}

	// Update with a mask and an etag, over REST; a stale etag is 409.
	code, body := e.rest("PATCH", "/v1/"+first.Name+"?updateMask=level", map[string]any{"level": "PROVINCE", "title": "ignored", "etag": first.Etag})
	if code != http.StatusOK || body["level"] != "PROVINCE" || body["title"] != patent.Title {
		t.Fatalf("patch: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+first.Name+"?updateMask=year", map[string]any{"year": 2022, "etag": first.Etag})
	wantREST(t, code, body, http.StatusConflict)
	_, err = e.client.People.UpdateWork(ctx, &pb.UpdateWorkRequest{Work: &pb.Work{Name: first.Name, Kind: pb.Work_PUBLICATION},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"no_such_field"}}})
	wantCode(t, err, codes.InvalidArgument)

	// Every write is audited under the work's name.
	evs, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: first.Name})
	if err != nil || len(evs.AuditEvents) < 2 {
		t.Fatalf("audit of %s: %v %v", first.Name, evs, err)
	}

	code, _ = e.rest("DELETE", "/v1/"+first.Name, nil)
	if code != http.StatusOK {
		t.Fatalf("delete: HTTP %d", code)
	}
	code, body = e.rest("GET", "/v1/"+first.Name, nil)
	wantREST(t, code, body, http.StatusNotFound)
}

func TestWorksPermissions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.person(anh())
	_, svc := e.key(RoleService)
	_, err := e.clientAs(svc).People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: a.Name, Work: &pb.Work{Kind: pb.Work_TASK, Title: "X"}})
	wantCode(t, err, codes.PermissionDenied)
	_, ha := e.key(RoleHomeAffairs)
	_, err = e.clientAs(ha).People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: a.Name, Work: &pb.Work{Kind: pb.Work_TASK, Title: "X"}})
	wantCode(t, err, codes.PermissionDenied)
	if _, err := e.clientAs(ha).People.ListWorks(ctx, &pb.ListWorksRequest{Parent: "people/-"}); err != nil {
		t.Errorf("home affairs lists works: %v", err)
	}
}

func TestPersonIdentifiers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := anh()
	p.Orcid = "0000-0002-1825-0098"
	_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
	wantCode(t, err, codes.InvalidArgument, "person.orcid")
	p.Orcid = "0000-0002-1825-097"
	_, err = e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
	wantCode(t, err, codes.InvalidArgument, "person.orcid")

	p.Orcid, p.CivilServantCode = "0000-0002-1694-233X", "CC-123456"
	got := e.person(p)
	if got.Orcid != p.Orcid || got.CivilServantCode != "CC-123456" {
		t.Fatalf("identifiers: %q %q", got.Orcid, got.CivilServantCode)
	}
	// An update that leaves them out of its mask keeps them.
	upd, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: got.Name, Phone: "0912 345 678"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}})
	if err != nil || upd.Orcid != p.Orcid {
		t.Fatalf("masked update: %v %v", upd.GetOrcid(), err)
	}
	people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `orcid = "0000-0002-1694-233X"`})
	if err != nil || len(people.People) != 1 {
		t.Fatalf("filter by orcid: %v %v", people, err)
	}
	// The civil-servant code is personal data: home affairs does not see it.
	_, ha := e.key(RoleHomeAffairs)
	seen, err := e.clientAs(ha).People.GetPerson(ctx, &pb.GetPersonRequest{Name: got.Name})
	if err != nil || seen.CivilServantCode != "" || seen.Orcid != p.Orcid {
		t.Fatalf("home affairs sees %q %q (%v)", seen.GetCivilServantCode(), seen.GetOrcid(), err)
	}
}
