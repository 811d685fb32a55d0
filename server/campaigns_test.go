package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestHonorCampaign(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regKey := e.key(RoleRegistrar)
	reg := e.clientAs(regKey)
	year := int32(time.Now().Year())
	c, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu tỉnh An Giang", Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	a, b, x := e.person(anh()), e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl"}), e.person(&pb.Person{GivenName: "Xuân"})
	nominate := func(p *pb.Person) *pb.Nomination {
		t.Helper()
		n, err := reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: p.Name, Nominator: "Hội Y học tỉnh", Reason: "Nhiều đóng góp cho y tế cơ sở"}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	na, nb, nx := nominate(a), nominate(b), nominate(x)
	if na.State != pb.Nomination_SUBMITTED {
		t.Fatalf("a new nomination is %v", na.State)
	}
	_, err = reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{Person: a.Name}})
	wantCode(t, err, codes.AlreadyExists, "nomination.person")

	review := func(n *pb.Nomination, to pb.Nomination_State, note string) (*pb.Nomination, error) {
		return reg.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: to, Note: note})
	}
	// Only the allowed transitions.
	_, err = reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: na.Name, DecisionNumber: "1/QĐ-UBND"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = review(nx, pb.Nomination_REJECTED, "")
	wantCode(t, err, codes.InvalidArgument, "note")
	if _, err := review(nx, pb.Nomination_REJECTED, "Chưa đủ tiêu chuẩn"); err != nil {
		t.Fatal(err)
	}
	_, err = review(nx, pb.Nomination_SHORTLISTED, "")
	wantCode(t, err, codes.FailedPrecondition)

	// Over REST: the review is recorded with who decided.
	code, body := e.restAs(regKey, "POST", "/v1/"+na.Name+":review", map[string]any{"decision": "SHORTLISTED", "note": "Đủ tiêu chuẩn"})
	decisions, _ := body["decisions"].([]any)
	if code != http.StatusOK || body["state"] != "SHORTLISTED" || len(decisions) != 1 || decisions[0].(map[string]any)["decider"] == "" {
		t.Fatalf("review over REST: HTTP %d %v", code, body)
	}
	if _, err := review(nb, pb.Nomination_SHORTLISTED, ""); err != nil {
		t.Fatal(err)
	}

	// Selection within the quota of one: the first becomes an honour on
	// the profile, the second is refused and changes nothing.
	sel, err := reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: na.Name, DecisionNumber: "125/QĐ-UBND"})
	if err != nil {
		t.Fatal(err)
	}
	if sel.State != pb.Nomination_SELECTED || sel.Honor == "" || len(sel.Decisions) != 2 {
		t.Fatalf("selected: %v", sel)
	}
	full, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: a.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || len(full.Honors) != 1 || full.Honors[0].Name != sel.Honor || full.Honors[0].DecisionNumber != "125/QĐ-UBND" ||
		full.Honors[0].Year != year || full.Honors[0].Kind != pb.Honor_PROVINCIAL_HONOR {
		t.Fatalf("the honour on the profile: %v %v", full.GetHonors(), err)
	}
	_, err = reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: nb.Name, DecisionNumber: "126/QĐ-UBND"})
	wantCode(t, err, codes.FailedPrecondition)
	if hs, _ := e.client.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: b.Name}); len(hs.GetHonors()) != 0 {
		t.Errorf("a refused selection left an honour: %v", hs)
	}
	got, _ := reg.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.Name})
	if got.GetSelectedCount() != 1 {
		t.Errorf("selected count %d", got.GetSelectedCount())
	}
	// The quota cannot drop below the selected; stale etags are 409.
	code, body = e.restAs(regKey, "PATCH", "/v1/"+c.Name+"?updateMask=quota", map[string]any{"quota": 0})
	wantREST(t, code, body, http.StatusBadRequest)
	code, body = e.restAs(regKey, "PATCH", "/v1/"+c.Name+"?updateMask=quota", map[string]any{"quota": 2, "etag": c.Etag})
	if code != http.StatusOK || body["quota"] != float64(2) {
		t.Fatalf("raise the quota: HTTP %d %v", code, body)
	}
	code, body = e.restAs(regKey, "PATCH", "/v1/"+c.Name+"?updateMask=quota", map[string]any{"quota": 3, "etag": c.Etag})
	wantREST(t, code, body, http.StatusConflict)
	if _, err := reg.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: nb.Name, DecisionNumber: "126/QĐ-UBND"}); err != nil {
		t.Fatalf("within the raised quota: %v", err)
	}
	evs, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: na.Name, Method: "SelectNomination"})
	if err != nil {
		t.Fatal(err)
	}
	// The refused attempt is audited too; the one that succeeded names the
	// honour it made.
	var ok []*pb.AuditEvent
	for _, ev := range evs.AuditEvents {
		if ev.Code == "OK" {
			ok = append(ok, ev)
		}
	}
	if len(evs.AuditEvents) != 2 || len(ok) != 1 || !contains(ok[0].Resources, sel.Honor) {
		t.Fatalf("audit of the selection: %v", evs)
	}
	list, err := reg.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name, Filter: "state = SELECTED"})
	if err != nil || len(list.Nominations) != 2 {
		t.Fatalf("selected nominations: %v %v", list, err)
	}

	// After the deadline no nomination is taken.
	closed, err := reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Năm trước", Year: year - 1, Quota: 5, NominationDeadline: dateOf(time.Now().AddDate(0, 0, -1))}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: closed.Name, Nomination: &pb.Nomination{Person: b.Name}})
	wantCode(t, err, codes.FailedPrecondition)

	// Home affairs reads, and only reads.
	_, ha := e.key(RoleHomeAffairs)
	if _, err := e.clientAs(ha).Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{}); err != nil {
		t.Errorf("home affairs lists campaigns: %v", err)
	}
	_, err = e.clientAs(ha).Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{Person: x.Name}})
	wantCode(t, err, codes.PermissionDenied)
}

