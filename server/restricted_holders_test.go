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

// What a restricted person holds by other names than their own, and the
// registrations that meet them by national ID: the admins' alone.

// A registration by a caller other than an admin that meets a restricted
// person by national ID is refused, without saying who holds the ID, and
// writes nothing: no membership, and no consent, which would lift a
// restriction by withdrawn consents and answer with the whole profile. It
// is so whichever way the person was restricted; an admin's registration
// still links to them.
func TestRegistrationByIDDoesNotReachRestricted(t *testing.T) {
	for _, tt := range []struct {
		name     string
		restrict func(f *privacyFixture)
	}{
		{"RESTRICTION request", func(f *privacyFixture) { f.restrict(t) }},
		{"every consent withdrawn", func(f *privacyFixture) {
			consents, err := f.e.client.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range consents.Consents {
				if _, err := f.e.client.Privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: c.Name}); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newPrivacyFixture(t)
			e, ctx := f.e, f.ctx
			union, id := "associations/lien-hiep", strings.TrimPrefix(f.person.Name, "people/")
			tt.restrict(f)
			before, err := e.client.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
			if err != nil {
				t.Fatal(err)
			}
			np := &pb.Person{FamilyName: "X", GivenName: "Y", NationalId: bao().NationalId}
			for _, validateOnly := range []bool{true, false} {
				for who, c := range map[string]*client.Client{"registrar": f.registrar, "association key": e.clientAs(f.scopedToken(t))} {
					parent := union
					if who == "association key" {
						parent = f.hyh.Name
					}
					_, err := c.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: parent, ValidateOnly: validateOnly,
						Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"},
						Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: np}})
					wantCode(t, err, codes.FailedPrecondition)
					if msg := status.Convert(err).Message(); strings.Contains(msg, id) || !strings.Contains(msg, "restricted") {
						t.Errorf("%s, validate_only=%v: %q", who, validateOnly, msg)
					}
				}
			}
			code, body := e.restAs(f.registrarTok, "POST", "/v1/"+union+"/memberships:register", map[string]any{
				"newPerson": map[string]any{"familyName": "X", "givenName": "Y", "nationalId": bao().NationalId},
				"consent":   map[string]any{"purposes": []string{"REGISTRY"}, "textVersion": "2025-01"}})
			if code != http.StatusBadRequest || strings.Contains(jsonText(body), id) {
				t.Errorf("REST: %d %s", code, jsonText(body))
			}
			p, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.person.Name, View: pb.PersonView_PERSON_VIEW_FULL})
			after, err2 := e.client.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
			if err != nil || err2 != nil || !p.Restricted || len(p.Memberships) != 1 || len(after.Consents) != len(before.Consents) {
				t.Errorf("after the refused registrations: restricted %v, memberships %v, consents %d (were %d): %v %v",
					p.GetRestricted(), p.GetMemberships(), len(after.GetConsents()), len(before.Consents), err, err2)
			}
			admin, err := e.client.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: union, ValidateOnly: true, Consent: consent(),
				Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: np}})
			if err != nil || !admin.LinkedExistingPerson || admin.Person.GetName() != f.person.Name {
				t.Errorf("the admin's registration: %v %v", admin, err)
			}
		})
	}
}

