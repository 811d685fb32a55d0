package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// overQuotaSetup is a campaign with a quota of 1 and Anh selected by a
// registrar through the console; with hidden, Dũng was selected first by
// the admin and then restricted, so that the registrar, which counts the
// selections it lists, selected past the quota. It returns the
// registrar's browser.
func overQuotaSetup(e *env, hidden bool) *browser {
	e.t.Helper()
	ctx := context.Background()
	now := time.Now().In(store.Vietnam)
	c, err := e.admin.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(now.Year()), Kind: pb.Honor_PROVINCIAL_HONOR,
		Quota: 1, NominationDeadline: dateOf(now.AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		e.t.Fatal(err)
	}
	ids := []string{"n-anh"}
	if hidden {
		if _, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "dung", Person: &pb.Person{FamilyName: "Lê", GivenName: "Dũng"}}); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, "n-dung")
	}
	for _, id := range ids {
		if _, err := e.admin.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.GetName(), NominationId: id,
			Nomination: &pb.Nomination{Person: "people/" + strings.TrimPrefix(id, "n-"), Nominator: "Hội Y học tỉnh", Reason: "Nhiều đóng góp"}}); err != nil {
			e.t.Fatal(err)
		}
	}
	for _, id := range ids {
		if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: c.GetName() + "/nominations/" + id, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			e.t.Fatal(err)
		}
	}
	if hidden {
		if _, err := e.admin.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: c.GetName() + "/nominations/n-dung", DecisionNumber: "1/QĐ"}); err != nil {
			e.t.Fatal(err)
		}
		req, err := e.admin.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
			Kind: pb.DataSubjectRequest_RESTRICTION, Person: "people/dung", Requester: "Lê Dũng"}})
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.admin.Privacy.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.GetName(),
			State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
			e.t.Fatal(err)
		}
	}
	b := e.signIn(e.account("registrar", ""))
	_, page := b.get("/honors/tieu-bieu")
	form := url.Values{"csrf": {csrfOf(page)}, "etag": {e.nomination("n-anh").GetEtag()}, "decision_number": {"2/QĐ"}}
	if code, body := b.post("/honors/tieu-bieu/nominations/n-anh/select", form); code != http.StatusSeeOther {
		e.t.Fatalf("the registrar selecting Anh: HTTP %d: %s", code, errorOf(body))
	}
	return b
}

// What differs from one page to the next whatever the data: the forms'
// tokens, the etags, the clock, the admin key's id.
var perRender = regexp.MustCompile(`(name="(?:csrf|request_id|etag)" value=")[^"]*"|\d{1,2}:\d{2}(:\d{2})?|(Khoá API )\w+`)

// A registrar's selections, counted by what it lists, may take a campaign
// past its quota; the admin, who counts everyone, read 2 selected of a
// quota of 1 and nothing said so. Its pages now say it, with what to do;
// the registrar's pages are those of a campaign without restricted
// selections, so that no warning tells it they exist.
func TestOverQuotaToldToTheAdminOnly(t *testing.T) {
	e := newEnv(t)
	reg := overQuotaSetup(e, true)
	admin := e.signIn(e.account("admin", ""))
	_, page := admin.get("/honors/tieu-bieu")
	if !strings.Contains(page, `id="over-quota"`) || !strings.Contains(page, "Đã chọn 2, vượt chỉ tiêu 1: nâng chỉ tiêu lên ít nhất 2") ||
		!strings.Contains(page, `href="/honors/tieu-bieu/edit"`) || !strings.Contains(page, "chọn thêm ai cũng bị từ chối") {
		t.Errorf("the admin's campaign page does not say the campaign is over its quota:\n%s", page)
	}
	if strings.Contains(page, `id="quota-full"`) {
		t.Errorf("the admin's page says the quota is just full")
	}
	_, list := admin.get("/honors")
	if !strings.Contains(list, `id="over-quota-tieu-bieu"`) || !strings.Contains(list, "đã chọn 2, vượt chỉ tiêu 1") {
		t.Errorf("the admin's list of campaigns does not say the campaign is over its quota:\n%s", list)
	}

	// The registrar reads the same bytes as where no restricted person
	// was selected.
	plain := newEnv(t)
	regPlain := overQuotaSetup(plain, false)
	for _, path := range []string{"/honors/tieu-bieu", "/honors"} {
		_, got := reg.get(path)
		_, want := regPlain.get(path)
		got, want = perRender.ReplaceAllString(got, "$1$3"), perRender.ReplaceAllString(want, "$1$3")
		if got != want {
			t.Errorf("the registrar's %s differs from a campaign's without restricted selections:\n%s\nwant\n%s", path, got, want)
		}
		if strings.Contains(got, "vượt chỉ tiêu") {
			t.Errorf("the registrar's %s warns of the quota", path)
		}
	}

	// Raised to what is selected, the campaign is no longer over it.
	ctx := context.Background()
	if _, err := e.admin.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: "honorCampaigns/tieu-bieu", Quota: 2},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}}); err != nil {
		t.Fatal(err)
	}
	if _, page := admin.get("/honors/tieu-bieu"); strings.Contains(page, "vượt chỉ tiêu") || !strings.Contains(page, `id="quota-full"`) {
		t.Errorf("the quota raised to 2, the admin's page still warns, or does not say it is full")
	}
}

// A shortlisted nomination's row in a campaign past its quota said "Đã đủ
// chỉ tiêu" to the admin, beside a quota line and a warning that said it
// was past it, and "hãy tăng chỉ tiêu" without saying to what or where.
// The row now says it is past the quota, what quota lets one more be
// selected, and links to the edit form.
func TestOverQuotaRowSaysPastTheQuota(t *testing.T) {
	e := newEnv(t)
	overQuotaSetup(e, true)
	ctx := context.Background()
	if _, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "cuong", Person: &pb.Person{FamilyName: "Phạm", GivenName: "Cường"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: "honorCampaigns/tieu-bieu", NominationId: "n-cuong",
		Nomination: &pb.Nomination{Person: "people/cuong", Nominator: "Hội Y học tỉnh", Reason: "Nhiều đóng góp"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: "honorCampaigns/tieu-bieu/nominations/n-cuong", Decision: pb.Nomination_SHORTLISTED}); err != nil {
		t.Fatal(err)
	}
	admin := e.signIn(e.account("admin", ""))
	_, page := admin.get("/honors/tieu-bieu")
	row := regexp.MustCompile(`(?s)<p class="quota-full" id="full-n-cuong">(.*?)</p>`).FindStringSubmatch(page)
	if row == nil {
		t.Fatalf("the admin's page has no row saying Cường cannot be selected:\n%s", page)
	}
	if strings.Contains(row[1], "đủ chỉ tiêu") || !strings.Contains(row[1], "Đã vượt chỉ tiêu") || !strings.Contains(row[1], "ít nhất 3") ||
		!strings.Contains(row[1], `href="/honors/tieu-bieu/edit"`) {
		t.Errorf("the row of a campaign past its quota says %q, want it past the quota, a quota of at least 3 and a link to the edit form", row[1])
	}
}
