package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// expertFixture is a pool of the Union whose right answers are known:
// four agricultural experts with known engagements, degrees and
// workplaces, and people who may not be added.
type expertFixture struct {
	e                 *env
	ctx               context.Context
	reg               *client.Client
	pool              string
	an, binh, cuong   string // in the pool, fields under 4 (agriculture)
	dung              string // in the pool, economics (502)
	busy, noConsent   string // NOT_AVAILABLE; AVAILABLE without PUBLICATION consent
	sokhcn, dhkg      string // organizations
	anEngagementNames []string
}

func dateOf(t time.Time) *date.Date {
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

func newExpertFixture(t *testing.T) *expertFixture {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	f := &expertFixture{e: e, ctx: ctx, reg: e.clientAs(regKey)}
	e.association("lien-hiep", &pb.Association{DisplayName: "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh An Giang", Code: "LHH"})
	org := func(id, name string) string {
		o, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id,
			Organization: &pb.Organization{DisplayName: name, Kind: pb.Organization_STATE_AGENCY, AdministrativeUnit: "30742"}})
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}
	f.sokhcn, f.dhkg = org("so-khcn", "Sở Khoa học và Công nghệ"), org("dh-kg", "Trường Đại học Kiên Giang")
	person := func(given, field string, avail pb.Person_Availability, publish bool) string {
		p := e.person(&pb.Person{FamilyName: "Nguyễn", GivenName: given, BirthDate: &date.Date{Year: 1975},
			Availability: avail, Fields: []*pb.FieldOfExpertise{{Field: field}},
			ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}})
		purposes := []pb.Consent_Purpose{pb.Consent_REGISTRY}
		if publish {
			purposes = append(purposes, pb.Consent_PUBLICATION)
		}
		if _, err := f.reg.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
			Consent: &pb.Consent{Purposes: purposes, TextVersion: "2026-01"}}); err != nil {
			t.Fatal(err)
		}
		return p.Name
	}
	f.an = person("An", "fields/vn2008-401", pb.Person_AVAILABLE, true)
	f.binh = person("Bình", "fields/vn2008-405", pb.Person_AVAILABLE, true)
	f.cuong = person("Cường", "fields/vn2008-401", pb.Person_AVAILABLE, true)
	f.dung = person("Dũng", "fields/vn2008-502", pb.Person_AVAILABLE, true)
	f.busy = person("Em", "fields/vn2008-401", pb.Person_NOT_AVAILABLE, true)
	f.noConsent = person("Giang", "fields/vn2008-401", pb.Person_AVAILABLE, false)
	// Cường is a doctor: the better fit among equals.
	if _, err := f.reg.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: f.cuong,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2010}}); err != nil {
		t.Fatal(err)
	}
	// Bình works now at the Department of Science and Technology.
	if _, err := f.reg.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: f.binh,
		Position: &pb.Position{Organization: f.sokhcn, Title: "Chuyên viên", Current: true, Start: &date.Date{Year: 2015}}}); err != nil {
		t.Fatal(err)
	}

	pool, err := f.reg.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep", ExpertPoolId: "nong-nghiep",
		ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng phản biện nông nghiệp", Fields: []string{"fields/vn2008-4"},
			Roles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}}})
	if err != nil {
		t.Fatal(err)
	}
	f.pool = pool.Name
	for _, p := range []string{f.an, f.binh, f.cuong, f.dung} {
		if _, err := f.reg.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: f.pool,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: p, Role: pb.Person_CRITIQUE}}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// engagedMember engages An a month ago and gives the engagement and An's
// place in the pool.
func (f *expertFixture) engagedMember(t *testing.T) (eng *pb.Engagement, member string) {
	t.Helper()
	eng, err := f.engage(t, f.an, time.Now().AddDate(0, -1, 0), "", "")
	if err != nil {
		t.Fatal(err)
	}
	members, err := f.e.client.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool, Filter: `person = "` + f.an + `"`})
	if err != nil || len(members.ExpertPoolMembers) != 1 {
		t.Fatal(members, err)
	}
	return eng, members.ExpertPoolMembers[0].Name
}

