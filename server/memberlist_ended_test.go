package server

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The member list of an ended state (the desk's withdrawn or rejected
// registrations) is that state's memberships sheet: a row per
// registration its membership_filter chooses by state, one rejected twice
// two rows; a filter that does not name the state keeps the list to the
// memberships that have not ended, as before. A key limited to the
// association lists those of the people in its scope alone.
func TestMemberListOfEndedRegistrations(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	reject := func(m string) {
		t.Helper()
		if _, err := e.client.Memberships.RejectMembership(f.ctx, &pb.RejectMembershipRequest{Name: m, Reason: "Thiếu hồ sơ"}); err != nil {
			t.Fatal(err)
		}
	}
	twice := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Phạm", GivenName: "Hai"}}})
	reject(twice.Membership.Name)
	reject(e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: twice.Membership.Person}}).Membership.Name)
	// Back, and pending: in the limited key's scope again.
	back := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lý", GivenName: "Lại"}}})
	reject(back.Membership.Name)
	e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: back.Membership.Person}})

	list := func(token, membershipFilter string) [][]string {
		t.Helper()
		b := e.export(token, &pb.ExportPeopleRequest{Sheet: pb.ExportPeopleRequest_MEMBERSHIPS,
			Filter:           `memberships.association = "` + f.hyh.Name + `" AND memberships.state = REJECTED`,
			MembershipFilter: membershipFilter})
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(rows) == 0 || !strings.Contains(strings.Join(rows[0], ","), "Số hội viên") {
			t.Fatalf("the member list is not the memberships sheet: %q %v", rows, err)
		}
		return rows[1:]
	}
	rejected := `association = "` + f.hyh.Name + `" AND state = REJECTED`
	count := func(rows [][]string, name string) int {
		n := 0
		for _, r := range rows {
			if strings.Contains(strings.Join(r, ","), name) {
				n++
				if !strings.Contains(strings.Join(r, ","), "Bị từ chối") {
					t.Errorf("the row of %s does not say it was rejected: %q", name, r)
				}
			}
		}
		return n
	}
	rows := list(e.token, rejected)
	if len(rows) != 3 || count(rows, "Hai") != 2 || count(rows, "Lại") != 1 {
		t.Errorf("the rejected registrations, for a registrar without a limit: %q; want Hai's two and Lại's", rows)
	}
	rows = list(f.medicalTok, rejected)
	if len(rows) != 1 || count(rows, "Lại") != 1 {
		t.Errorf("the rejected registrations, for the limited key: %q; want Lại's alone", rows)
	}
	// Without a state, ended ones are left out, as ever.
	if rows := list(e.token, `association = "`+f.hyh.Name+`"`); len(rows) != 1 || strings.Contains(strings.Join(rows[0], ","), "Bị từ chối") {
		t.Errorf("the member list without a state: %q; want Lại's pending registration alone", rows)
	}
}
