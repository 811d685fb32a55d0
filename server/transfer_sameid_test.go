package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
	"trithuc.gov.vn/trithuc/vntext"
)

// Two rows of one file that give one national ID to people of other
// names or birth dates are a slip in one of them: the later row is
// refused naming the earlier, in the national ID's column, rather than
// matched to the person the earlier row added, where it would be lost as
// a conflict (or, with overwrite, rename them). A row that gives the ID
// to the same person, written otherwise, still matches.
func TestImportOneNationalIDTwoPeople(t *testing.T) {
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeCSV, Data: []byte(strings.Join([]string{
		"Họ;Tên đệm;Tên;Ngày sinh;Số CCCD",
		"Nguyễn;Văn;An;15/03/1980;089080000001",   // row 2
		"Nguyễn;Văn;Bình;17/09/1977;089080000001", // row 3: another person, the ID typed twice
		"NGUYEN;VAN;AN;1980;089080000001",         // row 4: row 2's person again
		"Trần;Thị;Cúc;;089185000002",              // row 5
		"Trần;Thị;Cúc;01/02/1985;089185000002",    // row 6: the same, with her birth date
	}, "\n") + "\n")}
	for _, tc := range []struct {
		name                 string
		skipInvalid, overwrt bool
	}{{"AllOrNothing", false, false}, {"SkipInvalid", true, false}, {"SkipInvalidOverwrite", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			resp, st := e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: tc.skipInvalid, Overwrite: tc.overwrt})
			problems := problemsAt(resp)
			if len(problems) != 1 || !strings.Contains(problems[3], "E (Số CCCD): ") || !strings.Contains(problems[3], "row 2") {
				t.Errorf("problems %q, want row 3's national ID refused naming row 2", problems)
			}
			for _, p := range resp.Problems {
				if vi := vimsg.Problem(p); p.Kind == pb.ImportProblem_ERROR && !strings.HasPrefix(vi, "Dòng 2 của tệp này") {
					t.Errorf("the report says %q", vi)
				}
			}
			if !tc.skipInvalid {
				if st.Code() != codes.InvalidArgument || e.count() != 0 {
					t.Errorf("%v, %d people: want INVALID_ARGUMENT and none", st.Err(), e.count())
				}
				return
			}
			if st != nil {
				t.Fatal(st.Err())
			}
			if resp.Created != 2 || resp.Refused != 1 {
				t.Errorf("created %d, refused %d; want 2 and 1", resp.Created, resp.Refused)
			}
			list, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `national_id = "089080000001"`})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.People) != 1 || vntext.Fold(list.People[0].GivenName) != "an" {
				t.Errorf("the ID's holder is %v, want An", list.People)
			}
		})
	}
}
