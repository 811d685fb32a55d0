package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/longrunning"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// A province adopting the registry imports the lists it kept and makes
// last year's report as on 31/12 at once: the people count from their
// registry date (the column Ngày vào danh sách, or the import's
// registry_date for rows that leave it empty), not from the day of the
// import. People imported without either count from the import, and a
// report as on last year's end then counts no one and is refused.
func TestImportedListsMakeLastYearsReport(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	st := e.client.Statistics
	last := int32(time.Now().In(store.Vietnam).Year() - 1)
	endOfLast := day(last, 12, 31)
	xlsx := func(rows ...[]any) *httpbody.HttpBody {
		return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: workbook(t, rows...)}
	}
	report := func(id string) (*pb.Report, error) {
		t.Helper()
		op, err := st.CreateReport(ctx, &pb.CreateReportRequest{ReportId: id,
			Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: endOfLast}})
		if err != nil {
			return nil, err
		}
		op = e.wait(longrunning.NewOperationsClient(e.client.Conn()), op)
		if op.GetError() != nil {
			t.Fatalf("the report's operation failed: %v", op.GetError())
		}
		r := &pb.Report{}
		if err := op.GetResponse().UnmarshalTo(r); err != nil {
			t.Fatal(err)
		}
		return r, nil
	}

	// Imported today, with no registry date: nobody was on the lists
	// last year.
	if _, st := e.importFile(&pb.ImportPeopleRequest{File: xlsx([]any{"Họ", "Tên", "Số CCCD"},
		[]any{"Lê", "Mới", "091099000001"}, []any{"Lê", "Mới Hai", "091099000002"})}); st != nil {
		t.Fatal(st)
	}
	if _, err := report("truoc"); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("a report as on %v with only people imported today: %v, want FAILED_PRECONDITION", endOfLast, err)
	}

	// A registry date that has not come, for the whole import, is refused
	// before anything is read.
	_, err := pb.NewTransferServiceClient(e.client.Conn()).ImportPeople(ctx, &pb.ImportPeopleRequest{
		File: xlsx([]any{"Tên"}, []any{"An"}), RegistryDate: day(last+2, 1, 1)})
	wantCode(t, err, codes.InvalidArgument, "registry_date")

	// A dry run reports a cell that is not a whole date, at its column.
	resp, s := e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true, File: xlsx([]any{"Tên", "Ngày vào danh sách"}, []any{"An", fmt.Sprint(last)})})
	if s == nil || len(resp.GetProblems()) != 1 || resp.Problems[0].GetColumn() != "B (Ngày vào danh sách)" || resp.Problems[0].GetRow() != 2 {
		t.Fatalf("a year alone as the registry date: %v, %v; want one problem at row 2, column Ngày vào danh sách", resp.GetProblems(), s)
	}

	// The lists: three with their own date, two with the import's.
	own := fmt.Sprintf("01/06/%d", last)
	resp, s = e.importFile(&pb.ImportPeopleRequest{RegistryDate: day(last, 3, 1), File: xlsx(
		[]any{"Họ", "Tên", "Số CCCD", "Ngày vào danh sách"},
		[]any{"Nguyễn", "An", "091080000001", own},
		[]any{"Nguyễn", "Bình", "091080000002", own},
		[]any{"Nguyễn", "Châu", "091080000003", own},
		[]any{"Trần", "Dũng", "091080000004", ""},
		[]any{"Trần", "Em", "091080000005", ""},
	)})
	if s != nil || resp.GetCreated() != 5 {
		t.Fatalf("import: %v, %v; want 5 created", resp, s)
	}
	people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `family_name = "Nguyễn" OR family_name = "Trần"`})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people.GetPeople() {
		want := day(last, 6, 1)
		if p.FamilyName == "Trần" {
			want = day(last, 3, 1)
		}
		got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil {
			t.Fatal(err)
		}
		if d := got.GetRegistryDate(); d.GetYear() != want.Year || d.GetMonth() != want.Month || d.GetDay() != want.Day {
			t.Errorf("%s %s: registry_date %v, want %v", p.FamilyName, p.GivenName, d, want)
		}
	}

	r, err := report("nam-truoc")
	if err != nil {
		t.Fatalf("a report as on %v after importing the lists: %v", endOfLast, err)
	}
	if n := r.GetTables()[0].GetStatistics().GetTotal(); n != 5 {
		t.Errorf("the report as on %v counts %d, want the 5 on the lists then", endOfLast, n)
	}
}

