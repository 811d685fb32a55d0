package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// hiddenExpert is the expert fixture with a key limited to the Union
// (tok) that engaged An, its member working at the university, before a
// registrar without a limit withdrew An's membership: the pool and the
// engagement keep An, whom the key may no longer see.
func hiddenExpert(t *testing.T) (f *expertFixture, tok string, eng *pb.Engagement) {
	f = newExpertFixture(t)
	e, ctx := f.e, f.ctx
	f.e.position(f.an, &pb.Position{Organization: f.dhkg, Title: "Giảng viên", Current: true, Start: &date.Date{Year: 2015}})
	reg := e.register(&pb.RegisterMemberRequest{Parent: "associations/lien-hiep", Applicant: &pb.RegisterMemberRequest_Person{Person: f.an}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	_, tok, err := e.db.CreateScopedKey(ctx, "Liên hiệp", RoleRegistrar, "associations/lien-hiep", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err = e.clientAs(tok).Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: f.pool, Engagement: &pb.Engagement{
		Person: f.an, MatterTitle: "Phản biện đề tài giống lúa chịu mặn", Role: pb.Person_CRITIQUE, StartDate: dateOf(time.Now())}})
	if err != nil {
		t.Fatal(err)
	}
	// While An is its member, the key meets the conflict rule, in words
	// that need no name: the request names the expert.
	code, body := e.restAs(tok, "PATCH", "/v1/"+eng.Name+"?updateMask=matter_organization", map[string]any{"matterOrganization": f.dhkg})
	wantREST(t, code, body, http.StatusBadRequest)
	if msg := body["message"].(string); !strings.Contains(msg, "owns the matter") || strings.Contains(msg, strings.TrimPrefix(f.an, "people/")) {
		t.Errorf("the conflict refusal: %q", msg)
	}
	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	return f, tok, eng
}

// The person filter of a pool's members and engagements matches no one
// outside the key's scope, as ListMemberships' does: else a key could
// confirm who an unnamed member is, or search their id out.
func TestExpertFiltersWithinScope(t *testing.T) {
	f, tok, _ := hiddenExpert(t)
	scoped := f.e.clientAs(tok)
	an := strings.TrimPrefix(f.an, "people/")
	for _, tt := range []struct {
		name, filter string
		unlimited    int // at least the members the filter matches for a registrar without a limit
	}{
		{"OK", "", 4},
		{"ErrEqual", `person = "` + f.an + `"`, 1},
		{"ErrEqualNeverMember", `person = "` + f.binh + `"`, 1},
		{"ErrBelow", `person <= "` + f.an + `"`, 1},
		{"ErrAbove", `person >= "people/"`, 4},
		{"ErrPrefix", `person = "people/` + an[:1] + `*"`, 1},
		{"ErrNot", `NOT person = "people/nobody"`, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := 0
			if tt.filter == "" {
				want = 4 // the members stay, unnamed
			}
			all, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool, Filter: tt.filter})
			if err != nil || len(all.ExpertPoolMembers) < tt.unlimited {
				t.Fatalf("without a limit: %v %v", all, err)
			}
			members, err := scoped.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool, Filter: tt.filter})
			if err != nil || len(members.ExpertPoolMembers) != want {
				t.Errorf("members matching %q: %v %v, want %d", tt.filter, members, err, want)
			}
			code, body := f.e.restAs(tok, "GET", "/v1/"+f.pool+"/members?filter="+url.QueryEscape(tt.filter), nil)
			if got, _ := body["expertPoolMembers"].([]any); code != http.StatusOK || len(got) != want {
				t.Errorf("REST members matching %q: %d %s", tt.filter, code, jsonText(body))
			}
			wantEng := 0
			if tt.filter == "" {
				wantEng = 1
			}
			engagements, err := scoped.Experts.ListEngagements(f.ctx, &pb.ListEngagementsRequest{Parent: f.pool, Filter: tt.filter})
			if err != nil || len(engagements.Engagements) != wantEng {
				t.Errorf("engagements matching %q: %v %v, want %d", tt.filter, engagements, err, wantEng)
			}
		})
	}
	all, err := f.reg.Experts.ListEngagements(f.ctx, &pb.ListEngagementsRequest{Parent: f.pool, Filter: `person = "` + f.an + `"`})
	if err != nil || len(all.Engagements) != 1 || all.Engagements[0].Person != f.an {
		t.Errorf("a registrar without a limit filtering engagements by person: %v %v", all, err)
	}
}

