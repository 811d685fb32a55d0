package server

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func (f *unitFixture) reviews(token string) pb.ReviewServiceClient {
	if token == "" {
		return pb.NewReviewServiceClient(f.e.client.Conn())
	}
	return pb.NewReviewServiceClient(f.e.clientAs(token).Conn())
}

func progressOf(c *pb.ReviewCampaign, org string) *pb.UnitProgress {
	for _, p := range c.Progress {
		if p.Organization == org {
			return p
		}
	}
	return nil
}

func reviewOf(campaign, person string) string {
	return campaign + "/profileReviews/" + person[len("people/"):]
}

// A campaign over two units: each unit's caller sees and confirms its own
// people's reviews only, over gRPC and REST; corrections show as CHANGED
// with what changed; progress counts per unit; a closed campaign takes no
// more confirmations and no later change.
func TestReviewCampaign(t *testing.T) {
	f := newUnitFixture(t)
	admin, unit := f.reviews(""), f.reviews(f.regTok)
	deadline := &date.Date{Year: 2099, Month: 12, Day: 31}

	// What is wrong is refused, naming the field; a unit may not open one.
	_, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: deadline}})
	wantCode(t, err, codes.InvalidArgument, "review_campaign.organizations")
	_, err = admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: deadline, Organizations: []string{"organizations/khong-co"}}})
	wantCode(t, err, codes.InvalidArgument, "review_campaign.organizations[0]")
	_, err = unit.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: deadline, Organizations: []string{f.health.Name}}})
	wantCode(t, err, codes.PermissionDenied)

	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026", ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát đội ngũ trí thức năm 2026", Deadline: deadline, Organizations: []string{f.health.Name, f.education.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	inUnit, outUnit := int32(2+f.insideExtra), int32(1+f.outsideExtra)
	if c.State != pb.ReviewCampaign_OPEN || c.StartCursor == "" || len(c.Progress) != 2 ||
		progressOf(c, f.health.Name).GetPendingCount() != inUnit || progressOf(c, f.education.Name).GetPendingCount() != outUnit {
		t.Fatalf("created %v", c)
	}

	// The unit sees the campaign with its own progress only.
	seen, err := unit.GetReviewCampaign(f.ctx, &pb.GetReviewCampaignRequest{Name: c.Name})
	if err != nil || len(seen.Progress) != 1 || seen.Progress[0].Organization != f.health.Name {
		t.Errorf("the unit's view of the campaign: %v %v", seen, err)
	}
	code, body := f.e.restAs(f.regTok, "GET", "/v1/reviewCampaigns", nil)
	if cs, _ := body["reviewCampaigns"].([]any); code != http.StatusOK || len(cs) != 1 || len(cs[0].(map[string]any)["progress"].([]any)) != 1 {
		t.Errorf("REST list of campaigns for the unit: %d %v", code, body)
	}
	list, err := unit.ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name})
	if err != nil || len(list.ProfileReviews) != int(inUnit) || list.TotalSize != inUnit {
		t.Fatalf("the unit's reviews: %v %v", list, err)
	}
	for _, r := range list.ProfileReviews {
		f.noLeak(t, "ListProfileReviews", r.Person)
	}

	// Confirm one; correct another.
	inside := reviewOf(c.Name, f.inside.Name)
	got, err := unit.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: inside})
	if err != nil || got.State != pb.ProfileReview_PENDING {
		t.Fatalf("the review: %v %v", got, err)
	}
	confirmed, err := unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: inside, Etag: got.Etag})
	if err != nil || confirmed.State != pb.ProfileReview_CONFIRMED || confirmed.ConfirmTime == nil || confirmed.Confirmer == "" {
		t.Fatalf("confirmed: %v %v", confirmed, err)
	}
	_, err = unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: inside, Etag: got.Etag})
	wantCode(t, err, codes.Aborted, "etag")
	if _, err := f.reg.People.UpdateQualification(f.ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: f.insideQ.Name, Major: "Y học cổ truyền"}, UpdateMask: mask("major")}); err != nil {
		t.Fatal(err)
	}
	changed, err := unit.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: inside})
	// The qualification changed, and with it the person's highest level.
	if err != nil || changed.State != pb.ProfileReview_CHANGED || !slices.Equal(changed.ChangedResources, []string{f.inside.Name, f.insideQ.Name}) {
		t.Errorf("after a correction: %v %v", changed, err)
	}

	// Someone else's review is out of reach, over gRPC and REST.
	outside := reviewOf(c.Name, f.outside.Name)
	_, err = unit.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: outside})
	wantCode(t, err, codes.PermissionDenied)
	_, err = unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: outside})
	wantCode(t, err, codes.PermissionDenied)
	if code, body := f.e.restAs(f.regTok, "POST", "/v1/"+outside+":confirm", map[string]any{}); code != http.StatusForbidden {
		t.Errorf("REST confirm outside the unit: %d %v", code, body)
	}
	leaver := reviewOf(c.Name, f.leaver.Name)
	if code, body := f.e.restAs(f.regTok, "POST", "/v1/"+leaver+":confirm", map[string]any{}); code != http.StatusOK || body["state"] != "CONFIRMED" {
		t.Errorf("REST confirm in the unit: %d %v", code, body)
	}
	code, body = f.e.restAs(f.regTok, "GET", "/v1/"+c.Name+"/profileReviews?filter="+url.QueryEscape(`state = PENDING`), nil)
	if code != http.StatusOK || len(body["profileReviews"].([]any)) != int(inUnit)-2 {
		t.Errorf("REST pending reviews: %d %v", code, body)
	}

	// Progress by unit, as the province sees it.
	c, err = admin.GetReviewCampaign(f.ctx, &pb.GetReviewCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if p := progressOf(c, f.health.Name); p.GetPendingCount() != inUnit-2 || p.GetConfirmedCount() != 1 || p.GetChangedCount() != 1 {
		t.Errorf("the unit's progress: %v", p)
	}
	if p := progressOf(c, f.education.Name); p.GetPendingCount() != outUnit {
		t.Errorf("the other unit's progress: %v", p)
	}
	// What changed since the campaign opened is in the feed from its cursor.
	feed, err := f.reg.Changes.ListChanges(f.ctx, &pb.ListChangesRequest{PageToken: c.StartCursor})
	if err != nil || len(feed.Changes) != 2 || feed.Changes[0].Resource != f.insideQ.Name {
		t.Errorf("the feed since the campaign opened: %v %v", feed, err)
	}

	// Closed, it takes no confirmation and counts no later change.
	if _, err := unit.CloseReviewCampaign(f.ctx, &pb.CloseReviewCampaignRequest{Name: c.Name}); err == nil {
		t.Error("a unit closed the campaign")
	}
	closed, err := admin.CloseReviewCampaign(f.ctx, &pb.CloseReviewCampaignRequest{Name: c.Name, Etag: c.Etag})
	if err != nil || closed.State != pb.ReviewCampaign_CLOSED || closed.CloseTime == nil {
		t.Fatalf("closed: %v %v", closed, err)
	}
	_, err = unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: reviewOf(c.Name, f.e.person(anh()).Name)})
	wantCode(t, err, codes.PermissionDenied)
	pending := list.ProfileReviews[0].Name
	for _, r := range list.ProfileReviews {
		if r.Name != inside && r.Name != leaver {
			pending = r.Name
		}
	}
	_, err = unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: pending})
	wantCode(t, err, codes.FailedPrecondition)
	if _, err := f.e.client.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{
		Person: &pb.Person{Name: reviewedPerson(pending), Phone: "0912999888"}, UpdateMask: mask("phone")}); err != nil {
		t.Fatal(err)
	}
	if r, err := admin.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: pending}); err != nil || r.State != pb.ProfileReview_PENDING {
		t.Errorf("a change after the close: %v %v", r, err)
	}
	_, err = admin.UpdateReviewCampaign(f.ctx, &pb.UpdateReviewCampaignRequest{
		ReviewCampaign: &pb.ReviewCampaign{Name: c.Name, Deadline: &date.Date{Year: 2100, Month: 1, Day: 1}}, UpdateMask: mask("deadline")})
	wantCode(t, err, codes.FailedPrecondition)

	// Every write is in the audit trail.
	events, err := f.e.client.Audit.ListAuditEvents(f.ctx, &pb.ListAuditEventsRequest{Method: "ConfirmProfileReview"})
	if err != nil || len(events.AuditEvents) < 3 {
		t.Errorf("audit of the confirmations: %v %v", events, err)
	}
}