// A row that names a registered person and gives another Ngày vào danh
// sách is a conflict at that cell, with overwrite too: the date never
// changes. The same date, or none, is no conflict.
func TestImportRegistryDateOfRegisteredPerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	last := time.Now().In(store.Vietnam).Year() - 1
	xlsx := func(rows ...[]any) *httpbody.HttpBody {
		return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: workbook(t, rows...)}
	}
	header := []any{"Họ", "Tên", "Số CCCD", "Ngày vào danh sách"}
	own := fmt.Sprintf("01/06/%d", last)
	if resp, s := e.importFile(&pb.ImportPeopleRequest{File: xlsx(header, []any{"Nguyễn", "An", "091080000001", own})}); s != nil || resp.GetCreated() != 1 {
		t.Fatalf("import: %v, %v", resp, s)
	}
	for _, c := range []struct {
		cell      string
		overwrite bool
		conflict  bool
	}{
		{own, false, false},
		{"", false, false},
		{fmt.Sprintf("02/06/%d", last), false, true},
		{fmt.Sprintf("01/01/%d", last), true, true},
	} {
		resp, _ := e.importFile(&pb.ImportPeopleRequest{Overwrite: c.overwrite, RegistryDate: day(int32(last), 3, 1),
			File: xlsx(header, []any{"Nguyễn", "An", "091080000001", c.cell})})
		var got []*pb.ImportProblem
		for _, p := range resp.GetProblems() {
			if p.GetKind() == pb.ImportProblem_CONFLICT {
				got = append(got, p)
			}
		}
		switch {
		case !c.conflict && len(got) != 0:
			t.Errorf("%q: conflicts %v, want none", c.cell, got)
		case c.conflict && (len(got) != 1 || got[0].GetColumn() != "D (Ngày vào danh sách)" || got[0].GetField() != "person.registry_date" ||
			!strings.Contains(got[0].GetMessage(), own) || !strings.Contains(got[0].GetMessage(), c.cell)):
			t.Errorf("%q (overwrite %v): conflicts %v, want one at D (Ngày vào danh sách) quoting %s and %s", c.cell, c.overwrite, got, own, c.cell)
		}
		people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `national_id = "091080000001"`})
		if err != nil || len(people.GetPeople()) != 1 {
			t.Fatalf("list: %v, %v", people, err)
		}
		got1, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: people.People[0].Name, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil {
			t.Fatal(err)
		}
		if d := got1.GetRegistryDate(); d.GetYear() != int32(last) || d.GetMonth() != 6 || d.GetDay() != 1 {
			t.Errorf("after %q: registry_date %v, want 01/06/%d kept", c.cell, d, last)
		}
	}
}

// A new person registered by a row of the Hội viên sheet gets the
// import's registry date, as a new person of the people sheet does.
func TestImportRegistryDateOfNewMember(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	last := int32(time.Now().In(store.Vietnam).Year() - 1)
	names := []string{transfer.PeopleSheet, transfer.MembershipsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {{"Họ", "Tên", "Số CCCD"}, {"Nguyễn", "An", "091080000011"}},
		transfer.MembershipsSheet: {membershipHeader,
			{"", "091090000012", "Thạch", "Sa", "12/05/1990", hyh.Name, "Chờ duyệt", "", "2025-01"}},
	}
	resp, s := e.importFile(&pb.ImportPeopleRequest{RegistryDate: day(last, 3, 1),
		File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}})
	if s != nil || resp.GetCreated() != 2 {
		t.Fatalf("import: %v, %v; want 2 created", resp, s)
	}
	for _, nid := range []string{"091080000011", "091090000012"} {
		people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: fmt.Sprintf("national_id = %q", nid)})
		if err != nil || len(people.GetPeople()) != 1 {
			t.Fatalf("%s: %v, %v", nid, people, err)
		}
		p, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: people.People[0].Name, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil {
			t.Fatal(err)
		}
		if d := p.GetRegistryDate(); d.GetYear() != last || d.GetMonth() != 3 || d.GetDay() != 1 {
			t.Errorf("%s: registry_date %v, want 01/03/%d", nid, d, last)
		}
	}
}

// A row without a national ID or Mã hồ sơ that looks like one registered
// person (name and birth date) is that person imported again only when it
// says nothing else: another Ngày vào danh sách makes it a possible
// duplicate to look at, not "unchanged".
func TestImportRegistryDateOfALookAlike(t *testing.T) {
	e := newEnv(t)
	last := time.Now().In(store.Vietnam).Year() - 1
	xlsx := func(rows ...[]any) *httpbody.HttpBody {
		return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: workbook(t, rows...)}
	}
	header := []any{"Họ", "Tên", "Ngày sinh", "Ngày vào danh sách"}
	own := fmt.Sprintf("01/06/%d", last)
	if resp, s := e.importFile(&pb.ImportPeopleRequest{File: xlsx(header, []any{"Lâm", "Bảo", "12/05/1980", own})}); s != nil || resp.GetCreated() != 1 {
		t.Fatalf("import: %v, %v", resp, s)
	}
	for _, c := range []struct {
		cell      string
		unchanged bool
	}{
		{own, true},
		{"", true},
		{fmt.Sprintf("02/06/%d", last), false},
	} {
		resp, s := e.importFile(&pb.ImportPeopleRequest{SkipInvalid: true, File: xlsx(header, []any{"Lâm", "Bảo", "12/05/1980", c.cell})})
		if s != nil {
			t.Fatalf("%q: %v", c.cell, s)
		}
		if got := resp.GetUnchanged() == 1; got != c.unchanged || resp.GetCreated() != 0 {
			t.Errorf("%q: %d unchanged, %d created (problems %v); want unchanged %v, none created", c.cell, resp.GetUnchanged(), resp.GetCreated(), resp.GetProblems(), c.unchanged)
		}
	}
}
