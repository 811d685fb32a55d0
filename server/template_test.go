package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// listValues are the values of the template's drop-down list that a
// validation of the people sheet names, by the column's header.
func listValues(t *testing.T, f *excelize.File) map[string][]string {
	t.Helper()
	dvs, err := f.GetDataValidations(transfer.PeopleSheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, dv := range dvs {
		ref, ok := strings.CutPrefix(dv.Formula1, "'"+transfer.ListsSheet+"'!")
		if !ok {
			t.Fatalf("validation %s lists %q, not a range of the lists sheet", dv.Sqref, dv.Formula1)
		}
		col, _, _ := strings.Cut(dv.Sqref, ":")
		header, _ := f.GetCellValue(transfer.PeopleSheet, strings.TrimRight(col, "0123456789")+"1")
		from, to, _ := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
		c1, r1, _ := excelize.CellNameToCoordinates(from)
		_, r2, _ := excelize.CellNameToCoordinates(to)
		for r := r1; r <= r2; r++ {
			cell, _ := excelize.CoordinatesToCellName(c1, r)
			v, _ := f.GetCellValue(transfer.ListsSheet, cell)
			out[header] = append(out[header], v)
		}
	}
	return out
}

func TestImportTemplate(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	tmpl, err := e.clientAs(registrar).Transfer.GetImportTemplate(context.Background(), &pb.GetImportTemplateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.ContentType != transfer.ContentTypeXLSX {
		t.Errorf("content type %q", tmpl.ContentType)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tmpl.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Người,Hướng dẫn,Danh mục,Bằng cấp,Chức vụ,Khen thưởng,Hội viên,Công trình" {
		t.Errorf("sheets %s", got)
	}
	// The sheets of records start with the person's key and national ID,
	// and offer the qualification levels as a drop-down.
	qh, _ := f.GetRows(transfer.QualificationsSheet)
	if len(qh) != 1 || !strings.HasPrefix(strings.Join(qh[0], "|"), "Mã hồ sơ|Số CCCD|Loại|Trình độ") {
		t.Errorf("qualifications sheet %q", qh)
	}
	dvs, _ := f.GetDataValidations(transfer.QualificationsSheet)
	levels := false
	for _, dv := range dvs {
		if strings.HasPrefix(dv.Sqref, "D2:") {
			col := strings.Trim(strings.Split(dv.Formula1, "!")[1], "$")[:1]
			first, _ := f.GetCellValue(transfer.ListsSheet, col+"2")
			levels = strings.Contains(first, "_") || first != ""
		}
	}
	if !levels {
		t.Errorf("no drop-down of levels on the qualifications sheet: %v", dvs)
	}
	if visible, _ := f.GetSheetVisible(transfer.ListsSheet); visible {
		t.Error("the lists sheet is visible")
	}
	header, _ := f.GetRows(transfer.PeopleSheet)
	if len(header) != 1 || strings.Join(header[0], "|") != strings.Join(transfer.Header(transfer.PeopleColumns), "|") {
		t.Errorf("people sheet %q", header)
	}
	help, _ := f.GetRows(transfer.InstructionsSheet)
	if len(help) < 5 || !strings.Contains(help[0][0], "Mẫu") {
		t.Errorf("instructions %q", help)
	}
	lists := listValues(t, f)
	want := map[string]string{"Giới tính": "Nữ", "Dân tộc": "05 - Khmer", "Quê quán": " - ", "Nơi làm việc": "Nước ngoài", "Quốc gia làm việc": "FR - "}
	for header, value := range want {
		if !strings.Contains("\n"+strings.Join(lists[header], "\n"), "\n"+strings.TrimPrefix(value, " - ")) {
			t.Errorf("the drop-down of %s has no %q: %q", header, value, lists[header])
		}
	}
	if n := len(strings.Join(lists["Quốc gia làm việc"], ",")); n <= 255 {
		t.Errorf("the countries make %d characters: the test does not show a long list", n)
	}

	// The template, filled in with values picked from its lists, imports.
	unit := lists["Quê quán"][0]
	row := []any{"", "Thạch", "", "Sa Rươl", "Nam", "12/05/1990", "05 - Khmer", "091090000123", "", "", unit, "", "Nước ngoài", "FR - Pháp"}
	for _, v := range lists["Quốc gia làm việc"] {
		if strings.HasPrefix(v, "FR - ") {
			row[13] = v
		}
	}
	if err := f.SetSheetRow(transfer.PeopleSheet, "A2", &row); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: filled.Bytes()}})
	if st != nil || resp.Created != 1 {
		t.Fatalf("import of the filled template: %v %v", st, resp)
	}
	people, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `national_id = "091090000123"`})
	if err != nil || len(people.People) != 1 {
		t.Fatalf("%v %v", err, people)
	}
	p := people.People[0]
	if p.Ethnicity != "05" || p.Hometown != transfer.ParseCode(unit) || p.WorkCountry != "FR" || p.WorkLocation != pb.Person_ABROAD {
		t.Errorf("imported %v", p)
	}

	// Over REST it is a download; home affairs does not import.
	req, _ := http.NewRequest("GET", e.base+"/v1/people:importTemplate", nil)
	req.Header.Set("Authorization", "Bearer "+registrar)
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != transfer.ContentTypeXLSX || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("REST template: %d %q %.100q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	_, ha := e.key("home_affairs")
	_, err = e.clientAs(ha).Transfer.GetImportTemplate(context.Background(), &pb.GetImportTemplateRequest{})
	wantCode(t, err, codes.PermissionDenied)
	code, _ := e.restAs(ha, "GET", "/v1/people:importTemplate", nil)
	if code != http.StatusForbidden {
		t.Errorf("home affairs over REST: %d", code)
	}
}

// The template's lists keyed by names are in the Vietnamese order of the
// names, not by code.
func TestImportTemplateListsByName(t *testing.T) {
	e := newEnv(t)
	tmpl, err := e.client.Transfer.GetImportTemplate(context.Background(), &pb.GetImportTemplateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tmpl.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lists := listValues(t, f)
	for header, want := range map[string][]string{
		"Quốc gia làm việc": {"DM - Dominica", "DE - Đức", "US - Hoa Kỳ", "VN - Việt Nam"},
		"Quê quán":          {"30688 - Xã Óc Eo", "30577 - Xã Ô Lâm"},
	} {
		at := -1
		for _, w := range want {
			i := slices.Index(lists[header], w)
			if i <= at {
				t.Errorf("the drop-down of %s does not hold %q in that order: %q", header, want, lists[header])
				break
			}
			at = i
		}
	}
}
