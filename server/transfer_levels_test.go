package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// saidAt is every problem of resp, in English and in Vietnamese, by
// "sheet/row".
func saidAt(resp *pb.ImportPeopleResponse) map[string]string {
	out := map[string]string{}
	for _, p := range resp.GetProblems() {
		out[fmt.Sprintf("%s/%d", p.Sheet, p.Row)] += p.Column + ": " + p.Message + " / " + vimsg.Problem(p) + "; "
	}
	return out
}

// wantSaid checks that what an import said of each sheet/row (saidAt)
// holds every text wanted of it.
func wantSaid(t *testing.T, said map[string]string, want map[string][]string) {
	t.Helper()
	for where, texts := range want {
		for _, w := range texts {
			if !strings.Contains(said[where], w) {
				t.Errorf("%s: %q lacks %q", where, said[where], w)
			}
		}
	}
}

// A degree is written by its title as often as by its level: Cử nhân,
// Kỹ sư, Bác sĩ, Dược sĩ and Kiến trúc sư are Đại học. A specialist
// doctor's grade is no level of the framework, and is refused as one,
// saying so; a political theory certificate's Cử nhân is not read as Đại
// học.
func TestImportReadsDegreeTitles(t *testing.T) {
	e := newEnv(t)
	titles := map[string]string{"Cử nhân": "DAI_HOC", "Kỹ sư": "DAI_HOC", "Bác sĩ": "DAI_HOC", "Dược sĩ": "DAI_HOC",
		"kien truc su": "DAI_HOC", "Thạc sĩ": "THAC_SI", "Tiến sĩ": "TIEN_SI", "Tiến sĩ khoa học": "TIEN_SI_KHOA_HOC"}
	q := [][]any{{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành"}}
	for title := range titles {
		q = append(q, []any{"001080000001", "Bằng cấp", title, "Ngành của " + title})
	}
	n := len(q) // the last row's number
	q = append(q, []any{"001080000001", "Bằng cấp", "Bác sĩ chuyên khoa II", "Nội khoa"},
		[]any{"001080000001", "Lý luận chính trị", "Cử nhân", ""})
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet:         {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}},
		transfer.QualificationsSheet: q,
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || resp.Created != int64(1+len(titles)) || resp.Refused != 2 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := saidAt(resp)
	for where, want := range map[string]string{
		fmt.Sprintf("%s/%d", transfer.QualificationsSheet, n+1): `"Bác sĩ chuyên khoa II" is a specialist grade`,
		fmt.Sprintf("%s/%d", transfer.QualificationsSheet, n+2): `"Cử nhân" is not a level of POLITICAL_THEORY`,
	} {
		if !strings.Contains(said[where], want) {
			t.Errorf("%s: %q lacks %q", where, said[where], want)
		}
	}
	qs, err := e.client.People.ListQualifications(context.Background(), &pb.ListQualificationsRequest{Parent: e.personByNationalID("001080000001")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, q := range qs.Qualifications {
		got[strings.TrimPrefix(q.Major, "Ngành của ")] = q.Level
	}
	for title, level := range titles {
		if got[title] != level {
			t.Errorf("%s: level %q, want %s", title, got[title], level)
		}
	}
}

// A language is read by its Vietnamese name; a language on a degree is
// refused for both of its problems at once: no code, and not a language
// certificate.
func TestImportReadsLanguageNames(t *testing.T) {
	e := newEnv(t)
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Ngôn ngữ"},
			{"001080000001", "Ngoại ngữ", "N2", "Tiếng Nhật"},        // 2: read as ja; N2 is no level of the framework
			{"001080000001", "Ngoại ngữ", "B2", "tieng anh"},         // 3
			{"001080000001", "Ngoại ngữ", "C1", "Tiếng Đức"},         // 4
			{"001080000001", "Ngoại ngữ", "B1", "Tiếng Klingon"},     // 5: no language of the list, nor a code
			{"001080000001", "Bằng cấp", "Thạc sĩ", "Tiếng Nhật"},    // 6: on a degree
			{"001080000001", "Bằng cấp", "Thạc sĩ", "Tiếng Klingon"}, // 7: both
		},
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || resp.Refused != 4 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := saidAt(resp)
	at := func(row int) string { return fmt.Sprintf("%s/%d", transfer.QualificationsSheet, row) }
	wantSaid(t, said, map[string][]string{
		at(2): {`"N2" is not a level of FOREIGN_LANGUAGE`},
		at(5): {"ISO 639-1", "cần mã ngôn ngữ"},
		at(6): {"only a FOREIGN_LANGUAGE qualification has a language", "Chỉ trình độ ngoại ngữ mới ghi ngôn ngữ"},
		at(7): {"ISO 639-1", "only a FOREIGN_LANGUAGE qualification has a language"},
	})
	for _, row := range []int{2, 6} {
		if strings.Contains(said[at(row)], "ISO 639-1") {
			t.Errorf("row %d: Tiếng Nhật not read as ja: %q", row, said[at(row)])
		}
	}
	qs, err := e.client.People.ListQualifications(context.Background(), &pb.ListQualificationsRequest{Parent: e.personByNationalID("001080000001")})
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, q := range qs.Qualifications {
		langs = append(langs, q.Language)
	}
	if strings.Join(langs, " ") != "en de" {
		t.Errorf("languages %v, want en de", langs)
	}
}

// A degree written as lists keep it, its title and its major in one cell
// ("Thạc sĩ Quản trị kinh doanh"), keeps both: the level the title names,
// and the major, which Chuyên ngành may repeat but not contradict. A
// specialist grade (BSCK I, DSCK II, CKI, BSNT...) is no level of the
// national qualifications framework (the reference list has none), so a
// degree's row refuses it saying what it is, while a row of a kind whose
// level is free text keeps it as written. An export of what was imported
// imports back with no change.
func TestImportKeepsDegreeTitleAndMajor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const nid = "001080000001"
	q := [][]any{{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành"},
		{nid, "Bằng cấp", "Thạc sĩ Quản trị kinh doanh", ""},                      // 2
		{nid, "Bằng cấp", "Kỹ sư Xây dựng dân dụng và công nghiệp", ""},           // 3
		{nid, "Bằng cấp", "Tiến sĩ khoa học Vật lý", ""},                          // 4: the longer title
		{nid, "Bằng cấp", "Cử nhân chuyên ngành Luật", ""},                        // 5
		{nid, "Bằng cấp", "thac si - Kinh te nong nghiep", "Kinh tế nông nghiệp"}, // 6: the same major twice
		{nid, "Bằng cấp", "Thạc sĩ Kinh tế", "Tài chính ngân hàng"},               // 7: two majors
		{nid, "Bằng cấp", "BSCK I", "Nội khoa"},                                   // 8
		{nid, "Bằng cấp", "BSCKII Ngoại khoa", ""},                                // 9
		{nid, "Bằng cấp", "Dược sĩ chuyên khoa cấp I", ""},                        // 10
		{nid, "Bằng cấp", "CK II", "Nhi khoa"},                                    // 11
		{nid, "Bằng cấp", "Bác sĩ nội trú", "Sản khoa"},                           // 12
		{nid, "Chứng chỉ hành nghề", "BSCK I", "Nội khoa"},                        // 13: kept as written
		{nid, "Bằng cấp", "ThS. Quản lý giáo dục", ""},                            // 14: the title abbreviated
		{nid, "Bằng cấp", "KS. Nuôi trồng thủy sản", ""},                          // 15
		{nid, "Bằng cấp", "TS", "Hóa học"},                                        // 16
	}
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet:         {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1970", "Kinh", nid, ""}},
		transfer.QualificationsSheet: q,
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || resp.Created != 10 || resp.Refused != 6 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	at := func(row int) string { return fmt.Sprintf("%s/%d", transfer.QualificationsSheet, row) }
	grade := []string{"C (Trình độ)", "is a specialist grade", "not a level of the national qualifications framework", "là hạng chuyên khoa"}
	wantSaid(t, saidAt(resp), map[string][]string{
		at(7):  {"C (Trình độ)", `"Thạc sĩ Kinh tế" is the level THAC_SI and the major "Kinh tế", but the column Chuyên ngành gives "Tài chính ngân hàng"`, "hãy chỉ ghi trình độ"},
		at(8):  grade,
		at(9):  grade,
		at(10): grade,
		at(11): grade,
		at(12): grade,
	})
	for where, said := range saidAt(resp) {
		if strings.Contains(said, "unknown qualification level") {
			t.Errorf("%s: %s", where, said)
		}
	}
	qs, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: e.personByNationalID(nid)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs.Qualifications {
		got = append(got, q.Level+" / "+q.Major)
	}
	slices.Sort(got)
	want := []string{"BSCK I / Nội khoa", "DAI_HOC / Luật", "DAI_HOC / Nuôi trồng thủy sản", "DAI_HOC / Xây dựng dân dụng và công nghiệp",
		"THAC_SI / Kinh tế nông nghiệp", "THAC_SI / Quản lý giáo dục", "THAC_SI / Quản trị kinh doanh", "TIEN_SI / Hóa học", "TIEN_SI_KHOA_HOC / Vật lý"}
	if !slices.Equal(got, want) {
		t.Errorf("qualifications\n got %q\nwant %q", got, want)
	}
	p, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: e.personByNationalID(nid)})
	if err != nil || p.HighestQualificationLevel != "TIEN_SI_KHOA_HOC" {
		t.Errorf("the highest level: %v %v", p.GetHighestQualificationLevel(), err)
	}

	// The same file again, and the export, change nothing.
	again, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || again.Created+again.Updated != 0 {
		t.Errorf("the same file again: %v %v", st, again)
	}
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	back, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
	if st != nil || back.Created+back.Updated != 0 || len(back.Problems) != 0 || back.Unchanged != 10 {
		t.Errorf("re-importing the export: %v %v", st, back)
	}
}
