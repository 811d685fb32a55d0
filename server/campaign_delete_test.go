package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestDeleteHonorCampaign: a registrar deletes a campaign (AIP-135), its
// nominations only with force; a stale etag is 409; callers limited to an
// association or a unit, and home affairs, are refused. A campaign that
// selected anyone stays, force or not, and so does the honour it
// conferred.
func TestDeleteHonorCampaign(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	reg := e.clientAs(regKey)
	year := int32(time.Now().In(store.Vietnam).Year())
	campaign := func(id string) *pb.HonorCampaign {
		t.Helper()
		c, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: id, HonorCampaign: &pb.HonorCampaign{
			DisplayName: "Trí thức tiêu biểu " + id, Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
			NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	nominate := func(c *pb.HonorCampaign, p *pb.Person) *pb.Nomination {
		t.Helper()
		n, err := reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: p.Name, Nominator: "Hội Y học tỉnh", Reason: "Đóng góp cho y tế cơ sở"}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	nominations := func(c *pb.HonorCampaign) int {
		t.Helper()
		l, err := e.client.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Nominations)
	}
	a, b := e.person(&pb.Person{FamilyName: "Lê", GivenName: "An"}), e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl"})
	c := campaign("nam-nay")
	na := nominate(c, a)
	nominate(c, b)
	if _, err := reg.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: na.Name, Decision: pb.Nomination_SHORTLISTED, Note: "Đủ"}); err != nil {
		t.Fatal(err)
	}
	c, _ = reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})

	// Who may not: home affairs, a registrar limited to an association,
	// one limited to a unit.
	_, haTok := e.key(RoleHomeAffairs)
	assocTok := ""
	for _, cl := range e.callers() {
		if cl.association != "" {
			assocTok = cl.token
		}
	}
	unit, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	_, unitTok, err := e.db.CreateScopedKey(ctx, "Sở Y tế", RoleRegistrar, unit.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for label, tok := range map[string]string{"home affairs": haTok, "association": assocTok, "unit": unitTok} {
		_, err := e.clientAs(tok).Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true})
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("%s deletes a campaign: %v", label, err)
		}
		code, body := e.restAs(tok, "DELETE", "/v1/"+c.Name+"?force=true", nil)
		if code != http.StatusForbidden {
			t.Errorf("%s deletes a campaign over REST: HTTP %d %v", label, code, body)
		}
	}

	// Without force a campaign with nominations stays, and the refusal
	// says what to do.
	_, err = reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name})
	wantCode(t, err, codes.FailedPrecondition)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "force") || !strings.Contains(msg, "has nominations") {
		t.Errorf("the refusal does not say what to do: %q", msg)
	}
	// A stale etag is 409; validate_only deletes nothing.
	code, body := e.restAs(regKey, "DELETE", "/v1/"+c.Name+"?force=true&etag=stale", nil)
	wantREST(t, code, body, http.StatusConflict)
	if _, err := reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true, ValidateOnly: true, Etag: c.Etag}); err != nil {
		t.Fatalf("validate only: %v", err)
	}
	if got, err := reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name}); err != nil || got.Etag != c.Etag || nominations(c) != 2 {
		t.Fatalf("refused or validated deletes changed the campaign: %v %v", got, err)
	}

	// With force, over REST with the etag: the campaign and its
	// nominations go; the audit names whose nominations went with it.
	code, body = e.restAs(regKey, "DELETE", "/v1/"+c.Name+"?force=true&etag="+c.Etag, nil)
	if code != http.StatusOK {
		t.Fatalf("delete over REST: HTTP %d %v", code, body)
	}
	_, err = reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	wantCode(t, err, codes.NotFound)
	_, err = reg.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: na.Name})
	wantCode(t, err, codes.NotFound)
	evs, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: a.Name, Method: "DeleteHonorCampaign"})
	if err != nil || len(evs.AuditEvents) != 1 || evs.AuditEvents[0].Code != "OK" || !contains(evs.AuditEvents[0].Resources, na.Name) {
		t.Fatalf("audit of the delete: %v %v", evs, err)
	}
	// The id and the people are free again.
	again := campaign("nam-nay")
	if n := nominate(again, a); len(n.Decisions) != 0 {
		t.Errorf("a new nomination inherits decisions: %v", n.Decisions)
	}

	// An empty campaign needs no force.
	empty := campaign("trong")
	if _, err := reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: empty.Name, Etag: empty.Etag}); err != nil {
		t.Fatalf("delete an empty campaign: %v", err)
	}

	// A campaign that selected someone stays, with force too: its
	// nomination is the record of the honour on the profile.
	conferred := campaign("da-chon")
	nb := nominate(conferred, b)
	if _, err := reg.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: nb.Name, Decision: pb.Nomination_SHORTLISTED, Note: "Đủ"}); err != nil {
		t.Fatal(err)
	}
	sel, err := reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: nb.Name, DecisionNumber: "125/QĐ-UBND"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: conferred.Name, Force: true})
	wantCode(t, err, codes.FailedPrecondition)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "has selected nominations") {
		t.Errorf("the refusal does not say why: %q", msg)
	}
	if _, err := reg.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: nb.Name}); err != nil {
		t.Errorf("the selected nomination: %v", err)
	}
	if _, err := e.client.People.GetHonor(ctx, &pb.GetHonorRequest{Name: sel.Honor}); err != nil {
		t.Errorf("the conferred honour: %v", err)
	}
	_, err = e.client.People.DeleteHonor(ctx, &pb.DeleteHonorRequest{Name: sel.Honor})
	wantCode(t, err, codes.FailedPrecondition)
}
