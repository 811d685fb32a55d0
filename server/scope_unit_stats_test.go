package server

import (
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A unit reads none of its people's memberships (ListPeople's
// memberships.* filters count no one), so its statistics may not count by
// them either: two filters differing by one person, whom ListPeople
// names, told by their answers by ASSOCIATION whether that person is a
// member.
func TestUnitStatisticsTellNoMemberships(t *testing.T) {
	f := newUnitFixture(t)
	e := f.e
	_, hyh := e.associations()
	// Four women and four men in the unit (the fixture's women: inside,
	// leaver and two more); one of the men, the target, holds a doctorate.
	var target *pb.Person
	for i := 0; i < 4; i++ {
		p := e.person(&pb.Person{FamilyName: "Lê", GivenName: fmt.Sprintf("Nam%d", i), Gender: pb.Person_MALE,
			NationalId: fmt.Sprintf("0911860%05d", i), BirthDate: &date.Date{Year: 1975, Month: 1, Day: 1}})
		e.position(p.Name, &pb.Position{Organization: f.hospital.Name, Title: "Bác sĩ", Start: &date.Date{Year: 2015, Month: 1, Day: 1}, Current: true})
		if i == 0 {
			target = p
			e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Y học", Year: 2012})
		}
	}
	member := func(person string) {
		m := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: person}}).Membership
		if _, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: m.Name}); err != nil {
			t.Fatal(err)
		}
	}
	women, err := e.client.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: `gender = FEMALE`, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range women.People {
		if p.Name != f.outside.Name {
			member(p.Name)
		}
	}
	member(target.Name)

	// The unit's list names whom the wider filter adds.
	wide := `gender = FEMALE OR highest_qualification_level = TIEN_SI`
	list, err := f.ha.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: wide, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalSize != 5 {
		t.Fatalf("the unit lists %d people by %q, want 5", list.TotalSize, wide)
	}
	for _, dim := range []pb.ComputeStatisticsRequest_Dimension{pb.ComputeStatisticsRequest_ASSOCIATION, pb.ComputeStatisticsRequest_MEMBERSHIP_STATE} {
		for _, filter := range []string{"", `gender = FEMALE`, wide} {
			out, err := f.ha.Statistics.ComputeStatistics(f.ctx, &pb.ComputeStatisticsRequest{Filter: filter, Dimensions: []pb.ComputeStatisticsRequest_Dimension{dim}})
			if err == nil {
				t.Errorf("%v, filter %q: the unit's statistics count by its people's memberships: %v", dim, filter, out.GetRows())
				continue
			}
			wantCode(t, err, codes.PermissionDenied)
		}
		// Nor the file.
		_, err := f.ha.Statistics.ExportStatistics(f.ctx, &pb.ExportStatisticsRequest{Dimensions: []pb.ComputeStatisticsRequest_Dimension{dim}})
		wantCode(t, err, codes.PermissionDenied)
	}
	// A caller without a limit counts by them.
	_, haTok := e.key(RoleHomeAffairs)
	if _, err := e.clientAs(haTok).Statistics.ComputeStatistics(f.ctx, &pb.ComputeStatisticsRequest{
		Dimensions: []pb.ComputeStatisticsRequest_Dimension{pb.ComputeStatisticsRequest_ASSOCIATION}}); err != nil {
		t.Fatal(err)
	}
}
