package server

import (
	"strings"
	"testing"
	"time"

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
				{Kind: pb.Qualification_DEGREE, Level: "KHONG_CO", Major: "Ngoại khoa", Year: 2005}},
			Memberships: []*pb.Membership{{Name: "associations/hyh/memberships/m1", State: pb.Membership_ACTIVE, MemberNumber: "HYH-1"}}},
		Consents: []*pb.Consent{{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT},
			LegalBasis: pb.Consent_CONSENT, TextVersion: "2025-01", ConsentTime: timestamppb.New(at)},
			{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2024-01", ConsentTime: timestamppb.New(at)}},
		DataSubjectRequests: []*pb.DataSubjectRequest{{Name: "dataSubjectRequests/r1", Kind: pb.DataSubjectRequest_ERASURE,
			State: pb.DataSubjectRequest_COMPLETED}},
	}, map[string]string{"ethnicGroups/01": "Kinh", "administrativeUnits/30742": "Phường Rạch Giá", "qualificationLevels/TIEN_SI": "Tiến sĩ"},
		time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC))
	for _, want := range []string{
		"lập lúc 01:00 05/12/2026, giờ Việt Nam",
		"Giới tính: Nam",
		"- Bác sĩ, Bệnh viện Đa khoa tỉnh",
		"Dân tộc: Kinh",
		"Quê quán: Phường Rạch Giá",
		"- Văn bằng Tiến sĩ Nội khoa (2010)",
		"- Văn bằng KHONG_CO Ngoại khoa (2005)", // not in the lists: the code
		"associations/hyh/memberships/m1: Đang sinh hoạt HYH-1",
		"Lưu trong cơ sở dữ liệu, Liên hệ, căn cứ Sự đồng ý, văn bản 2025-01, lúc 01:30 05/12/2026, còn hiệu lực",
		"dataSubjectRequests/r1: Xóa, Đã hoàn thành",
		"- Lưu trong cơ sở dữ liệu, căn cứ Sự đồng ý, văn bản 2024-01", // no legal basis given: consent, the default
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q:\n%s", want, doc)
		}
	}
}
