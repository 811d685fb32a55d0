package server

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// A CSV file typed by hand names the reference lists' entries, not their
// codes: the import reads the names as the codes.
func TestImportReadsReferenceNames(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	csv := "Họ,Tên,Dân tộc,Nơi làm việc,Quốc gia làm việc,Số CCCD\n" +
		"Nguyễn,An,Kinh,,,001080000001\n" +
		"Sơn,Sà Rết,khmer,,,001080000002\n" +
		"Trần,Bình,Kinh,Nước ngoài,Nhat Ban,001080000003\n" +
		"Thạch,Sô Phanh,Khơ me,,,001080000007\n" // a spelling of Khmer in common use
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
	if st != nil || resp.Created != 4 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range people.People {
		got[p.GivenName] = p.Ethnicity + " " + p.WorkCountry
	}
	for name, want := range map[string]string{"An": "01 ", "Sà Rết": "05 ", "Bình": "01 JP", "Sô Phanh": "05 "} {
		if got[name] != want {
			t.Errorf("%s: ethnicity and work country %q, want %q (all: %v)", name, got[name], want, got)
		}
	}

	// The sheets of records read names too; a name of several entries, or
	// of none, is refused by row and column, in Vietnamese as well.
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {{"Họ", "Tên", "Quê quán", "Dân tộc", "Số CCCD"},
			{"Lê", "Cường", "Kien Giang", "", "001080000004"},
			{"Lê", "Dũng", "Rạch Giá", "", "001080000005"}, // row 3: the city before 2025, or the ward after
			{"Lê", "Em", "", "Khme", "001080000006"},       // row 4: no such name
		},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Lĩnh vực", "Quốc gia", "Năm"},
			{"001080000004", "Bằng cấp", "thac si", "khoa hoc may tinh va thong tin", "Japan", 2010}},
	}
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created != 2 || resp.Refused != 2 {
		t.Fatalf("import with names: %v, %v", st, resp)
	}
	problems := map[int32]*pb.ImportProblem{}
	for _, p := range resp.Problems {
		problems[p.Row] = p
	}
	for row, want := range map[int32][]string{
		3: {"C (Quê quán)", `"Rạch Giá" names more than one administrative unit`, "899 (Thành phố Rạch Giá)", "30742 (Phường Rạch Giá)",
			"là tên của nhiều đơn vị hành chính"},
		4: {"D (Dân tộc)", `no ethnic group has the code or name "Khme" (did you mean 05 (Khmer)`, "trithuc ethnicGroups list",
			"Không có dân tộc nào có mã hoặc tên", "có phải là 05 (Khmer)", "danh sách dân tộc"},
	} {
		p := problems[row]
		if p == nil {
			t.Errorf("row %d: no problem (all: %v)", row, resp.Problems)
			continue
		}
		said := p.Column + ": " + p.Message + " / " + vimsg.Problem(p)
		for _, w := range want {
			if !strings.Contains(said, w) {
				t.Errorf("row %d: %q lacks %q", row, said, w)
			}
		}
	}
	var cuong *pb.Person
	people, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people.People {
		if p.GivenName == "Cường" {
			cuong = p
		}
	}
	if cuong == nil || cuong.Hometown != "91" || len(cuong.Qualifications) != 1 {
		t.Fatalf("Cường: %v", cuong)
	}
	if q := cuong.Qualifications[0]; q.Level != "THAC_SI" || q.Field != "fields/vn2008-102" || q.Country != "JP" {
		t.Errorf("Cường's qualification: level %q, field %q, country %q; want THAC_SI, fields/vn2008-102, JP", q.Level, q.Field, q.Country)
	}
}

