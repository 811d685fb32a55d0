package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import that finds more problems than it lists says so: how many it
// found, and every one counted by sheet, column and kind, most first, with
// the first row and message of each, so that a mistake made down a whole
// column is seen as one. An import that lists them all has no counts.
func TestImportCountsTheProblemsItDoesNotList(t *testing.T) {
	e := newEnv(t)
	const n = maxProblems/2 + 500 // two problems a row: more than listed
	var b strings.Builder
	b.WriteString("Họ;Tên;Ngày sinh;Email;Số CCCD\n")
	for i := range n {
		fmt.Fprintf(&b, "Nguyễn;An;31/02/1980;an%d@;0010800%05d\n", i, i)
	}
	b.WriteString("Trần;Bình;15/03/1980;binh@example.vn;\n")
	resp, st := e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true,
		File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}})
	if st == nil || st.Code() != codes.InvalidArgument || resp.Refused != n {
		t.Fatalf("import: %v, refused %d", st, resp.GetRefused())
	}
	if len(resp.Problems) != maxProblems || resp.ProblemsFound != 2*n {
		t.Errorf("%d problems listed of %d found; want %d of %d", len(resp.Problems), resp.ProblemsFound, maxProblems, 2*n)
	}
	if len(resp.ProblemCounts) != 2 {
		t.Fatalf("counts %v, want one for each column", resp.ProblemCounts)
	}
	for i, want := range []struct{ column, message string }{
		{"C (Ngày sinh)", `"31/02/1980" is not a date`},
		{"D (Email)", "must be a valid email address"},
	} {
		c := resp.ProblemCounts[i]
		if c.Column != want.column || c.Count != n || c.Kind != pb.ImportProblem_ERROR || c.FirstRow != 2 || !strings.Contains(c.FirstMessage, want.message) {
			t.Errorf("count %d: %v, want %d of %s from row 2 saying %q", i, c, n, want.column, want.message)
		}
	}

	// The report marks the problems listed, and says under its errors
	// header that there are more, and how many in each column.
	rows := [][]any{peopleHeader}
	for i := range n {
		rows = append(rows, []any{"Nguyễn", "", "An", "Nam", "31/02/1980", "", "", fmt.Sprintf("an%d@", i)})
	}
	upload := func(file *httpbody.HttpBody) string {
		op, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{ValidateOnly: true, File: file})
		if err != nil {
			t.Fatal(err)
		}
		return e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op).Name
	}
	name := upload(&httpbody.HttpBody{Data: workbook(t, rows...)})
	for _, f := range []*excelize.File{e.reportOf(e.token, name), e.reportOf(e.token, upload(&httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}))} {
		sheet := f.GetSheetName(0)
		cols, _ := f.GetCols(sheet)
		header := ""
		if len(cols) > 0 {
			header = cols[len(cols)-1][0]
		}
		for _, want := range []string{"Lỗi\n", fmt.Sprintf("Chỉ đánh dấu %d vấn đề đầu tiên trong %d vấn đề của tệp", maxProblems, 2*n),
			fmt.Sprintf("(Ngày sinh): %d (", n), "không phải là một địa chỉ email"} {
			if !strings.Contains(header, want) {
				t.Errorf("%s: the errors header %q lacks %q", sheet, header, want)
			}
		}
	}
	// Its errors column is not read again as a column of the file.
	data := e.reportOf(e.token, name)
	var buf bytes.Buffer
	if _, err := data.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	again, st := e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: buf.Bytes()}})
	if st == nil || again.ProblemsFound != 2*n {
		t.Errorf("the report imported again: %v, %d problems", st, again.ProblemsFound)
	}

	small := "Họ;Tên;Ngày sinh\nNguyễn;An;31/02/1980\n"
	resp, _ = e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(small)}})
	if resp.ProblemsFound != 1 || len(resp.Problems) != 1 || len(resp.ProblemCounts) != 0 {
		t.Errorf("an import listing its every problem: found %d, listed %d, counts %v", resp.ProblemsFound, len(resp.Problems), resp.ProblemCounts)
	}
}

// The counts of an import's problems quote a cell as its problems do:
// once the person a count's first message quotes is restricted, its
// caller reads the counts without their messages.
func TestImportCountsWithheldWithTheProblems(t *testing.T) {
	f := newPrivacyFixture(t)
	rows := [][]any{peopleHeader, {"Lâm", "Quốc", "Bảo", "Nam", "", "", bao().NationalId, "khac@example.vn"}}
	for i := range maxProblems / 2 {
		rows = append(rows, []any{"Trần", "", "An", "Nam", "32/01/1980", "", "", fmt.Sprintf("an%d@", i)})
	}
	op, err := f.registrar.UploadImport(f.ctx, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, rows...)}})
	if err != nil {
		t.Fatal(err)
	}
	ops := longrunningpb.NewOperationsClient(f.registrar.Conn())
	op = f.e.wait(ops, op)
	if !strings.Contains(fmt.Sprint(op.GetError().GetDetails()), "bao.lam@example.vn") {
		t.Fatalf("the import does not quote the registered email: %v", op.GetError())
	}
	f.restrict(t)
	op, err = ops.GetOperation(f.ctx, &longrunningpb.GetOperationRequest{Name: op.Name})
	if err != nil {
		t.Fatal(err)
	}
	resp := &pb.ImportPeopleResponse{}
	for _, d := range op.GetError().GetDetails() {
		if d.MessageIs(resp) {
			d.UnmarshalTo(resp)
		}
	}
	if s := fmt.Sprint(resp); strings.Contains(s, "bao.lam@example.vn") || len(resp.ProblemCounts) == 0 || resp.ProblemsFound != maxProblems+1 {
		t.Errorf("the import read once Bảo is restricted: %s", s)
	}
}
