package server

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// SearchExperts ranked a limited key's candidates by their engagements in
// every association's pools, and said how many: the Gardeners' key learnt
// that Hoa, its member, had been engaged by the Union, whose engagements
// it may not list. Its ranking now counts the engagements of its own
// pools; a registrar without a limit still counts them all.
func TestSearchExpertsRanksByTheScopesEngagements(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	e.association("hoi-lam-vuon", &pb.Association{DisplayName: "Hội Làm vườn tỉnh An Giang", Code: "HLV"})
	member := func(given string) string {
		return e.register(&pb.RegisterMemberRequest{Parent: "associations/hoi-lam-vuon",
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Trần", GivenName: given,
				BirthDate: &date.Date{Year: 1980}, Availability: pb.Person_AVAILABLE,
				Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-401"}}, ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}}},
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}}).Person.Name
	}
	ha, hoa := member("Hà"), member("Hoa")
	// Hoa, a doctor, fits better than Hà.
	if _, err := f.reg.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: hoa,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2012}}); err != nil {
		t.Fatal(err)
	}
	pool, err := f.reg.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/hoi-lam-vuon", ExpertPoolId: "cay-an-trai",
		ExpertPool: &pb.ExpertPool{DisplayName: "Chuyên gia cây ăn trái", Roles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ pool, person string }{{pool.Name, ha}, {pool.Name, hoa}, {f.pool, hoa}} {
		if _, err := f.reg.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: m.pool,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: m.person, Role: pb.Person_CRITIQUE}}); err != nil {
			t.Fatal(err)
		}
	}
	// The Union engages Hoa; the Gardeners engage no one.
	if _, err := f.reg.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: f.pool, Engagement: &pb.Engagement{
		Person: hoa, MatterTitle: "Phản biện đề tài", RequestingAgency: "Sở Nông nghiệp và Môi trường",
		Role: pb.Person_CRITIQUE, StartDate: dateOf(time.Now().AddDate(0, -1, 0))}}); err != nil {
		t.Fatal(err)
	}
	_, gardenTok, err := e.db.CreateScopedKey(ctx, "Hội Làm vườn", RoleRegistrar, "associations/hoi-lam-vuon", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	type ranked struct {
		person string
		recent int32
	}
	search := func(c pb.ExpertServiceClient, name string) []ranked {
		t.Helper()
		r, err := c.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out []ranked
		for _, x := range r.Experts {
			out = append(out, ranked{x.Person, x.RecentEngagements})
		}
		return out
	}
	limited := []ranked{{hoa, 0}, {ha, 0}}
	for _, name := range []string{pool.Name, "associations/hoi-lam-vuon/expertPools/-", "associations/-/expertPools/-"} {
		if got := search(e.clientAs(gardenTok).Experts, name); len(got) != 2 || got[0] != limited[0] || got[1] != limited[1] {
			t.Errorf("the Gardeners' key searching %s: %v, want %v (Hoa, the better fit, first: no engagement of its own)", name, got, limited)
		}
	}
	if got := search(f.reg.Experts, pool.Name); len(got) != 2 || got[0] != (ranked{ha, 0}) || got[1] != (ranked{hoa, 1}) {
		t.Errorf("a registrar without a limit: %v, want Hà, then Hoa with the Union's engagement", got)
	}
	// Over REST, the same.
	code, body := e.restAs(gardenTok, "GET", "/v1/"+pool.Name+":searchExperts", nil)
	experts, _ := body["experts"].([]any)
	if code != http.StatusOK || len(experts) != 2 || experts[0].(map[string]any)["person"] != hoa || experts[0].(map[string]any)["recentEngagements"] != nil {
		t.Errorf("REST, limited: HTTP %d %v", code, body)
	}
}
