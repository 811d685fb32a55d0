package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A campaign's selected_count, and the refusals that quote it, counted the
// nominations of restricted people too: a registrar comparing it with the
// nominations it lists learnt how many restricted people were selected.
// A registrar now reads the count of what it sees, and its quota counts
// the same (campaign_quota_hidden_test.go); its delete is refused without
// a number; an admin reads the whole count.
func TestCampaignCountsLeaveRestrictedPeopleOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	reg := e.clientAs(regKey)
	seen := e.person(&pb.Person{FamilyName: "Lê", GivenName: "An"})
	hidden := e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl"})
	c, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "nam-nay", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []*pb.Person{seen, hidden} {
		n, err := reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: p.Name, Nominator: "Hội Y học tỉnh", Reason: "Đóng góp cho y tế cơ sở"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n.Name, DecisionNumber: []string{"1/QĐ", "2/QĐ"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	restrictPerson(t, e, hidden.Name)

	noms, err := reg.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(noms.Nominations) != 1 || noms.TotalSize != 1 {
		t.Fatalf("the registrar lists %d nominations (total %d), want 1", len(noms.Nominations), noms.TotalSize)
	}
	got, err := reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if got.SelectedCount != 1 {
		t.Errorf("the registrar's GetHonorCampaign: selected_count %d, want 1 (the nomination it lists)", got.SelectedCount)
	}
	list, err := reg.Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.HonorCampaigns) != 1 || list.HonorCampaigns[0].SelectedCount != 1 {
		t.Errorf("the registrar's ListHonorCampaigns: %v, want selected_count 1", list.HonorCampaigns)
	}
	updated, err := reg.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.Name, Issuer: "UBND tỉnh"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"issuer"}}})
	if err != nil {
		t.Fatal(err)
	}
	if updated.SelectedCount != 1 {
		t.Errorf("the registrar's UpdateHonorCampaign answers selected_count %d, want 1", updated.SelectedCount)
	}
	admin, err := e.client.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if admin.SelectedCount != 2 {
		t.Errorf("the admin's selected_count %d, want 2", admin.SelectedCount)
	}

	// The registrar's quota counts what it sees: it lowers the quota to
	// the one selection it lists, which a refusal would have told is not
	// all; the admin then reads two selected of a quota of 1.
	if _, err := reg.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.Name, Quota: 1},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}}); err != nil {
		t.Fatalf("the registrar's quota of 1: %v", err)
	}
	_, err = reg.Honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: c.Name, Force: true})
	wantCode(t, err, codes.FailedPrecondition)
	if msg := status.Convert(err).Message(); strings.ContainsAny(msg, "0123456789") {
		t.Errorf("the refusal of the delete says %q", msg)
	}
	// The admin, who sees the campaign over its quota, edits it still,
	// raises the quota to what is selected, and may not lower it again.
	if _, err := e.client.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.Name, Issuer: "UBND tỉnh An Giang"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"issuer"}}}); err != nil {
		t.Fatalf("the admin's edit of a campaign over its quota: %v", err)
	}
	if _, err := e.client.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.Name, Quota: 2},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}}); err != nil {
		t.Fatalf("the admin's quota of 2: %v", err)
	}
	_, err = e.client.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.Name, Quota: 1},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}})
	wantCode(t, err, codes.FailedPrecondition)
}
