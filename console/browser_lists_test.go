package console_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The admin's lists at 390 px, one entry a box: none of their cells past
// the screen's edge. Before, the audit trail's eight columns, the
// accounts', the keys', the honours campaigns' and an expert pool's
// engagements scrolled sideways in their boxes, what was past the edge (a
// campaign's issuer, an account's date, an event's outcome, an
// engagement's rating) out of sight.
func TestBrowserListsReadOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.honorSetup()
	e.expertSetup()
	pool := "associations/hoi-tin-hoc/expertPools/cntt"
	if _, err := e.admin.Experts.CreateExpertPoolMember(context.Background(), &pb.CreateExpertPoolMemberRequest{Parent: pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: e.person.GetName(), Role: pb.Person_CONSULTING}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Experts.CreateEngagement(context.Background(), &pb.CreateEngagementRequest{Parent: pool, Engagement: &pb.Engagement{
		Person: e.person.GetName(), MatterTitle: "Tư vấn chuyển đổi số trong quản lý nhà nước", RequestingAgency: "Sở Khoa học và Công nghệ",
		Role: pb.Person_CONSULTING, StartDate: &date.Date{Year: 2026, Month: 1, Day: 5}, EndDate: &date.Date{Year: 2026, Month: 2, Day: 5}}}); err != nil {
		t.Fatal(err)
	}
	org := e.unitSetup()
	if _, err := e.admin.Reviews.CreateReviewCampaign(context.Background(), &pb.CreateReviewCampaignRequest{ReviewCampaignId: "2026",
		ReviewCampaign: &pb.ReviewCampaign{DisplayName: "Rà soát đội ngũ trí thức năm 2026", Organizations: []string{org},
			Deadline: &date.Date{Year: 2200, Month: 12, Day: 31}}}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/people", e.account("admin", "")), chromedp.WaitVisible("#results"))
	for _, p := range []struct{ name, path, ready string }{
		{"nhat-ky", "/admin/audit", "#audit"},
		{"tai-khoan", "/admin/accounts", "#accounts"},
		{"khoa", "/admin/keys", "main"},
		{"ton-vinh", "/honors", "#honor-campaigns"},
		{"hoi", "/members", "main"},
		{"chuyen-gia", "/experts", "main"},
		{"ra-soat", "/reviews", "main"},
		{"hoi-dong", "/experts/hoi-tin-hoc/cntt", "#engagements"},
		{"dot-ra-soat", "/reviews/2026", "#reviews"},
	} {
		t.Run(p.name, func(t *testing.T) {
			run(t, ctx, chromedp.Navigate(e.base+p.path), chromedp.WaitVisible(p.ready), window(dir, "35-"+p.name+"-390"))
			readsOnAPhone(t, ctx, p.path)
		})
	}
}
