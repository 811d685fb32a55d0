package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// handoverWorld is a registry where a registrar runs honours campaigns and
// expert pools, and a person it may not see (restricted) exists; with
// held, that person was nominated, selected and put in pools before the
// restriction, else never.
type handoverWorld struct {
	e        *env
	regKey   string
	seen     *pb.Person
	hidden   *pb.Person
	held     bool
	campaign func(id string)
	pool     func(id string)
}

// peopleOf are the people a campaign's or pool's id puts in it: the seen
// person in "seen-" ones, the hidden one in all when held.
func (w *handoverWorld) peopleOf(id string) []*pb.Person {
	var people []*pb.Person
	if strings.HasPrefix(id, "seen-") {
		people = append(people, w.seen)
	}
	if w.held {
		people = append(people, w.hidden)
	}
	return people
}

func newHandoverWorld(t *testing.T, held bool) *handoverWorld {
	e := newEnv(t)
	ctx := context.Background()
	w := &handoverWorld{e: e, held: held}
	_, w.regKey = e.key(RoleRegistrar)
	w.seen = e.person(&pb.Person{FamilyName: "Lê", GivenName: "An", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}, Availability: pb.Person_AVAILABLE})
	w.hidden = e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}, Availability: pb.Person_AVAILABLE})
	var consent *pb.Consent
	for _, p := range []*pb.Person{w.seen, w.hidden} {
		c, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}})
		if err != nil {
			t.Fatal(err)
		}
		consent = c
	}
	e.association("lien-hiep", &pb.Association{DisplayName: "Liên hiệp hội", Code: "LHH"})
	year := int32(time.Now().In(store.Vietnam).Year())
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// campaign makes honorCampaigns/{id}: "seen-" ones nominate the person
	// the registrar sees; "hidden-selected" ones select the hidden person
	// (when held), the others nominate them.
	w.campaign = func(id string) {
		t.Helper()
		c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: id, HonorCampaign: &pb.HonorCampaign{
			DisplayName: "Trí thức tiêu biểu " + id, Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
			NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
		must(c, err)
		for _, p := range w.peopleOf(id) {
			n, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
				Person: p.Name, Nominator: "Hội Y học tỉnh", Reason: "Đóng góp cho y tế cơ sở"}})
			must(n, err)
			if p == w.hidden && strings.Contains(id, "selected") {
				must(e.client.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED, Note: "Đủ"}))
				must(e.client.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n.Name, DecisionNumber: "125/QĐ-UBND"}))
			}
		}
	}
	// pool makes associations/lien-hiep/expertPools/{id}, likewise, the
	// hidden person a member with an engagement.
	w.pool = func(id string) {
		t.Helper()
		pool, err := e.client.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep", ExpertPoolId: id,
			ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng phản biện " + id}})
		must(pool, err)
		for _, p := range w.peopleOf(id) {
			must(e.client.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool.Name,
				ExpertPoolMember: &pb.ExpertPoolMember{Person: p.Name, Role: pb.Person_CRITIQUE}}))
			must(e.client.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: pool.Name, Engagement: &pb.Engagement{
				Person: p.Name, MatterTitle: "Phản biện đề tài giống lúa chịu mặn", Role: pb.Person_CRITIQUE, StartDate: dateOf(time.Now())}}))
		}
	}
	for _, id := range []string{"seen-nam-nay", "chi-an", "chi-an-selected"} {
		w.campaign(id)
	}
	for _, id := range []string{"seen-thuy-san", "chi-an"} {
		w.pool(id)
	}
	// Their one consent withdrawn, the hidden person is restricted; a
	// new one lifts it (registrarTranscript).
	must(e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: consent.Name}))
	if _, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: w.hidden.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.clientAs(w.regKey).People.GetPerson(ctx, &pb.GetPersonRequest{Name: w.hidden.Name}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("the person is not restricted: %v", err)
	}
	return w
}

