package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A campaign is deleted from its page by the roles that run campaigns:
// the page asks first, saying how many nominations go with it; one sent
// after another's change deletes nothing (409); one sent twice lands on
// the list. The Department and an association's account are refused. A
// campaign that selected someone has no link, and its delete page says
// in Vietnamese why it stays.
func TestDeleteHonorCampaign(t *testing.T) {
	e := newEnv(t)
	c := e.honorSetup()
	ctx := context.Background()
	const path = "/honors/tieu-bieu"
	b := e.signIn(e.account("registrar", ""))
	if _, page := b.get(path); !strings.Contains(page, `href="`+path+`/delete"`) {
		t.Errorf("the campaign's page has no link to delete it")
	}

	// Others are refused, and nothing changes.
	ha := e.signIn(e.account("home_affairs", ""))
	_, haPage := ha.get(path)
	assoc := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	_, own := assoc.get("/people")
	if strings.Contains(haPage, path+"/delete") {
		t.Errorf("the Department has a link to delete the campaign")
	}
	for who, o := range map[string]struct {
		b    *browser
		csrf string
	}{"the Department": {ha, csrfOf(haPage)}, "an association's registrar": {assoc, csrfOf(own)}} {
		if code, _ := o.b.get(path + "/delete"); code != http.StatusForbidden {
			t.Errorf("%s opening the delete page: HTTP %d", who, code)
		}
		if code, _ := o.b.post(path+"/delete", url.Values{"csrf": {o.csrf}, "etag": {c.GetEtag()}}); code != http.StatusForbidden {
			t.Errorf("%s deleting: HTTP %d", who, code)
		}
	}

	code, page := b.get(path + "/delete")
	if code != http.StatusOK || !strings.Contains(page, `id="delete-nominations">2<`) {
		t.Fatalf("the delete page: HTTP %d, without the count of nominations", code)
	}
	confirm := formValues(page, "delete-campaign")
	if _, err := e.admin.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.GetName(), Quota: 4},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}}); err != nil {
		t.Fatal(err)
	}
	if code, body := b.post(path+"/delete", confirm); code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được người khác sửa") {
		t.Errorf("a stale delete: HTTP %d, %q", code, errorOf(body))
	}
	if _, err := e.admin.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.GetName()}); err != nil {
		t.Fatalf("a stale delete deleted the campaign: %v", err)
	}
	_, page = b.get(path + "/delete")
	confirm = formValues(page, "delete-campaign")
	if code, body := b.post(path+"/delete", confirm); code != http.StatusSeeOther {
		t.Fatalf("deleting the campaign: HTTP %d: %s", code, errorOf(body))
	}
	if _, err := e.admin.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("the campaign after its deletion: %v", err)
	}
	resp, err := b.http.PostForm(e.base+path+"/delete", confirm)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if to, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusSeeOther || to.Path != "/honors" {
		t.Errorf("the delete sent twice: HTTP %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A campaign that selected someone stays.
	c, err = e.admin.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: c.GetDisplayName(), Year: c.GetYear(), Kind: c.GetKind(), Quota: 1, NominationDeadline: c.GetNominationDeadline()}})
	if err != nil {
		t.Fatal(err)
	}
	n := c.GetName() + "/nominations/n-anh"
	if _, err := e.admin.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.GetName(), NominationId: "n-anh",
		Nomination: &pb.Nomination{Person: "people/anh", Nominator: "Hội Y học tỉnh", Reason: "Nhiều đóng góp"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n, Decision: pb.Nomination_SHORTLISTED}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n, DecisionNumber: "1/QĐ"}); err != nil {
		t.Fatal(err)
	}
	if _, page := b.get(path); strings.Contains(page, path+"/delete") {
		t.Errorf("a campaign that selected someone has a link to delete it")
	}
	code, page = b.get(path + "/delete")
	if code != http.StatusOK || !strings.Contains(page, `id="delete-refused"`) || strings.Contains(page, `id="delete-campaign"`) {
		t.Errorf("the delete page of a campaign that selected someone: HTTP %d, or with the button", code)
	}
	cur, _ := e.admin.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.GetName()})
	code, body := b.post(path+"/delete", url.Values{"csrf": {csrfOf(page)}, "etag": {cur.GetEtag()}})
	if code != http.StatusConflict || !strings.Contains(errorOf(body), "không xoá được") || strings.Contains(errorOf(body), "honorCampaigns/") {
		t.Errorf("deleting a campaign that selected someone: HTTP %d, %q", code, errorOf(body))
	}
	if _, err := e.admin.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: n}); err != nil {
		t.Errorf("the selected nomination: %v", err)
	}
}

// TestBrowserDeletesAHonorCampaign: from the campaign's page, through the
// confirm page, to the list saying it is deleted.
func TestBrowserDeletesAHonorCampaign(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	c := e.honorSetup()
	email := e.account("registrar", "")
	run(t, ctx,
		signInTasks(e.base+"/honors/tieu-bieu", email),
		chromedp.WaitVisible("#delete-campaign-link"),
	)
	follow(t, ctx, chromedp.Click("#delete-campaign-link"))
	run(t, ctx, chromedp.WaitVisible("#confirm-delete-campaign"))
	if n := read(t, ctx, chromedp.Text("#delete-nominations")); n != "2" {
		t.Errorf("the confirm page counts %q nominations", n)
	}
	follow(t, ctx, chromedp.Click("#confirm-delete-campaign"))
	run(t, ctx, chromedp.WaitVisible(".flash"))
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/honors?ok=honor-campaign-deleted") {
		t.Errorf("after the deletion the browser is at %s, want the list", loc)
	}
	if flash := read(t, ctx, chromedp.Text(".flash")); !strings.Contains(flash, "Đã xoá đợt tôn vinh") {
		t.Errorf("the list says %q", flash)
	}
	if _, err := e.admin.Honors.GetHonorCampaign(context.Background(), &pb.GetHonorCampaignRequest{Name: c.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("the deleted campaign: %v, want NOT_FOUND", err)
	}
}