// Erasing a person erases their reviews.
func TestReviewPurged(t *testing.T) {
	f := newUnitFixture(t)
	admin := f.reviews("")
	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: &date.Date{Year: 2099, Month: 1, Day: 1}, Organizations: []string{f.health.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	pv := f.e.client.Privacy
	erase, err := pv.CreateDataSubjectRequest(f.ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ERASURE, Person: f.inside.Name, Requester: "Trần Trong"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pv.TransitionDataSubjectRequest(f.ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: pb.DataSubjectRequest_COMPLETED}); err != nil {
		t.Fatal(err)
	}
	if _, err := pv.PurgePerson(f.ctx, &pb.PurgePersonRequest{Name: f.inside.Name, DataSubjectRequest: erase.Name, Reason: "erasure"}); err != nil {
		t.Fatalf("purging someone under review: %v", err)
	}
	_, err = admin.GetProfileReview(f.ctx, &pb.GetProfileReviewRequest{Name: reviewOf(c.Name, f.inside.Name)})
	wantCode(t, err, codes.NotFound)
}

// A campaign's deadline passed: confirmations are refused until it is
// extended, with the etag of what was read.
func TestReviewDeadline(t *testing.T) {
	f := newUnitFixture(t)
	admin, unit := f.reviews(""), f.reviews(f.regTok)
	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát 2020", Deadline: &date.Date{Year: 2020, Month: 6, Day: 30}, Organizations: []string{f.hospital.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	inside := reviewOf(c.Name, f.inside.Name)
	_, err = unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: inside})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = admin.UpdateReviewCampaign(f.ctx, &pb.UpdateReviewCampaignRequest{
		ReviewCampaign: &pb.ReviewCampaign{Name: c.Name, Etag: "stale", Deadline: &date.Date{Year: 2099, Month: 1, Day: 1}}, UpdateMask: mask("deadline")})
	wantCode(t, err, codes.Aborted)
	if _, err := admin.UpdateReviewCampaign(f.ctx, &pb.UpdateReviewCampaignRequest{
		ReviewCampaign: &pb.ReviewCampaign{Name: c.Name, Etag: c.Etag, Deadline: &date.Date{Year: 2099, Month: 1, Day: 1}}, UpdateMask: mask("deadline")}); err != nil {
		t.Fatal(err)
	}
	if r, err := unit.ConfirmProfileReview(f.ctx, &pb.ConfirmProfileReviewRequest{Name: inside}); err != nil || r.State != pb.ProfileReview_CONFIRMED {
		t.Errorf("after the extension: %v %v", r, err)
	}
}

