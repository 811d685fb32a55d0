package server

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A unit's callers may not list a person's consents, nor read their
// memberships, yet ListPersonRevisions showed them every consent's
// revision: what it allows, on what basis, and when it was given, which
// for the consent of a registration with an association is when the
// person registered there. Callers that may not list consents (a unit's,
// home_affairs) now read no consent in the revisions; a registrar still
// does.
func TestRevisionsLeaveOutConsentsTheCallerMayNotRead(t *testing.T) {
	f := newUnitFixture(t)
	f.e.association("hoi-y", &pb.Association{DisplayName: "Hội Y học", Code: "HYH"})
	reg := f.e.register(&pb.RegisterMemberRequest{Parent: "associations/hoi-y", Applicant: &pb.RegisterMemberRequest_Person{Person: f.inside.Name},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}})
	if _, err := f.e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.client.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.inside.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_CONTACT}, TextVersion: "2026-02"}}); err != nil {
		t.Fatal(err)
	}
	_, haTok := f.e.key(RoleHomeAffairs)
	_, regTok := f.e.key(RoleRegistrar)
	consentsIn := func(c *client.Client) (n, all int) {
		t.Helper()
		token := ""
		for {
			// A page at a time, so that left-out revisions fill no page.
			r, err := c.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.inside.Name, PageSize: 1, PageToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, rv := range r.PersonRevisions {
				all++
				if strings.Contains(rv.Resource, "/consents/") || rv.GetAfter().GetConsent() != nil || rv.GetBefore().GetConsent() != nil {
					n++
				}
			}
			if token = r.NextPageToken; token == "" {
				return n, all
			}
		}
	}
	for _, tc := range []struct {
		name, token string
		want        bool // reads the consents' revisions
	}{
		{"the unit's registrar", f.regTok, false},
		{"the unit's home_affairs", f.haTok, false},
		{"home_affairs", haTok, false},
		{"a registrar", regTok, true},
	} {
		c := f.e.clientAs(tc.token)
		_, err := c.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.inside.Name})
		if tc.want != (status.Code(err) == codes.OK) {
			t.Fatalf("%s: ListConsents %v", tc.name, err)
		}
		n, all := consentsIn(c)
		if all == 0 || tc.want != (n == 2) || !tc.want && n != 0 {
			t.Errorf("%s reads %d consents' revisions of %d, want them: %v", tc.name, n, all, tc.want)
		}
	}
	code, body := f.e.restAs(f.regTok, "GET", "/v1/"+f.inside.Name+"/revisions?pageSize=1000", nil)
	if text := jsonText(body); code != http.StatusOK || strings.Contains(text, "/consents/") || strings.Contains(text, "2026-01") {
		t.Errorf("REST, the unit's registrar: %d %s", code, text)
	}
}
