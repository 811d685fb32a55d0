package server

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// An association's member list, exported to be printed: in both formats a
// row per member holds the name, the birth date, the association, the
// member number and the state, and the file imports back by the same key
// with no changes (a CSV member list is read as the memberships sheet). A
// member number the file changes is a conflict, not applied. (A limited
// key's re-import of the workbook that holds the people sheet too skips
// that sheet with a warning: TestScopedKeyReimportsItsExport.)
func TestMemberListExport(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	hoa := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{
		FamilyName: "Phạm", MiddleName: "Thị", GivenName: "Hoa", Gender: pb.Person_FEMALE, BirthDate: &date.Date{Year: 1985, Month: 4, Day: 9}}}})
	approved, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: hoa.Membership.Name})
	if err != nil || approved.MemberNumber == "" {
		t.Fatalf("approving: %v %v", approved, err)
	}
	e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Đỗ", GivenName: "Khang"}}})
	// Hoa applies to the economists too: not on the medical list.
	e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: hoa.Membership.Person}})

	req := func(format pb.SpreadsheetFormat, sheet pb.ExportPeopleRequest_Sheet) *pb.ExportPeopleRequest {
		return &pb.ExportPeopleRequest{Format: format, Sheet: sheet,
			Filter:           `memberships.association = "` + f.hyh.Name + `" AND memberships.state = ACTIVE`,
			MembershipFilter: `association = "` + f.hyh.Name + `" AND state = ACTIVE`}
	}
	want := map[string]string{"Họ": "Phạm", "Tên đệm": "Thị", "Tên": "Hoa", "Ngày sinh": "09/04/1985", "Số hội viên": approved.MemberNumber,
		"Trạng thái": "Đang sinh hoạt", "Hội": f.hyh.Name + " - " + f.hyh.DisplayName}
	check := func(who, what string, rows [][]string) {
		t.Helper()
		if len(rows) != 2 {
			t.Fatalf("%s, %s: %d rows, want the header and Hoa's: %q", who, what, len(rows), rows)
		}
		for header, cell := range want {
			i := -1
			for j, h := range rows[0] {
				if h == header {
					i = j
				}
			}
			if i < 0 || i >= len(rows[1]) || rows[1][i] != cell {
				t.Errorf("%s, %s: column %s of %q is not %q: %q", who, what, header, rows[0], cell, rows[1])
			}
		}
	}
	reimport := func(who, token string, file *httpbody.HttpBody) {
		t.Helper()
		resp, st, err := e.importScoped(token, &pb.ImportPeopleRequest{File: file, ValidateOnly: true})
		if err != nil || st != nil || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 || resp.Unchanged == 0 {
			t.Errorf("%s, re-importing the %s member list: %v %v %v", who, file.ContentType, err, st, resp)
		}
	}
	for _, c := range []struct{ who, token string }{{"a registrar", e.token}, {"a key limited to the association", f.medicalTok}} {
		data := e.export(c.token, req(pb.SpreadsheetFormat_CSV, pb.ExportPeopleRequest_MEMBERSHIPS))
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		check(c.who, "CSV", rows)
		reimport(c.who, c.token, &httpbody.HttpBody{Data: data, ContentType: transfer.ContentTypeCSV})

		for _, sheet := range []pb.ExportPeopleRequest_Sheet{pb.ExportPeopleRequest_SHEET_UNSPECIFIED, pb.ExportPeopleRequest_MEMBERSHIPS} {
			data = e.export(c.token, req(pb.SpreadsheetFormat_XLSX, sheet))
			book, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			rows, err = book.GetRows(transfer.MembershipsSheet)
			book.Close()
			if err != nil {
				t.Fatal(err)
			}
			check(c.who, "XLSX "+sheet.String(), rows)
			// A limited key skips the people's sheet, and says so: a
			// workbook with it is re-imported here by a registrar.
			by := c.token
			if sheet != pb.ExportPeopleRequest_MEMBERSHIPS {
				by = e.token
			}
			reimport(c.who, by, &httpbody.HttpBody{Data: data, ContentType: transfer.ContentTypeXLSX})
		}
	}

	// The number is the approval's: another in the file is a conflict.
	data := string(e.export(e.token, req(pb.SpreadsheetFormat_CSV, pb.ExportPeopleRequest_MEMBERSHIPS)))
	data = strings.Replace(data, approved.MemberNumber, "HYH-1999-0042", 1)
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: []byte(data), ContentType: transfer.ContentTypeCSV}})
	if st != nil || len(resp.Problems) != 1 || resp.Problems[0].Kind != pb.ImportProblem_CONFLICT || resp.Problems[0].Field != "membership.member_number" {
		t.Errorf("a changed member number: %v %v", st, resp)
	}
	if m, err := e.client.Memberships.GetMembership(f.ctx, &pb.GetMembershipRequest{Name: hoa.Membership.Name}); err != nil || m.MemberNumber != approved.MemberNumber {
		t.Errorf("the member number after the import: %v %v", m.GetMemberNumber(), err)
	}
}
