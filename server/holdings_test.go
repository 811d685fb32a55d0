package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registration with an association, a change of the membership's state
// and a consent given and withdrawn moved the person's revision: a unit's
// caller, and an internal service, which may read none of them, read a
// new etag and update_time, an UPDATED of the person with no fields in
// their change feed, and the unit's review of the person turned CHANGED:
// they learnt when the person joined or left an association or gave or
// withdrew a consent. They now see nothing of it; home_affairs, which
// reads memberships but not consents, sees the memberships' changes; an
// admin sees all. An update with the unit's etag still goes through, and
// one with an etag older than a change of the profile is ABORTED.
func TestHoldingsChangesUnseenByWhoMayNotReadThem(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	e.association("hoi-y", &pb.Association{DisplayName: "Hội Y học", Code: "HYH"})
	_, haTok := e.key(RoleHomeAffairs)
	_, svcTok := e.key(RoleService)
	campaign, err := f.reviews("").CreateReviewCampaign(ctx, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026", ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: &date.Date{Year: 2099, Month: 12, Day: 31}, Organizations: []string{f.health.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	type caller struct {
		name, token string
		c           *client.Client
		sees        bool // the changes of memberships
	}
	callers := []caller{
		{"the unit's registrar", f.regTok, f.reg, false},
		{"the unit's home_affairs", f.haTok, f.ha, false},
		{"a service", svcTok, e.clientAs(svcTok), false},
		{"home_affairs", haTok, e.clientAs(haTok), true},
		{"an admin", e.token, e.client, true},
	}
	type seen struct{ etag, updateTime, restEtag, restTime string }
	read := func(c caller) seen {
		t.Helper()
		p, err := c.c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.inside.Name})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		code, body := e.restAs(c.token, "GET", "/v1/"+f.inside.Name, nil)
		if code != http.StatusOK {
			t.Fatalf("%s: REST %d %v", c.name, code, body)
		}
		rt, _ := body["updateTime"].(string)
		re, _ := body["etag"].(string)
		return seen{p.Etag, p.UpdateTime.AsTime().String(), re, rt}
	}
	before := map[string]seen{}
	for _, c := range callers {
		before[c.name] = read(c)
	}
	from := headOf(t, e.client.Changes)
	since := time.Now().UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)

	// A registration (with the consent of the person, CONTACT among its
	// purposes, so that the profile shows the same), its approval, a
	// consent given and withdrawn, a suspension.
	reg := e.register(&pb.RegisterMemberRequest{Parent: "associations/hoi-y", Applicant: &pb.RegisterMemberRequest_Person{Person: f.inside.Name},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: "2026-01"}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	consent, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: f.inside.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_STATISTICS}, TextVersion: "2026-02"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: consent.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: reg.Membership.Name, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}

	for _, c := range callers {
		now := read(c)
		if moved := now != before[c.name]; moved != c.sees {
			t.Errorf("%s: before %+v, after %+v; want it moved: %v", c.name, before[c.name], now, c.sees)
		}
		if now.etag != now.restEtag || now.etag == "" {
			t.Errorf("%s: etag %q, over REST %q", c.name, now.etag, now.restEtag)
		}
		var updated int
		for _, ch := range listAll(t, c.c.Changes, from, "") {
			if ch.Resource == f.inside.Name && ch.Kind == pb.Change_UPDATED {
				updated++
				for _, field := range ch.ChangedFields {
					if strings.HasPrefix(field, "~") {
						t.Errorf("%s: a change's fields hold the mark %q", c.name, field)
					}
				}
			}
		}
		if (updated > 0) != c.sees {
			t.Errorf("%s: %d UPDATED of the person in its feed; want some: %v", c.name, updated, c.sees)
		}
		code, body := e.restAs(c.token, "GET", "/v1/changes?pageToken="+url.QueryEscape(from)+"&pageSize=1000", nil)
		if code != http.StatusOK || strings.Contains(jsonText(body), `"`+f.inside.Name+`"`) != c.sees {
			t.Errorf("%s: REST feed %d %s; want the person in it: %v", c.name, code, jsonText(body), c.sees)
		}
	}
	// Nor does a filter or order on update_time tell them.
	for _, c := range callers {
		filter := fmt.Sprintf("update_time > %q", since)
		list, err := c.c.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: filter, OrderBy: "update_time desc"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		found, err := c.c.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: f.inside.GivenName, Filter: filter})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (len(list.People) > 0) != c.sees || (len(found.People) > 0) != c.sees {
			t.Errorf("%s: %d listed, %d found changed since; want some: %v", c.name, len(list.People), len(found.People), c.sees)
		}
	}
	for _, c := range []caller{callers[0], callers[4]} {
		r, err := f.reviews(c.token).GetProfileReview(ctx, &pb.GetProfileReviewRequest{Name: reviewOf(campaign.Name, f.inside.Name)})
		if err != nil || r.State == pb.ProfileReview_CHANGED {
			t.Errorf("%s: the review %v, %v; want it not CHANGED", c.name, r.GetState(), err)
		}
	}

	// A consent given alone is no change for home_affairs either.
	ha, admin := callers[3], callers[4]
	haBefore, adminBefore, at := read(ha), read(admin), headOf(t, e.client.Changes)
	if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: f.inside.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_PUBLICATION}, TextVersion: "2026-03"}}); err != nil {
		t.Fatal(err)
	}
	if now := read(ha); now != haBefore {
		t.Errorf("home_affairs, after a consent: %+v, before %+v", now, haBefore)
	}
	if got := listAll(t, ha.c.Changes, at, ""); len(got) != 0 {
		t.Errorf("home_affairs's feed after a consent: %v", resources(got))
	}
	if now := read(admin); now == adminBefore {
		t.Errorf("the admin's etag stayed %q after a consent", now.etag)
	}

	// The unit's etag, from before, is current for it.
	unitEtag := before[callers[0].name].etag
	up, err := f.reg.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.inside.Name, Availability: pb.Person_LIMITED, Etag: unitEtag},
		UpdateMask: mask("availability")})
	if err != nil {
		t.Fatalf("the unit's update with its etag: %v", err)
	}
	if up.Etag == unitEtag {
		t.Errorf("the update left the unit's etag %q", up.Etag)
	}
	// A change of the profile makes it stale, over gRPC and REST.
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.inside.Name, Availability: pb.Person_AVAILABLE},
		UpdateMask: mask("availability")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.reg.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.inside.Name, Availability: pb.Person_LIMITED, Etag: up.Etag},
		UpdateMask: mask("availability")})
	if status.Code(err) != codes.Aborted {
		t.Errorf("the unit's update with a stale etag: %v, want ABORTED", err)
	}
	code, body := e.restAs(f.regTok, "PATCH", "/v1/"+f.inside.Name+"?updateMask=availability", map[string]any{"availability": "LIMITED", "etag": up.Etag})
	if code != http.StatusConflict {
		t.Errorf("REST, the unit's update with a stale etag: %d %v", code, body)
	}
	// A change of a membership alone since does not.
	cur := read(callers[0])
	if _, err := e.client.Memberships.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	code, body = e.restAs(f.regTok, "PATCH", "/v1/"+f.inside.Name+"?updateMask=availability", map[string]any{"availability": "LIMITED", "etag": cur.etag})
	if code != http.StatusOK {
		t.Errorf("REST, the unit's update with its etag after a membership's change: %d %v", code, body)
	}
}
