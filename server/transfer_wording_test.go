package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// The import report's Vietnamese calls a year a year and an empty
// required cell required; the operation's English counts one row in the
// singular.
func TestImportReportWording(t *testing.T) {
	e := newEnv(t)
	e.associations()
	next := time.Now().Year() + 1
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet, transfer.MembershipsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet:         {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Năm"}, {"001080000001", "Bằng cấp", "DAI_HOC", next}},
		transfer.MembershipsSheet: {membershipHeader,
			{"", "001080000001", "", "", "", "hoi y hoc tinh kien giang", "Chờ duyệt", "", ""}},
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || resp.Refused != 2 {
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := saidAt(resp)
	for where, want := range map[string]string{
		transfer.QualificationsSheet + "/2": "không thể là một năm trong tương lai",
		transfer.MembershipsSheet + "/2":    "bắt buộc, chưa điền",
	} {
		if !strings.Contains(said[where], want) {
			t.Errorf("%s: %q lacks %q", where, said[where], want)
		}
	}

	// One bad row, without skip_invalid.
	rows = map[string][][]any{transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "Bình", "Nam", "31/02/1980", "Kinh", "001080000002", ""}}}
	_, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names[:1], rows)}})
	if st == nil || !strings.HasPrefix(st.Message(), "1 row has errors; nothing was imported. Correct it,") {
		t.Errorf("one bad row: %v", st)
	}
}

// The template sent as it is imports nothing, and says the file has no
// rows rather than count nothing.
func TestImportOfTheEmptyTemplate(t *testing.T) {
	e := newEnv(t)
	tpl, err := e.client.Transfer.GetImportTemplate(context.Background(), &pb.GetImportTemplateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{true, false} {
		_, st := e.importFile(&pb.ImportPeopleRequest{File: tpl, ValidateOnly: dry})
		if st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "the file has no rows to import") {
			t.Errorf("dry run %v: %v", dry, st)
		}
		// The console says the file's violation in Vietnamese.
		for _, d := range st.Details() {
			if _, ok := d.(*errdetails.ErrorInfo); ok {
				continue
			}
			if br, ok := d.(*errdetails.BadRequest); ok && len(br.FieldViolations) == 1 {
				if vi, ok := vimsg.Import(br.FieldViolations[0].Description); !ok || !strings.Contains(vi, "Tệp không có dòng nào để nhập") {
					t.Errorf("in Vietnamese: %q", vi)
				}
			} else {
				t.Errorf("details: %v", d)
			}
		}
	}
}
