package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Where a person works follows from the current position: typed once, on
// the position, over gRPC and REST; a contradicting value is refused naming
// person.work_location and the position, and changes nothing; a person
// without a current position that says where keeps what was typed.
func TestWorkLocationFollowsPositions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	people := e.client.People
	if _, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "dhkg",
		Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang", AdministrativeUnit: "30742"}}); err != nil {
		t.Fatal(err)
	}
	where := func(name string) string {
		t.Helper()
		p := e.get(name, pb.PersonView_PERSON_VIEW_BASIC)
		return p.GetWorkLocation().String() + "/" + p.GetWorkCountry()
	}

	// Typed, with no position: kept.
	a := e.person(&pb.Person{FamilyName: "Trần", GivenName: "An", WorkLocation: pb.Person_ELSEWHERE_IN_VIETNAM})
	if got := where(a.Name); got != "ELSEWHERE_IN_VIETNAM/" {
		t.Fatalf("typed: %s", got)
	}
	// A current position at an organization of the province decides.
	pos := e.position(a.Name, &pb.Position{Organization: "organizations/dhkg", Current: true, Start: day(2020, 1, 0)})
	if got := where(a.Name); got != "IN_PROVINCE/" {
		t.Fatalf("after a position in the province: %s", got)
	}
	// A contradiction is refused, over gRPC and REST, and changes nothing.
	_, err := people.UpdatePerson(ctx, &pb.UpdatePersonRequest{UpdateMask: mask("work_location", "work_country"),
		Person: &pb.Person{Name: a.Name, WorkLocation: pb.Person_ABROAD, WorkCountry: "JP"}})
	wantCode(t, err, codes.InvalidArgument, "person.work_location")
	if !strings.Contains(err.Error(), pos.Name) {
		t.Errorf("the error does not name the position %s: %v", pos.Name, err)
	}
	code, body := e.rest("PATCH", "/v1/"+a.Name+"?updateMask=work_location", map[string]any{"workLocation": "ELSEWHERE_IN_VIETNAM"})
	wantREST(t, code, body, http.StatusBadRequest, "person.work_location")
	if got := where(a.Name); got != "IN_PROVINCE/" {
		t.Fatalf("a refused update changed it: %s", got)
	}
	// Agreeing, or leaving it unset, passes; unset takes the position's.
	code, body = e.rest("PATCH", "/v1/"+a.Name+"?updateMask=work_location,given_name", map[string]any{"givenName": "Ân"})
	if code != http.StatusOK || body["workLocation"] != "IN_PROVINCE" {
		t.Fatalf("HTTP %d %v", code, body)
	}

	// Abroad: from the position's country, typed nowhere else (REST).
	b := e.person(&pb.Person{FamilyName: "Lê", GivenName: "Bình"})
	code, body = e.rest("POST", "/v1/"+b.Name+"/positions", map[string]any{"organizationName": "Kyoto University",
		"country": "JP", "current": true, "start": map[string]any{"year": 2022, "month": 4}})
	if code != http.StatusOK {
		t.Fatalf("HTTP %d %v", code, body)
	}
	if got := where(b.Name); got != "ABROAD/JP" {
		t.Fatalf("after a position abroad: %s", got)
	}
	// It ends: where they work now is no longer known.
	if _, err := people.UpdatePosition(ctx, &pb.UpdatePositionRequest{UpdateMask: mask("current", "end"),
		Position: &pb.Position{Name: body["name"].(string), End: day(2024, 12, 0)}}); err != nil {
		t.Fatal(err)
	}
	if got := where(b.Name); got != "WORK_LOCATION_UNSPECIFIED/" {
		t.Fatalf("after the position ended: %s", got)
	}

	// An organization that moves moves its people, and their etag changes.
	before := e.get(a.Name, pb.PersonView_PERSON_VIEW_BASIC)
	if _, err := e.client.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{UpdateMask: mask("country"),
		Organization: &pb.Organization{Name: "organizations/dhkg", Country: "JP"}}); err != nil {
		t.Fatal(err)
	}
	if after := e.get(a.Name, pb.PersonView_PERSON_VIEW_BASIC); after.GetWorkLocation() != pb.Person_ABROAD ||
		after.GetWorkCountry() != "JP" || after.GetEtag() == before.GetEtag() {
		t.Errorf("after the organization moved: %v/%s, etag %s (was %s)", after.GetWorkLocation(), after.GetWorkCountry(),
			after.GetEtag(), before.GetEtag())
	}

	// A current position that does not say where leaves the typed value.
	c := e.person(&pb.Person{FamilyName: "Võ", GivenName: "Cúc", WorkLocation: pb.Person_ABROAD, WorkCountry: "KR"})
	e.position(c.Name, &pb.Position{OrganizationName: "Công ty gia đình", Current: true, Start: day(2021, 0, 0)})
	if got := where(c.Name); got != "ABROAD/KR" {
		t.Fatalf("typed, with a position that does not say where: %s", got)
	}
}