// A restricted person's review is left out of the list, as they are from
// every list: a unit's caller sees nothing of them.
func TestReviewsLeaveOutRestricted(t *testing.T) {
	f := newUnitFixture(t)
	admin, unit := f.reviews(""), f.reviews(f.regTok)
	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: &date.Date{Year: 2099, Month: 1, Day: 1}, Organizations: []string{f.health.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	before, err := unit.ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	pv := f.e.client.Privacy
	req, err := pv.CreateDataSubjectRequest(f.ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: f.inside.Name, Requester: "Trần Trong"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pv.TransitionDataSubjectRequest(f.ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.Name,
		State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
		t.Fatal(err)
	}
	for who, client := range map[string]pb.ReviewServiceClient{"the unit": unit, "the admin": admin} {
		list, err := client.ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name})
		if err != nil || len(list.ProfileReviews) != len(before.ProfileReviews)-1 {
			t.Errorf("%s: %d reviews, %v; want %d", who, len(list.GetProfileReviews()), err, len(before.ProfileReviews)-1)
		}
		for _, r := range list.GetProfileReviews() {
			if r.Person == f.inside.Name {
				t.Errorf("%s's list holds the restricted person's review", who)
			}
		}
		// The unit's progress counts what the list shows: a count of
		// the restricted person's review would tell of them.
		got, err := client.GetReviewCampaign(f.ctx, &pb.GetReviewCampaignRequest{Name: c.Name})
		if err != nil {
			t.Fatal(err)
		}
		p := progressOf(got, f.health.Name)
		if n := p.GetPendingCount() + p.GetConfirmedCount() + p.GetChangedCount(); n != int32(len(list.GetProfileReviews())) {
			t.Errorf("%s: the unit's progress counts %d reviews, its list %d", who, n, len(list.GetProfileReviews()))
		}
	}
}

