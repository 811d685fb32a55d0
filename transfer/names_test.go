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
		{"KeptWithoutList", "organization", "Sở Nội vụ", "Sở Nội vụ", nil},
		{"ErrAmbiguous", "unit", "Rach Gia", "", []string{`"Rach Gia" names more than one administrative unit`, "899 (Thành phố Rạch Giá)", "30742 (Phường Rạch Giá)", "write the code"}},
		{"ErrUnknownNear", "ethnicity", "Khơ-me", "", []string{`no ethnic group has the code or name "Khơ-me"`, "did you mean 05 (Khmer)?", "ListEthnicGroups", "trithuc ethnicGroups list"}},
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

// FuzzNamesRead: a cell of a column of codes, whatever it holds, is read
// without a panic as an entry's code, the cell as it is, or a refusal
// that quotes no more than a message quotes of a cell.
func FuzzNamesRead(f *testing.F) {
	for _, s := range []string{"Kinh", "khmer", "Nhat Ban", "05 - Khmer", "Rạch Giá", "Khơ-me", "", " - ", "jp", "fields/vn2008-1", "\x00", "Ê\u0301", strings.Repeat("á", 200)} {
		f.Add(s)
	}
	lists := []string{"ethnicity", "country", "unit", "level", "field"}
	f.Fuzz(func(t *testing.T, cell string) {
		for _, list := range lists {
			got, err := testNames.read(list, cell)
			if err != nil {
				if got != "" || utf8.RuneCountInString(err.Error()) > 600 {
					t.Fatalf("read(%q, %q) = %q, %q", list, cell, got, err)
				}
				continue
			}
			if got == cell {
				continue
			}
			if c, ok := testNames[list].Code(got); !ok || c != got {
				t.Fatalf("read(%q, %q) = %q: neither the cell nor a code", list, cell, got)
			}
		}
	})
}
