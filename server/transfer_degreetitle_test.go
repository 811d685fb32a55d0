package server

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A degree written by its title (Kỹ sư, KS, Cử nhân...) counts as Đại học
// and keeps its title, alone or before a major, or given in the column
// Tên bằng; a title that is not the level's, or two titles, are refused
// naming the cell. The export shows the title, and re-importing the export
// or the file itself changes nothing.
func TestImportKeepsDegreeTitles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const nid = "001080000001"
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", nid, ""}},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Tên bằng"},
			{nid, "Bằng cấp", "Kỹ sư Xây dựng", "", ""},                    // 2
			{nid, "Bằng cấp", "Cử nhân", "Luật", ""},                       // 3
			{nid, "Bằng cấp", "KS", "Điện", ""},                            // 4: in full
			{nid, "Bằng cấp", "Đại học", "Y đa khoa", "bac si"},            // 5: by the column
			{nid, "Bằng cấp", "Thạc sĩ", "Kinh tế", ""},                    // 6: none
			{nid, "Bằng cấp", "Kiến trúc sư", "Quy hoạch", "Kiến trúc sư"}, // 7: the same twice
			{nid, "Bằng cấp", "Kỹ sư", "Cơ khí", "Bác sĩ"},                 // 8: two titles
			{nid, "Bằng cấp", "Thạc sĩ", "Hóa học", "Kỹ sư"},               // 9: not the level's
			{nid, "Ngoại ngữ", "B2", "", "Cử nhân"},                        // 10: not a degree
		},
	}
	file := sheets(t, names, rows)
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, SkipInvalid: true})
	if st != nil || resp.Created != 7 || resp.Refused != 3 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	at := func(row int) string { return fmt.Sprintf("%s/%d", transfer.QualificationsSheet, row) }
	wantSaid(t, saidAt(resp), map[string][]string{
		at(8):  {"Trình độ", `"Kỹ sư" gives the degree's title Kỹ sư, but the column Tên bằng gives "Bác sĩ"`, "nhưng cột Tên bằng ghi"},
		at(9):  {"Tên bằng", "Kỹ sư is a degree of the level Đại học, not THAC_SI", "là tên bằng của trình độ Đại học"},
		at(10): {"Tên bằng", "only a DEGREE has a degree title", "Chỉ bằng cấp mới có tên bằng"},
	})
	person := e.personByNationalID(nid)
	list := func() map[string]string {
		qs, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: person})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, q := range qs.Qualifications {
			got[q.Major] = q.Level + " " + q.DegreeTitle
		}
		return got
	}
	want := map[string]string{"Xây dựng": "DAI_HOC Kỹ sư", "Luật": "DAI_HOC Cử nhân", "Điện": "DAI_HOC Kỹ sư",
		"Y đa khoa": "DAI_HOC Bác sĩ", "Kinh tế": "THAC_SI ", "Quy hoạch": "DAI_HOC Kiến trúc sư"}
	got := list()
	for major, w := range want {
		if got[major] != w {
			t.Errorf("%s: %q, want %q", major, got[major], w)
		}
	}

	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := f.GetRows(transfer.QualificationsSheet)
	f.Close()
	col := slices.Index(sheet[0], "Tên bằng")
	if col < 0 {
		t.Fatalf("the export's qualifications sheet has no column Tên bằng: %q", sheet[0])
	}
	var titles []string
	for _, r := range sheet[1:] {
		if col < len(r) {
			titles = append(titles, r[col])
		}
	}
	if !slices.Contains(titles, "Kỹ sư") || !slices.Contains(titles, "Bác sĩ") {
		t.Errorf("the export's titles: %q", titles)
	}

	for what, data := range map[string][]byte{"the export": xlsx, "the file": file} {
		resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: data}, SkipInvalid: true})
		if st != nil || resp.Created+resp.Updated != 0 {
			t.Errorf("re-importing %s: %v %v", what, st, resp)
		}
	}
	if again := list(); len(again) != len(got) {
		t.Errorf("after re-importing: %v, was %v", again, got)
	}
}

// An import before the degree's title was kept made the qualification
// without it: the same file imported again gives it the title (one row
// updated), rather than a second qualification, and a third time changes
// nothing.
func TestImportFillsTheDegreeTitleAnEarlierImportLost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const nid = "001080000001"
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", nid, ""}},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Năm"},
			{nid, "Bằng cấp", "Kỹ sư Xây dựng", 2003}},
	}
	first := sheets(t, names[:1], rows)
	if resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: first}}); st != nil || resp.Created != 1 {
		t.Fatalf("people: %v %v", st, resp)
	}
	person := e.personByNationalID(nid)
	// As the earlier import stored it.
	if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: person,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Xây dựng", Year: 2003}}); err != nil {
		t.Fatal(err)
	}
	file := sheets(t, names, rows)
	for i, want := range []struct{ updated, unchanged int64 }{{1, 1}, {0, 2}} {
		resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
		if st != nil || resp.Created != 0 || resp.Updated != want.updated || resp.Unchanged != want.unchanged || len(resp.Problems) != 0 {
			t.Errorf("import %d: %v %v", i+1, st, resp)
		}
	}
	qs, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: person})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs.Qualifications) != 1 || qs.Qualifications[0].DegreeTitle != "Kỹ sư" {
		t.Errorf("qualifications: %v", qs.Qualifications)
	}
}
