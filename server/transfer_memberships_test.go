package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

var membershipHeader = []any{"Mã hồ sơ", "Số CCCD", "Họ", "Tên", "Ngày sinh", "Hội", "Trạng thái", "Lý do", "Văn bản đồng ý", "Email", "Đồng ý liên hệ"}

// problemsBySheet keys the problems of kind by "sheet/row".
func problemsBySheet(resp *pb.ImportPeopleResponse, kind pb.ImportProblem_Kind) map[string]string {
	out := map[string]string{}
	for _, p := range resp.Problems {
		if p.Kind == kind {
			out[fmt.Sprintf("%s/%d", p.Sheet, p.Row)] += p.Column + ": " + p.Message + "; "
		}
	}
	return out
}

func wantProblems(t *testing.T, resp *pb.ImportPeopleResponse, kind pb.ImportProblem_Kind, want map[string]string) {
	t.Helper()
	got := problemsBySheet(resp, kind)
	for where, w := range want {
		if !strings.Contains(got[where], w) {
			t.Errorf("%s: problems %q, want one in column %q", where, got[where], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d rows with problems, want %d: %v", len(got), len(want), got)
	}
}

func (e *env) works(person string) int {
	e.t.Helper()
	ws, err := e.client.People.ListWorks(context.Background(), &pb.ListWorksRequest{Parent: person})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ws.Works)
}

// A workbook of people, memberships and works with every kind of mistake:
// all or nothing, a dry run, skip invalid, the same file again, and a
// state the registry holds otherwise.
func TestImportMembershipsAndWorks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	union, hyh := e.associations()
	known, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{transfer.PeopleSheet, transfer.MembershipsSheet, transfer.WorksSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", ""}},
		transfer.MembershipsSheet: {
			membershipHeader,
			{"", "001080000001", "", "", "", hyh.Name + " - Hội Y học", "Đang sinh hoạt", "", "2025-01"},            // 2: the people sheet's person
			{known.Name, "", "", "", "", strings.TrimPrefix(hyh.Name, "associations/"), "Chờ duyệt", "", "2025-01"}, // 3: by Mã hồ sơ
			{"", "091090000777", "Thạch", "Sa", "12/05/1990", union.Name, "Tạm đình chỉ", "Nợ hội phí", "2025-01"},  // 4: a new person
			{"", "091090000778", "Võ", "Hùng", "1985", hyh.Name, "Tạm đình chỉ", "", "2025-01"},                     // 5: no reason
			{"", "", "Võ", "Hùng", "1985", hyh.Name, "", "", "2025-01"},                                             // 6: whose?
			{"", "091090000779", "Lê", "Mai", "1985", "associations/khong-co", "", "", "2025-01"},                   // 7: no such association
			{"", "091090000780", "Lê", "Na", "1985", hyh.Name, "Đã rút", "", "2025-01"},                             // 8: not an importable state
			{"", "091090000781", "Lê", "Ngọc", "1985", hyh.Name, "", "", ""},                                        // 9: no consent
			{"", "091090000782", "NguyÔn", "Phó", "1985", hyh.Name, "", "", "2025-01"},                              // 10: TCVN3
			{"", "091090000783", "Lê", "", "1985", hyh.Name, "", "", "2025-01"},                                     // 11: a new person needs a name
			{"", "091090000784", "Lê", "Vũ", "1985", hyh.Name, "Chờ duyệt", "Đã nộp đơn", "2025-01"},                // 12: a reason without a state change
		},
		transfer.WorksSheet: {
			{"Mã hồ sơ", "Số CCCD", "Loại", "Tên công trình", "Năm", "Vai trò", "Cấp", "DOI"},
			{known.Name, "", "Công bố khoa học", "Bài báo về lúa", 2015, "Chủ trì", "", "10.1000/xyz"}, // 2
			{"", "001080000001", "Sáng kiến", "Sáng kiến tưới", 2019, "Tham gia", "Tỉnh", ""},          // 3
			{known.Name, "", "PATENT", "Bằng sáng chế", 2018, "", "", "10.1000/abc"},                   // 4: a DOI on a patent
			{known.Name, "", "Bài thơ", "Thơ", 2018, "", "", ""},                                       // 5: no such kind
			{known.Name, "", "Công bố khoa học", "", 2015, "", "", ""},                                 // 6: no title
			{known.Name, "", "Công bố khoa học", "Bài", "năm ngoái", "", "", ""},                       // 7: not a year
			{"", "001099999999", "Sáng kiến", "Sáng kiến", 2019, "", "", ""},                           // 8: nobody
		},
	}
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: sheets(t, names, rows)}
	wantRefused := map[string]string{
		transfer.MembershipsSheet + "/5":  "H (Lý do)",
		transfer.MembershipsSheet + "/6":  "A (Mã hồ sơ)",
		transfer.MembershipsSheet + "/7":  "F (Hội)",
		transfer.MembershipsSheet + "/8":  "G (Trạng thái)",
		transfer.MembershipsSheet + "/9":  "I (Văn bản đồng ý)",
		transfer.MembershipsSheet + "/10": "C (Họ)",
		transfer.MembershipsSheet + "/11": "D (Tên)",
		transfer.MembershipsSheet + "/12": "H (Lý do)",
		transfer.WorksSheet + "/4":        "H (DOI)",
		transfer.WorksSheet + "/5":        "C (Loại)",
		transfer.WorksSheet + "/6":        "D (Tên công trình)",
		transfer.WorksSheet + "/7":        "E (Năm)",
		transfer.WorksSheet + "/8":        "B (Số CCCD)",
	}
	unchanged := func(where string) {
		t.Helper()
		if n := e.count(); n != 1 {
			t.Fatalf("%s changed the people: %d", where, n)
		}
		if ms := e.memberships("associations/-", ""); len(ms) != 0 {
			t.Fatalf("%s registered %d memberships", where, len(ms))
		}
		if n := e.works(known.Name); n != 0 {
			t.Fatalf("%s added %d works", where, n)
		}
	}

	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file})
	if st == nil || st.Code() != codes.InvalidArgument || resp.Refused != int64(len(wantRefused)) {
		t.Fatalf("all or nothing: %v %v", st, resp)
	}
	wantProblems(t, resp, pb.ImportProblem_ERROR, wantRefused)
	unchanged("a refused import")

	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true, ValidateOnly: true})
	if st != nil || resp.Applied || resp.Created != 6 || resp.Refused != int64(len(wantRefused)) {
		t.Fatalf("dry run: %v %v", st, resp)
	}
	unchanged("a dry run")

	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || !resp.Applied || resp.Created != 6 || resp.Refused != int64(len(wantRefused)) {
		t.Fatalf("skip invalid: %v %v", st, resp)
	}
	wantProblems(t, resp, pb.ImportProblem_ERROR, wantRefused)
	states := map[string]pb.Membership_State{}
	for _, m := range e.memberships("associations/-", "") {
		states[m.Person] = m.State
		if m.Consent.GetTextVersion() != "2025-01" {
			t.Errorf("%s: consent %v", m.Name, m.Consent)
		}
	}
	an := e.personByNationalID("001080000001")
	sa := e.personByNationalID("091090000777")
	if len(states) != 3 || states[an] != pb.Membership_ACTIVE || states[known.Name] != pb.Membership_PENDING || states[sa] != pb.Membership_SUSPENDED {
		t.Fatalf("memberships %v; want %s ACTIVE, %s PENDING, %s SUSPENDED", states, an, known.Name, sa)
	}
	if e.works(known.Name) != 1 || e.works(an) != 1 {
		t.Fatalf("works: %d, %d", e.works(known.Name), e.works(an))
	}

	// The import's audit event names the memberships and works it made.
	events, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Method: "ImportPeople", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, ev := range events.AuditEvents {
		for _, r := range ev.Resources {
			switch {
			case strings.Contains(r, "/memberships/"):
				named["membership"] = true
			case strings.Contains(r, "/works/"):
				named["work"] = true
			}
		}
	}
	if !named["membership"] || !named["work"] {
		t.Errorf("the import's audit events name %v", named)
	}

	// The same file again changes nothing.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created+resp.Updated != 0 || resp.Unchanged != 6 {
		t.Fatalf("second import: %v %v", st, resp)
	}
	if len(e.memberships("associations/-", "")) != 3 || e.works(known.Name) != 1 || e.count() != 3 {
		t.Fatal("a second import added something")
	}

	// A state the registry holds otherwise is a conflict, not applied.
	other := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {
		membershipHeader, {known.Name, "", "", "", "", hyh.Name, "Đang sinh hoạt", "", "2025-01"}}})
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: other}})
	if st != nil || resp.Unchanged != 1 {
		t.Fatalf("a different state: %v %v", st, resp)
	}
	wantProblems(t, resp, pb.ImportProblem_CONFLICT, map[string]string{transfer.MembershipsSheet + "/2": "G (Trạng thái)"})
	if ms := e.memberships(hyh.Name, `state = PENDING`); len(ms) != 1 {
		t.Fatalf("the conflict was applied: %v", ms)
	}
}

