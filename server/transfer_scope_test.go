package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// importAs imports file with token over gRPC: the call's error, or the
// operation's outcome.
func (e *env) importScoped(token string, req *pb.ImportPeopleRequest) (*pb.ImportPeopleResponse, *status.Status, error) {
	e.t.Helper()
	conn := e.clientAs(token).Conn()
	op, err := pb.NewTransferServiceClient(conn).ImportPeople(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	op = e.wait(longrunningpb.NewOperationsClient(conn), op)
	resp := &pb.ImportPeopleResponse{}
	if st := op.GetError(); st != nil {
		s := status.FromProto(st)
		for _, d := range s.Details() {
			if r, ok := d.(*pb.ImportPeopleResponse); ok {
				resp = r
			}
		}
		return resp, s, nil
	}
	if err := op.GetResponse().UnmarshalTo(resp); err != nil {
		e.t.Fatal(err)
	}
	return resp, nil, nil
}

// A registrar key limited to an association imports memberships of its
// scope only: new people's rows, records of someone outside it (its own
// people's are skipped: TestScopedKeyReimportsItsExport), memberships of
// another association or
// of someone outside its scope by Mã hồ sơ refuse the whole workbook, by
// sheet, row and column; new people and people in its scope are
// registered, and a registered person outside it named by national ID is
// linked as RegisterMember links them, without coming into its scope.
func TestImportScopedToAnAssociation(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	sub := e.association("hoi-dieu-duong", &pb.Association{DisplayName: "Chi hội Điều dưỡng", Code: "HDD", Parent: f.hyh.Name})
	inScope := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
		NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Thu", NationalId: "091085000111"}}}).Person
	good := [][]any{membershipHeader,
		{"", "091090000900", "Danh", "Sóc", "1990", f.hyh.Name, "Chờ duyệt", "", "2025-01"},                            // 2: a new person
		{inScope.Name, "", "", "", "", sub.Name, "Đang sinh hoạt", "", "2025-01"},                                      // 3: in scope, an association under it
		{"", f.outsiderNationlID, "", "", "", f.hyh.Name, "Chờ duyệt", "", "2025-01"},                                  // 4: outside, by national ID: linked
		{"", f.outsiderNationlID, "", "", "", sub.Name, "Đang sinh hoạt", "", "2025-01"},                               // 5: linked, not approved by this key
		{"", "091079000999", "Lâm", "Bảo", "1990", f.hyh.Name, "Chờ duyệt", "", "2025-01", "bao.lam@example.vn", "Có"}, // 6: resembles the outsider
	}
	for _, c := range []struct {
		name  string
		file  []byte
		where []string
	}{
		{"people rows", sheets(t, []string{transfer.PeopleSheet, transfer.MembershipsSheet}, map[string][][]any{
			transfer.PeopleSheet:      {peopleHeader, {"Nguyễn", "", "An", "Nam", "1980", "", "001080000001", ""}},
			transfer.MembershipsSheet: good[:2]}),
			[]string{`sheet "Người", row 2`}},
		{"records", sheets(t, []string{transfer.MembershipsSheet, transfer.WorksSheet}, map[string][][]any{
			transfer.MembershipsSheet: good[:2],
			transfer.WorksSheet:       {{"Mã hồ sơ", "Loại", "Tên công trình"}, {}, {f.outsider.Name, "Sáng kiến", "X"}}}),
			[]string{`sheet "Công trình", row 3`}},
		{"another association and someone outside", sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{
			transfer.MembershipsSheet: {membershipHeader,
				{"", "091090000901", "Lê", "An", "1990", f.kt.Name, "", "", "2025-01"},
				{f.outsider.Name, "", "", "", "", f.hyh.Name, "", "", "2025-01"},
				{"", "091090000902", "Lê", "Bé", "1990", f.union.Name, "", "", "2025-01"}}}),
			[]string{`sheet "Hội viên", row 2, column F (Hội)`, `sheet "Hội viên", row 3, column A (Mã hồ sơ)`, `sheet "Hội viên", row 4, column F (Hội)`}},
		{"a CSV file of people", []byte("Họ;Tên\nNguyễn;An\n"), []string{"row 2"}},
	} {
		for _, mode := range []*pb.ImportPeopleRequest{{}, {SkipInvalid: true}, {ValidateOnly: true}} {
			mode.File = &httpbody.HttpBody{Data: c.file}
			_, _, err := e.importScoped(f.medicalTok, mode)
			wantCode(t, err, codes.PermissionDenied)
			for _, w := range c.where {
				if !strings.Contains(status.Convert(err).Message(), w) {
					t.Errorf("%s: %q does not name %s", c.name, status.Convert(err).Message(), w)
				}
			}
		}
		// Over REST the upload is refused the same way.
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import?skipInvalid=true", bytes.NewReader(c.file))
		req.Header.Set("Authorization", "Bearer "+f.medicalTok)
		req.Header.Set("Content-Type", transfer.ContentTypeXLSX)
		if c.file[0] != 'P' {
			req.Header.Set("Content-Type", transfer.ContentTypeCSV)
		}
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), strings.ReplaceAll(c.where[0], `"`, `\"`)) {
			t.Errorf("%s over REST: %d %s", c.name, res.StatusCode, body)
		}
	}
	if n := e.count(); n != 2 {
		t.Fatalf("refused imports changed the people: %d", n)
	}

	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: good})
	resp, st, err := e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true, SkipInvalid: true})
	if err != nil || st != nil || resp.Created != 4 || resp.Refused != 1 || e.count() != 2 {
		t.Fatalf("dry run: %v %v %v", err, st, resp)
	}
	dup := problemsBySheet(resp, pb.ImportProblem_POSSIBLE_DUPLICATE)[transfer.MembershipsSheet+"/6"]
	if !strings.Contains(dup, "1 registered people outside "+f.hyh.Name) {
		t.Errorf("the look-alike outside the scope: %q", dup)
	}
	f.noLeak(t, "a limited import's problems", resp)
	if p := problemsBySheet(resp, pb.ImportProblem_ERROR)[transfer.MembershipsSheet+"/5"]; !strings.Contains(p, "G (Trạng thái)") || !strings.Contains(p, "not limited") {
		t.Errorf("the approval of a linked person: %q", p)
	}
	resp, st, err = e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
	if err != nil || st == nil || st.Code() != codes.InvalidArgument || e.count() != 2 {
		t.Fatalf("all or nothing: %v %v %v", err, st, resp)
	}

	// Over REST, skip invalid: four memberships, and the outsider stays
	// outside the scope.
	req, _ := http.NewRequest("POST", e.base+"/v1/people:import?skipInvalid=true", bytes.NewReader(file))
	req.Header.Set("Authorization", "Bearer "+f.medicalTok)
	req.Header.Set("Content-Type", transfer.ContentTypeXLSX)
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var op map[string]any
	json.NewDecoder(res.Body).Decode(&op)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("REST import: %d %v", res.StatusCode, op)
	}
	for op["done"] != true {
		time.Sleep(20 * time.Millisecond)
		code, body := e.restAs(f.medicalTok, "GET", "/v1/"+op["name"].(string), nil)
		if code != 200 {
			t.Fatalf("GET operation: %d %v", code, body)
		}
		op = body
	}
	if r, _ := op["response"].(map[string]any); r["created"] != "4" || r["refused"] != "1" {
		t.Fatalf("REST import: %v", op)
	}
	newcomer := e.personByNationalID("091090000900")
	for _, who := range []string{newcomer, inScope.Name} {
		if _, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: who}); err != nil {
			t.Errorf("%s is not in the scope after the import: %v", who, err)
		}
	}
	if ms := e.memberships(sub.Name, `state = ACTIVE`); len(ms) != 1 || ms[0].Person != inScope.Name {
		t.Errorf("memberships of %s: %v", sub.Name, ms)
	}
	if ms := e.memberships(f.hyh.Name, `person = "`+f.outsider.Name+`"`); len(ms) != 1 || ms[0].State != pb.Membership_PENDING {
		t.Errorf("the outsider's link: %v", ms)
	}
	f.outOfReach(t, "after a limited import")

	// The same file again changes nothing.
	resp, st, err = e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, SkipInvalid: true})
	if err != nil || st != nil || resp.Created != 0 || resp.Unchanged != 4 {
		t.Fatalf("second import: %v %v %v", err, st, resp)
	}
}