// A province's sheets name workplaces and associations by their names: a
// position's Cơ quan and a membership's Hội read the registered one's
// display name, with or without diacritics, in any case; a name of several
// is refused naming them, one of none with the names it is near, by row
// and column, in Vietnamese as well.
func TestImportReadsOrganizationAndAssociationNames(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := func(id, name string) *pb.Organization {
		o, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id, Organization: &pb.Organization{DisplayName: name}})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	khcn := org("so-khcn", "Sở Khoa học và Công nghệ")
	org("bvdk-rach-gia", "Bệnh viện Đa khoa")
	org("bvdk-ha-tien", "Bệnh viện Đa khoa")
	_, hyh := e.associations()

	names := []string{transfer.PeopleSheet, transfer.PositionsSheet, transfer.MembershipsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}},
		transfer.PositionsSheet: {{"Số CCCD", "Cơ quan", "Chức vụ"},
			{"001080000001", "Sở Khoa học và Công nghệ", "Giám đốc"},     // 2: the name
			{"001080000001", "so khoa hoc  va cong nghe", "Chuyên viên"}, // 3: without diacritics, in other case and spacing
			{"001080000001", "benh vien da khoa", "Bác sĩ"},              // 4: the name of two
			{"001080000001", "Sở Khoa học Công nghệ", "Phó giám đốc"},    // 5: a slip away from one
			{"001080000001", "Công ty Không Có", "Kế toán"},              // 6: of none
		},
		transfer.MembershipsSheet: {membershipHeader,
			{"", "001080000001", "", "", "", "hoi y hoc tinh kien giang", "Chờ duyệt", "", "2025-01"}, // 2: without diacritics
			{"", "001080000001", "", "", "", "Hội Sử học", "Chờ duyệt", "", "2025-01"},                // 3: of none
		},
	}
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created != 4 || resp.Refused != 4 { // a person, two positions, a membership
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := saidAt(resp)
	wantSaid(t, said, map[string][]string{
		transfer.PositionsSheet + "/4": {"B (Cơ quan)", `"benh vien da khoa" names more than one organization`,
			"organizations/bvdk-rach-gia (Bệnh viện Đa khoa)", "organizations/bvdk-ha-tien (Bệnh viện Đa khoa)", "là tên của nhiều cơ quan"},
		transfer.PositionsSheet + "/5": {"B (Cơ quan)", `no organization has the code or name "Sở Khoa học Công nghệ" (did you mean organizations/so-khcn (Sở Khoa học và Công nghệ)?)`,
			"trithuc organizations list", "Không có cơ quan nào có mã hoặc tên", "có phải là organizations/so-khcn"},
		transfer.PositionsSheet + "/6": {"B (Cơ quan)", `no organization has the code or name "Công ty Không Có"; write its code: see ListOrganizations`,
			"danh sách cơ quan, mã dạng organizations/…"},
		transfer.MembershipsSheet + "/3": {"F (Hội)", `no association has the code or name "Hội Sử học"`, "Không có hội nào có mã hoặc tên"},
	})
	if len(said) != 4 {
		t.Errorf("problems in %d rows, want 4: %v", len(said), said)
	}
	an := e.personByNationalID("001080000001")
	ps, err := e.client.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: an})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Positions) != 2 || ps.Positions[0].Organization != khcn.Name || ps.Positions[1].Organization != khcn.Name {
		t.Errorf("positions %v, want two at %s", ps.Positions, khcn.Name)
	}
	if ms := e.memberships(hyh.Name, ""); len(ms) != 1 || ms[0].Person != an {
		t.Errorf("memberships of %s: %v, want %s's", hyh.Name, ms, an)
	}
}

// Staff name organizations and associations by their short names ("SYT")
// as often as by their display names: a position's Cơ quan and a
// membership's Hội read a short name (and an association's code) that is
// one's alone; one that several have, or that is another's id, is refused
// naming them.
func TestImportReadsShortNames(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := func(id, name, short string) *pb.Organization {
		o, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id,
			Organization: &pb.Organization{DisplayName: name, ShortName: short}})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	syt := org("so-y-te", "Sở Y tế", "SYT")
	khcn := org("so-khcn", "Sở Khoa học và Công nghệ", "SKHCN")
	org("bvdk-rach-gia", "Bệnh viện Đa khoa Rạch Giá", "BVĐK")
	org("bvdk-ha-tien", "Bệnh viện Đa khoa Hà Tiên", "BVĐK")
	org("snv", "Sở Nội vụ", "")
	org("so-nong-nghiep", "Sở Nông nghiệp", "SNV") // a slip of someone's, the id of another
	union, hyh := e.associations()

	names := []string{transfer.PeopleSheet, transfer.PositionsSheet, transfer.MembershipsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}},
		transfer.PositionsSheet: {{"Số CCCD", "Cơ quan", "Chức vụ"},
			{"001080000001", "SYT", "Giám đốc"},      // 2: a short name
			{"001080000001", "skhcn", "Chuyên viên"}, // 3: in other case
			{"001080000001", "BVDK", "Bác sĩ"},       // 4: the short name of two
			{"001080000001", "SNV", "Kế toán"},       // 5: one's short name, another's id
		},
		transfer.MembershipsSheet: {membershipHeader,
			{"", "001080000001", "", "", "", "Hội Y học", "Chờ duyệt", "", "2025-01"}, // 2: the short name
			{"", "001080000001", "", "", "", "LHH", "Chờ duyệt", "", "2025-01"},       // 3: the code
			{"", "001080000001", "", "", "", "SYT", "Chờ duyệt", "", "2025-01"},       // 4: an organization's
		},
	}
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created != 5 || resp.Refused != 3 { // a person, two positions, two memberships
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := saidAt(resp)
	wantSaid(t, said, map[string][]string{
		transfer.PositionsSheet + "/4": {"B (Cơ quan)", `"BVDK" names more than one organization`,
			"organizations/bvdk-rach-gia (Bệnh viện Đa khoa Rạch Giá)", "organizations/bvdk-ha-tien (Bệnh viện Đa khoa Hà Tiên)", "là tên của nhiều cơ quan"},
		transfer.PositionsSheet + "/5": {"B (Cơ quan)", `"SNV" names more than one organization`,
			"organizations/snv (Sở Nội vụ)", "organizations/so-nong-nghiep (Sở Nông nghiệp)"},
		transfer.MembershipsSheet + "/4": {"F (Hội)", `no association has the code or name "SYT"`},
	})
	if len(said) != 3 {
		t.Errorf("problems in %d rows, want 3: %v", len(said), said)
	}
	an := e.personByNationalID("001080000001")
	ps, err := e.client.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: an})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Positions) != 2 || ps.Positions[0].Organization != syt.Name || ps.Positions[1].Organization != khcn.Name {
		t.Errorf("positions %v, want at %s and %s", ps.Positions, syt.Name, khcn.Name)
	}
	for _, a := range []*pb.Association{hyh, union} {
		if ms := e.memberships(a.Name, ""); len(ms) != 1 || ms[0].Person != an {
			t.Errorf("memberships of %s: %v, want %s's", a.Name, ms, an)
		}
	}
}

