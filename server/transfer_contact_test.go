package server

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A membership row records the consent to be contacted apart, in its
// column Đồng ý liên hệ, as the console's registration form asks it: an
// email given without it is refused naming its cell (registered so, it
// would be hidden from the association at once); with it, the person's
// email is read as any registrar reads it. An export writes the column
// back, and imports again with no change; the template offers it as a
// drop-down.
func TestImportMembershipContactConsent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	tmpl, err := e.client.Transfer.GetImportTemplate(ctx, &pb.GetImportTemplateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tf, err := excelize.OpenReader(bytes.NewReader(tmpl.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := sheetLists(t, tf, transfer.MembershipsSheet)["Đồng ý liên hệ"]; !slices.Equal(got, []string{"Có", "Không"}) {
		t.Errorf("the template's Đồng ý liên hệ offers %q", got)
	}
	tf.Close()
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{"", "091090000801", "Lê", "Mai", "1985", hyh.Name, "", "", "2025-01", "mai.le@example.vn", ""},  // 2: no consent to be contacted
		{"", "091090000802", "Lê", "Na", "1985", hyh.Name, "", "", "2025-01", "na.le@example.vn", "Có"},  // 3
		{"", "091090000803", "Lê", "Ngọc", "1985", hyh.Name, "", "", "2025-01", "", ""},                  // 4: no email, no consent needed
		{"", "091090000804", "Lê", "Oanh", "1985", hyh.Name, "", "", "2025-01", "oanh@example", "Không"}, // 5: and a bad email
	}})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, SkipInvalid: true})
	if st != nil || resp.Created != 2 || resp.Refused != 2 {
		t.Fatalf("import: %v %v", st, resp)
	}
	wantSaid(t, saidAt(resp), map[string][]string{
		transfer.MembershipsSheet + "/2": {"J (Email)", "consent to be contacted", "chưa đồng ý cho dùng thông tin liên hệ", "Đồng ý liên hệ"},
		transfer.MembershipsSheet + "/5": {"J (Email)"},
	})
	if n := e.count(); n != 2 {
		t.Errorf("%d people, want the 2 of rows 3 and 4", n)
	}
	_, registrar := e.key("registrar")
	na, err := e.clientAs(registrar).People.GetPerson(ctx, &pb.GetPersonRequest{Name: e.personByNationalID("091090000802")})
	if err != nil || na.Email != "na.le@example.vn" {
		t.Errorf("a registrar reads the member who agreed to be contacted: %v %v", na, err)
	}

	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.GetRows(transfer.MembershipsSheet)
	f.Close()
	consent := slices.Index(got[0], "Đồng ý liên hệ")
	nid := slices.Index(got[0], "Số CCCD")
	if consent < 0 || len(got) != 3 {
		t.Fatalf("the exported memberships: %q", got)
	}
	for _, r := range got[1:] {
		want := map[string]string{"091090000802": "Có", "091090000803": ""}[r[nid]]
		if v := append(r, make([]string, consent+1)...)[consent]; v != want {
			t.Errorf("%s: Đồng ý liên hệ %q, want %q", r[nid], v, want)
		}
	}
	again, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
	if st != nil || again.Created+again.Updated != 0 || len(again.Problems) != 0 {
		t.Errorf("re-importing the export: %v %v", st, again)
	}
}
