package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association reads the consents of its member that
// came with a registration with its associations, or with none; the
// consent a registration with another association carries is that
// association's, as the registration is. Before, ListConsents showed the
// key that consent (without naming the registration), and its revisions,
// and its withdrawal moved the person's etag: the key learnt when its
// member joined, or left, another association. Its answers, over gRPC and
// REST, are now the same with and without that registration.
func TestAssociationKeySeesNoConsentOfAnothersRegistration(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	p, own := f.medicalMember(t, &pb.Person{FamilyName: "Đỗ", GivenName: "Nhàn"})
	type seen struct{ consents, revisions, person, etag, restConsents, restRevisions, restPerson string }
	rest := func(path string) string {
		t.Helper()
		code, body := e.restAs(f.medicalTok, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("REST %s: %d %v", path, code, body)
		}
		return jsonText(body)
	}
	read := func() seen {
		t.Helper()
		consents, err := f.medical.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		revs, err := f.medical.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: p.Name, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil {
			t.Fatal(err)
		}
		return seen{protojson.Format(consents), protojson.Format(revs), protojson.Format(got), got.Etag,
			rest("/v1/" + p.Name + "/consents"), rest("/v1/" + p.Name + "/revisions?pageSize=1000"),
			rest("/v1/" + p.Name + "?view=PERSON_VIEW_FULL")}
	}
	before, from := read(), headOf(t, e.client.Changes)

	// The member registers with the economists' association, giving a
	// consent there, and withdraws that consent.
	other := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}})
	theirs := other.Membership.GetConsent().GetName()
	if theirs == "" {
		t.Fatalf("the registration with the Hội Kinh tế carries no consent: %v", other.Membership)
	}
	if now := read(); now != before {
		t.Errorf("after a registration with another association the key reads\n%+v\nbefore\n%+v", now, before)
	}
	if _, err := e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: theirs}); err != nil {
		t.Fatal(err)
	}
	if now := read(); now != before {
		t.Errorf("after the withdrawal of that registration's consent the key reads\n%+v\nbefore\n%+v", now, before)
	}
	for _, ch := range listAll(t, f.medical.Changes, from, "") {
		if strings.HasPrefix(ch.Resource, p.Name) {
			t.Errorf("the key's feed tells of the person or their consent: %v", ch)
		}
	}
	code, body := e.restAs(f.medicalTok, "GET", "/v1/changes?pageToken="+url.QueryEscape(from)+"&pageSize=1000", nil)
	if code != http.StatusOK || strings.Contains(jsonText(body), p.Name) {
		t.Errorf("the key's feed over REST: %d %v", code, body)
	}

	// The consent is, to the key, as one that does not exist: by name it
	// is NOT_FOUND, read or withdrawn, over gRPC and REST.
	nobody := p.Name + "/consents/" + "0000000000000000"
	for _, name := range []string{theirs, nobody} {
		_, err := f.medical.Privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: name})
		wantCode(t, err, codes.NotFound)
		_, err = f.medical.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: name})
		wantCode(t, err, codes.NotFound)
		if code, body := e.restAs(f.medicalTok, "GET", "/v1/"+name, nil); code != http.StatusNotFound {
			t.Errorf("REST GET %s: %d %v, want 404", name, code, body)
		}
		if code, body := e.restAs(f.medicalTok, "POST", "/v1/"+name+":withdraw", map[string]any{}); code != http.StatusNotFound {
			t.Errorf("REST withdraw %s: %d %v, want 404", name, code, body)
		}
	}

	// A consent recorded without a registration, and its own
	// registration's, it reads.
	alone, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_STATISTICS}, TextVersion: "2025-01"}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.medical.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list.Consents {
		names = append(names, c.Name)
	}
	if len(names) != 2 || names[0] != own.Membership.GetConsent().GetName() || names[1] != alone.Name {
		t.Errorf("the key lists the consents %v, want its registration's and the one without a registration", names)
	}
	if _, err := f.medical.Privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: alone.Name}); err != nil {
		t.Errorf("the key reading a consent without a registration: %v", err)
	}
	if now := read(); now.etag == before.etag {
		t.Error("a consent without a registration moved not the key's etag")
	}
}

