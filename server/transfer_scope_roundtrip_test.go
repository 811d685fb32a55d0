package server

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A key limited to an association re-imports the workbook it exported:
// its Hội viên sheet is imported (each row unchanged), and the people
// sheet and the sheets of records, all of its own people by Mã hồ sơ, are
// skipped, not written, each said by a WARNING, even when a cell there was
// changed. A row of anyone else, or of a new person, still refuses the
// whole file, saying what to do.
func TestScopedKeyReimportsItsExport(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	hoa := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{
		FamilyName: "Phạm", GivenName: "Hoa", Phone: "0911111111"}}})
	if _, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: hoa.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	person := hoa.Membership.Person
	e.qualification(person, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Y học", Year: 2010})
	e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Đỗ", GivenName: "Khang"}}})
	people, quals := e.count(), len(e.get(person, pb.PersonView_PERSON_VIEW_FULL).Qualifications)

	xlsx := e.export(f.medicalTok, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	skipped := func(what string, resp *pb.ImportPeopleResponse) {
		t.Helper()
		warned := problemsBySheet(resp, pb.ImportProblem_WARNING)
		for _, sheet := range []string{transfer.PeopleSheet, transfer.QualificationsSheet} {
			if w := warned[sheet+"/1"]; !strings.Contains(w, transfer.MembershipsSheet) {
				t.Errorf("%s: sheet %s is not said to be skipped: %q", what, sheet, w)
			}
		}
		if len(problemsBySheet(resp, pb.ImportProblem_ERROR))+len(problemsBySheet(resp, pb.ImportProblem_CONFLICT)) != 0 {
			t.Errorf("%s: problems %v", what, resp.Problems)
		}
		got := e.get(person, pb.PersonView_PERSON_VIEW_FULL)
		if e.count() != people || len(got.Qualifications) != quals || got.Phone != "0911111111" {
			t.Errorf("%s changed the registry: %d people, %d qualifications, phone %s", what, e.count(), len(got.Qualifications), got.Phone)
		}
	}
	for _, mode := range []*pb.ImportPeopleRequest{{ValidateOnly: true}, {}} {
		mode.File = &httpbody.HttpBody{Data: xlsx}
		resp, st, err := e.importScoped(f.medicalTok, mode)
		if err != nil || st != nil || resp.Unchanged != 2 || resp.Created+resp.Updated+resp.Refused != 0 {
			t.Fatalf("re-importing its export (validate only %v): %v %v %v", mode.ValidateOnly, err, st, resp)
		}
		skipped("re-importing its export", resp)
	}

	// A changed phone on the people sheet is not written either.
	wb, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows(transfer.PeopleSheet)
	phone, ref := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "Điện thoại":
			phone = i
		case "Mã hồ sơ":
			ref = i
		}
	}
	for r, row := range rows[1:] {
		if row[ref] == person {
			cell, _ := excelize.CoordinatesToCellName(phone+1, r+2)
			wb.SetCellStr(transfer.PeopleSheet, cell, "0922222222")
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	resp, st, err := e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: buf.Bytes()}, Overwrite: true})
	if err != nil || st != nil || resp.Unchanged != 2 {
		t.Fatalf("re-importing its export with a phone changed: %v %v %v", err, st, resp)
	}
	skipped("re-importing its export with a phone changed", resp)

	// A new person's row on the people sheet refuses the file, and says
	// where a new member goes.
	next := len(rows) + 1
	wb.SetCellStr(transfer.PeopleSheet, "A"+strconv.Itoa(next), "")
	for i, h := range rows[0] {
		cell, _ := excelize.CoordinatesToCellName(i+1, next)
		switch h {
		case "Họ":
			wb.SetCellStr(transfer.PeopleSheet, cell, "Mới")
		case "Tên":
			wb.SetCellStr(transfer.PeopleSheet, cell, "Người")
		}
	}
	buf.Reset()
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: buf.Bytes()}})
	wantCode(t, err, codes.PermissionDenied)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, `row `+strconv.Itoa(next)) || !strings.Contains(msg, transfer.MembershipsSheet) {
		t.Errorf("the refusal of a new person's row: %q", msg)
	}
	if e.count() != people {
		t.Errorf("a refused import changed the people")
	}
}