// A registrar key limited to an association names it by its name too, and
// a name of another association is outside its scope, as its resource
// name is: the associations are what such a key may list.
func TestImportScopedReadsAssociationNames(t *testing.T) {
	f := newScopeFixture(t)
	file := func(association string) *httpbody.HttpBody {
		return &httpbody.HttpBody{Data: sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
			{"", "091090000901", "Lê", "An", "1990", association, "Chờ duyệt", "", "2025-01"}}})}
	}
	_, _, err := f.e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: file("Hội Kinh tế"), ValidateOnly: true})
	wantCode(t, err, codes.PermissionDenied)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, `sheet "Hội viên", row 2, column F (Hội)`) || !strings.Contains(msg, f.kt.Name) {
		t.Errorf("another association by name: %q", msg)
	}
	// An organization's short name is no association's; the refusal names
	// no organization, which such a key may not list.
	if _, err := f.e.client.Organizations.CreateOrganization(f.ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế", ShortName: "HYHH"}}); err != nil {
		t.Fatal(err)
	}
	refused, st, err := f.e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: file("HYHH"), ValidateOnly: true})
	if err != nil || st == nil || len(refused.Problems) != 1 || !strings.Contains(refused.Problems[0].Message, `no association has the code or name "HYHH"`) ||
		strings.Contains(refused.Problems[0].Message, "organizations/") {
		t.Errorf("an organization's short name: %v %v %v", err, st, refused)
	}
	resp, st, err := f.e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: file("hoi y hoc tinh kien giang")})
	if err != nil || st != nil || resp.Created != 1 {
		t.Fatalf("its association by name: %v %v %v", err, st, resp)
	}
	if ms := f.e.memberships(f.hyh.Name, ""); len(ms) != 1 {
		t.Errorf("memberships of %s: %v", f.hyh.Name, ms)
	}
}

// The template offers the organizations only to a caller who may list
// them: a key limited to an association may not (nor import positions).
func TestImportTemplateOffersOrganizationsToWhoMayListThem(t *testing.T) {
	f := newScopeFixture(t)
	o, err := f.e.client.Organizations.CreateOrganization(f.ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-khcn",
		Organization: &pb.Organization{DisplayName: "Sở Khoa học và Công nghệ"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who, token string
		offered    bool
	}{{"an admin", f.e.token, true}, {"a key limited to an association", f.medicalTok, false}} {
		tmpl, err := f.e.clientAs(c.token).Transfer.GetImportTemplate(f.ctx, &pb.GetImportTemplateRequest{})
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(tmpl.Data))
		if err != nil {
			t.Fatal(err)
		}
		lists, _ := x.GetRows(transfer.ListsSheet)
		x.Close()
		var all []string
		for _, r := range lists {
			all = append(all, r...)
		}
		if got := slices.Contains(all, transfer.ListValue(o.Name, o.DisplayName)); got != c.offered {
			t.Errorf("%s's template offers %s: %v, want %v", c.who, o.Name, got, c.offered)
		}
	}
}
