package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/encoding/protojson"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// keyPrincipal is the principal of the key whose secret is tok.
func keyPrincipal(tok string) string { return "key:" + strings.SplitN(tok, "_", 3)[1] }

// A key limited to an association reads who wrote a revision, recorded a
// consent or verified a qualification only when it is itself or a key of
// the same association; every other principal (a key without a limit,
// another association's key, home affairs) reads as names.OtherPrincipal,
// over gRPC and REST. An admin reads them all. Before, the revisions,
// consents and verifications gave every key id.
func TestScopedKeySeesOwnPrincipalsOnly(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	mine := keyPrincipal(f.medicalTok)
	_, colleagueTok, err := e.db.CreateScopedKey(ctx, "Hội Y học, văn phòng", RoleRegistrar, f.hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, otherTok, err := e.db.CreateScopedKey(ctx, "Hội Kinh tế", RoleRegistrar, f.kt.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, haTok := e.key(RoleHomeAffairs)
	colleague, other := keyPrincipal(colleagueTok), keyPrincipal(otherTok)
	hidden := []string{keyPrincipal(e.token), other, keyPrincipal(haTok)}

	// A member of both associations, registered and approved by the admin.
	p := e.person(&pb.Person{FamilyName: "Đỗ", GivenName: "Hai Hội", NationalId: "091070000321"})
	for _, a := range []string{f.hyh.Name, f.kt.Name} {
		reg := e.register(&pb.RegisterMemberRequest{Parent: a, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}})
		if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
			t.Fatal(err)
		}
	}
	q := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Y học", Year: 2010})
	if _, err := e.clientAs(haTok).People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: q.Name, State: pb.Verification_VERIFIED}); err != nil {
		t.Fatal(err)
	}
	consent, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: p.Name, Consent: consent()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.clientAs(otherTok).People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: p.Name, Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Kinh tế", Year: 2020}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.clientAs(colleagueTok).People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: p.Name, Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Y học", Year: 2021}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.medical.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: p.Name, Honor: &pb.Honor{Title: "Bằng khen", Kind: pb.Honor_CERTIFICATE_OF_MERIT, Year: 2021}}); err != nil {
		t.Fatal(err)
	}

	noneOf := func(where, text string) {
		t.Helper()
		for _, id := range hidden {
			if strings.Contains(text, strings.TrimPrefix(id, "key:")) {
				t.Errorf("%s names %s, outside the key's association:\n%.1500s", where, id, text)
			}
		}
	}
	revs, err := f.medical.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: p.Name, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	noneOf("ListPersonRevisions", protojson.Format(revs))
	seen := map[string]bool{}
	for _, r := range revs.PersonRevisions {
		seen[r.Principal] = true
	}
	for _, want := range []string{mine, colleague, names.OtherPrincipal} {
		if !seen[want] {
			t.Errorf("ListPersonRevisions: no revision by %q; principals %v", want, seen)
		}
	}
	code, body := e.restAs(f.medicalTok, "GET", "/v1/"+p.Name+"/revisions?pageSize=1000", nil)
	if code != 200 {
		t.Fatalf("REST revisions: %d %v", code, body)
	}
	noneOf("REST revisions", jsonText(body))

	got, err := f.medical.Privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: consent.Name})
	if err != nil || got.Recorder != names.OtherPrincipal {
		t.Errorf("GetConsent: recorder %q, %v; want %q", got.GetRecorder(), err, names.OtherPrincipal)
	}
	consents, err := f.medical.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	noneOf("ListConsents", protojson.Format(consents))
	full, err := f.medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil {
		t.Fatal(err)
	}
	noneOf("GetPerson FULL", protojson.Format(full))
	gq, err := f.medical.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: q.Name})
	if err != nil || gq.GetVerification().GetVerifier() != names.OtherPrincipal {
		t.Errorf("GetQualification: verifier %q, %v; want %q", gq.GetVerification().GetVerifier(), err, names.OtherPrincipal)
	}
	code, body = e.restAs(f.medicalTok, "GET", "/v1/"+q.Name, nil)
	if code != 200 {
		t.Fatalf("REST GetQualification: %d %v", code, body)
	}
	noneOf("REST GetQualification", jsonText(body))

	// The admin reads every principal.
	all, err := e.client.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: p.Name, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	text := protojson.Format(all)
	for _, id := range append(hidden, mine, colleague) {
		if !strings.Contains(text, id) {
			t.Errorf("the admin's ListPersonRevisions does not name %s", id)
		}
	}
	if strings.Contains(text, names.OtherPrincipal) {
		t.Errorf("the admin's ListPersonRevisions holds the placeholder")
	}
}

