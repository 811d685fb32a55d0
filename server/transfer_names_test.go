package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"

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
		"Trần,Bình,Kinh,Nước ngoài,Nhat Ban,001080000003\n"
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
	if st != nil || resp.Created != 3 {
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
	for name, want := range map[string]string{"An": "01 ", "Sà Rết": "05 ", "Bình": "01 JP"} {
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
			{"Lê", "Em", "", "Khơ-me", "001080000006"},     // row 4: no such name
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
		4: {"D (Dân tộc)", `no ethnic group has the code or name "Khơ-me" (did you mean 05 (Khmer)`, "trithuc ethnicGroups list",
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
