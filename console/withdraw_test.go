package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Withdrawing a member cannot be undone: the form has a box to tick, and
// a form sent without it withdraws nobody, marks the box and keeps the
// reason typed; a refused action's message stands by its own box; the reason
// boxes of the membership's forms have labels, not only a placeholder
// that a screen reader may skip and that goes once typed in. Before, one
// click on "Rút khỏi hội" withdrew the member.
func TestWithdrawAsksToConfirm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Võ", GivenName: "Lan"}},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	m := reg.GetMembership()
	path := "/members/hoi-y-hoc/" + m.GetName()[strings.LastIndex(m.GetName(), "/")+1:]
	b := e.signIn(e.account("registrar", ""))
	_, page := b.get(path)
	reasons := strings.Count(page, `name="reason"`)
	labelled := len(regexp.MustCompile(`<label>[^<]+<input type="text" name="reason"`).FindAllString(page, -1))
	if reasons != 2 || labelled != reasons {
		t.Errorf("a pending membership's page: %d reason boxes, %d of them labelled; want 2, both", reasons, labelled)
	}
	if !strings.Contains(page, `name="confirm"`) {
		t.Error("the withdrawal form has no box to confirm")
	}
	state := func() pb.Membership_State {
		t.Helper()
		got, err := e.admin.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: m.GetName()})
		if err != nil {
			t.Fatal(err)
		}
		return got.GetState()
	}
	code, body := b.post(path+"/withdraw", url.Values{"csrf": {csrfOf(page)}, "etag": {m.GetEtag()}, "reason": {"Chuyển công tác"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Tôi xác nhận rút khỏi hội") || state() != pb.Membership_PENDING {
		t.Errorf("withdrawing without the box: HTTP %d, state %v; want 422 naming the box, nothing changed", code, state())
	}
	if fieldError(body, "withdraw-confirm") == "" || !strings.Contains(body, `value="Chuyển công tác"`) {
		t.Errorf("withdrawing without the box: the box is not marked, or the reason typed is lost")
	}
	// A rejection without its reason is marked by its own box, of the
	// page's reason boxes.
	code, body = b.post(path+"/reject", url.Values{"csrf": {csrfOf(page)}, "etag": {m.GetEtag()}, "reason": {""}})
	if code != http.StatusUnprocessableEntity || fieldError(body, "reject-reason") == "" || fieldError(body, "withdraw-reason") != "" || state() != pb.Membership_PENDING {
		t.Errorf("rejecting without a reason: HTTP %d, reject's box %q, withdraw's box %q", code, fieldError(body, "reject-reason"), fieldError(body, "withdraw-reason"))
	}
	code, _ = b.post(path+"/withdraw", url.Values{"csrf": {csrfOf(page)}, "etag": {m.GetEtag()}, "reason": {"Chuyển công tác"}, "confirm": {"on"}})
	if code != http.StatusSeeOther || state() != pb.Membership_WITHDRAWN {
		t.Errorf("withdrawing with the box ticked: HTTP %d, state %v", code, state())
	}
}
