package server

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// The desk's workbook of withdrawn or rejected registrations (as the
// console asks for it: people and memberships filtered on the
// association and the state) lists them on its memberships sheet, and
// imports back changing nothing, all or nothing too: each such row is
// the registration it names, left as it is, with a warning. A row of an
// ended state the registry does not hold is refused as before.
func TestExportOfEndedRegistrationsReimportsUnchanged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	reg := func(given string) *pb.RegisterMemberResponse {
		return e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
			NewPerson: &pb.Person{FamilyName: "Lê", GivenName: given}}})
	}
	withdrawn, rejected := reg("Mai"), reg("Lan")
	reg("Hương") // pending
	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: withdrawn.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: rejected.Membership.Name, Reason: "Hồ sơ thiếu"}); err != nil {
		t.Fatal(err)
	}
	before := e.memberships("associations/-", "")

	for _, c := range []struct {
		state, word, given string
	}{{"WITHDRAWN", "Đã rút", "Mai"}, {"REJECTED", "Bị từ chối", "Lan"}} {
		t.Run(c.state, func(t *testing.T) {
			xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX,
				Filter:           fmt.Sprintf("memberships.association = %q AND memberships.state = %s", hyh.Name, c.state),
				MembershipFilter: fmt.Sprintf("association = %q AND state = %s", hyh.Name, c.state)})
			f, err := excelize.OpenReader(bytes.NewReader(xlsx))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(transfer.MembershipsSheet)
			f.Close()
			if len(rows) != 2 || !slices.Contains(rows[1], c.word) || !slices.Contains(rows[1], c.given) {
				t.Fatalf("the memberships sheet: %q, want the %s registration of %s", rows, c.word, c.given)
			}
			resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
			if st != nil || !resp.Applied || resp.Created+resp.Updated+resp.Refused != 0 {
				t.Fatalf("re-importing the list: %v %v", st, resp)
			}
			said := saidAt(resp)[transfer.MembershipsSheet+"/2"]
			if !strings.Contains(said, "has ended ("+c.state+")") || !strings.Contains(said, "đã kết thúc ("+c.word+")") ||
				len(resp.Problems) != 1 || resp.Problems[0].Kind != pb.ImportProblem_WARNING {
				t.Errorf("re-importing the list said: %v", resp.Problems)
			}
			after := e.memberships("associations/-", "")
			if len(after) != len(before) {
				t.Fatalf("%d memberships, were %d", len(after), len(before))
			}
			for i := range after {
				if after[i].Name != before[i].Name || after[i].State != before[i].State || after[i].Etag != before[i].Etag {
					t.Errorf("changed: %v, was %v", after[i], before[i])
				}
			}
		})
	}

	// Withdrawn, of a person whose registration is pending: no such
	// registration, refused naming the cell.
	pending := e.memberships("associations/-", "state = PENDING")[0]
	rows := map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{pending.Person, "", "", "", "", hyh.Name, "Đã rút", "", "2025-01"}}}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, []string{transfer.MembershipsSheet}, rows)}, SkipInvalid: true})
	if st != nil || resp.Refused != 1 || !strings.Contains(saidAt(resp)[transfer.MembershipsSheet+"/2"], "a membership that has ended is not imported") {
		t.Errorf("a withdrawal the registry does not hold: %v %v", st, resp)
	}
}
