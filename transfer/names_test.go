package transfer

import (
	"strings"
	"testing"
	"unicode/utf8"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// testNames are a few entries of each list, as the store gives them.
var testNames = names(map[string][]refdata.Entry{
	"ethnicity": {{Code: "01", Names: []string{"Kinh"}}, {Code: "05", Names: []string{"Khmer"}},
		{Code: "06", Names: []string{"Hoa"}}, {Code: "14", Names: []string{"Chăm"}}, {Code: "11", Names: []string{"Ê Đê"}}},
	"country": {{Code: "JP", Names: []string{"Nhật Bản", "Japan"}}, {Code: "KR", Names: []string{"Hàn Quốc", "South Korea"}},
		{Code: "VN", Names: []string{"Việt Nam", "Vietnam"}}},
	"unit": {{Code: "91", Names: []string{"Tỉnh Kiên Giang", "Kiên Giang"}}, {Code: "899", Names: []string{"Thành phố Rạch Giá", "Rạch Giá"}},
		{Code: "30742", Names: []string{"Phường Rạch Giá", "Rạch Giá"}}, {Code: "91", Names: []string{"Tỉnh An Giang", "An Giang"}}},
	"level": {{Code: "THAC_SI", Names: []string{"Thạc sĩ", "Master"}}, {Code: "TIEN_SI", Names: []string{"Tiến sĩ", "Doctor"}},
		{Code: "PHO_GIAO_SU", Names: []string{"Phó giáo sư", "Associate Professor", "PGS"}}},
	"field": {{Code: "fields/vn2008-102", Names: []string{"Khoa học máy tính và thông tin", "Computer and information sciences", "102"}},
		{Code: "fields/vn2008-103", Names: []string{"Vật lý", "Physical sciences", "103"}}},
	// The registered organizations and associations, by display name.
	"organization": {{Code: "organizations/so-noi-vu", Names: []string{"Sở Nội vụ"}},
		{Code: "organizations/dhkg", Names: []string{"Trường Đại học Kiên Giang"}},
		{Code: "organizations/bvdk-rach-gia", Names: []string{"Bệnh viện Đa khoa"}}, {Code: "organizations/bvdk-ha-tien", Names: []string{"Bệnh viện đa khoa"}}},
	"association": {{Code: "associations/hoi-y-hoc", Names: []string{"Hội Y học Kiên Giang"}},
		{Code: "associations/hoi-tin-hoc", Names: []string{"Hội Tin học"}}},
})

func names(lists map[string][]refdata.Entry) Names {
	n := Names{}
	for l, es := range lists {
		n[l] = refdata.NewIndex(es)
	}
	return n
}

func TestNamesRead(t *testing.T) {
	for _, tc := range []struct {
		name, list, cell string
		want             string
		err              []string // words of the refusal
	}{
		{"OKCode", "ethnicity", "05", "05", nil},
		{"OKDropDown", "ethnicity", "05 - Khmer", "05", nil},
		{"OKName", "ethnicity", "Kinh", "01", nil},
		{"OKNameLowerCase", "ethnicity", "khmer", "05", nil},
		{"OKNameWithoutMarks", "ethnicity", "Cham", "14", nil},
		{"OKNameHyphenated", "ethnicity", "Ê-đê", "11", nil},
		{"OKNameInALine", "ethnicity", " Hoa\n", "06", nil},
		{"OKCountryWithoutMarks", "country", "Nhat Ban", "JP", nil},
		{"OKCountryEnglish", "country", "south korea", "KR", nil},
		{"OKCountryCodeLowerCase", "country", "jp", "JP", nil},
		{"OKUnitName", "unit", "Thanh pho Rach Gia", "899", nil},
		{"OKUnitOneCodeTwoNames", "unit", "Kiên Giang", "91", nil},
		{"OKLevelName", "level", "thac si", "THAC_SI", nil},
		{"OKLevelAbbreviation", "level", "PGS", "PHO_GIAO_SU", nil},
		{"OKFieldName", "field", "Vat ly", "fields/vn2008-103", nil},
		{"OKFieldCode", "field", "102", "fields/vn2008-102", nil},
		{"OKEmpty", "ethnicity", "  ", "  ", nil},
		{"KeptUnknownCode", "ethnicity", "99", "99", nil},      // the store says it is unknown
		{"KeptUnknownCountryCode", "country", "XK", "XK", nil}, // likewise
		{"KeptUnknownField", "field", "fields/vn2008-9", "fields/vn2008-9", nil},
		{"KeptOtherLevel", "level", "B2", "B2", nil}, // a certificate's level of its own
		{"KeptWithoutList", "sector", "Sở Nội vụ", "Sở Nội vụ", nil},
		{"OKOrganizationName", "organization", "Sở Nội vụ", "organizations/so-noi-vu", nil},
		{"OKOrganizationNameWithoutMarks", "organization", "SO  NOI VU", "organizations/so-noi-vu", nil},
		{"OKOrganizationNameInAnyCase", "organization", "trường đại học kiên giang", "organizations/dhkg", nil},
		{"OKOrganizationDropDown", "organization", "organizations/dhkg - Trường Đại học Kiên Giang", "organizations/dhkg", nil},
		{"OKOrganizationResourceName", "organization", "organizations/so-noi-vu", "organizations/so-noi-vu", nil},
		{"OKOrganizationID", "organization", "dhkg", "organizations/dhkg", nil},
		{"OKAssociationName", "association", "Hoi y hoc Kien Giang", "associations/hoi-y-hoc", nil},
		{"OKAssociationID", "association", "hoi-tin-hoc", "associations/hoi-tin-hoc", nil},
		{"KeptUnknownOrganization", "organization", "organizations/khong-co", "organizations/khong-co", nil}, // the store says it does not exist
		{"KeptUnknownOrganizationID", "organization", "khong-co", "khong-co", nil},
		{"ErrOrganizationAmbiguous", "organization", "benh vien da khoa", "", []string{`"benh vien da khoa" names more than one organization`,
			"organizations/bvdk-rach-gia (Bệnh viện Đa khoa)", "organizations/bvdk-ha-tien (Bệnh viện đa khoa)"}},
		{"ErrOrganizationUnknownNear", "organization", "So Noi Vuu", "", []string{`no organization has the code or name "So Noi Vuu"`,
			"did you mean organizations/so-noi-vu (Sở Nội vụ)?", "ListOrganizations", "trithuc organizations list"}},
		{"ErrOrganizationUnknown", "organization", "Công ty ABC", "", []string{`no organization has the code or name "Công ty ABC"; write its code`, "ListOrganizations"}},
		{"ErrAssociationUnknownNear", "association", "Hội Tin hok", "", []string{`no association has the code or name "Hội Tin hok"`,
			"did you mean associations/hoi-tin-hoc (Hội Tin học)?", "ListAssociations", "trithuc associations list"}},
		{"ErrAmbiguous", "unit", "Rach Gia", "", []string{`"Rach Gia" names more than one administrative unit`, "899 (Thành phố Rạch Giá)", "30742 (Phường Rạch Giá)", "write the code"}},
		{"ErrUnknownNear", "ethnicity", "Khme", "", []string{`no ethnic group has the code or name "Khme"`, "did you mean 05 (Khmer)?", "ListEthnicGroups", "trithuc ethnicGroups list"}},
		{"ErrUnknown", "country", "Xứ Wales", "", []string{`no country has the code or name "Xứ Wales"; write its code`, "ListCountries", "trithuc countries list"}},
		{"ErrUnknownUnit", "unit", "Huyện Hòn Đất", "", []string{"no administrative unit", "ListAdministrativeUnits", "trithuc administrativeUnits list"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testNames.read(tc.list, tc.cell)
			if tc.err == nil {
				if err != nil || got != tc.want {
					t.Errorf("read(%q, %q) = %q, %v; want %q", tc.list, tc.cell, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("read(%q, %q) = %q, want an error", tc.list, tc.cell, got)
			}
			for _, w := range tc.err {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("read(%q, %q): %q lacks %q", tc.list, tc.cell, err, w)
				}
			}
		})
	}
}

// A row of the people sheet reads names in its columns of codes, and
// refuses the cell of a name it cannot tell, naming the column.
func TestPersonReadsNames(t *testing.T) {
	m, errs := MapHeader([]string{"Tên", "Dân tộc", "Quê quán", "Nơi làm việc", "Quốc gia làm việc"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m.SetNames(testNames)
	p, errs := m.Person([]string{"An", "khmer", "Kien Giang", "Nước ngoài", "Nhat Ban"})
	if len(errs) > 0 || p.Ethnicity != "05" || p.Hometown != "91" || p.WorkCountry != "JP" {
		t.Errorf("got %v, %v; want ethnicity 05, hometown 91, work country JP", p, errs)
	}
	p, errs = m.Person([]string{"An", "Kinh", "Rach Gia", "", ""})
	if len(errs) != 1 || errs[0].Field != "person.hometown" || errs[0].Index != 2 || p.Ethnicity != "01" {
		t.Errorf("got %v, %v; want ethnicity 01 and one error in column Quê quán", p, errs)
	}
	rm, errs := RecordSheetNamed(QualificationsSheet).MapHeader([]string{"Số CCCD", "Loại", "Trình độ", "Lĩnh vực", "Quốc gia"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rm.SetNames(testNames)
	_, _, rec, errs := rm.Record([]string{"001080000001", "Bằng cấp", "Tiến sĩ", "khoa hoc may tinh va thong tin", "Japan"})
	q := rec.(*pb.Qualification)
	if len(errs) > 0 || q.Level != "TIEN_SI" || q.Field != "fields/vn2008-102" || q.Country != "JP" {
		t.Errorf("got %v, %v", q, errs)
	}
}

// A position's Cơ quan and a membership's Hội read the registered
// organization's and association's display name; a name of none is
// refused in its column, and the record names no organization.
func TestRecordsReadOrganizationAndAssociationNames(t *testing.T) {
	pm, errs := RecordSheetNamed(PositionsSheet).MapHeader([]string{"Số CCCD", "Cơ quan", "Chức vụ"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pm.SetNames(testNames)
	_, _, rec, errs := pm.Record([]string{"001080000001", "so noi vu", "Giám đốc"})
	if p := rec.(*pb.Position); len(errs) > 0 || p.Organization != "organizations/so-noi-vu" {
		t.Errorf("got %v, %v; want organizations/so-noi-vu", p, errs)
	}
	_, _, rec, errs = pm.Record([]string{"001080000001", "Công ty ABC", "Giám đốc"})
	if p := rec.(*pb.Position); len(errs) != 1 || errs[0].Field != "position.organization" || errs[0].Index != 1 || p.Organization != "" {
		t.Errorf("got %v, %v; want one error in column Cơ quan", p, errs)
	}
	mm, errs := RecordSheetNamed(MembershipsSheet).MapHeader([]string{"Số CCCD", "Hội", "Văn bản đồng ý"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	mm.SetNames(testNames)
	_, _, rec, errs = mm.Record([]string{"001080000001", "HỘI TIN HỌC", "2025-01"})
	if r := rec.(*MembershipRecord); len(errs) > 0 || r.Association != "associations/hoi-tin-hoc" {
		t.Errorf("got %v, %v; want associations/hoi-tin-hoc", r, errs)
	}
}

// A qualification's level of its own that holds " - " is kept whole, and
// a level of the list written as its drop-down shows it reads as its code.
func TestRecordsKeepOpenLevelWhole(t *testing.T) {
	qm, errs := RecordSheetNamed(QualificationsSheet).MapHeader([]string{"Số CCCD", "Trình độ", "Ngôn ngữ"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	qm.SetNames(testNames)
	for cell, want := range map[string]string{"IELTS - 7.0": "IELTS - 7.0", "TIEN_SI - Tiến sĩ": "TIEN_SI", "B2": "B2"} {
		_, _, rec, errs := qm.Record([]string{"001080000001", cell, "en"})
		if q := rec.(*pb.Qualification); len(errs) > 0 || q.Level != want {
			t.Errorf("level %q read as %q (%v); want %q", cell, q.Level, errs, want)
		}
	}
}

// FuzzNamesRead: a cell of a column of codes, whatever it holds, is read
// without a panic as an entry's code, the cell as it is, or a refusal
// that quotes no more than a message quotes of a cell.
func FuzzNamesRead(f *testing.F) {
	for _, s := range []string{"Kinh", "khmer", "Nhat Ban", "05 - Khmer", "Rạch Giá", "Khơ-me", "", " - ", "jp", "fields/vn2008-1", "\x00", "Ê\u0301", strings.Repeat("á", 200),
		"so noi vu", "Bệnh viện Đa khoa", "organizations/dhkg - Trường Đại học Kiên Giang", "dhkg", "khong-co", "associations/", "Hội Tin hok"} {
		f.Add(s)
	}
	lists := []string{"ethnicity", "country", "unit", "level", "field", "organization", "association"}
	f.Fuzz(func(t *testing.T, cell string) {
		for _, list := range lists {
			got, err := testNames.read(list, cell)
			if err != nil {
				if got != "" || utf8.RuneCountInString(err.Error()) > 600 {
					t.Fatalf("read(%q, %q) = %q, %q", list, cell, got, err)
				}
				continue
			}
			if s, _ := ParseText(cell); got == cell || strings.EqualFold(got, ParseCode(s)) {
				continue
			}
			if c, ok := testNames[list].Code(got); !ok || c != got {
				t.Fatalf("read(%q, %q) = %q: neither the cell nor a code", list, cell, got)
			}
		}
	})
}
