package server

import (
	"fmt"
	"strings"
	"testing"

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

	small := "Họ;Tên;Ngày sinh\nNguyễn;An;31/02/1980\n"
	resp, _ = e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(small)}})
	if resp.ProblemsFound != 1 || len(resp.Problems) != 1 || len(resp.ProblemCounts) != 0 {
		t.Errorf("an import listing its every problem: found %d, listed %d, counts %v", resp.ProblemsFound, len(resp.Problems), resp.ProblemCounts)
	}
}
