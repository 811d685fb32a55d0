package server

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// An export writes a code as the template's drop-down shows it, for the
// staff who read it ("01 - Kinh", not "01"), in the people sheet and the
// sheets of records, a unit since merged by its last name, a language
// certificate's level by its name and kind ("BAC_3 - Bậc 3 (ngoại ngữ)",
// which the template's drop-down offers too); and it still imports back
// with no change, as a workbook and as CSV.
func TestExportWritesTheDropDownsLabels(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	an, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Nguyễn", GivenName: "An",
		Gender: pb.Person_MALE, Ethnicity: "01", NationalId: "001080000001", Hometown: "906",
		WorkLocation: pb.Person_ABROAD, WorkCountry: "JP"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*pb.Qualification{
		{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Toán học", Field: "fields/vn2008-101", Country: "JP", Year: 2010},
		{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "PHO_GIAO_SU", Year: 2018},
		{Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "BAC_3", Language: "en", Year: 2012},
		{Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "B2", Language: "fr", Year: 2014},
	} {
		if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: an.Name, Qualification: q}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: an.Name, Position: &pb.Position{
		Organization: org.Name, Title: "Chuyên viên", AdministrativeUnit: "30742", Country: "VN"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: an.Name, Work: &pb.Work{
		Kind: pb.Work_PUBLICATION, Title: "Giống lúa chịu mặn", Year: 2015, Field: "fields/vn2008-101"}}); err != nil {
		t.Fatal(err)
	}
	e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: an.Name}})

	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sheet, header, want string }{
		{transfer.PeopleSheet, "Dân tộc", "01 - Kinh"},
		{transfer.PeopleSheet, "Quê quán", "906 - Huyện Giồng Riềng"},
		{transfer.PeopleSheet, "Quốc gia làm việc", "JP - Nhật Bản"},
		{transfer.PeopleSheet, "Giới tính", "Nam"},
		{transfer.QualificationsSheet, "Trình độ", "TIEN_SI - Tiến sĩ"},
		{transfer.QualificationsSheet, "Trình độ", "PHO_GIAO_SU - Phó giáo sư"},
		{transfer.QualificationsSheet, "Trình độ", "BAC_3 - Bậc 3 (ngoại ngữ)"},
		{transfer.QualificationsSheet, "Trình độ", "B2 - B2 (ngoại ngữ)"},
		{transfer.QualificationsSheet, "Lĩnh vực", "fields/vn2008-101 - Toán học và thống kê"},
		{transfer.QualificationsSheet, "Quốc gia", "JP - Nhật Bản"},
		{transfer.PositionsSheet, "Cơ quan", org.Name + " - Sở Y tế"},
		{transfer.PositionsSheet, "Quốc gia", "VN - Việt Nam"},
		{transfer.PositionsSheet, "Đơn vị hành chính", "30742 - Phường Rạch Giá"},
		{transfer.MembershipsSheet, "Hội", hyh.Name + " - Hội Y học tỉnh Kiên Giang"},
		{transfer.WorksSheet, "Lĩnh vực", "fields/vn2008-101 - Toán học và thống kê"},
	} {
		if got := column(t, f, c.sheet, c.header); !strings.Contains(got, "|"+c.want+"|") {
			t.Errorf("%s, %s: %s, want %q", c.sheet, c.header, got, c.want)
		}
	}
	f.Close()
	// The labels are the template's drop-down's.
	tmpl, err := e.client.Transfer.GetImportTemplate(ctx, &pb.GetImportTemplateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if f, err = excelize.OpenReader(bytes.NewReader(tmpl.GetData())); err != nil {
		t.Fatal(err)
	}
	lists, _ := f.GetCols(transfer.ListsSheet)
	f.Close()
	offered := "\n"
	for _, col := range lists {
		offered += strings.Join(col, "\n") + "\n"
	}
	for _, want := range []string{"BAC_3 - Bậc 3 (ngoại ngữ)", "B2 - B2 (ngoại ngữ)"} {
		if !strings.Contains(offered, "\n"+want+"\n") {
			t.Errorf("the template's drop-downs do not offer %q", want)
		}
	}

	csv := e.export(e.token, &pb.ExportPeopleRequest{})
	if !strings.Contains(string(csv), "01 - Kinh") || !strings.Contains(string(csv), "906 - Huyện Giồng Riềng") {
		t.Errorf("the CSV export writes codes: %s", csv)
	}
	for _, file := range []*httpbody.HttpBody{{Data: xlsx}, {Data: csv, ContentType: transfer.ContentTypeCSV}} {
		resp, st := e.importFile(&pb.ImportPeopleRequest{File: file, ValidateOnly: true})
		if st != nil || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 || resp.Unchanged == 0 {
			t.Errorf("re-importing an export (%s): %v %v", file.ContentType, st, resp)
		}
	}
}

// column is the cells under header on sheet, joined by "|" and between
// bars.
func column(t *testing.T, f *excelize.File, sheet, header string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	for i, h := range rows[0] {
		if h != header {
			continue
		}
		var cells []string
		for _, r := range rows[1:] {
			if i < len(r) {
				cells = append(cells, r[i])
			}
		}
		return "|" + strings.Join(cells, "|") + "|"
	}
	t.Fatalf("sheet %s has no column %s: %q", sheet, header, rows[0])
	return ""
}
