package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// sheets makes an XLSX file of several sheets, in order.
func sheets(t *testing.T, names []string, rows map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range names {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for j, r := range rows[name] {
			cell, _ := excelize.CoordinatesToCellName(1, j+1)
			if err := f.SetSheetRow(name, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) records(person string) (q, p, h int) {
	e.t.Helper()
	ctx := context.Background()
	qs, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: person})
	if err != nil {
		e.t.Fatal(err)
	}
	ps, err := e.client.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: person})
	if err != nil {
		e.t.Fatal(err)
	}
	hs, err := e.client.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: person})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(qs.Qualifications), len(ps.Positions), len(hs.Honors)
}

func TestImportRecordSheets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	known, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Hoa", BirthDate: nil}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet, transfer.PositionsSheet, transfer.HonorsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", ""}},
		transfer.QualificationsSheet: {
			{"Mã hồ sơ", "Số CCCD", "Loại", "Chuyên ngành", "Năm", "Trình độ"},
			{"", "001080000001", "Bằng cấp", "Toán học", 2002, "DAI_HOC"}, // row 2: the person the people sheet adds
			{known.Name, "", "DEGREE", "Vật lý", 2010, "DAI_HOC"},         // row 3: by Mã hồ sơ
			{"", "001099999999", "Bằng cấp", "Hoá học", 2005, "DAI_HOC"},  // row 4: nobody has that national ID
			{"", "001080000001", "Bằng cấp", "Sinh học", 1970, "DAI_HOC"}, // row 5: before the person was born (the store)
		},
		transfer.PositionsSheet: {
			{"Mã hồ sơ", "Số CCCD", "Tên cơ quan", "Chức vụ", "Từ ngày"},
			{"", "001080000001", "Sở Khoa học và Công nghệ", "Chuyên viên", "01/09/2005"},
		},
		transfer.HonorsSheet: {
			{"Mã hồ sơ", "Số CCCD", "Danh hiệu", "Loại", "Năm"},
			{known.Name, "", "Chiến sĩ thi đua", "Danh hiệu của tỉnh", 2020},
			{known.Name, "", "Bằng khen", "không có", 2020}, // row 3: no such kind
		},
	}
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}

	// All or nothing: the record sheets' problems by sheet, row and column,
	// and nothing imported, not even the good people row.
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file})
	if st == nil || st.Code() != codes.InvalidArgument || resp.Refused != 3 {
		t.Fatalf("all or nothing: %v %v", st, resp)
	}
	got := map[string]string{}
	for _, p := range resp.Problems {
		got[p.Sheet+"/"+string(rune('0'+p.Row))] += p.Column + ": " + p.Message + "; "
	}
	for where, want := range map[string]string{
		transfer.QualificationsSheet + "/4": "001099999999",
		transfer.QualificationsSheet + "/5": "E (Năm)",
		transfer.HonorsSheet + "/3":         "D (Loại)",
	} {
		if !strings.Contains(got[where], want) {
			t.Errorf("%s: problems %q, want one about %q (all: %v)", where, got[where], want, got)
		}
	}
	if n := e.count(); n != 1 {
		t.Fatalf("a refused import changed the people: %d", n)
	}
	if q, p, h := e.records(known.Name); q+p+h != 0 {
		t.Fatalf("a refused import added records: %d %d %d", q, p, h)
	}

	// A dry run changes nothing.
	if resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true, ValidateOnly: true}); st != nil || resp.Applied {
		t.Fatalf("dry run: %v %v", st, resp)
	}
	if q, p, h := e.records(known.Name); q+p+h != 0 || e.count() != 1 {
		t.Fatal("a dry run added records")
	}

	// Skip invalid: the person and four records.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || !resp.Applied || resp.Created != 5 || resp.Refused != 3 {
		t.Fatalf("skip invalid: %v %v", st, resp)
	}
	if q, p, h := e.records(known.Name); q != 1 || p != 0 || h != 1 {
		t.Fatalf("%s has %d qualifications, %d positions, %d honours; want 1, 0, 1", known.Name, q, p, h)
	}
	list, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `national_id = "001080000001"`})
	if err != nil || len(list.People) != 1 {
		t.Fatalf("the imported person: %v %v", list, err)
	}
	if q, p, h := e.records(list.People[0].Name); q != 1 || p != 1 || h != 0 {
		t.Fatalf("the imported person has %d qualifications, %d positions, %d honours; want 1, 1, 0", q, p, h)
	}

	// The same file again adds nothing.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created != 0 || resp.Unchanged != 5 {
		t.Fatalf("second import: %v %v", st, resp)
	}
	if q, p, h := e.records(known.Name); q != 1 || h != 1 || p != 0 {
		t.Fatalf("a second import added records: %d %d %d", q, p, h)
	}

	// Over REST, a workbook of records alone.
	alone := sheets(t, []string{transfer.HonorsSheet}, map[string][][]any{transfer.HonorsSheet: {
		{"Mã hồ sơ", "Danh hiệu", "Năm"}, {known.Name, "Lao động tiên tiến", 2021}}})
	req, _ := http.NewRequest("POST", e.base+"/v1/people:import", bytes.NewReader(alone))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", transfer.ContentTypeXLSX)
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("REST import of honours: %d", res.StatusCode)
	}
	for i := 0; i < 500; i++ {
		if _, _, h := e.records(known.Name); h == 2 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the honour imported over REST never appeared")
}