// TestUnknownPersonInBody: a person named in a request's body who does not
// exist is the body's mistake: INVALID_ARGUMENT naming the field, as for
// RegisterMember, not a NOT_FOUND that reads as if the URL's parent were
// missing. Nothing is made.
func TestUnknownPersonInBody(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.association("lien-hiep", &pb.Association{DisplayName: "Liên hiệp hội", Code: "LHH"})
	pool, err := e.client.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: "associations/lien-hiep",
		ExpertPool: &pb.ExpertPool{DisplayName: "Hội đồng"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		field      string
	}{
		{"Nomination", "/v1/" + c.Name + "/nominations", map[string]any{"person": "people/nope", "nominator": "Hội", "reason": "Đóng góp"}, "nomination.person"},
		{"PoolMember", "/v1/" + pool.Name + "/members", map[string]any{"person": "people/nope"}, "expert_pool_member.person"},
		{"DataSubjectRequest", "/v1/dataSubjectRequests", map[string]any{"kind": "ACCESS", "person": "people/nope", "requester": "Ai đó"}, "data_subject_request.person"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.rest("POST", tc.path, tc.body)
			wantREST(t, code, body, http.StatusBadRequest, tc.field)
		})
	}
	if n, err := e.client.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name}); err != nil || len(n.Nominations) != 0 {
		t.Errorf("nominations: %v %v", n, err)
	}
	if r, err := e.client.Privacy.ListDataSubjectRequests(ctx, &pb.ListDataSubjectRequestsRequest{}); err != nil || len(r.DataSubjectRequests) != 0 {
		t.Errorf("requests: %v %v", r, err)
	}
}

// Selecting is refused, as FAILED_PRECONDITION, when the state of things
// stands in the way, not the request: a campaign of a year still ahead,
// a nominee deleted since.
func TestSelectionPreconditions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	year := int32(time.Now().In(store.Vietnam).Year())
	shortlisted := func(id string, campaignYear int32, person string) string {
		t.Helper()
		c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: id, HonorCampaign: &pb.HonorCampaign{
			DisplayName: "Tiêu biểu " + id, Year: campaignYear, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
			NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0))}})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
			Person: person, Nominator: "Hội", Reason: "Đóng góp"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED, Note: "x"}); err != nil {
			t.Fatal(err)
		}
		return n.Name
	}
	a := e.person(&pb.Person{FamilyName: "Lê", GivenName: "An"})
	ahead := shortlisted("nam-sau", year+1, a.Name)
	_, err := e.client.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: ahead, DecisionNumber: "1/QĐ"})
	wantCode(t, err, codes.FailedPrecondition)

	b := e.person(&pb.Person{FamilyName: "Lê", GivenName: "Bình"})
	gone := shortlisted("nam-nay", year, b.Name)
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: b.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: gone, DecisionNumber: "1/QĐ"})
	wantCode(t, err, codes.FailedPrecondition)
}

// TestConferredHonorStays: the honour a selection conferred cannot be
// deleted (the nomination would name a missing honour and the campaign
// count it in its quota); it can be corrected, and an honour entered by hand
// can be deleted.
func TestConferredHonorStays(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	year := int32(time.Now().In(store.Vietnam).Year())
	a := e.person(&pb.Person{FamilyName: "Lê", GivenName: "An"})
	c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Tiêu biểu", Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0))}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
		Person: a.Name, Nominator: "Hội", Reason: "Đóng góp"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED, Note: "x"}); err != nil {
		t.Fatal(err)
	}
	sel, err := e.client.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n.Name, DecisionNumber: "7/QĐ-UBND"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.People.DeleteHonor(ctx, &pb.DeleteHonorRequest{Name: sel.Honor})
	wantCode(t, err, codes.FailedPrecondition)
	if err != nil && !strings.Contains(status.Convert(err).Message(), n.Name) {
		t.Errorf("the refusal does not name the nomination: %v", err)
	}
	if _, err := e.client.People.GetHonor(ctx, &pb.GetHonorRequest{Name: sel.Honor}); err != nil {
		t.Errorf("the conferred honour: %v", err)
	}
	if _, err := e.client.People.UpdateHonor(ctx, &pb.UpdateHonorRequest{Honor: &pb.Honor{Name: sel.Honor, Issuer: "UBND tỉnh"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"issuer"}}}); err != nil {
		t.Errorf("correcting the conferred honour: %v", err)
	}
	own, err := e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: a.Name, Honor: &pb.Honor{Title: "Bằng khen", Year: year}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.DeleteHonor(ctx, &pb.DeleteHonorRequest{Name: own.Name}); err != nil {
		t.Errorf("an honour entered by hand: %v", err)
	}
}
