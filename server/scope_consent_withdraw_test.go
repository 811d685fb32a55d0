package server

import (
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A consent that came with a registration with another association is
// that association's: a key limited to an association, which is not shown
// the registration, is not shown the consent either, nor its revisions,
// and may not withdraw it (to the key it does not exist). Before, the Hội
// Y học key withdrew the consent a member had given the Hội Kinh tế;
// withdrawing its own as well, it restricted the person for every other
// association and the Department of Home Affairs.
func TestScopedKeyWithdrawsOnlyItsConsents(t *testing.T) {
	f := newScopeFixture(t)
	ctx := f.ctx
	privacy := f.e.client.Privacy
	// The outsider joins the Hội Y học too, by a registrar without a
	// limit: in the key's scope now.
	own := f.e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name,
		Applicant: &pb.RegisterMemberRequest_Person{Person: f.outsider.Name}}).GetMembership().GetConsent().GetName()
	var other string
	list, err := privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: f.outsider.Name})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list.GetConsents() {
		if c.GetName() != own && c.GetMembership() != "" {
			other = c.GetName()
		}
	}
	if own == "" || other == "" {
		t.Fatalf("want a consent of each registration: %v (own %q)", list, own)
	}

	_, err = f.medical.Privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: other})
	wantCode(t, err, codes.NotFound)

	// In the person's revisions, its own registration's consent is told
	// with who made it and how; the other's is not there.
	revs, err := f.medical.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: f.outsider.Name, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	saw := map[string]bool{}
	for _, r := range revs.GetPersonRevisions() {
		saw[r.GetResource()] = true
		if r.GetResource() == own && (r.GetPrincipal() == "" || r.GetMethod() == "") {
			t.Errorf("the key reads a revision of its own registration's consent as %v, want who and how", r)
		}
	}
	if saw[other] || !saw[own] {
		t.Errorf("the key's revisions of the person name %v, want its own registration's consent alone", saw)
	}

	_, err = f.medical.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: other})
	wantCode(t, err, codes.NotFound)
	code, body := f.e.restAs(f.medicalTok, "POST", "/v1/"+other+":withdraw", map[string]any{})
	if code != http.StatusNotFound {
		t.Errorf("over REST: HTTP %d %v, want 404", code, body)
	}
	if c, err := privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: other}); err != nil || c.GetWithdrawTime() != nil {
		t.Errorf("the Hội Kinh tế's consent after the refusals: %v %v, want it in force", c, err)
	}

	// Its own registration's consent it withdraws.
	if _, err := f.medical.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: own}); err != nil {
		t.Errorf("the key withdrawing its own registration's consent: %v", err)
	}
	if p, err := privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: other}); err != nil || p.GetWithdrawTime() != nil {
		t.Errorf("the Hội Kinh tế's consent: %v %v, want it in force", p, err)
	}
}
