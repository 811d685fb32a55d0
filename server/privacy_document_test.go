package server

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The document of a person's data gives its times in Vietnam's time, day
// first, the contract's values in Vietnamese and the reference codes by
// their names: at 18:00 UTC on 4 December it is 01:00 on the 5th for the
// person reading it.
func TestPersonDocumentReadsInVietnamese(t *testing.T) {
	at := time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC)
	doc := personDocument(&pb.PersonData{
		Person: &pb.Person{Name: "people/bao", DisplayName: "Lâm Quốc Bảo", Gender: pb.Person_MALE, Ethnicity: "01", Hometown: "30742",
			Positions: []*pb.Position{{Title: "Bác sĩ", Organization: "organizations/bvdk", OrganizationName: "Bệnh viện Đa khoa tỉnh"}},
			Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Nội khoa", Year: 2010},
				{Kind: pb.Qualification_DEGREE, Level: "KHONG_CO", Major: "Ngoại khoa", Year: 2005},
				{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", DegreeTitle: "Bác sĩ", Major: "Đa khoa", Year: 2001}},
			Memberships: []*pb.Membership{{Name: "associations/hyh/memberships/m1", State: pb.Membership_ACTIVE, MemberNumber: "HYH-1"}}},
		Consents: []*pb.Consent{{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT},
			LegalBasis: pb.Consent_CONSENT, TextVersion: "2025-01", ConsentTime: timestamppb.New(at)},
			{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2024-01", ConsentTime: timestamppb.New(at)}},
		DataSubjectRequests: []*pb.DataSubjectRequest{{Name: "dataSubjectRequests/r1", Kind: pb.DataSubjectRequest_ERASURE,
			State: pb.DataSubjectRequest_COMPLETED}},
		ExpertPoolMembers: []*pb.ExpertPoolMember{{Name: "associations/lhh/expertPools/nn/members/m1", Role: pb.Person_CRITIQUE,
			Status: pb.ExpertPoolMember_INACTIVE}},
		Engagements: []*pb.Engagement{{Name: "associations/lhh/expertPools/nn/engagements/e1", MatterTitle: "Phản biện đề tài lúa",
			RequestingAgency: "Sở KH&CN", Role: pb.Person_CRITIQUE, DecisionNumber: "12/QĐ", StartDate: &date.Date{Year: 2026, Month: 3, Day: 1},
			Outcome: "Đạt", Rating: 4}},
		Nominations: []*pb.Nomination{{Name: "honorCampaigns/tb/nominations/n1", State: pb.Nomination_SHORTLISTED, Nominator: "Hội Y học",
			Reason: "Đóng góp cho y tế", Decisions: []*pb.NominationDecision{{State: pb.Nomination_SHORTLISTED, Decider: "Hội đồng",
				Note: "Đủ điều kiện", DecideTime: timestamppb.New(at)}}}},
	}, map[string]string{"ethnicGroups/01": "Kinh", "administrativeUnits/30742": "Phường Rạch Giá", "qualificationLevels/TIEN_SI": "Tiến sĩ", "qualificationLevels/DAI_HOC": "Đại học"},
		time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC))
	for _, want := range []string{
		"lập lúc 01:00 05/12/2026, giờ Việt Nam",
		"Giới tính: Nam",
		"- Bác sĩ, Bệnh viện Đa khoa tỉnh",
		"Dân tộc: Kinh",
		"Quê quán: Phường Rạch Giá",
		"- Văn bằng Tiến sĩ Nội khoa (2010)",
		"- Văn bằng KHONG_CO Ngoại khoa (2005)",      // not in the lists: the code
		"- Văn bằng Đại học (Bác sĩ) Đa khoa (2001)", // with the degree's title
		"associations/hyh/memberships/m1: Đang sinh hoạt HYH-1",
		"Lưu trong cơ sở dữ liệu, Liên hệ, căn cứ Sự đồng ý, văn bản 2025-01, lúc 01:30 05/12/2026, còn hiệu lực",
		"dataSubjectRequests/r1: Xóa, Đã hoàn thành",
		"- Lưu trong cơ sở dữ liệu, căn cứ Sự đồng ý, văn bản 2024-01", // no legal basis given: consent, the default
		"## Nhóm chuyên gia\n\n- associations/lhh/expertPools/nn/members/m1: Phản biện, Tạm không mời",
		"## Công việc chuyên gia\n\n- associations/lhh/expertPools/nn/engagements/e1: Phản biện đề tài lúa, Sở KH&CN, Phản biện, " +
			"quyết định số 12/QĐ, từ 01/03/2026, kết quả: Đạt, đánh giá 4/5",
		"## Đề cử khen thưởng\n\n- honorCampaigns/tb/nominations/n1: Vào danh sách xét chọn, người đề cử: Hội Y học, lý do: Đóng góp cho y tế",
		"  - 01:30 05/12/2026 Hội đồng Vào danh sách xét chọn, Đủ điều kiện",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q:\n%s", want, doc)
		}
	}
}

// ExportPersonData holds what the person holds in expert pools and
// honours, which PurgePerson deletes as theirs: their places in pools,
// their engagements with outcome and rating, their nominations with the
// reason.
func TestExportPersonDataHoldsExpertWork(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	eng, err := f.engage(t, f.an, time.Now().AddDate(0, -1, 0), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Experts.UpdateEngagement(ctx, &pb.UpdateEngagementRequest{Engagement: &pb.Engagement{Name: eng.Name, Outcome: "Đạt yêu cầu", Rating: 4},
		UpdateMask: mask("outcome", "rating")}); err != nil {
		t.Fatal(err)
	}
	c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh"}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
		Person: f.an, Nominator: "Hội Nông dân", Reason: "Giống lúa chịu mặn"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.client.Privacy.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: f.an})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ExpertPoolMembers) != 1 || !strings.HasPrefix(d.ExpertPoolMembers[0].Name, f.pool+"/members/") || d.ExpertPoolMembers[0].Person != f.an {
		t.Errorf("pool members %v, want the one in %s", d.ExpertPoolMembers, f.pool)
	}
	if len(d.Engagements) != 1 || d.Engagements[0].Name != eng.Name || d.Engagements[0].Outcome != "Đạt yêu cầu" || d.Engagements[0].Rating != 4 {
		t.Errorf("engagements %v, want %s with its outcome and rating", d.Engagements, eng.Name)
	}
	if len(d.Nominations) != 1 || d.Nominations[0].Name != n.Name || d.Nominations[0].Reason != "Giống lúa chịu mặn" {
		t.Errorf("nominations %v, want %s with its reason", d.Nominations, n.Name)
	}
	for _, want := range []string{eng.Name, "kết quả: Đạt yêu cầu, đánh giá 4/5", "lý do: Giống lúa chịu mặn", d.ExpertPoolMembers[0].Name} {
		if !strings.Contains(d.Document, want) {
			t.Errorf("the document lacks %q:\n%s", want, d.Document)
		}
	}
	// Somebody else's export holds none of it.
	other, err := e.client.Privacy.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: f.busy})
	if err != nil || len(other.Engagements)+len(other.Nominations)+len(other.ExpertPoolMembers) != 0 {
		t.Errorf("the export of %s: %v %v", f.busy, other, err)
	}
}