func (e *env) personByNationalID(nid string) string {
	e.t.Helper()
	list, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `national_id = "` + nid + `"`})
	if err != nil || len(list.People) != 1 {
		e.t.Fatalf("the person with national ID %s: %v %v", nid, list, err)
	}
	return list.People[0].Name
}

// The report marks the problems of every sheet: each gets its errors
// column after its last header and its bad cells filled red.
func TestImportReportMarksEverySheet(t *testing.T) {
	e := newEnv(t)
	_, hyh := e.associations()
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet, transfer.PositionsSheet, transfer.HonorsSheet,
		transfer.MembershipsSheet, transfer.WorksSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader,
			{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", ""},
			{"Trần", "", "Bình", "Nam", "31/02/1980", "", "", ""}}, // E3
		transfer.QualificationsSheet: {{"Mã hồ sơ", "Số CCCD", "Loại", "Năm"},
			{"", "001080000001", "Bằng cấp", 1970}, // D2: before the birth
			{"", "001080000001", "Bằng cấp", 2002}},
		transfer.PositionsSheet: {{"Số CCCD", "Chức vụ", "Từ ngày"}, {"001080000001", "Chuyên viên", "32/13/2005"}}, // C2
		transfer.HonorsSheet:    {{"Số CCCD", "Danh hiệu", "Loại"}, {"001080000001", "Bằng khen", "không có"}},      // C2
		transfer.MembershipsSheet: {membershipHeader,
			{"", "001080000001", "", "", "", hyh.Name, "Tạm đình chỉ", "", "2025-01"}}, // H2: no reason
		transfer.WorksSheet: {{"Số CCCD", "Loại", "Tên công trình", "DOI"},
			{"001080000001", "Sáng kiến", "Tưới", "10.1000/x"}}, // D2: a DOI on an initiative
	}
	name := e.importAs(e.token, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}})
	f := e.reportOf(e.token, name)
	for _, c := range []struct {
		sheet, errCol, bad, good, says string
	}{
		{transfer.PeopleSheet, "I", "E3", "E2", "Ngày sinh"},
		{transfer.QualificationsSheet, "E", "D2", "D3", "D (Năm)"},
		{transfer.PositionsSheet, "D", "C2", "B2", "C (Từ ngày)"},
		{transfer.HonorsSheet, "D", "C2", "B2", "C (Loại)"},
		{transfer.MembershipsSheet, "L", "H2", "G2", "H (Lý do)"},
		{transfer.WorksSheet, "E", "D2", "C2", "D (DOI)"},
	} {
		row := c.bad[1:]
		header, _ := f.GetCellValue(c.sheet, c.errCol+"1")
		msg, _ := f.GetCellValue(c.sheet, c.errCol+row)
		if header != transfer.ErrorsHeader || !strings.Contains(msg, c.says) {
			t.Errorf("%s: errors column %s holds %q, %q; want %q and a message about %s", c.sheet, c.errCol, header, msg, transfer.ErrorsHeader, c.says)
		}
		red := func(cell string) bool {
			id, _ := f.GetCellStyle(c.sheet, cell)
			st, _ := f.GetStyle(id)
			return st != nil && len(st.Fill.Color) > 0
		}
		if !red(c.bad) || red(c.good) {
			t.Errorf("%s: %s marked %v, %s marked %v", c.sheet, c.bad, red(c.bad), c.good, red(c.good))
		}
	}
}

