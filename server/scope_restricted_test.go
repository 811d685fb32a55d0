package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// restrictByRequest restricts person as a completed RESTRICTION request of
// theirs does.
func restrictByRequest(t *testing.T, e *env, person string) {
	t.Helper()
	ctx := context.Background()
	req, err := e.client.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: person, Requester: "Người yêu cầu"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Privacy.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.Name,
		State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
		t.Fatal(err)
	}
}

// outOfScopeCall is a REST call of a limited key on what is outside its
// scope: path names the target, which sameRefusal varies.
type outOfScopeCall struct {
	name, method string
	path         func(target string) string
	body         any
}

// sameRefusal checks that a limited key gets the same scope refusal for
// each call on every target outside its scope (an ordinary one, a
// restricted one, one that does not exist), the target's own name aside
// (https://google.aip.dev/211): a restriction, or the absence, of someone
// outside the scope is not the key's to learn.
func sameRefusal(t *testing.T, e *env, token string, calls []outOfScopeCall, targets map[string]string) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			first, firstMsg := "", ""
			for what, target := range targets {
				code, body := e.restAs(token, c.method, c.path(target), c.body)
				msg, _ := body["message"].(string)
				if code != http.StatusForbidden || !strings.Contains(msg, "this key is limited to") {
					t.Errorf("%s %s: %d %q, want 403 and the scope refusal", what, target, code, msg)
					continue
				}
				msg = strings.ReplaceAll(msg, target, "TARGET")
				if first == "" {
					first, firstMsg = what, msg
				} else if msg != firstMsg {
					t.Errorf("the refusals differ:\n%s: %q\n%s: %q", first, firstMsg, what, msg)
				}
			}
		})
	}
}

var personOutOfScopeCalls = []outOfScopeCall{
	{"ErrGetPerson", "GET", func(p string) string { return "/v1/" + p + "?view=PERSON_VIEW_FULL" }, nil},
	{"ErrUpdatePerson", "PATCH", func(p string) string { return "/v1/" + p + "?updateMask=phone" }, map[string]any{"phone": "0900000000"}},
	{"ErrListQualifications", "GET", func(p string) string { return "/v1/" + p + "/qualifications" }, nil},
	{"ErrCreateQualification", "POST", func(p string) string { return "/v1/" + p + "/qualifications" },
		map[string]any{"kind": "DEGREE", "level": "THAC_SI", "year": 2010}},
	{"ErrListRevisions", "GET", func(p string) string { return "/v1/" + p + "/revisions" }, nil},
}

// A key limited to an association learns nothing of people outside it,
// not even that they are restricted.
func TestScopeRefusesRestrictedAsAnyOutsider(t *testing.T) {
	f := newScopeFixture(t)
	p := bao()
	p.GivenName, p.NationalId, p.Email = "Hạn", "091079000999", "han@example.vn"
	restricted := f.e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}})
	restrictByRequest(t, f.e, restricted.Person.Name)
	ordinary, err := f.e.client.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.kt.Name,
		Filter: `person = "` + f.outsider.Name + `"`})
	if err != nil || len(ordinary.Memberships) != 1 {
		t.Fatal(ordinary, err)
	}
	calls := append(personOutOfScopeCalls, outOfScopeCall{"ErrListConsents", "GET", func(p string) string { return "/v1/" + p + "/consents" }, nil})
	sameRefusal(t, f.e, f.medicalTok, calls, map[string]string{
		"ordinary": f.outsider.Name, "restricted": restricted.Person.Name, "nobody": "people/nobody"})
	sameRefusal(t, f.e, f.medicalTok, []outOfScopeCall{
		{"ErrGetMembership", "GET", func(m string) string { return "/v1/" + m }, nil},
		{"ErrUpdateMembership", "PATCH", func(m string) string { return "/v1/" + m + "?updateMask=notes" }, map[string]any{"notes": "x"}},
		{"ErrSuspendMembership", "POST", func(m string) string { return "/v1/" + m + ":suspend" }, map[string]any{"reason": "x"}},
	}, map[string]string{
		"ordinary": ordinary.Memberships[0].Name, "restricted": restricted.Membership.Name, "nobody": f.kt.Name + "/memberships/nobody"})
}

// So does a key limited to an organization, of anyone without a current
// position in it.
func TestUnitScopeRefusesRestrictedAsAnyOutsider(t *testing.T) {
	f := newUnitFixture(t)
	restricted, _ := f.worker(f.education, "Hạn")
	restrictByRequest(t, f.e, restricted.Name)
	targets := map[string]string{"ordinary": f.outside.Name, "restricted": restricted.Name, "nobody": "people/nobody"}
	t.Run("registrar", func(t *testing.T) { sameRefusal(t, f.e, f.regTok, personOutOfScopeCalls, targets) })
	// Home affairs may only read.
	var reads []outOfScopeCall
	for _, c := range personOutOfScopeCalls {
		if c.method == "GET" {
			reads = append(reads, c)
		}
	}
	t.Run("home affairs", func(t *testing.T) { sameRefusal(t, f.e, f.haTok, reads, targets) })
}
