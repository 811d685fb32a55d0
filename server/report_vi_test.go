package server

import (
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// The report says in Vietnamese what the store and the request's rules
// find, not only what the cells' parsers do: a work country of someone
// working in the province, a name too long, a Mã hồ sơ nobody has (in its
// column), a hidden character; a line break in an address is joined, not
// refused; a conflict quotes the words and dates a file writes.
func TestImportReportSaysTheStoreInVietnamese(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	e.person(&pb.Person{FamilyName: "Trần", GivenName: "Trinh", Gender: pb.Person_FEMALE, NationalId: "091182000002",
		BirthDate: &date.Date{Year: 1975, Month: 3}, WorkLocation: pb.Person_IN_PROVINCE})
	csv := "Họ,Tên đệm,Tên,Giới tính,Ngày sinh,Dân tộc,Số CCCD,Email,Điện thoại,Quê quán,Địa chỉ,Nơi làm việc,Quốc gia làm việc,Mã hồ sơ\n" +
		"Nguyễn,Văn,An,Nam,01/02/1980,,,,,,,Trong tỉnh,JP,\n" +
		"Nguyễn,Văn," + strings.Repeat("A", 51) + ",Nam,01/02/1980,,,,,,,,,\n" +
		"Nguyễn,Văn,Bình,Nam,01/02/1980,,,,,,,,,people/zzzzzzzzzzzzzzzz\n" +
		"Nguyễn,Văn,Cường,Nam,01/02/1980,,,,,,\"Số 1 Trần Phú\nPhường Vĩnh Thanh\",,,\n" +
		"Nguyễn,Văn,Dũng,Nam,01/02/1980,,,,,,\"Số 1\x07 Trần Phú\",,,\n" +
		",,Trinh,Nam,02/1982,,091182000002,,,,,Nơi khác trong nước,,\n"
	req := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}, ValidateOnly: true}

	resp, _ := e.importFile(req)
	var english []string
	for _, p := range resp.GetProblems() {
		english = append(english, p.GetColumn()+": "+p.GetMessage())
	}
	// The API keeps its English, with the enums' names; a date as a cell
	// writes it; the Mã hồ sơ that names nobody is its column's.
	for _, want := range []string{`N (Mã hồ sơ): people/zzzzzzzzzzzzzzzz does not exist`, `"03/1975" registered; the file has "02/1982"`,
		`"IN_PROVINCE" registered; the file has "ELSEWHERE_IN_VIETNAM"`} {
		if !strings.Contains(strings.Join(english, "\n"), want) {
			t.Errorf("problems %q\nlack %q", english, want)
		}
	}

	f := e.reportOf(registrar, e.importAs(registrar, req))
	get := func(cell string) string { v, _ := f.GetCellValue(transfer.PeopleSheet, cell); return v }
	// The columns are A to N: the problems are in O.
	for cell, want := range map[string][]string{
		"O2": {"M (Quốc gia làm việc): Chỉ người làm việc ở nước ngoài mới có quốc gia làm việc khác Việt Nam"},
		"O3": {"C (Tên): tối đa 50 ký tự"},
		"O4": {"N (Mã hồ sơ): Không có hồ sơ people/zzzzzzzzzzzzzzzz"},
		"O5": {""},
		"O6": {"K (Địa chỉ): Có một ký tự ẩn"},
		"O7": {`D (Giới tính): Hồ sơ people/`, `đang ghi "Nữ"; tệp ghi "Nam"`, `E (Ngày sinh): Hồ sơ people/`, `đang ghi "03/1975"; tệp ghi "02/1982"`,
			`L (Nơi làm việc): Hồ sơ people/`, `đang ghi "Trong tỉnh"; tệp ghi "Nơi khác trong nước"`},
	} {
		got := get(cell)
		for _, w := range want {
			if w == "" && got != "" || !strings.Contains(got, w) {
				t.Errorf("%s is %q, want it to say %q", cell, got, w)
			}
		}
		for _, english := range []string{"must", "does not exist", "control", "byte", "ABROAD", "FEMALE", "IN_PROVINCE", "00/"} {
			if strings.Contains(got, english) {
				t.Errorf("%s says %q: %q", cell, english, got)
			}
		}
	}
}