// Statistics by WORK_LOCATION and the share working outside the province
// follow the positions, today and as on a date (the position held then).
func TestStatisticsWorkLocationFromPositions(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	if _, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "dhkg",
		Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang", AdministrativeUnit: "30742"}}); err != nil {
		t.Fatal(err)
	}
	// Registered in 2005, before every as_of asked below.
	person := func(p *pb.Person) *pb.Person {
		e.db.Now = func() time.Time { return time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC) }
		defer func() { e.db.Now = time.Now }()
		return e.person(p)
	}
	// 3 in the province since 2020, typed ABROAD before (the position wins);
	// 3 abroad 2018 to 2021, then in the province; 3 typed, no position.
	for i := range 3 {
		p := person(&pb.Person{FamilyName: "Lê", GivenName: "A" + string(rune('a'+i)), WorkLocation: pb.Person_ABROAD, WorkCountry: "FR"})
		e.position(p.Name, &pb.Position{Organization: "organizations/dhkg", Current: true, Start: day(2020, 1, 0)})
		p = person(&pb.Person{FamilyName: "Lê", GivenName: "B" + string(rune('a'+i))})
		e.position(p.Name, &pb.Position{OrganizationName: "Kyoto University", Country: "JP", Start: day(2018, 4, 0), End: day(2021, 3, 0)})
		e.position(p.Name, &pb.Position{Organization: "organizations/dhkg", Current: true, Start: day(2021, 6, 0)})
		person(&pb.Person{FamilyName: "Lê", GivenName: "C" + string(rune('a'+i)), WorkLocation: pb.Person_ELSEWHERE_IN_VIETNAM})
	}
	for _, c := range []struct {
		asOf *pb.ComputeStatisticsRequest
		want string
	}{
		{&pb.ComputeStatisticsRequest{}, "IN_PROVINCE=6 ELSEWHERE_IN_VIETNAM=3 | 9"},
		{&pb.ComputeStatisticsRequest{AsOf: day(2020, 6, 1)}, "IN_PROVINCE=3 ELSEWHERE_IN_VIETNAM=3 ABROAD=3 | 9"},
		{&pb.ComputeStatisticsRequest{AsOf: day(2019, 6, 1)}, "ELSEWHERE_IN_VIETNAM=3 ABROAD=3 =3 | 9"},
	} {
		req := c.asOf
		req.Dimensions = []dim{dWhere}
		if got := rowsOf(e.stats(req)); got != c.want {
			t.Errorf("as on %v: %s, want %s", req.GetAsOf(), got, c.want)
		}
	}
	// The filter reads the same, as on the date.
	r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dWhere}, AsOf: day(2020, 6, 1), Filter: "work_location = ABROAD"})
	if got := rowsOf(r); got != "ABROAD=3 | 3" {
		t.Errorf("filter as on 2020-06-01: %s", got)
	}
	for asOf, want := range map[int32]int32{2025: 3, 2020: 6} {
		ind, err := e.client.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{AsOf: day(asOf, 6, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ind.GetIndicators() {
			if i.GetKind() == pb.Indicator_WORKING_OUTSIDE_PROVINCE && (i.GetNumerator() != want || i.GetDenominator() != 9) {
				t.Errorf("working outside the province on %d-06-01: %d/%d, want %d/9", asOf, i.GetNumerator(), i.GetDenominator(), want)
			}
		}
	}
}