// sheetLists is the drop-down values of a sheet's columns, by header.
func sheetLists(t *testing.T, f *excelize.File, sheet string) map[string][]string {
	t.Helper()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, dv := range dvs {
		ref := strings.TrimPrefix(dv.Formula1, "'"+transfer.ListsSheet+"'!")
		col, _, _ := strings.Cut(dv.Sqref, ":")
		header, _ := f.GetCellValue(sheet, strings.TrimRight(col, "0123456789")+"1")
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

// The template's memberships sheet offers the associations (a limited key
// only those of its scope) and the importable states; its works sheet the
// kinds, roles and levels; filled in from the lists, it imports.
func TestImportTemplateMembershipsAndWorks(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	template := func(tok string) *excelize.File {
		tmpl, err := e.clientAs(tok).Transfer.GetImportTemplate(context.Background(), &pb.GetImportTemplateRequest{})
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(tmpl.Data))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		return x
	}
	x := template(e.token)
	header, _ := x.GetRows(transfer.MembershipsSheet)
	if len(header) != 1 || !strings.HasPrefix(strings.Join(header[0], "|"), "Mã hồ sơ|Số CCCD|Họ|Tên đệm|Tên") {
		t.Errorf("memberships sheet %q", header)
	}
	lists := sheetLists(t, x, transfer.MembershipsSheet)
	if got := strings.Join(lists["Trạng thái"], "|"); got != "Chờ duyệt|Đang sinh hoạt|Tạm đình chỉ" {
		t.Errorf("states %q", got)
	}
	if got := strings.Join(lists["Hội"], "|"); !strings.Contains(got, f.hyh.Name+" - ") || !strings.Contains(got, f.kt.Name+" - ") {
		t.Errorf("associations %q", got)
	}
	works := sheetLists(t, x, transfer.WorksSheet)
	if len(works["Loại"]) != 4 || len(works["Vai trò"]) != 2 || len(works["Cấp"]) != 4 || len(works["Lĩnh vực"]) == 0 {
		t.Errorf("works lists %v", works)
	}
	scoped := sheetLists(t, template(f.medicalTok), transfer.MembershipsSheet)["Hội"]
	if len(scoped) != 1 || !strings.HasPrefix(scoped[0], f.hyh.Name+" - ") {
		t.Errorf("a limited key's template offers %q", scoped)
	}

	// Filled in from the lists.
	row := []any{"", "091090000555", "Danh", "", "Sóc", "Nữ", "1990", "", "", lists["Hội"][0], lists["Trạng thái"][1], "", "2025-01"}
	if err := x.SetSheetRow(transfer.MembershipsSheet, "A2", &row); err != nil {
		t.Fatal(err)
	}
	wrow := []any{"", "091090000555", works["Loại"][0], "Bài báo", 2020, works["Vai trò"][0], "", "10.1000/x1", "", "", works["Lĩnh vực"][0]}
	if err := x.SetSheetRow(transfer.WorksSheet, "A2", &wrow); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if _, err := x.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: filled.Bytes()}})
	if st != nil || resp.Created != 2 {
		t.Fatalf("import of the filled template: %v %v", st, resp)
	}
	if ms := e.memberships("associations/-", `state = ACTIVE`); len(ms) != 1 {
		t.Errorf("active memberships %v", ms)
	}
}

// A problem of a field the file has no column for names the field.
func TestImportProblemWithoutColumnNamesField(t *testing.T) {
	e := newEnv(t)
	_, hyh := e.associations()
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {
		{"Số CCCD", "Hội", "Văn bản đồng ý"}, {"091090000321", hyh.Name, "2025-01"}}})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
	if st == nil || len(resp.Problems) == 0 || !strings.HasPrefix(resp.Problems[0].Message, "membership.new_person.given_name: ") {
		t.Fatalf("%v %v", st, resp)
	}
}
