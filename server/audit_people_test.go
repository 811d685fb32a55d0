package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The trail names the people an answer showed, wherever they are in it
// (an engagement's expert, a search's candidates, a nomination's or a
// membership's person), so that the answer to a person's ACCESS request
// (ExportPersonData) lists every read that showed them.
func TestAuditNamesPeopleShown(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	eng, member := f.engagedMember(t)
	c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
		Person: f.an, Nominator: "Hội Nông dân", Reason: "Đóng góp"}}); err != nil {
		t.Fatal(err)
	}
	e.register(&pb.RegisterMemberRequest{Parent: "associations/lien-hiep", Applicant: &pb.RegisterMemberRequest_Person{Person: f.an}})

	_, homeTok := e.key(RoleHomeAffairs)
	home := e.clientAs(homeTok)
	reads := map[string]func() error{
		"SearchExperts": func() error {
			_, err := f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/-/expertPools/-", Field: "fields/vn2008-4"})
			return err
		},
		"GetEngagement": func() error {
			_, err := home.Experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: eng.Name})
			return err
		},
		"UpdateEngagement": func() error {
			_, err := f.reg.Experts.UpdateEngagement(ctx, &pb.UpdateEngagementRequest{Engagement: &pb.Engagement{Name: eng.Name, Outcome: "Đạt"},
				UpdateMask: mask("outcome")})
			return err
		},
		"ListEngagements": func() error {
			_, err := home.Experts.ListEngagements(ctx, &pb.ListEngagementsRequest{Parent: f.pool})
			return err
		},
		"GetExpertPoolMember": func() error {
			_, err := home.Experts.GetExpertPoolMember(ctx, &pb.GetExpertPoolMemberRequest{Name: member})
			return err
		},
		"ListNominations": func() error {
			_, err := home.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
			return err
		},
		"ListMemberships": func() error {
			_, err := f.reg.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/lien-hiep"})
			return err
		},
	}
	for method, read := range reads {
		if err := read(); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	data, err := e.client.Privacy.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: f.an})
	if err != nil {
		t.Fatal(err)
	}
	for method := range reads {
		if !slices.ContainsFunc(data.AuditEvents, func(ev *pb.AuditEvent) bool {
			return ev.Method == "/trithuc.v1."+serviceOf(method)+"/"+method && ev.Code == "OK" && slices.Contains(ev.Resources, f.an)
		}) {
			t.Errorf("the export of %s lists no %s that showed them", f.an, method)
		}
	}
	// The search showed every candidate: its event names each, while An's
	// answer names An alone (whom else a read showed is theirs).
	search, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Method: "SearchExperts", PageSize: 10})
	if err != nil || len(search.AuditEvents) != 1 {
		t.Fatalf("the search's events: %v, %v", search, err)
	}
	ev := search.AuditEvents[0]
	// A read's event stays compact: its people packed as numbers
	// (store/audit_people.go).
	if !strings.HasPrefix(ev.Name, "auditEvents/r-") {
		t.Errorf("the search's event %s is not a compact read event", ev.Name)
	}
	for _, p := range []string{f.an, f.binh, f.cuong} {
		if !slices.Contains(ev.Resources, p) {
			t.Errorf("the search's event names %v, not %s", ev.Resources, p)
		}
	}
	for _, ev := range data.AuditEvents {
		for _, r := range ev.Resources {
			if r != f.an && !strings.HasPrefix(r, f.an+"/") && strings.HasPrefix(r, "people/") {
				t.Errorf("%s's answer names %s in the event of %s", f.an, r, ev.Method)
			}
		}
	}
}

func serviceOf(method string) string {
	switch method {
	case "ListNominations":
		return "HonorsService"
	case "ListMemberships":
		return "MembershipService"
	}
	return "ExpertService"
}

// BenchmarkResponseNames is the audit's cost of naming what a page of a
// thousand shows: profiles in the BASIC view, which refer to nobody else,
// and memberships, which refer to their people.
func BenchmarkResponseNames(b *testing.B) {
	people := &pb.ListPeopleResponse{}
	memberships := &pb.ListMembershipsResponse{}
	for i := range 1000 {
		name := fmt.Sprintf("people/p%06d", i)
		people.People = append(people.People, &pb.Person{Name: name, FamilyName: "Nguyễn", GivenName: "An",
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-401"}}})
		memberships.Memberships = append(memberships.Memberships, &pb.Membership{
			Name: fmt.Sprintf("associations/hyh/memberships/m%06d", i), Person: name, State: pb.Membership_ACTIVE})
	}
	for _, bb := range []struct {
		name string
		resp proto.Message
	}{{"ListPeople", people}, {"ListMemberships", memberships}} {
		b.Run(bb.name, func(b *testing.B) {
			names := make([]string, 0, 2000)
			for b.Loop() {
				names = responseNames(bb.resp, names[:0])
			}
		})
	}
}