// A pool's member and an engagement are about their expert: once every
// consent of the expert is withdrawn, a caller other than an admin may
// neither read nor change them by name, over gRPC or REST, as their lists
// already leave them out. An admin still may.
func TestPoolMembersAndEngagementsOfRestricted(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	eng, member := f.engagedMember(t)
	_, homeTok := e.key(RoleHomeAffairs)
	_, regTok := e.key(RoleRegistrar)
	callers := map[string]*client.Client{"registrar": f.reg, "home_affairs": e.clientAs(homeTok)}
	for who, c := range callers {
		if _, err := c.Experts.GetExpertPoolMember(ctx, &pb.GetExpertPoolMemberRequest{Name: member}); err != nil {
			t.Fatalf("%s, before the withdrawal: %v", who, err)
		}
	}

	consents, err := e.client.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: f.an})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range consents.Consents {
		if _, err := e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: c.Name}); err != nil {
			t.Fatal(err)
		}
	}
	for who, c := range callers {
		_, err := c.Experts.GetExpertPoolMember(ctx, &pb.GetExpertPoolMemberRequest{Name: member})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.Experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: eng.Name})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.Experts.UpdateEngagement(ctx, &pb.UpdateEngagementRequest{Engagement: &pb.Engagement{Name: eng.Name, Outcome: "Đạt"}, UpdateMask: mask("outcome")})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.Experts.UpdateExpertPoolMember(ctx, &pb.UpdateExpertPoolMemberRequest{
			ExpertPoolMember: &pb.ExpertPoolMember{Name: member, Status: pb.ExpertPoolMember_INACTIVE}, UpdateMask: mask("status")})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.Experts.DeleteEngagement(ctx, &pb.DeleteEngagementRequest{Name: eng.Name})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.Experts.DeleteExpertPoolMember(ctx, &pb.DeleteExpertPoolMemberRequest{Name: member})
		wantCode(t, err, codes.PermissionDenied)
		if t.Failed() {
			t.Fatalf("as %s", who)
		}
	}
	for _, r := range []struct {
		method, path string
		body         map[string]any
	}{
		{"GET", "/v1/" + member, nil},
		{"GET", "/v1/" + eng.Name, nil},
		{"PATCH", "/v1/" + eng.Name + "?updateMask=outcome", map[string]any{"outcome": "Đạt"}},
		{"PATCH", "/v1/" + member + "?updateMask=status", map[string]any{"status": "INACTIVE"}},
	} {
		code, body := e.restAs(regTok, r.method, r.path, r.body)
		if code != http.StatusForbidden || strings.Contains(jsonText(body), f.an) {
			t.Errorf("REST %s %s: %d %v", r.method, r.path, code, jsonText(body))
		}
	}
	got, err := e.client.Experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: eng.Name})
	if err != nil || got.Outcome != "" || got.Person != f.an {
		t.Errorf("the admin reads the engagement as %v, %v: want it unchanged", got, err)
	}
	if m, err := e.client.Experts.GetExpertPoolMember(ctx, &pb.GetExpertPoolMemberRequest{Name: member}); err != nil || m.Status != pb.ExpertPoolMember_ACTIVE {
		t.Errorf("the admin reads the member as %v, %v: want it unchanged", m, err)
	}
}

// A create or an update that gives a person the national ID a restricted
// person holds is refused without naming the holder, but to an admin, over
// gRPC and REST, validate_only or not: the name would lead to a profile
// only an admin may read.
func TestNationalIDOfRestrictedNotNamed(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	id := strings.TrimPrefix(f.person.Name, "people/")
	other, err := f.registrar.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Trịnh", GivenName: "Khải"}})
	if err != nil {
		t.Fatal(err)
	}
	f.restrict(t)
	nid := bao().NationalId
	unnamed := func(what string, err error) {
		t.Helper()
		wantCode(t, err, codes.AlreadyExists, "person.national_id")
		if msg := status.Convert(err).Message(); strings.Contains(msg, id) || !strings.Contains(msg, "restricted") {
			t.Errorf("%s: %q names the holder, or does not say why", what, msg)
		}
	}
	for _, validateOnly := range []bool{false, true} {
		_, err := f.registrar.People.CreatePerson(ctx, &pb.CreatePersonRequest{ValidateOnly: validateOnly,
			Person: &pb.Person{FamilyName: "X", GivenName: "Y", NationalId: nid}})
		unnamed("CreatePerson", err)
		_, err = f.registrar.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{ValidateOnly: validateOnly,
			Person: &pb.Person{Name: other.Name, NationalId: nid}, UpdateMask: mask("national_id")})
		unnamed("UpdatePerson", err)
	}
	for _, r := range []struct{ method, path string }{
		{"POST", "/v1/people"},
		{"PATCH", "/v1/" + other.Name + "?updateMask=nationalId"},
		{"PATCH", "/v1/" + other.Name + "?updateMask=nationalId&validateOnly=true"},
	} {
		body := map[string]any{"nationalId": nid}
		if r.method == "POST" {
			body = map[string]any{"familyName": "X", "givenName": "Y", "nationalId": nid}
		}
		code, got := e.restAs(f.registrarTok, r.method, r.path, body)
		wantREST(t, code, got, http.StatusConflict, "person.national_id")
		if msg := jsonText(got); strings.Contains(msg, id) || !strings.Contains(msg, "restricted") {
			t.Errorf("REST %s %s: %s", r.method, r.path, msg)
		}
	}
	_, err = e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "X", GivenName: "Y", NationalId: nid}})
	wantCode(t, err, codes.AlreadyExists, "person.national_id")
	if msg := status.Convert(err).Message(); !strings.Contains(msg, f.person.Name) {
		t.Errorf("the admin is not told who holds the ID: %q", msg)
	}
}