// Someone who leaves the unit after the campaign opened drops out of its
// list, and so out of its progress: else the count would go on telling of
// them (their profile changed elsewhere, their data restricted) though
// they are outside its scope.
func TestReviewsLeaveOutLeavers(t *testing.T) {
	f := newUnitFixture(t)
	admin, unit := f.reviews(""), f.reviews(f.regTok)
	c, err := admin.CreateReviewCampaign(f.ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: &pb.ReviewCampaign{
		DisplayName: "Rà soát", Deadline: &date.Date{Year: 2099, Month: 1, Day: 1}, Organizations: []string{f.health.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.client.People.UpdatePosition(f.ctx, &pb.UpdatePositionRequest{
		Position: &pb.Position{Name: f.leaverPos.Name, End: &date.Date{Year: 2024, Month: 12, Day: 31}, Current: false}, UpdateMask: mask("end", "current")}); err != nil {
		t.Fatal(err)
	}
	counts := func(when string) int32 {
		t.Helper()
		list, err := unit.ListProfileReviews(f.ctx, &pb.ListProfileReviewsRequest{Parent: c.Name})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.ProfileReviews {
			if r.Person == f.leaver.Name {
				t.Errorf("%s: the unit lists the leaver's review", when)
			}
		}
		got, err := unit.GetReviewCampaign(f.ctx, &pb.GetReviewCampaignRequest{Name: c.Name})
		if err != nil {
			t.Fatal(err)
		}
		p := progressOf(got, f.health.Name)
		n := p.GetPendingCount() + p.GetConfirmedCount() + p.GetChangedCount()
		if n != int32(len(list.ProfileReviews)) {
			t.Errorf("%s: the unit's progress counts %d reviews, its list %d", when, n, len(list.ProfileReviews))
		}
		return p.GetChangedCount()
	}
	counts("after the leaver left")
	// The leaver's profile changes at their new workplace: the unit is
	// not told.
	before := counts("before the change")
	if _, err := f.e.client.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{
		Person: &pb.Person{Name: f.leaver.Name, GivenName: "Đã rời"}, UpdateMask: mask("given_name")}); err != nil {
		t.Fatal(err)
	}
	if after := counts("after the change"); after != before {
		t.Errorf("the unit's CHANGED count went from %d to %d when the leaver's profile changed", before, after)
	}
	restrictPerson(t, f.e, f.leaver.Name)
	counts("after the leaver was restricted")
	// The province sees the unit's progress as it was fixed.
	all, err := admin.GetReviewCampaign(f.ctx, &pb.GetReviewCampaignRequest{Name: c.Name})
	if err != nil {
		t.Fatal(err)
	}
	if p := progressOf(all, f.health.Name); p.GetPendingCount()+p.GetChangedCount() != int32(2+f.insideExtra)-1 {
		t.Errorf("the province's progress of the unit: %v", p)
	}
}
