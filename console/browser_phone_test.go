package console_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestBrowserPhoneWidth loads the pages with forms at a phone's width
// (390 px): the page never scrolls sideways (a wide table scrolls in its
// own box). Before, a person's edit form kept its labels' 16em column
// beside the boxes (613 px), the report's form too, and a select of long
// organization names widened the admin forms and a pool's page.
func TestBrowserPhoneWidth(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.expertSetup()
	if _, err := e.admin.Organizations.CreateOrganization(context.Background(), &pb.CreateOrganizationRequest{OrganizationId: "vien-dbscl",
		Organization: &pb.Organization{DisplayName: "Viện Nghiên cứu Phát triển Kinh tế - Xã hội vùng Đồng bằng sông Cửu Long"}}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	run(t, ctx, signInTasks(e.base+"/people", e.account("admin", "")), chromedp.WaitVisible("#q"))
	for _, p := range []struct{ name, path, ready string }{
		{"sua-ho-so", "/people/anh/edit", "#save"},
		{"ho-so", "/people/anh", "#person-name"},
		{"bao-cao", "/reports", "#make-report"},
		{"khoa", "/admin/keys", "#keys"},
		{"tai-khoan", "/admin/accounts", "#accounts"},
		{"nhom", "/experts/hoi-y-hoc/thuy-san", "#pool-name"},
		{"dang-ky", "/members/hoi-y-hoc/-/register", "#save"},
	} {
		run(t, ctx,
			chromedp.EmulateViewport(390, 800),
			chromedp.Navigate(e.base+p.path),
			chromedp.WaitVisible(p.ready),
			window(dir, fmt.Sprintf("32-%s-390", p.name)),
		)
		sizes := read(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if sizes[0] > sizes[1] {
			t.Errorf("%s at 390 px: the page is %d px wide", p.path, sizes[0])
		}
	}
}
