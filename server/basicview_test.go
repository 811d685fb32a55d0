package server

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A role that reads basic views only (service) may not learn through a
// filter, an ordering or a search what only a person's FULL view shows:
// qualifications (and their verification), past positions, honours,
// works. It filters on current_positions, which the basic view shows,
// and its searches match names.
func TestBasicViewRoleFiltersWhatItReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "dh-kg",
		Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}})
	if err != nil {
		t.Fatal(err)
	}
	now := e.person(&pb.Person{FamilyName: "Trần", GivenName: "Nay", BirthDate: &date.Date{Year: 1980}})
	before := e.person(&pb.Person{FamilyName: "Lê", GivenName: "Trước", BirthDate: &date.Date{Year: 1980}})
	for _, p := range []struct {
		who     string
		current bool
	}{{now.Name, true}, {before.Name, false}} {
		pos := &pb.Position{Organization: org.Name, Title: "Giảng viên", Current: p.current, Start: &date.Date{Year: 2010}}
		if !p.current {
			pos.End = &date.Date{Year: 2015}
		}
		if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.who, Position: pos}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: before.Name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Kỹ thuật điện", Year: 2010}}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.key(RoleService)
	svc := e.clientAs(tok)
	for _, filter := range []string{
		`qualifications.major = "Kỹ thuật điện"`,
		`qualifications.verification.state = REJECTED`,
		`positions.current = false AND positions.organization = "organizations/dh-kg"`,
		`honors.kind = HUAN_CHUONG`,
		`works.doi = "10.1/x"`,
		`NOT positions.end > 2000-01-01`,
	} {
		_, err := svc.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: filter})
		wantCode(t, err, codes.PermissionDenied)
		_, err = svc.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Trần", Filter: filter})
		wantCode(t, err, codes.PermissionDenied)
		code, body := e.restAs(tok, "GET", "/v1/people?filter="+url.QueryEscape(filter), nil)
		if code != 403 {
			t.Errorf("REST filter %s: %d %v", filter, code, body)
		}
	}
	_, err = svc.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "qualifications.year"})
	wantCode(t, err, codes.PermissionDenied)

	// Where people work now is theirs to filter on.
	list, err := svc.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `current_positions.organization = "organizations/dh-kg"`})
	if err != nil || len(list.People) != 1 || list.People[0].Name != now.Name {
		t.Errorf("current_positions.organization: %v %v: want %s alone", list, err, now.Name)
	}
	list, err = svc.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `current_positions.organization.kind = UNIVERSITY AND current_positions.title = "Giảng viên"`})
	if err != nil || len(list.People) != 1 {
		t.Errorf("current_positions.organization.kind: %v %v", list, err)
	}
	// A registrar's filter reaches everything, current_positions too.
	_, regTok := e.key(RoleRegistrar)
	list, err = e.clientAs(regTok).People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `positions.current = false`})
	if err != nil || len(list.People) != 1 || list.People[0].Name != before.Name {
		t.Errorf("the registrar's positions.current = false: %v %v", list, err)
	}

	// The service's search matches names, not the majors of degrees.
	names := func(token, query string) []string {
		t.Helper()
		r, err := e.clientAs(token).People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range r.People {
			out = append(out, p.Name)
		}
		return out
	}
	if got := names(tok, "ky thuat dien"); len(got) != 0 {
		t.Errorf("the service's search for a degree's major finds %v", got)
	}
	if got := names(regTok, "ky thuat dien"); !slices.Equal(got, []string{before.Name}) {
		t.Errorf("the registrar's search for a degree's major finds %v, want %s", got, before.Name)
	}
	if got := names(tok, "tran nay"); !slices.Equal(got, []string{now.Name}) {
		t.Errorf("the service's search by name finds %v, want %s", got, now.Name)
	}
}