// A workbook without a people sheet whose first sheet bears the name of the
// template's instructions or lists is read as people by the import, so the
// scope check reads it too: a limited key may not update or create people
// through it, nor learn anything of them from a dry run.
func TestImportScopedFirstSheetNamedAsTemplates(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	for _, name := range []string{transfer.InstructionsSheet, transfer.ListsSheet} {
		for _, row := range [][]any{{f.outsider.Name, "Trinh", "0988888888"}, {"", "Trinh", "0988888888"}} {
			file := sheets(t, []string{name, transfer.MembershipsSheet}, map[string][][]any{
				name: {{"Mã hồ sơ", "Tên", "Điện thoại"}, row}})
			for _, mode := range []*pb.ImportPeopleRequest{{Overwrite: true}, {ValidateOnly: true, Overwrite: true}} {
				mode.File = &httpbody.HttpBody{Data: file}
				resp, st, err := e.importScoped(f.medicalTok, mode)
				if err == nil {
					t.Fatalf("sheet %q, row %v: imported: %v %v", name, row, st, resp)
				}
				wantCode(t, err, codes.PermissionDenied)
				if msg := status.Convert(err).Message(); !strings.Contains(msg, `sheet "`+name+`", row 2`) {
					t.Errorf("the refusal does not name the sheet and row: %q", msg)
				}
			}
		}
	}
	if n := e.count(); n != 1 {
		t.Errorf("refused imports changed the people: %d", n)
	}
	f.outOfReach(t, "after a refused import")
}

