package server

import (
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A record of a person whose row of the people sheet was refused says
// that row is why, and where it is, rather than that no row adds them;
// a record of someone no row adds still says that.
func TestRecordOfARefusedPersonNamesTheirRow(t *testing.T) {
	e := newEnv(t)
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader,
			{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000009", ""},
			{"Trần", "Văn", "Bình", "Nam", "31/02/1980", "Kinh", "001 080 000 001", ""}}, // 3: no such day; its ID in groups
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ"},
			{"001080000001", "Bằng cấp", "Thạc sĩ"},  // 2: Bình's
			{"001080000002", "Bằng cấp", "Tiến sĩ"}}, // 3: nobody's
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil || resp.Created != 1 || resp.Refused != 3 {
		t.Fatalf("import: %v %v", st, resp)
	}
	at := func(row int) string { return fmt.Sprintf("%s/%d", transfer.QualificationsSheet, row) }
	wantSaid(t, saidAt(resp), map[string][]string{
		at(2): {"row 3 of the people sheet, which adds them, was refused", "dòng 3 của trang Người"},
		at(3): {"no row of the people sheet adds one"},
	})
}
