package server

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A registrar limited to an association exports its members with their
// names, by ExportPeople's filter on memberships. The person whom its
// registration linked by national ID, unconfirmed, is a PENDING member of
// the association, but outside its scope: neither the export nor
// ListPeople's list and total_size hold them, as ListMemberships names
// them to no such key.
func TestExportAssociationMembers(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: f.outsiderNationlID}}})
	if err != nil || reg.Membership.Person != "" {
		t.Fatalf("the unconfirmed link: %v, %v", reg, err)
	}
	active := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
		NewPerson: &pb.Person{FamilyName: "Phạm", MiddleName: "Thị", GivenName: "Hoa"}}})
	if _, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: active.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
		NewPerson: &pb.Person{FamilyName: "Đỗ", GivenName: "Khang"}}})
	// Hoa is a member of the economists' association too, which is not
	// the key's.
	e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: active.Membership.Person}})

	members := `memberships.association = "` + f.hyh.Name + `"`
	activeMembers := members + ` AND memberships.state = ACTIVE`

	// A registrar without a limit finds all three members, the outsider
	// among them: the filter does match them.
	all, err := e.client.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: members, PageSize: 1})
	if err != nil || all.TotalSize != 3 {
		t.Fatalf("the members, for a registrar without a limit: %v, %v; want 3", all.GetTotalSize(), err)
	}

	csv := string(e.export(f.medicalTok, &pb.ExportPeopleRequest{Filter: activeMembers}))
	if !strings.Contains(csv, "Phạm,Thị,Hoa") || strings.Contains(csv, "Khang") {
		t.Errorf("the active members' export holds the wrong people:\n%s", csv)
	}
	if lines := strings.Count(strings.TrimSpace(csv), "\n"); lines != 1 {
		t.Errorf("the active members' export has %d rows, want 1:\n%s", lines, csv)
	}
	csv = string(e.export(f.medicalTok, &pb.ExportPeopleRequest{Filter: members, Columns: []string{"name", "family_name", "given_name", "national_id"}}))
	if !strings.Contains(csv, "Phạm,Hoa") || !strings.Contains(csv, "Đỗ,Khang") || strings.Count(strings.TrimSpace(csv), "\n") != 2 {
		t.Errorf("the members' export:\n%s", csv)
	}
	f.noLeak(t, "ExportPeople", csv)
	if strings.Contains(csv, f.outsiderNationlID) {
		t.Errorf("the export holds the national ID of the person outside the scope:\n%s", csv)
	}

	for _, filter := range []string{members, members + ` AND memberships.state = PENDING`, `memberships.state = PENDING`} {
		resp, err := f.medical.People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: filter, PageSize: 100})
		if err != nil {
			t.Fatalf("%s: %v", filter, err)
		}
		f.noLeak(t, "ListPeople "+filter, resp)
		if int(resp.TotalSize) != len(resp.People) {
			t.Errorf("%s: total_size %d counts people the list does not hold (%d)", filter, resp.TotalSize, len(resp.People))
		}
		for _, p := range resp.People {
			if p.Name == f.outsider.Name {
				t.Errorf("%s: lists the person outside the scope", filter)
			}
		}
	}
	// The same over REST, as the console's link and the command line ask.
	code, body := e.restAs(f.medicalTok, "GET", "/v1/people?filter="+strings.ReplaceAll(members, " ", "%20"), nil)
	if code != 200 || body["totalSize"] != float64(2) {
		t.Errorf("REST ListPeople by membership: %d %v; want 2", code, body)
	}
	f.noLeak(t, "REST ListPeople", body)

	// A role that reads basic views only may not filter on memberships,
	// which only the FULL view shows (redact.go, fullViewOnly).
	_, svc := e.key(RoleService)
	_, err = e.clientAs(svc).People.ListPeople(f.ctx, &pb.ListPeopleRequest{Filter: activeMembers})
	wantCode(t, err, codes.PermissionDenied)

	// The workbook in the template's shape carries the members'
	// memberships of the key's associations only, so that it imports back
	// by the key (a limited key's import names only those).
	book, err := excelize.OpenReader(bytes.NewReader(e.export(f.medicalTok, &pb.ExportPeopleRequest{Filter: activeMembers, Format: pb.SpreadsheetFormat_XLSX})))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows(transfer.MembershipsSheet)
	if err != nil || len(rows) != 2 || !strings.Contains(strings.Join(rows[1], ","), f.hyh.Name) {
		t.Errorf("the sheet %s: %q, %v; want Hoa's membership of %s alone", transfer.MembershipsSheet, rows, err, f.hyh.Name)
	}
}
