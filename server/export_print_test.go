package server

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An export of a search as a workbook prints as the statistics' and the
// report's workbooks do (transfer.PrintSetup): every sheet on A4,
// landscape, a page wide, its header row repeated on every page and
// frozen on screen; it had no print setup at all. It still imports back
// unchanged.
func TestExportOfASearchPrints(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"An", "Bình"} {
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Nguyễn", GivenName: name,
			Gender: pb.Person_FEMALE}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: &pb.Qualification{
			Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Toán học", Country: "VN", Year: 2010}}); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX, Filter: "gender = FEMALE"})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, sheet := range f.GetSheetList() {
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 ||
			layout.Size == nil || *layout.Size != 9 {
			t.Errorf("%s: page layout %+v, %v; want A4 landscape, a page wide", sheet, layout, err)
		}
		if props, err := f.GetSheetProps(sheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not fitted to the page (%+v, %v)", sheet, props, err)
		}
		if want := "'" + sheet + "'!$1:$1"; titles[sheet] != want {
			t.Errorf("%s: rows printed on every page %q, want %q", sheet, titles[sheet], want)
		}
		if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v, %v; want the header row frozen", sheet, panes, err)
		}
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}, ValidateOnly: true})
	if st != nil || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 || resp.Unchanged == 0 {
		t.Errorf("re-importing the export: %v %v", st, resp)
	}
}