// A sheet of records named otherwise than the template (without
// diacritics, in capitals, decomposed) is read under its own name, and its
// problems name it.
func TestImportRecordSheetNamedOtherwise(t *testing.T) {
	e := newEnv(t)
	for i, name := range []string{"Bang cap", "BẰNG CẤP", norm.NFD.String(transfer.QualificationsSheet)} {
		nid := fmt.Sprintf("00108000000%d", i)
		file := sheets(t, []string{transfer.PeopleSheet, name}, map[string][][]any{
			transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "", "An", "Nam", "1980", "", nid, ""}},
			name: {{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Năm"},
				{nid, "Bằng cấp", "TIEN_SI", "Nội khoa", 2020},
				{nid, "Bằng cấp", "TIEN_SI", "Ngoại khoa", "năm ngoái"}}})
		resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, SkipInvalid: true})
		if st != nil || resp.Created != 2 || resp.Refused != 1 {
			t.Fatalf("sheet %q: %v %v", name, st, resp)
		}
		if p := problemsBySheet(resp, pb.ImportProblem_ERROR)[name+"/3"]; !strings.Contains(p, "Năm") {
			t.Errorf("sheet %q: the problem of row 3 is not on it: %v", name, resp.Problems)
		}
		if q, _, _ := e.records(e.personByNationalID(nid)); q != 1 {
			t.Errorf("sheet %q: %d qualifications", name, q)
		}
	}
}

// On a sheet of records too, a cell that cannot be read does not hide what
// the request's rules find in the others.
func TestImportRecordRowsProblemsTogether(t *testing.T) {
	e := newEnv(t)
	_, hyh := e.associations()
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{"", "091090000900", "Danh", "Sóc", "31/02/1990", hyh.Name, "Chờ duyệt", "", "2025-01", "not-an-email"}}})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if st == nil {
		t.Fatalf("imported: %v", resp)
	}
	got := problemsBySheet(resp, pb.ImportProblem_ERROR)[transfer.MembershipsSheet+"/2"]
	for _, want := range []string{"E (Ngày sinh)", "J (Email)"} {
		if strings.Count(got, want+":") != 1 {
			t.Errorf("%q, want one problem in %s", got, want)
		}
	}

	// A qualification: its year cannot be read, and the store knows no
	// such level; a position whose person does not exist.
	file = sheets(t, []string{transfer.QualificationsSheet}, map[string][][]any{transfer.QualificationsSheet: {
		{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Năm"},
		{"001080000009", "Bằng cấp", "KHONG_CO", "Nội khoa", "năm ngoái"}}})
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if st == nil {
		t.Fatalf("imported: %v", resp)
	}
	got = problemsBySheet(resp, pb.ImportProblem_ERROR)[transfer.QualificationsSheet+"/2"]
	for _, want := range []string{"A (Số CCCD)", "E (Năm)"} {
		if strings.Count(got, want+":") != 1 {
			t.Errorf("%q, want one problem in %s", got, want)
		}
	}
	e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: workbook(t, peopleHeader, []any{"Lê", "", "An", "", "", "", "001080000009", ""})}})
	resp, _ = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	got = problemsBySheet(resp, pb.ImportProblem_ERROR)[transfer.QualificationsSheet+"/2"]
	for _, want := range []string{"C (Trình độ)", "E (Năm)"} {
		if strings.Count(got, want+":") != 1 {
			t.Errorf("%q, want one problem in %s", got, want)
		}
	}
}
