package server

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A selection refused for the quota told a registrar, whose campaign
// listed fewer selections than its quota, that restricted people it may
// not see had been selected. Its quota now counts what it lists: the
// selection goes through as in a campaign without them, and the admin,
// who counts everyone, reads the campaign over its quota and may select
// no more.
func TestQuotaCountsWhatTheRegistrarSees(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	reg := e.clientAs(regKey)
	c, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "nam-nay", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 2,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	var noms []string
	for _, p := range []*pb.Person{
		{FamilyName: "Lê", GivenName: "An"}, {FamilyName: "Thạch", GivenName: "Sa Rươl"},
		{FamilyName: "Trần", GivenName: "Bình"}, {FamilyName: "Phạm", GivenName: "Dũng"},
	} {
		n, err := reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: e.person(p).Name, Nominator: "Hội Y học tỉnh", Reason: "Đóng góp cho y tế cơ sở"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			t.Fatal(err)
		}
		noms = append(noms, n.Name)
	}
	selectAs := func(cl *client.Client, n, decision string) error {
		_, err := cl.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n, DecisionNumber: decision})
		return err
	}
	for i, n := range noms[:2] {
		if err := selectAs(reg, n, []string{"1/QĐ", "2/QĐ"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	hidden, err := reg.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: noms[1]})
	if err != nil {
		t.Fatal(err)
	}
	restrictPerson(t, e, hidden.Person)

	got, err := reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if got.SelectedCount != 1 || got.Quota != 2 {
		t.Fatalf("the registrar reads %d selected of a quota of %d, want 1 of 2", got.SelectedCount, got.Quota)
	}
	// One of two selected, as far as the registrar knows: the selection
	// is taken, as it would be were no one restricted.
	if err := selectAs(reg, noms[2], "3/QĐ"); err != nil {
		t.Fatalf("the registrar's selection with 1 of 2 selected in its sight: %v", err)
	}
	got, err = reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if got.SelectedCount != 2 {
		t.Errorf("the registrar reads %d selected, want 2", got.SelectedCount)
	}
	// Its quota is full now, by what it sees.
	wantCode(t, selectAs(reg, noms[3], "4/QĐ"), codes.FailedPrecondition)

	// The admin sees the campaign over its quota, and selects no more.
	admin, err := e.client.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if admin.SelectedCount != 3 || admin.Quota != 2 {
		t.Errorf("the admin reads %d selected of a quota of %d, want 3 of 2", admin.SelectedCount, admin.Quota)
	}
	wantCode(t, selectAs(e.client, noms[3], "4/QĐ"), codes.FailedPrecondition)
}