func (f *expertFixture) engage(t *testing.T, person string, start time.Time, org, override string) (*pb.Engagement, error) {
	t.Helper()
	return f.reg.Experts.CreateEngagement(f.ctx, &pb.CreateEngagementRequest{Parent: f.pool, Engagement: &pb.Engagement{
		Person: person, MatterTitle: "Phản biện đề tài giống lúa chịu mặn", RequestingAgency: "Sở Khoa học và Công nghệ",
		MatterOrganization: org, DecisionNumber: "12/QĐ-SKHCN", Role: pb.Person_CRITIQUE, StartDate: dateOf(start),
		ConflictOverrideReason: override}})
}

func TestExpertPoolMembersNeedAvailabilityAndConsent(t *testing.T) {
	f := newExpertFixture(t)
	for _, tt := range []struct {
		name   string
		person string
		code   codes.Code
	}{
		{"not available", f.busy, codes.FailedPrecondition},
		{"no publication consent", f.noConsent, codes.FailedPrecondition},
		{"already a member", f.an, codes.AlreadyExists},
		{"nobody", "people/nobody", codes.InvalidArgument},
	} {
		_, err := f.reg.Experts.CreateExpertPoolMember(f.ctx, &pb.CreateExpertPoolMemberRequest{Parent: f.pool,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: tt.person}})
		// FAILED_PRECONDITION carries its message alone (errors.go).
		if tt.code == codes.FailedPrecondition {
			wantCode(t, err, tt.code)
		} else {
			wantCode(t, err, tt.code, "expert_pool_member.person")
		}
	}
	members, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(members.ExpertPoolMembers) != 4 || members.ExpertPoolMembers[0].Status != pb.ExpertPoolMember_ACTIVE {
		t.Fatalf("members: %v %v", members, err)
	}

	// Over REST: a member's status changes with a mask and an etag; a
	// stale etag is 409.
	m := members.ExpertPoolMembers[3]
	code, body := f.e.rest("PATCH", "/v1/"+m.Name+"?updateMask=status", map[string]any{"status": "INACTIVE", "etag": m.Etag})
	if code != http.StatusOK || body["status"] != "INACTIVE" || body["person"] != f.dung {
		t.Fatalf("patch member: HTTP %d %v", code, body)
	}
	code, body = f.e.rest("PATCH", "/v1/"+m.Name+"?updateMask=status", map[string]any{"status": "ACTIVE", "etag": m.Etag})
	wantREST(t, code, body, http.StatusConflict)
	code, body = f.e.rest("PATCH", "/v1/"+m.Name+"?updateMask=person", map[string]any{"person": f.an})
	wantREST(t, code, body, http.StatusBadRequest, "update_mask")

	// A pool with members goes only with force.
	code, body = f.e.rest("DELETE", "/v1/"+f.pool, nil)
	wantREST(t, code, body, http.StatusBadRequest)
	code, body = f.e.rest("GET", "/v1/associations/lien-hiep/expertPools", nil)
	if pools, _ := body["expertPools"].([]any); code != http.StatusOK || len(pools) != 1 {
		t.Fatalf("pools: HTTP %d %v", code, body)
	}
	code, _ = f.e.rest("DELETE", "/v1/"+f.pool+"?force=true", nil)
	if code != http.StatusOK {
		t.Fatalf("forced delete: HTTP %d", code)
	}
	code, body = f.e.rest("GET", "/v1/"+m.Name, nil)
	wantREST(t, code, body, http.StatusNotFound)
}

