package server

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// An export in the template's shape carries every sheet of records,
// memberships and works among them, and imports back with no change; a
// reader without personal data gets them redacted.
func TestExportRoundTripOfEverySheet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	union, hyh := e.associations()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet, transfer.PositionsSheet, transfer.HonorsSheet,
		transfer.MembershipsSheet, transfer.WorksSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader,
			{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", "an@example.vn"},
			{"Sơn", "Thị", "Sà Rết", "Nữ", 1975, "05", "091075000002", ""}},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Năm", "Hình thức đào tạo", "Quốc gia", "Ngôn ngữ"},
			{"001080000001", "Bằng cấp", "DAI_HOC", "Toán học", 2002, "Vừa làm vừa học", "VN"},
			{"091075000002", "Ngoại ngữ", "", "Tiếng Anh", 2010, "", "", "en"}},
		transfer.PositionsSheet: {{"Số CCCD", "Cơ quan", "Tên cơ quan", "Chức vụ", "Loại hình", "Từ ngày", "Hiện tại"},
			{"001080000001", org.Name, "", "Chuyên viên", "Viên chức", "01/09/2005", "Có"},
			{"091075000002", "", "Công ty TNHH Hòn Đất", "Giám đốc", "Khu vực tư nhân", "2010", ""}},
		transfer.HonorsSheet: {{"Số CCCD", "Danh hiệu", "Loại", "Năm"}, {"001080000001", "Chiến sĩ thi đua", "Danh hiệu của tỉnh", 2020}},
		transfer.MembershipsSheet: {membershipHeader,
			{"", "001080000001", "", "", "", hyh.Name, "Đang sinh hoạt", "", "2025-01"},
			{"", "091075000002", "", "", "", hyh.Name, "Tạm đình chỉ", "Chưa đóng hội phí", "2025-01"},
			{"", "091075000002", "", "", "", union.Name, "Chờ duyệt", "", "2024-06"}},
		transfer.WorksSheet: {{"Số CCCD", "Loại", "Tên công trình", "Năm", "Vai trò", "Cấp", "DOI", "Số bằng, quyết định"},
			{"001080000001", "Công bố khoa học", "Giống lúa chịu mặn", 2015, "Chủ trì", "", "10.1000/ABC", ""},
			{"091075000002", "Nhiệm vụ KH&CN", "Nuôi tôm", 2019, "Tham gia", "Tỉnh", "", "QĐ 12/2019"}},
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}})
	if st != nil || resp.Created != 12 {
		t.Fatalf("the first import: %v %v", st, resp)
	}
	// A record entered through the API, and a membership that has ended,
	// which an export leaves out.
	an := e.personByNationalID("001080000001")
	if _, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: an, Work: &pb.Work{Kind: pb.Work_PATENT, Title: "Máy sấy", Year: 2021, DocumentNumber: "1-0012345", Venue: "Cục Sở hữu trí tuệ"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: an, Position: &pb.Position{OrganizationName: "Trường THPT Hòn Đất", Title: "Giáo viên",
		Start: &date.Date{Year: 2025, Month: 9, Day: 5}, End: &date.Date{Year: 2025, Month: 10}, AdministrativeUnit: "30742", Country: "VN",
		EmploymentType: pb.Position_CONTRACT}}); err != nil {
		t.Fatal(err)
	}
	ended := e.register(&pb.RegisterMemberRequest{Parent: union.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: an}})
	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: ended.Membership.Name}); err != nil {
		t.Fatal(err)
	}

	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "Người,Bằng cấp,Chức vụ,Khen thưởng,Hội viên,Công trình" {
		t.Errorf("sheets %s", got)
	}
	for sheet, want := range map[string]int{transfer.QualificationsSheet: 2, transfer.HonorsSheet: 1, transfer.MembershipsSheet: 3, transfer.WorksSheet: 3} {
		if got, _ := f.GetRows(sheet); len(got) != want+1 {
			t.Errorf("%s: %d rows, want %d: %q", sheet, len(got)-1, want, got)
		}
	}
	f.Close()

	resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
	if st != nil || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 {
		t.Fatalf("re-importing an export: %v %v", st, resp)
	}
	if resp.Unchanged != 14 {
		t.Errorf("re-importing an export: %d unchanged", resp.Unchanged)
	}

	// Home affairs reads the sheets redacted: no national ID.
	_, ha := e.key("home_affairs")
	g, err := excelize.OpenReader(bytes.NewReader(e.export(ha, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, sheet := range g.GetSheetList() {
		got, _ := g.GetRows(sheet)
		for _, r := range got {
			if strings.Contains(strings.Join(r, "|"), "001080000001") {
				t.Errorf("home affairs' export shows a national ID on %s: %q", sheet, r)
			}
		}
	}
	// A list of columns is the people sheet alone.
	cols := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX, Columns: []string{"given_name"}})
	h, _ := excelize.OpenReader(bytes.NewReader(cols))
	if got := h.GetSheetList(); len(got) != 1 {
		t.Errorf("an export of chosen columns has sheets %v", got)
	}
	h.Close()
}

// The sheets of records follow the people sheet's order, a person's
// records together, whatever order the records were made in.
func TestExportRecordSheetsFollowThePeopleOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	var people []string
	for _, p := range []*pb.Person{
		{FamilyName: "Trần", MiddleName: "Văn", GivenName: "Cường", Gender: pb.Person_FEMALE},
		{FamilyName: "Lê", MiddleName: "Thị", GivenName: "Anh", Gender: pb.Person_FEMALE},
		{FamilyName: "Phạm", GivenName: "Bình", Gender: pb.Person_FEMALE},
		{FamilyName: "Võ", GivenName: "Ánh", Gender: pb.Person_MALE},
	} {
		got, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, got.Name)
	}
	// Made in registration order, and Cường's second degree last.
	for _, p := range append(slices.Clone(people), people[0]) {
		if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p, Qualification: &pb.Qualification{
			Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Toán học"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: p, Honor: &pb.Honor{
			Kind: pb.Honor_CERTIFICATE_OF_MERIT, Title: "Bằng khen", Year: 2020}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range people {
		e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p}})
	}

	f, err := excelize.OpenReader(bytes.NewReader(e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX,
		OrderBy: "display_name", Filter: "gender = FEMALE"})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := func(sheet string) []string {
		rows, _ := f.GetRows(sheet)
		var out []string
		for _, r := range rows[1:] {
			out = append(out, r[slices.Index(rows[0], "Mã hồ sơ")])
		}
		return out
	}
	anh, binh, cuong := people[1], people[2], people[0]
	if got, want := ids(transfer.PeopleSheet), []string{anh, binh, cuong}; !slices.Equal(got, want) {
		t.Fatalf("people sheet %q, want %q", got, want)
	}
	for _, sheet := range []string{transfer.QualificationsSheet, transfer.HonorsSheet} {
		if got, want := ids(sheet), []string{anh, binh, cuong, cuong}; !slices.Equal(got, want) {
			t.Errorf("%s: %q, want the people sheet's order %q", sheet, got, want)
		}
	}
	if got, want := ids(transfer.MembershipsSheet), []string{anh, binh, cuong}; !slices.Equal(got, want) {
		t.Errorf("%s: %q, want the people sheet's order %q", transfer.MembershipsSheet, got, want)
	}
}
