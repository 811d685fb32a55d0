package server

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// SearchExperts over the whole registry of experts (AIP-159 wildcards):
// the Union's pool and the Gardeners' Association's pool, ranked together
// by fairness, each expert once; a registrar key limited to the Gardeners
// searches only its pools and sees only the people in its scope.
func TestSearchExpertsAcrossPools(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	now := time.Now()
	e.association("hoi-lam-vuon", &pb.Association{DisplayName: "Hội Làm vườn tỉnh An Giang", Code: "HLV"})
	// Hà is a member of the Gardeners, an expert in crop growing.
	ha := e.register(&pb.RegisterMemberRequest{Parent: "associations/hoi-lam-vuon",
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Hà",
			BirthDate: &date.Date{Year: 1980}, Availability: pb.Person_AVAILABLE,
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-401"}}, ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}}},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}}).Person.Name
	pool, err := f.reg.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/hoi-lam-vuon", ExpertPoolId: "cay-an-trai",
		ExpertPool: &pb.ExpertPool{DisplayName: "Chuyên gia cây ăn trái", Roles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}}})
	if err != nil {
		t.Fatal(err)
	}
	// An is in both pools; Hà has one recent engagement, An two.
	for _, p := range []string{ha, f.an} {
		if _, err := f.reg.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool.Name,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: p, Role: pb.Person_CRITIQUE}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, eng := range []struct {
		pool, person string
		ago          int
	}{{pool.Name, ha, 1}, {f.pool, f.an, 2}, {pool.Name, f.an, 3}} {
		if _, err := f.reg.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: eng.pool, Engagement: &pb.Engagement{
			Person: eng.person, MatterTitle: "Phản biện đề tài", RequestingAgency: "Sở Nông nghiệp và Môi trường",
			Role: pb.Person_CRITIQUE, StartDate: dateOf(now.AddDate(0, -eng.ago, 0))}}); err != nil {
			t.Fatal(err)
		}
	}

	_, gardenTok, err := e.db.CreateScopedKey(ctx, "Hội Làm vườn", RoleRegistrar, "associations/hoi-lam-vuon", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	garden := e.clientAs(gardenTok)
	find := func(c pb.ExpertServiceClient, name string) []string {
		t.Helper()
		r, err := c.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: name, Field: "fields/vn2008-4"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out []string
		for _, x := range r.Experts {
			out = append(out, x.Person)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		client pb.ExpertServiceClient
		pools  string
		want   []string
	}{
		// Cường and Bình have no engagement (Cường, a doctor, fits
		// better), Hà one, An two; An once though in two pools.
		{"the whole registry", f.reg.Experts, "associations/-/expertPools/-", []string{f.cuong, f.binh, ha, f.an}},
		{"one association's pools", f.reg.Experts, "associations/hoi-lam-vuon/expertPools/-", []string{ha, f.an}},
		{"a pool of that id anywhere", f.reg.Experts, "associations/-/expertPools/nong-nghiep", []string{f.cuong, f.binh, f.an}},
		{"one pool", f.reg.Experts, f.pool, []string{f.cuong, f.binh, f.an}},
		// The Gardeners' key: its own pool, and of it only Hà, its member.
		{"limited: the whole registry", garden.Experts, "associations/-/expertPools/-", []string{ha}},
		{"limited: its pools", garden.Experts, "associations/hoi-lam-vuon/expertPools/-", []string{ha}},
		{"limited: its pool", garden.Experts, pool.Name, []string{ha}},
	} {
		if got := find(tt.client, tt.pools); !equalStrings(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	_, err = garden.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/lien-hiep/expertPools/-"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/nobody/expertPools/-"})
	wantCode(t, err, codes.NotFound)
	_, err = f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/*/expertPools/-"})
	wantCode(t, err, codes.InvalidArgument, "name")
	// A pool that no association has, or none in the caller's scope.
	_, err = f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/-/expertPools/nonexistent-pool"})
	wantCode(t, err, codes.NotFound)
	_, err = garden.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/-/expertPools/nong-nghiep"})
	wantCode(t, err, codes.NotFound)
	// A unit that does not exist, as a field that does not.
	_, err = f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/-/expertPools/-", AdministrativeUnit: "abc"})
	wantCode(t, err, codes.InvalidArgument, "administrative_unit")
	if _, err = f.reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/-/expertPools/-", AdministrativeUnit: "30742"}); err != nil {
		t.Errorf("a unit that exists: %v", err)
	}

	// Over REST, the same.
	code, body := e.rest("GET", "/v1/associations/-/expertPools/-:searchExperts?field="+url.QueryEscape("fields/vn2008-4"), nil)
	experts, _ := body["experts"].([]any)
	if code != http.StatusOK || len(experts) != 4 || experts[2].(map[string]any)["person"] != ha ||
		experts[3].(map[string]any)["recentEngagements"] != float64(2) {
		t.Fatalf("REST: HTTP %d %v", code, body)
	}
	code, body = e.restAs(gardenTok, "GET", "/v1/associations/-/expertPools/-:searchExperts", nil)
	experts, _ = body["experts"].([]any)
	if code != http.StatusOK || len(experts) != 1 || experts[0].(map[string]any)["person"] != ha {
		t.Fatalf("REST, limited: HTTP %d %v", code, body)
	}
	code, body = e.restAs(gardenTok, "GET", "/v1/"+f.pool+":searchExperts", nil)
	wantREST(t, code, body, http.StatusForbidden)
	code, body = e.rest("GET", "/v1/associations/-/expertPools/-:searchExperts?administrativeUnit=abc", nil)
	wantREST(t, code, body, http.StatusBadRequest, "administrative_unit")
	code, body = e.rest("GET", "/v1/associations/-/expertPools/nonexistent-pool:searchExperts", nil)
	wantREST(t, code, body, http.StatusNotFound)
}