// registrarTranscript is what a registrar is told, over gRPC and REST, as
// it deletes the campaigns and pools and looks for them after, and makes
// them again under the same ids.
func (w *handoverWorld) registrarTranscript(t *testing.T) []string {
	e, ctx, reg := w.e, context.Background(), w.e.clientAs(w.regKey)
	var out []string
	say := func(what string, err error) {
		out = append(out, fmt.Sprintf("%s: %v %q", what, status.Code(err), status.Convert(err).Message()))
	}
	rest := func(method, path string) {
		code, body := e.restAs(w.regKey, method, path, nil)
		msg, _ := body["message"].(string)
		out = append(out, fmt.Sprintf("%s %s: HTTP %d %q", method, path, code, msg))
	}
	campaigns := func() {
		l, err := reg.Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{ShowDeleted: true})
		say("list campaigns", err)
		for _, c := range l.GetHonorCampaigns() {
			out = append(out, fmt.Sprintf("  %s %s selected %d deleted %v", c.Name, c.Etag, c.SelectedCount, c.DeleteTime != nil))
		}
		code, body := e.restAs(w.regKey, "GET", "/v1/honorCampaigns?showDeleted=true", nil)
		cs, _ := body["honorCampaigns"].([]any)
		out = append(out, fmt.Sprintf("REST list campaigns: HTTP %d, %d", code, len(cs)))
	}
	pools := func() {
		l, err := reg.Experts.ListExpertPools(ctx, &pb.ListExpertPoolsRequest{Parent: "associations/-", ShowDeleted: true})
		say("list pools", err)
		for _, p := range l.GetExpertPools() {
			out = append(out, fmt.Sprintf("  %s %s deleted %v", p.Name, p.Etag, p.DeleteTime != nil))
		}
		code, body := e.restAs(w.regKey, "GET", "/v1/associations/lien-hiep/expertPools?showDeleted=true", nil)
		pools, _ := body["expertPools"].([]any)
		out = append(out, fmt.Sprintf("REST list pools: HTTP %d, %d", code, len(pools)))
	}
	campaigns()
	pools()
	for _, id := range []string{"seen-nam-nay", "chi-an", "chi-an-selected"} {
		name := "honorCampaigns/" + id
		c, err := reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: name})
		say("get "+name, err)
		noms, err := reg.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: name})
		say(fmt.Sprintf("nominations of %s (%d, total %d)", name, len(noms.GetNominations()), noms.GetTotalSize()), err)
		_, err = reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: name})
		say("delete "+name, err)
		rest("DELETE", "/v1/"+name+"?force=true&validateOnly=true&etag="+c.GetEtag())
		rest("DELETE", "/v1/"+name+"?force=true&etag="+c.GetEtag())
		_, err = reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: name})
		say("get "+name+" after", err)
		rest("GET", "/v1/"+name)
		rest("GET", "/v1/"+name+"/nominations")
		rest("DELETE", "/v1/"+name+"?force=true")
		// The id is free again.
		_, err = reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: id, HonorCampaign: &pb.HonorCampaign{
			DisplayName: "Lần nữa", Year: 2026, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
			NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0))}})
		say("create "+name+" again", err)
	}
	for _, id := range []string{"seen-thuy-san", "chi-an"} {
		name := "associations/lien-hiep/expertPools/" + id
		p, err := reg.Experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: name})
		say("get "+name, err)
		ms, err := reg.Experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: name})
		say(fmt.Sprintf("members of %s (%d, total %d)", name, len(ms.GetExpertPoolMembers()), ms.GetTotalSize()), err)
		_, err = reg.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: name})
		say("delete "+name, err)
		rest("DELETE", "/v1/"+name+"?force=true&validateOnly=true&etag="+p.GetEtag())
		_, err = reg.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: name, Force: true, Etag: p.GetEtag()})
		say("force delete "+name, err)
		rest("GET", "/v1/"+name)
		rest("GET", "/v1/"+name+"/members")
		rest("GET", "/v1/"+name+"/engagements")
		_, err = reg.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep", ExpertPoolId: id,
			ExpertPool: &pb.ExpertPool{DisplayName: "Lần nữa"}})
		say("create "+name+" again", err)
	}
	campaigns()
	pools()
	// The restriction lifted, what the pools held no longer counts: a
	// registrar's delete took it, as far as it knows.
	if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: w.hidden.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-02"}}); err != nil {
		t.Fatal(err)
	}
	found, err := reg.Experts.SearchExperts(ctx, &pb.SearchExpertsRequest{Name: "associations/lien-hiep/expertPools/-", Role: pb.Person_CRITIQUE})
	say("search experts", err)
	for _, c := range found.GetExperts() {
		out = append(out, fmt.Sprintf("  %s: %d recent", c.DisplayName, c.RecentEngagements))
	}
	stats, err := reg.Experts.ComputeEngagementStatistics(ctx, &pb.ComputeEngagementStatisticsRequest{Name: "associations/lien-hiep"})
	say("engagement statistics", err)
	for _, c := range stats.GetCounts() {
		out = append(out, "  "+c.String())
	}
	return out
}

