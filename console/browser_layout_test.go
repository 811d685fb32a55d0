package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestBrowserPagesFitTheWindow loads the widest pages (the audit trail with
// long names and addresses, statistics on three dimensions, the accounts,
// an honours campaign's nominations with their decision forms)
// at an office screen's width and a small window's: the page itself never
// scrolls sideways; a wide table scrolls in its own box.
func TestBrowserPagesFitTheWindow(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	const longID = "nguyen-thi-thanh-huong-vien-nghien-cuu-phat-trien-dong-bang-scl"
	org, err := e.admin.Organizations.CreateOrganization(bg, &pb.CreateOrganizationRequest{OrganizationId: "vien-nghien-cuu-phat-trien-kinh-te-xa-hoi-dong-bang-songcuulong",
		Organization: &pb.Organization{DisplayName: "Viện Nghiên cứu Phát triển Kinh tế - Xã hội vùng Đồng bằng sông Cửu Long"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.People.CreatePerson(bg, &pb.CreatePersonRequest{PersonId: longID, Person: &pb.Person{
		FamilyName: "Nguyễn", MiddleName: "Thị Thanh", GivenName: "Hương", Gender: pb.Person_FEMALE}}); err != nil {
		t.Fatal(err)
	}
	// A profile with two entries of each kind, each with its edit link.
	for _, q := range []*pb.Qualification{
		{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Kinh tế", Year: 2015},
		{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Kinh tế", Year: 2021},
	} {
		if _, err := e.admin.People.CreateQualification(bg, &pb.CreateQualificationRequest{Parent: "people/" + longID, Qualification: q}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*pb.Position{
		{Title: "Nghiên cứu viên", Organization: org.GetName(), Start: &date.Date{Year: 2010}, End: &date.Date{Year: 2018}},
		{Title: "Trưởng phòng", Organization: org.GetName(), Start: &date.Date{Year: 2018}, Current: true},
	} {
		if _, err := e.admin.People.CreatePosition(bg, &pb.CreatePositionRequest{Parent: "people/" + longID, Position: p}); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []*pb.Honor{{Title: "Chiến sĩ thi đua cơ sở", Year: 2019}, {Title: "Chiến sĩ thi đua cơ sở", Year: 2022}} {
		if _, err := e.admin.People.CreateHonor(bg, &pb.CreateHonorRequest{Parent: "people/" + longID, Honor: h}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []*pb.Work{{Title: "Kinh tế vùng Đồng bằng sông Cửu Long", Kind: pb.Work_PUBLICATION, Year: 2016}, {Title: "Chuyển đổi số ở nông thôn", Kind: pb.Work_TASK, Year: 2023}} {
		if _, err := e.admin.People.CreateWork(bg, &pb.CreateWorkRequest{Parent: "people/" + longID, Work: w}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.admin.People.BatchGetPeople(bg, &pb.BatchGetPeopleRequest{Names: []string{"people/" + longID, "people/anh"}}); err != nil {
		t.Fatal(err)
	}
	// A campaign with the long name nominated, its forms on the row.
	c, err := e.admin.Honors.CreateHonorCampaign(bg, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu tỉnh An Giang năm 2026", Year: 2026, Quota: 10, Issuer: "UBND tỉnh An Giang",
		NominationDeadline: &date.Date{Year: 2200, Month: 12, Day: 31}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.CreateNomination(bg, &pb.CreateNominationRequest{Parent: c.GetName(), Nomination: &pb.Nomination{
		Person: "people/" + longID, Nominator: org.GetDisplayName(), Reason: "Chủ nhiệm nhiều đề tài cấp tỉnh về kinh tế vùng Đồng bằng sông Cửu Long"}}); err != nil {
		t.Fatal(err)
	}
	// What a day's calls leave that no test call makes: an account with a
	// long address, over IPv6, from the REST gateway.
	long := "user:nguyen.thi.thanh.huong.phong.to.chuc.can.bo@sokhoahocvacongnghe.angiang.gov.vn"
	var events []*store.AuditEvent
	for i := range 30 {
		events = append(events, &store.AuditEvent{ID: fmt.Sprintf("wide%02d", i), Time: time.Now(), Principal: long,
			PrincipalName: "Nguyễn Thị Thanh Hương", Role: "registrar", Method: "/trithuc.v1.MembershipService/BatchApproveMembershipRegistrations",
			Resources: []string{"people/" + longID, org.GetName() + "/memberships/" + longID}, Code: "FAILED_PRECONDITION",
			ClientAddress: "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:54321", Transport: "rest"})
	}
	if err := e.db.AppendAudit(bg, events); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.CreateAccount(bg, "nguyen.thi.thanh.huong.phong.to.chuc.can.bo@sokhoahocvacongnghe.angiang.gov.vn",
		"Nguyễn Thị Thanh Hương", "registrar", org.GetName()); err != nil {
		t.Fatal(err)
	}
	email := e.account("admin", "")
	dir := screenshotDir(t)
	run(t, ctx,
		signInTasks(e.base+"/people", email),
		chromedp.WaitVisible("#q"),
	)
	pages := []struct{ name, path, ready string }{
		{"nhat-ky", "/admin/audit", "#audit"},
		{"thong-ke", "/stats?d1=HIGHEST_QUALIFICATION_LEVEL&d2=GENDER&d3=AGE_BAND", "#stats-table"},
		{"tai-khoan", "/admin/accounts", "#accounts"},
		{"tim-kiem", "/people", "#results"},
		{"ho-so", "/people/" + longID, "#person-name"},
		{"sua-ho-so", "/people/anh/edit", "#save"},
		{"loc", "/people?level=THAC_SI", "#results"},
		{"xac-minh", "/qualifications", "#to-verify"},
		{"ton-vinh", "/honors", "#honor-campaigns"},
		{"dot-ton-vinh", "/honors/tieu-bieu", "#nominations"},
		{"sua-dot-ton-vinh", "/honors/tieu-bieu/edit", "#edit-campaign"},
	}
	for _, width := range []int64{1366, 1024, 768} {
		for _, p := range pages {
			run(t, ctx,
				chromedp.EmulateViewport(width, 800),
				chromedp.Navigate(e.base+p.path),
				chromedp.WaitVisible(p.ready),
			)
			sizes := read(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if sizes[0] > sizes[1] {
				t.Errorf("%s at %d px: the page is %d px wide, wider than the window's %d", p.path, width, sizes[0], sizes[1])
			}
			for _, fault := range read(t, ctx, chromedp.Evaluate[[]string](layoutFaults)) {
				t.Errorf("%s at %d px: %s", p.path, width, fault)
			}
			run(t, ctx, window(dir, fmt.Sprintf("30-%s-%d", p.name, width)))
		}
	}
	if t.Failed() {
		t.Logf("screenshots in %s", dir)
	}
}

// layoutFaults lists what a person would see wrong on the page: a menu
// entry broken over two lines, a menu not on one line from 1024 px on, a
// header of more than two rows there (the menu and the brand with the
// signed-in name, whom it never shortens), a box sticking out of
// its label (a select of long names), and the accounts' table needing a
// sideways scroll for its buttons, a box without a label, which a
// screen reader names by its placeholder at best, and links of one name
// to different pages ("Sửa" on every row), which a screen reader's list
// of links cannot tell apart.
const layoutFaults = `(() => {
  const out = [];
  const links = [...document.querySelectorAll("header nav a")];
  const line = parseFloat(getComputedStyle(document.body).lineHeight);
  for (const a of links) {
    if (a.getBoundingClientRect().height > 1.5 * line) out.push("the menu's " + JSON.stringify(a.textContent) + " is on two lines");
  }
  if (innerWidth >= 1024 && new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size > 1) out.push("the menu is on more than one line");
  const header = document.querySelector("header").getBoundingClientRect();
  if (innerWidth >= 1024 && header.height > 4 * line) out.push("the header is " + Math.round(header.height) + " px high");
  for (const s of document.querySelectorAll("label select, label input")) {
    const l = s.closest("label").getBoundingClientRect(), r = s.getBoundingClientRect();
    if (s.offsetParent && r.right > l.right + 1) out.push((s.name || s.id) + " sticks out of its label by " + Math.round(r.right - l.right) + " px");
  }
  for (const c of document.querySelectorAll("main input, main select, main textarea")) {
    if (c.type !== "hidden" && !c.labels.length && !c.getAttribute("aria-label")) out.push((c.name || c.id) + " has no label for a screen reader");
  }
  const named = new Map();
  for (const a of document.querySelectorAll("main a[href]")) {
    const name = (a.getAttribute("aria-label") || a.textContent).trim().replace(/\s+/g, " ");
    const to = named.get(name);
    if (to === undefined) named.set(name, a.getAttribute("href"));
    else if (to !== null && to !== a.getAttribute("href")) {
      out.push("links named " + JSON.stringify(name) + " lead to different pages; a screen reader cannot tell them apart");
      named.set(name, null);
    }
  }
  const acc = document.querySelector("#accounts");
  if (acc && acc.parentElement.scrollWidth > acc.parentElement.clientWidth) out.push("the accounts' table scrolls sideways by " + (acc.parentElement.scrollWidth - acc.parentElement.clientWidth) + " px");
  return out;
})()`

// window saves what the window shows as dir/name.png: the page as seen on
// a screen of that width, not the whole of a long page.
func window(dir, name string) action {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.CaptureScreenshot()(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	})
}
