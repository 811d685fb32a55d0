package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registrar reads no restricted profile, nor a nomination or a pool's
// member of one, but a forced delete of a campaign or a pool removed them
// too: the registrar deleted what it could not see. It is refused
// FAILED_PRECONDITION saying that an admin must delete it, without a count
// (set beside the listing, it would tell how many restricted people there
// are), and nothing goes; an admin's forced delete goes through.
func TestForcedDeleteSparesRestrictedPeople(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	reg := e.clientAs(regKey)
	seen := e.person(&pb.Person{FamilyName: "Lê", GivenName: "An", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}, Availability: pb.Person_AVAILABLE})
	hidden := e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}, Availability: pb.Person_AVAILABLE})

	c, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "nam-nay", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*pb.Person{seen, hidden} {
		if _, err := reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: p.Name, Nominator: "Hội Y học tỉnh", Reason: "Đóng góp cho y tế cơ sở"}}); err != nil {
			t.Fatal(err)
		}
	}
	e.association("lien-hiep", &pb.Association{DisplayName: "Liên hiệp hội", Code: "LHH"})
	pool, err := e.client.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep",
		ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng phản biện"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*pb.Person{seen, hidden} {
		if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool.Name,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: p.Name, Role: pb.Person_CRITIQUE}}); err != nil {
			t.Fatal(err)
		}
	}
	restrictPerson(t, e, hidden.Name)

	refused := func(what, name string, err error) {
		t.Helper()
		wantCode(t, err, codes.FailedPrecondition)
		if msg := strings.ReplaceAll(status.Convert(err).Message(), name, ""); strings.ContainsAny(msg, "0123456789") || !strings.Contains(msg, "admin") {
			t.Errorf("the refusal of the %s's delete says %q", what, msg)
		}
	}
	_, err = reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true})
	refused("campaign", c.Name, err)
	_, err = reg.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: pool.Name, Force: true})
	refused("pool", pool.Name, err)
	noms, err := e.client.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	members, err := e.client.Experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: pool.Name})
	if err != nil {
		t.Fatal(err)
	}
	// The admin's listings leave the restricted person out too; the
	// restriction lifted would show them: what is left is at least the
	// one the registrar sees.
	if len(noms.Nominations) != 1 || len(members.ExpertPoolMembers) != 1 {
		t.Fatalf("after the refusals: %d nominations, %d members", len(noms.Nominations), len(members.ExpertPoolMembers))
	}

	if _, err := e.client.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true}); err != nil {
		t.Fatalf("an admin's forced delete of the campaign: %v", err)
	}
	if _, err := e.client.Experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: pool.Name, Force: true}); err != nil {
		t.Fatalf("an admin's forced delete of the pool: %v", err)
	}
}