// A key may not change, or probe by changing, an engagement or a pool's
// member whose expert has left its scope: every change gets the same scope
// refusal, before the conflict rule could say where the expert works. It
// still reads the engagement, unnamed.
func TestExpertOutsideScopeNotChanged(t *testing.T) {
	f, tok, eng := hiddenExpert(t)
	an := strings.TrimPrefix(f.an, "people/")
	members, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool, Filter: `person = "` + f.an + `"`})
	if err != nil || len(members.ExpertPoolMembers) != 1 {
		t.Fatal(members, err)
	}
	member := members.ExpertPoolMembers[0].Name
	first := ""
	for _, c := range []struct {
		name, method, target, query string
		body                        any
	}{
		{"ErrOrganizationOfWork", "PATCH", eng.Name, "?updateMask=matter_organization", map[string]any{"matterOrganization": f.dhkg}},
		{"ErrOtherOrganization", "PATCH", eng.Name, "?updateMask=matter_organization", map[string]any{"matterOrganization": f.sokhcn}},
		{"ErrValidateOnly", "PATCH", eng.Name, "?updateMask=matter_organization&validateOnly=true", map[string]any{"matterOrganization": f.dhkg}},
		{"ErrRating", "PATCH", eng.Name, "?updateMask=rating", map[string]any{"rating": 5}},
		{"ErrDelete", "DELETE", eng.Name, "", nil},
		{"ErrUpdateMember", "PATCH", member, "?updateMask=status", map[string]any{"status": "INACTIVE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := f.e.restAs(tok, c.method, "/v1/"+c.target+c.query, c.body)
			wantREST(t, code, body, http.StatusForbidden)
			msg := body["message"].(string)
			if !strings.Contains(msg, "this key is limited to") || strings.Contains(msg, an) || strings.Contains(msg, "works at") {
				t.Errorf("%q, want the scope refusal, naming no one", msg)
			}
			msg = strings.ReplaceAll(msg, c.target, "TARGET")
			if first == "" {
				first = msg
			} else if msg != first {
				t.Errorf("the refusals differ: %q and %q", first, msg)
			}
		})
	}
	_, err = f.e.clientAs(tok).Experts.UpdateEngagement(f.ctx, &pb.UpdateEngagementRequest{
		Engagement: &pb.Engagement{Name: eng.Name, MatterOrganization: f.dhkg}, UpdateMask: mask("matter_organization")})
	wantCode(t, err, codes.PermissionDenied)
	if msg := status.Convert(err).Message(); strings.Contains(msg, an) {
		t.Errorf("gRPC: %q", msg)
	}
	got, err := f.e.clientAs(tok).Experts.GetEngagement(f.ctx, &pb.GetEngagementRequest{Name: eng.Name})
	if err != nil || got.Person != "" || got.Rating != 0 || got.MatterOrganization != "" {
		t.Errorf("the engagement after the refusals, as the key reads it: %v %v", got, err)
	}
	// A registrar without a limit still may.
	if _, err := f.reg.Experts.UpdateEngagement(f.ctx, &pb.UpdateEngagementRequest{
		Engagement: &pb.Engagement{Name: eng.Name, Rating: 4}, UpdateMask: mask("rating")}); err != nil {
		t.Errorf("a registrar without a limit: %v", err)
	}
	// The key may take the former member out of its pool: that tells it
	// nothing, and the pool is the association's.
	if code, body := f.e.restAs(tok, "DELETE", "/v1/"+member, nil); code != http.StatusOK {
		t.Errorf("the key taking the former member out of its pool: %d %v", code, body)
	}
	left, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool, Filter: `person = "` + f.an + `"`})
	if err != nil || len(left.ExpertPoolMembers) != 0 {
		t.Errorf("the pool after the key took the former member out: %v %v", left, err)
	}
}

// An expert outside a limited key's scope is read unnamed, restricted or
// not: refusing only a restricted one would tell the key so.
func TestHiddenExpertReadAlikeRestricted(t *testing.T) {
	f, tok, eng := hiddenExpert(t)
	scoped := f.e.clientAs(tok)
	read := func() string {
		t.Helper()
		got, err := scoped.Experts.GetEngagement(f.ctx, &pb.GetEngagementRequest{Name: eng.Name})
		if err != nil {
			return status.Code(err).String() + ": " + status.Convert(err).Message()
		}
		if got.Person != "" {
			return "named " + got.Person
		}
		return "unnamed"
	}
	before := read()
	if before != "unnamed" {
		t.Fatalf("the hidden engagement reads %s", before)
	}
	restrictByRequest(t, f.e, f.an)
	if after := read(); after != before {
		t.Errorf("once the hidden expert is restricted, the engagement reads %q, not %q", after, before)
	}
}