// A membership row that names, by national ID, someone outside a limited
// key's scope who already holds a membership of the association that has
// not ended is told so, and nothing of which membership it is nor of its
// state, whatever state the file gives: the key is shown that membership
// without its person, and naming it, or comparing states with it, would
// tie the national ID to it. A registrar without a limit is told which.
func TestImportScopedHiddenMembershipNamesNone(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: f.outsiderNationlID}}})
	if err != nil || reg.Membership.Person != "" {
		t.Fatalf("the link: %v %v", reg, err)
	}
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{"", f.outsiderNationlID, "", "", "", f.hyh.Name, "Đang sinh hoạt", "", "2025-01"},
		{"", f.outsiderNationlID, "", "", "", f.hyh.Name, "Chờ duyệt", "", "2025-01"}}})
	id := strings.TrimPrefix(reg.Membership.Name, f.hyh.Name+"/memberships/")
	for _, mode := range []*pb.ImportPeopleRequest{{ValidateOnly: true, SkipInvalid: true}, {}} {
		mode.File = &httpbody.HttpBody{Data: file}
		resp, st, err := e.importScoped(f.medicalTok, mode)
		if err != nil || st != nil || resp.Unchanged != 2 || resp.Refused != 0 {
			t.Fatalf("import: %v %v %v", err, st, resp)
		}
		f.noLeak(t, "the import of a hidden membership", resp)
		got := problemsBySheet(resp, pb.ImportProblem_CONFLICT)
		for _, row := range []string{"/2", "/3"} {
			p := got[transfer.MembershipsSheet+row]
			if !strings.Contains(p, "G (Trạng thái)") || !strings.Contains(p, "already has a membership of "+f.hyh.Name+" that has not ended") {
				t.Errorf("row %s: %q", row, p)
			}
			if strings.Contains(p, id) || strings.Contains(p, " is PENDING") {
				t.Errorf("row %s names the membership whose person the key is not shown, or its state: %q", row, p)
			}
		}
		for _, p := range resp.Problems {
			if vi := vimsg.Problem(p); vi == p.Message {
				t.Errorf("not said in Vietnamese: %q", p.Message)
			}
		}
	}
	// A registrar without a limit is told which, and its state.
	_, tok, err := e.db.CreateScopedKey(f.ctx, "Sở Nội vụ", RoleRegistrar, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	resp, st, err := e.importScoped(tok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if err != nil || st != nil || resp.Unchanged != 2 {
		t.Fatalf("import without a limit: %v %v %v", err, st, resp)
	}
	wantProblems(t, resp, pb.ImportProblem_CONFLICT, map[string]string{
		transfer.MembershipsSheet + "/2": reg.Membership.Name + " is PENDING; the file has ACTIVE"})
}