// Whether a key limited to an association may put its member in an expert
// pool is decided by the consents it is shown: a PUBLICATION consent that
// came with a registration with another association is that association's.
// Before, the key's CreateExpertPoolMember was refused without that
// registration and went through with it: the key learnt that its member
// had registered elsewhere (and consented there to publication).
func TestAssociationKeyPoolsByItsConsents(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	p, _ := f.medicalMember(t, &pb.Person{FamilyName: "Mai", GivenName: "Thu", Availability: pb.Person_AVAILABLE})
	pool, err := f.medical.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: f.hyh.Name, ExpertPoolId: "hoi-dong-y",
		ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng Y"}})
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code       codes.Code
		msg        string
		restStatus int
		rest       string
	}
	try := func() answer {
		t.Helper()
		_, err := f.medical.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool.Name, ValidateOnly: true,
			ExpertPoolMember: &pb.ExpertPoolMember{Person: p.Name, Role: pb.Person_CRITIQUE}})
		code, body := e.restAs(f.medicalTok, "POST", "/v1/"+pool.Name+"/members?validateOnly=true",
			map[string]any{"person": p.Name, "role": "CRITIQUE"})
		msg, _ := body["message"].(string)
		return answer{status.Code(err), status.Convert(err).Message(), code, msg}
	}
	before := try()
	if before.code != codes.FailedPrecondition || before.restStatus != http.StatusBadRequest {
		t.Fatalf("without a PUBLICATION consent: %+v", before)
	}
	e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2025-01"}})
	if now := try(); now != before {
		t.Errorf("after a registration with another association with a PUBLICATION consent: %+v, before %+v", now, before)
	}
	// A registrar without a limit, who reads every consent, may.
	if _, err := e.client.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool.Name, ValidateOnly: true,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: p.Name, Role: pb.Person_CRITIQUE}}); err != nil {
		t.Errorf("the admin: %v", err)
	}
	// A PUBLICATION consent recorded without a registration counts.
	if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_PUBLICATION}, TextVersion: "2025-01"}}); err != nil {
		t.Fatal(err)
	}
	if now := try(); now.code != codes.OK || now.restStatus != http.StatusOK {
		t.Errorf("with a PUBLICATION consent it is shown: %+v", now)
	}
}

// The revision that created a person tells a key limited to an association
// how they came to be registered only when it made them, or one in its
// scope did: created by a registration with another association, the
// person's creation read as one by any other principal (CreatePerson, say).
// Before, its method RegisterMember told the key of a registration with
// another association (its own association's it lists).
func TestAssociationKeyCreationTellsNoOtherRegistration(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	created := func(p string) *pb.PersonRevision {
		t.Helper()
		e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p}})
		revs, err := f.medical.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: p, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		code, body := e.restAs(f.medicalTok, "GET", "/v1/"+p+"/revisions?pageSize=1000", nil)
		if code != http.StatusOK {
			t.Fatalf("REST: %d %v", code, body)
		}
		all := revs.GetPersonRevisions()
		first := all[len(all)-1]
		rest := body["personRevisions"].([]any)
		restFirst := rest[len(rest)-1].(map[string]any)
		if restFirst["method"] != nil && restFirst["method"] != first.Method || restFirst["principal"] != first.Principal {
			t.Errorf("over REST the creation reads %v, over gRPC %v", restFirst, first)
		}
		if first.Resource != p {
			t.Fatalf("the oldest revision is of %s", first.Resource)
		}
		return first
	}
	plain := created(e.person(&pb.Person{FamilyName: "Hồ", GivenName: "Lan"}).Name)
	registered := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name,
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Hồ", GivenName: "Cúc"}}}).Person.Name
	other := created(registered)
	if plain.Method != other.Method || plain.Principal != other.Principal {
		t.Errorf("created by another association's registration the key reads %q by %q; created by CreatePerson, %q by %q",
			other.Method, other.Principal, plain.Method, plain.Principal)
	}
	// Created by its own association's registration, by the key, it reads how.
	reg, err := f.medical.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Hồ", GivenName: "Mai"}}})
	if err != nil {
		t.Fatal(err)
	}
	revs, err := f.medical.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: reg.Person.Name, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if all := revs.GetPersonRevisions(); all[len(all)-1].Method != "/trithuc.v1.MembershipService/RegisterMember" {
		t.Errorf("the key's own registration's creation reads %v", all[len(all)-1])
	}
}