// ListExpertPools reads every association's pools under associations/-
// (AIP-159), as SearchExperts searches them: a key limited to an
// association only those of it and the associations under it, and no
// deleted association's.
func TestListExpertPoolsAcrossAssociations(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	pool := func(assoc, id string) string {
		p, err := f.reg.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: assoc, ExpertPoolId: id,
			ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng " + id}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Name
	}
	under := e.association("hoi-nong-dan", &pb.Association{DisplayName: "Hội Nông học", Code: "HND", Parent: "associations/lien-hiep"})
	other := e.association("hoi-khac", &pb.Association{DisplayName: "Hội khác", Code: "HK"})
	underPool, otherPool := pool(under.Name, "lua-gao"), pool(other.Name, "y-te")
	_, tok, err := e.db.CreateScopedKey(ctx, "Liên hiệp", RoleRegistrar, "associations/lien-hiep", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	list := func(c *client.Client) []string {
		t.Helper()
		var got []string
		req := &pb.ListExpertPoolsRequest{Parent: "associations/-", PageSize: 1}
		for {
			resp, err := c.Experts.ListExpertPools(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range resp.ExpertPools {
				got = append(got, p.Name)
			}
			if req.PageToken = resp.NextPageToken; req.PageToken == "" {
				return got
			}
		}
	}
	if got, want := list(f.reg), []string{f.pool, underPool, otherPool}; !slices.Equal(got, want) {
		t.Errorf("every association's pools: %v, want %v", got, want)
	}
	if got, want := list(e.clientAs(tok)), []string{f.pool, underPool}; !slices.Equal(got, want) {
		t.Errorf("a limited key's pools across associations: %v, want %v", got, want)
	}
	_, err = e.clientAs(tok).Experts.ListExpertPools(ctx, &pb.ListExpertPoolsRequest{Parent: other.Name})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(tok, "GET", "/v1/associations/-/expertPools", nil)
	if code != http.StatusOK || !strings.Contains(jsonText(body), underPool) || strings.Contains(jsonText(body), otherPool) {
		t.Errorf("REST, limited: HTTP %d %v", code, body)
	}
	if _, err := e.client.Memberships.DeleteAssociation(ctx, &pb.DeleteAssociationRequest{Name: other.Name}); err != nil {
		t.Fatal(err)
	}
	if got, want := list(f.reg), []string{f.pool, underPool}; !slices.Equal(got, want) {
		t.Errorf("after deleting %s: %v, want %v", other.Name, got, want)
	}
}

// A key's engagement statistics do not tell the field of an expert outside
// its scope: it lists their engagements (role, dates) without them, and
// knows its own experts' fields, so a count by field less its own would
// tell the other's field. Theirs count under no field.
func TestEngagementStatisticsHideFieldOutsideScope(t *testing.T) {
	f, tok, _ := hiddenExpert(t)
	for i := range 5 {
		if _, err := f.reg.Experts.CreateEngagement(f.ctx, &pb.CreateEngagementRequest{Parent: f.pool, Engagement: &pb.Engagement{
			Person: f.an, MatterTitle: "Phản biện", Role: pb.Person_CRITIQUE, StartDate: dateOf(time.Now().AddDate(0, 0, -1-i))}}); err != nil {
			t.Fatal(err)
		}
	}
	stats := func(c *client.Client) *pb.ComputeEngagementStatisticsResponse {
		t.Helper()
		r, err := c.Experts.ComputeEngagementStatistics(f.ctx, &pb.ComputeEngagementStatisticsRequest{Name: "associations/lien-hiep"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The province sees An's field.
	var seen bool
	for _, c := range stats(f.reg).Counts {
		seen = seen || c.Field == "fields/vn2008-401" && c.GetCount() >= 5
	}
	if !seen {
		t.Fatalf("without a limit, An's 6 critiques by their field: %v", stats(f.reg).Counts)
	}
	r := stats(f.e.clientAs(tok))
	if r.GetTotal() != 6 {
		t.Errorf("the key counts %d engagements, want 6 (its list shows them)", r.GetTotal())
	}
	for _, c := range r.Counts {
		if c.Field != "" {
			t.Errorf("the key's statistics tell the field of an expert outside its scope: %v", c)
		}
	}
}