func TestSearchExpertsSharesTheWork(t *testing.T) {
	f := newExpertFixture(t)
	now := time.Now()
	// An has two engagements this year; Cường one two years ago, which no
	// longer counts; Bình none.
	for _, start := range []time.Time{now.AddDate(0, -2, 0), now.AddDate(0, -6, 0)} {
		if _, err := f.engage(t, f.an, start, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.engage(t, f.cuong, now.AddDate(-2, 0, 0), "", ""); err != nil {
		t.Fatal(err)
	}

	find := func(req *pb.SearchExpertsRequest) []string {
		t.Helper()
		req.Name = f.pool
		resp, err := f.reg.Experts.SearchExperts(f.ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range resp.Experts {
			out = append(out, c.Person)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		req  *pb.SearchExpertsRequest
		want []string
	}{
		// Cường and Bình have no recent engagement; Cường, a doctor, fits
		// better; An, with two, comes last. Dũng (economics) is not in
		// agriculture.
		{"agriculture, any level", &pb.SearchExpertsRequest{Field: "fields/vn2008-4"}, []string{f.cuong, f.binh, f.an}},
		{"crop growing only", &pb.SearchExpertsRequest{Field: "fields/vn2008-401"}, []string{f.cuong, f.an}},
		{"doctors", &pb.SearchExpertsRequest{QualificationLevel: "TIEN_SI"}, []string{f.cuong}},
		{"everyone, fewest engagements first", &pb.SearchExpertsRequest{}, []string{f.cuong, f.binh, f.dung, f.an}},
		{"the limited are none", &pb.SearchExpertsRequest{Availability: pb.Person_LIMITED}, nil},
		{"at most one", &pb.SearchExpertsRequest{MaxResults: 1}, []string{f.cuong}},
	} {
		if got := find(tt.req); !equalStrings(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}

	// Over REST, the same answer; a field that does not exist is 400.
	code, body := f.e.rest("GET", "/v1/"+f.pool+":searchExperts?field="+url.QueryEscape("fields/vn2008-4"), nil)
	experts, _ := body["experts"].([]any)
	if code != http.StatusOK || len(experts) != 3 || experts[0].(map[string]any)["person"] != f.cuong ||
		experts[2].(map[string]any)["recentEngagements"] != float64(2) {
		t.Fatalf("searchExperts over REST: HTTP %d %v", code, body)
	}
	code, body = f.e.rest("GET", "/v1/"+f.pool+":searchExperts?field="+url.QueryEscape("fields/vn2008-999"), nil)
	wantREST(t, code, body, http.StatusBadRequest, "field")

	// An engagement given to Cường now moves him behind Bình.
	if _, err := f.engage(t, f.cuong, now, "", ""); err != nil {
		t.Fatal(err)
	}
	if got, want := find(&pb.SearchExpertsRequest{Field: "fields/vn2008-4"}), []string{f.binh, f.cuong, f.an}; !equalStrings(got, want) {
		t.Errorf("after Cường's engagement: got %v, want %v", got, want)
	}

	// The yearly statistics count the four engagements, all critiques by
	// experts of crop growing (401), by the year each began: too few to
	// publish (experts_stats_test.go tests what is shown).
	years := map[float64]bool{}
	for _, d := range []time.Time{now.AddDate(0, -2, 0), now.AddDate(0, -6, 0), now.AddDate(-2, 0, 0), now} {
		years[float64(d.Year())] = true
	}
	code, body = f.e.rest("GET", "/v1/associations/lien-hiep:computeEngagementStatistics", nil)
	counts, _ := body["counts"].([]any)
	if code != http.StatusOK || len(counts) != len(years) || body["totalSuppressed"] != true || body["total"] != nil {
		t.Fatalf("summarize: HTTP %d %v, want the years %v, every count suppressed", code, body, years)
	}
	for _, c := range counts {
		m := c.(map[string]any)
		if m["field"] != "fields/vn2008-401" || m["role"] != "CRITIQUE" || !years[m["year"].(float64)] ||
			m["suppressed"] != true || m["count"] != nil {
			t.Errorf("a count of another year, field or role, or not suppressed: %v", m)
		}
	}
	code, body = f.e.rest("GET", "/v1/associations/lien-hiep:computeEngagementStatistics?startYear=2030&endYear=2020", nil)
	wantREST(t, code, body, http.StatusBadRequest, "end_year")
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEngagementConflictRule(t *testing.T) {
	f := newExpertFixture(t)
	now := time.Now()
	// Bình works at the department that owns the matter: refused.
	_, err := f.engage(t, f.binh, now, f.sokhcn, "")
	wantCode(t, err, codes.FailedPrecondition)
	if !strings.Contains(status.Convert(err).Message(), "conflict_override_reason") {
		t.Errorf("the refusal does not say how to override: %v", err)
	}
	list, _ := f.reg.Experts.ListEngagements(f.ctx, &pb.ListEngagementsRequest{Parent: f.pool})
	if len(list.GetEngagements()) != 0 {
		t.Fatalf("a refused engagement was recorded: %v", list)
	}
	// An does not: accepted. Another organization's matter: Bình is fine.
	if _, err := f.engage(t, f.an, now, f.sokhcn, ""); err != nil {
		t.Fatalf("An, no conflict: %v", err)
	}
	if _, err := f.engage(t, f.binh, now, f.dhkg, ""); err != nil {
		t.Fatalf("Bình, another organization's matter: %v", err)
	}
	// With a reason the override is made, and audited under the
	// organization's name.
	over, err := f.engage(t, f.binh, now, f.sokhcn, "Chuyên gia duy nhất về thủy sản nước lợ trong tỉnh")
	if err != nil {
		t.Fatalf("override: %v", err)
	}
	evs, err := f.e.client.Audit.ListAuditEvents(f.ctx, &pb.ListAuditEventsRequest{Resource: f.sokhcn, Method: "CreateEngagement"})
	if err != nil || len(evs.AuditEvents) != 1 || !contains(evs.AuditEvents[0].Resources, over.Name) {
		t.Fatalf("the override's audit: %v %v", evs, err)
	}
	// Engagements of non-members and inactive members are refused.
	_, err = f.engage(t, f.noConsent, now, "", "")
	wantCode(t, err, codes.FailedPrecondition)

	// The outcome and rating are recorded over REST with the etag; the
	// override reason cannot be rewritten.
	code, body := f.e.rest("PATCH", "/v1/"+over.Name+"?updateMask=conflictOverrideReason", map[string]any{"conflictOverrideReason": ""})
	wantREST(t, code, body, http.StatusBadRequest, "update_mask")
	code, body = f.e.rest("PATCH", "/v1/"+over.Name+"?updateMask=outcome,rating",
		map[string]any{"outcome": "Đạt", "rating": 5, "etag": over.Etag})
	if code != http.StatusOK || body["rating"] != float64(5) || body["conflictOverrideReason"] != over.ConflictOverrideReason {
		t.Fatalf("record outcome: HTTP %d %v", code, body)
	}
	code, body = f.e.rest("PATCH", "/v1/"+over.Name+"?updateMask=rating", map[string]any{"rating": 9})
	wantREST(t, code, body, http.StatusBadRequest, "engagement.rating")
	code, body = f.e.rest("PATCH", "/v1/"+over.Name+"?updateMask=rating", map[string]any{"rating": 4, "etag": over.Etag})
	wantREST(t, code, body, http.StatusConflict)
	// Idempotent create with a request id.
	req := &pb.CreateEngagementRequest{Parent: f.pool, RequestId: "eng-1", Engagement: &pb.Engagement{Person: f.an,
		MatterTitle: "Tư vấn quy hoạch vùng nuôi tôm", Role: pb.Person_CONSULTING, StartDate: dateOf(now)}}
	a, err1 := f.reg.Experts.CreateEngagement(f.ctx, req)
	b, err2 := f.reg.Experts.CreateEngagement(f.ctx, req)
	if err1 != nil || err2 != nil || a.Name != b.Name {
		t.Fatalf("retried create: %v %v / %v %v", a, err1, b, err2)
	}
}

func TestExpertPermissions(t *testing.T) {
	f := newExpertFixture(t)
	_, ha := f.e.key(RoleHomeAffairs)
	_, svc := f.e.key(RoleService)
	_, err := f.e.clientAs(ha).Experts.CreateExpertPool(f.ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep",
		ExpertPool: &pb.ExpertPool{DisplayName: "X"}})
	wantCode(t, err, codes.PermissionDenied)
	if _, err := f.e.clientAs(ha).Experts.SearchExperts(f.ctx, &pb.SearchExpertsRequest{Name: f.pool}); err != nil {
		t.Errorf("home affairs finds experts: %v", err)
	}
	_, err = f.e.clientAs(svc).Experts.ListExpertPools(f.ctx, &pb.ListExpertPoolsRequest{Parent: "associations/lien-hiep"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.Experts.CreateExpertPool(f.ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep",
		ExpertPool: &pb.ExpertPool{DisplayName: "X", Fields: []string{"fields/vn2008-999"}}})
	wantCode(t, err, codes.InvalidArgument, "expert_pool.fields[0]")
}

// A registrar key limited to the association may put only the people in
// its scope into the association's pools: adding anyone else would give the
// association their expert profile (issue 17, found in review).
func TestScopedKeyAddsOnlyItsPeopleToPools(t *testing.T) {
	f := newExpertFixture(t)
	_, tok, err := f.e.db.CreateScopedKey(f.ctx, "Liên hiệp hội", RoleRegistrar, "associations/lien-hiep", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	scoped := f.e.clientAs(tok)
	// Hà is available and consents to publication, but is no member of
	// the association.
	ha := f.e.person(&pb.Person{FamilyName: "Lê", GivenName: "Hà", BirthDate: &date.Date{Year: 1980},
		Availability: pb.Person_AVAILABLE, Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-401"}},
		ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}})
	if _, err := f.reg.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: ha.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}}); err != nil {
		t.Fatal(err)
	}
	_, err = scoped.Experts.CreateExpertPoolMember(f.ctx, &pb.CreateExpertPoolMemberRequest{Parent: f.pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: ha.Name, Role: pb.Person_CRITIQUE}})
	wantCode(t, err, codes.PermissionDenied)
	code, body := f.e.restAs(tok, "POST", "/v1/"+f.pool+"/members", map[string]any{"person": ha.Name, "role": "CRITIQUE"})
	wantREST(t, code, body, http.StatusForbidden)
	// An unscoped registrar may.
	if _, err := f.reg.Experts.CreateExpertPoolMember(f.ctx, &pb.CreateExpertPoolMemberRequest{Parent: f.pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: ha.Name, Role: pb.Person_CRITIQUE}}); err != nil {
		t.Fatalf("an unscoped registrar adding an expert: %v", err)
	}
}

// A registrar key limited to the association reads its pools' members and
// engagements without the people outside its scope: a pool keeps whoever
// a caller without a limit put in it, and former members. Its own members
// are named.
func TestExpertPoolsWithinScope(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	if _, err := f.engage(t, f.binh, time.Now(), "", ""); err != nil {
		t.Fatal(err)
	}
	reg := e.register(&pb.RegisterMemberRequest{Parent: "associations/lien-hiep", Applicant: &pb.RegisterMemberRequest_Person{Person: f.an}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	_, tok, err := e.db.CreateScopedKey(ctx, "Liên hiệp", RoleRegistrar, "associations/lien-hiep", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	scoped := e.clientAs(tok)
	members, err := scoped.Experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(members.ExpertPoolMembers) != 4 {
		t.Fatal(members, err)
	}
	engagements, err := scoped.Experts.ListEngagements(ctx, &pb.ListEngagementsRequest{Parent: f.pool})
	if err != nil || len(engagements.Engagements) != 1 {
		t.Fatal(engagements, err)
	}
	member, err := scoped.Experts.GetExpertPoolMember(ctx, &pb.GetExpertPoolMemberRequest{Name: members.ExpertPoolMembers[1].Name})
	if err != nil {
		t.Fatal(err)
	}
	engagement, err := scoped.Experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: engagements.Engagements[0].Name})
	if err != nil {
		t.Fatal(err)
	}
	_, restMembers := e.restAs(tok, "GET", "/v1/"+f.pool+"/members", nil)
	_, restEngagements := e.restAs(tok, "GET", "/v1/"+f.pool+"/engagements", nil)
	answers := protojson.Format(members) + protojson.Format(engagements) + protojson.Format(member) + protojson.Format(engagement) +
		jsonText(restMembers) + jsonText(restEngagements)
	for _, outside := range []string{f.binh, f.cuong, f.dung, "Nguyễn Bình", "Nguyễn Cường", "Nguyễn Dũng"} {
		if strings.Contains(answers, strings.TrimPrefix(outside, "people/")) {
			t.Errorf("the limited key's answers name %s, outside its scope:\n%s", outside, answers)
		}
	}
	if !strings.Contains(protojson.Format(members), f.an) || !strings.Contains(jsonText(restMembers), "Nguyễn An") {
		t.Errorf("the limited key's list does not name its own member %s:\n%s", f.an, answers)
	}
}

// TestExpertPoolsOfDeletedAssociation: a deleted association's pools, their
// members and engagements are not changed until it is undeleted, as its
// memberships are not; they are still read.
func TestExpertPoolsOfDeletedAssociation(t *testing.T) {
	f := newExpertFixture(t)
	eng, err := f.engage(t, f.an, time.Now(), f.dhkg, "")
	if err != nil {
		t.Fatal(err)
	}
	members, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(members.ExpertPoolMembers) != 4 {
		t.Fatalf("members: %v %v", members, err)
	}
	dung := members.ExpertPoolMembers[3]
	if _, err := f.reg.Experts.DeleteExpertPoolMember(f.ctx, &pb.DeleteExpertPoolMemberRequest{Name: dung.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.client.Memberships.DeleteAssociation(f.ctx, &pb.DeleteAssociationRequest{Name: "associations/lien-hiep"}); err != nil {
		t.Fatal(err)
	}
	member := members.ExpertPoolMembers[0]
	for _, c := range []struct {
		name, method, path string
		body               any
	}{
		{"ErrCreateMember", "POST", "/v1/" + f.pool + "/members", map[string]any{"person": f.dung, "role": "CRITIQUE"}},
		{"ErrUpdateMember", "PATCH", "/v1/" + member.Name + "?updateMask=status", map[string]any{"status": "INACTIVE"}},
		{"ErrDeleteMember", "DELETE", "/v1/" + member.Name, nil},
		{"ErrCreateEngagement", "POST", "/v1/" + f.pool + "/engagements", map[string]any{"person": f.binh, "matterTitle": "Phản biện",
			"requestingAgency": "Sở Khoa học và Công nghệ", "role": "CRITIQUE", "startDate": map[string]any{"year": 2026, "month": 1, "day": 5}}},
		{"ErrUpdateEngagement", "PATCH", "/v1/" + eng.Name + "?updateMask=rating", map[string]any{"rating": 5}},
		{"ErrDeleteEngagement", "DELETE", "/v1/" + eng.Name, nil},
		{"ErrUpdatePool", "PATCH", "/v1/" + f.pool + "?updateMask=display_name", map[string]any{"displayName": "Hội đồng mới"}},
		{"ErrDeletePool", "DELETE", "/v1/" + f.pool + "?force=true", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := f.e.rest(c.method, c.path, c.body)
			wantREST(t, code, body, http.StatusNotFound)
			if msg, _ := body["message"].(string); !strings.Contains(msg, "associations/lien-hiep is deleted") {
				t.Errorf("message %q does not say the association is deleted", msg)
			}
		})
	}
	// Nothing changed, and it is all still read.
	got, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(got.ExpertPoolMembers) != 3 || got.ExpertPoolMembers[0].Etag != member.Etag {
		t.Fatalf("members after the refusals: %v %v", got, err)
	}
	if e, err := f.reg.Experts.GetEngagement(f.ctx, &pb.GetEngagementRequest{Name: eng.Name}); err != nil || e.Etag != eng.Etag {
		t.Fatalf("the engagement after the refusals: %v %v", e, err)
	}
}