// A registrar lists no nomination, pool member or engagement of a
// restricted person; its deletes of the campaigns and pools that hold
// them used to be refused (FAILED_PRECONDITION "has nominations", "has
// selected nominations", "only an admin may delete it"), telling it that
// someone restricted is there. Its answers, over gRPC and REST, are now
// those of a registry where that person was never nominated nor in a
// pool: the delete takes what it sees, and what it does not see stays in
// the campaign or pool, handed to an administrator under a new name.
func TestRegistrarDeleteTellsNothingOfRestrictedPeople(t *testing.T) {
	held := newHandoverWorld(t, true)
	never := newHandoverWorld(t, false)
	got, want := held.registrarTranscript(t), never.registrarTranscript(t)
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("the registrar is told\n  %s\nwhere, had the restricted person never been nominated, it is told\n  %s", g, w)
		}
	}
	if t.Failed() {
		t.Logf("told where the person was never nominated:\n%s", strings.Join(want, "\n"))
	}
}

// The admin finds what the registrars' deletes left (show_deleted), lists
// it whole, and resolves it: a forced delete takes it all, but for a
// campaign that conferred an honour, which stays as its record. Nothing
// of a restricted person was deleted by the registrar.
func TestAdminResolvesHandedOverCampaignsAndPools(t *testing.T) {
	w := newHandoverWorld(t, true)
	e, ctx, reg := w.e, context.Background(), w.e.clientAs(w.regKey)
	for _, name := range []string{"honorCampaigns/seen-nam-nay", "honorCampaigns/chi-an", "honorCampaigns/chi-an-selected"} {
		if _, err := reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: name, Force: true}); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
	for _, name := range []string{"associations/lien-hiep/expertPools/seen-thuy-san", "associations/lien-hiep/expertPools/chi-an"} {
		if _, err := reg.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: name, Force: true}); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
	if l, err := e.client.Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{}); err != nil || len(l.HonorCampaigns) != 0 {
		t.Fatalf("the admin's list without show_deleted: %v %v", l, err)
	}
	l, err := e.client.Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{ShowDeleted: true})
	if err != nil || len(l.HonorCampaigns) != 3 {
		t.Fatalf("the admin's list with show_deleted: %v %v", l, err)
	}
	for _, c := range l.HonorCampaigns {
		if c.DeleteTime == nil || strings.Contains(c.Name, "chi-an") || strings.Contains(c.Name, "nam-nay") {
			t.Errorf("a handed-over campaign: %v", c)
		}
		noms, err := e.client.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
		if err != nil || len(noms.Nominations) != 1 || noms.Nominations[0].Person != w.hidden.Name {
			t.Fatalf("the admin lists %s's nominations: %v %v", c.Name, noms, err)
		}
		// A registrar given the new name is told it does not exist.
		code, body := e.restAs(w.regKey, "GET", "/v1/"+c.Name, nil)
		wantREST(t, code, body, http.StatusNotFound)
		_, err = e.client.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true})
		if selected := c.SelectedCount > 0; selected != (err != nil) {
			t.Errorf("the admin's forced delete of %s (%d selected): %v", c.Name, c.SelectedCount, err)
		}
	}
	pools, err := e.client.Experts.ListExpertPools(ctx, &pb.ListExpertPoolsRequest{Parent: "associations/lien-hiep", ShowDeleted: true})
	if err != nil || len(pools.ExpertPools) != 2 {
		t.Fatalf("the admin's list of pools with show_deleted: %v %v", pools, err)
	}
	for _, p := range pools.ExpertPools {
		ms, err := e.client.Experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: p.Name})
		if err != nil || len(ms.ExpertPoolMembers) != 1 || ms.ExpertPoolMembers[0].Person != w.hidden.Name {
			t.Fatalf("the admin lists %s's members: %v %v", p.Name, ms, err)
		}
		es, err := e.client.Experts.ListEngagements(ctx, &pb.ListEngagementsRequest{Parent: p.Name})
		if err != nil || len(es.Engagements) != 1 {
			t.Fatalf("the admin lists %s's engagements: %v %v", p.Name, es, err)
		}
		if _, err := e.client.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: p.Name, Force: true}); err != nil {
			t.Fatalf("the admin's forced delete of %s: %v", p.Name, err)
		}
	}
	evs, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: w.hidden.Name, Method: "DeleteHonorCampaign"})
	if err != nil || len(evs.AuditEvents) < 3 {
		t.Fatalf("the audit of the hand-overs and the admin's deletes names the person: %v %v", evs, err)
	}
}
