package server

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A membership is what its person holds in an association: its
// registration and every change of its state (approve, suspend, reinstate,
// withdraw, reject) is a revision of the person, with the fields as
// memberships[{membership}].{field} and the values before and after, read
// over gRPC and REST.
func TestMembershipChangesAreRevisions(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	m := f.membership.Name
	ms := f.registrar.Memberships
	if _, err := ms.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: m, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ms.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: m}); err != nil {
		t.Fatal(err)
	}
	if _, err := ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m}); err != nil {
		t.Fatal(err)
	}
	resp, err := f.registrar.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, r := range slices.Backward(resp.PersonRevisions) {
		if r.Resource != m {
			continue
		}
		if !slices.Contains(r.ChangedFields, "memberships["+m+"].state") {
			t.Errorf("%s changed %v: want the state among them", r.Method, r.ChangedFields)
		}
		after := r.After.GetPerson().GetMemberships()
		if len(after) != 1 || after[0].Name != m {
			t.Fatalf("%s: after holds %v, want the membership alone", r.Method, after)
		}
		from := "-"
		if b := r.Before.GetPerson().GetMemberships(); len(b) == 1 {
			from = b[0].State.String()
		} else if r.Before != nil {
			t.Errorf("%s: before holds %v", r.Method, r.Before)
		}
		method := r.Method[strings.LastIndex(r.Method, "/")+1:]
		states = append(states, method+" "+from+">"+after[0].State.String())
		if method == "ApproveMembership" && after[0].MemberNumber == "" {
			t.Errorf("the approval's revision has no member number: %v", r)
		}
		if method == "SuspendMembership" && after[0].StateReason != "chưa đóng hội phí" {
			t.Errorf("the suspension's revision has no reason: %v", r)
		}
	}
	want := []string{"RegisterMember ->PENDING", "ApproveMembership PENDING>ACTIVE", "SuspendMembership ACTIVE>SUSPENDED",
		"ReinstateMembership SUSPENDED>ACTIVE", "WithdrawMembership ACTIVE>WITHDRAWN"}
	if !slices.Equal(states, want) {
		t.Errorf("membership revisions:\n got %q\nwant %q", states, want)
	}

	// A rejection too, over REST this time.
	reg := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
		NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Mai", Gender: pb.Person_FEMALE}}})
	if code, body := e.restAs(f.registrarTok, "POST", "/v1/"+reg.Membership.Name+":reject", map[string]any{"reason": "hồ sơ thiếu"}); code != 200 {
		t.Fatalf("reject: %d %s", code, jsonText(body))
	}
	code, body := e.restAs(f.registrarTok, "GET", "/v1/"+reg.Person.Name+"/revisions", nil)
	if code != 200 || !strings.Contains(jsonText(body), `"memberships[`+reg.Membership.Name+`].state"`) ||
		!strings.Contains(jsonText(body), "REJECTED") {
		t.Errorf("REST revisions after a rejection: %d %s", code, jsonText(body))
	}
	// They are not the person's own fields: restoring one is refused.
	_, err = e.client.Privacy.RestorePersonRevision(ctx, &pb.RestorePersonRevisionRequest{Name: resp.PersonRevisions[0].Name, FieldMask: mask("memberships")})
	wantCode(t, err, codes.FailedPrecondition)
}
