package console_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The audit trail says how each call ended and how it came in
// Vietnamese: it showed the gRPC code's name (OK, NOT_FOUND) and the
// transport's (console, grpc), which an admin reading who did what had
// to look up. A refusal keeps its code beside the words, for support.
func TestAuditTrailSaysOutcomesInVietnamese(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/khong-co"}); err == nil {
		t.Fatal("a person that is not there was found")
	}
	b := e.signIn(e.account("admin", ""))
	b.get("/people")
	_, page := b.get("/admin/audit")
	cells := func(class string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<td class="`+class+`"[^>]*>(.*?)</td>`).FindAllStringSubmatch(page, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	outcomes, channels := cells("outcome"), cells("channel")
	if len(outcomes) == 0 || len(channels) == 0 {
		t.Fatalf("the audit trail has no outcome or channel cells:\n%s", page)
	}
	joined := strings.Join(outcomes, "\n")
	if !strings.Contains(joined, "Thành công") || !strings.Contains(joined, "Không tìm thấy <small class=\"ident\">(NOT_FOUND)</small>") {
		t.Errorf("the outcomes say %q, want Thành công and Không tìm thấy (NOT_FOUND)", outcomes)
	}
	code := regexp.MustCompile(`^[A-Z_]+\b`)
	for _, o := range outcomes {
		if code.MatchString(o) {
			t.Errorf("an outcome says %q", o)
		}
	}
	joined = strings.Join(channels, "\n")
	if !strings.Contains(joined, "Giao diện web") || !strings.Contains(joined, "API gRPC") {
		t.Errorf("the channels say %q, want Giao diện web and API gRPC", channels)
	}
	for _, c := range channels {
		if c == "console" || c == "grpc" || c == "rest" {
			t.Errorf("a channel says %q", c)
		}
	}
}

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