// A caller limited to a unit reads its own principals and those of the
// unit's other keys, not those of a key without a limit.
func TestUnitKeySeesOwnPrincipalsOnly(t *testing.T) {
	f := newUnitFixture(t)
	ctx := context.Background()
	if _, err := f.ha.People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: f.insideQ.Name, State: pb.Verification_VERIFIED}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.People.UpdateWork(ctx, &pb.UpdateWorkRequest{Work: &pb.Work{Name: f.insideW.Name, Title: "Bài báo sửa"}, UpdateMask: mask("title")}); err != nil {
		t.Fatal(err)
	}
	revs, err := f.reg.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: f.inside.Name, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	text := protojson.Format(revs)
	if admin := strings.TrimPrefix(keyPrincipal(f.e.token), "key:"); strings.Contains(text, admin) {
		t.Errorf("the unit's revisions name the admin's key %s:\n%.1500s", admin, text)
	}
	for _, want := range []string{keyPrincipal(f.regTok), keyPrincipal(f.haTok), names.OtherPrincipal} {
		if !strings.Contains(text, want) {
			t.Errorf("the unit's revisions do not hold %q:\n%.1500s", want, text)
		}
	}
}

// A caller limited to a unit reads who confirmed a profile review only
// when it is a key or account of the unit: a registrar without a limit
// who confirmed reads as names.OtherPrincipal (its key's name was shown).
func TestUnitKeySeesOwnReviewConfirmersOnly(t *testing.T) {
	f := newUnitFixture(t)
	admin, unit := f.reviews(""), f.reviews(f.regTok)
	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026", ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: &date.Date{Year: 2099, Month: 12, Day: 31}, Organizations: []string{f.health.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := unit.ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name, PageSize: 100})
	if err != nil || len(list.ProfileReviews) < 2 {
		t.Fatalf("the unit's reviews: %v %v", list, err)
	}
	byAdmin := reviewOf(c.Name, f.inside.Name)
	var byUnit string
	for _, r := range list.ProfileReviews {
		if r.Name != byAdmin {
			byUnit = r.Name
			break
		}
	}
	if _, err := admin.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: byAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: byUnit}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{byAdmin: names.OtherPrincipal, byUnit: "Sở Y tế, tổ chức cán bộ"}
	for _, tok := range []string{f.regTok, f.haTok} {
		list, err := f.reviews(tok).ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.ProfileReviews {
			if w, ok := want[r.Name]; ok && r.Confirmer != w {
				t.Errorf("%s: %s confirmed by %q, want %q", keyPrincipal(tok), r.Name, r.Confirmer, w)
			}
		}
		got, err := f.reviews(tok).GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: byAdmin})
		if err != nil || got.Confirmer != names.OtherPrincipal {
			t.Errorf("%s: GetProfileReview: confirmer %q, %v", keyPrincipal(tok), got.GetConfirmer(), err)
		}
	}
	code, body := f.e.restAs(f.haTok, "GET", "/v1/"+byAdmin, nil)
	if code != 200 || strings.Contains(jsonText(body), "test admin") {
		t.Errorf("REST GetProfileReview: %d %v", code, body)
	}
	if got, err := admin.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: byAdmin}); err != nil || got.Confirmer != "test admin" {
		t.Errorf("the admin's GetProfileReview: confirmer %q, %v", got.GetConfirmer(), err)
	}
}
