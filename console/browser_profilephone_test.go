package console_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A profile at a phone's width (390 px) is read without scrolling
// sideways: the page is no wider than the screen, and no cell of its
// tables lies past the screen's edge or is cut. Before, each table kept
// its columns and scrolled in its own box, so that a qualification's
// verification, a position's dates and a work's DOI were out of sight.
func TestBrowserProfileReadsOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	longWorkplace(t, e, "Phòng Kinh tế nông nghiệp và phát triển nông thôn")
	if _, err := e.admin.People.CreateWork(bg, &pb.CreateWorkRequest{Parent: "people/anh", Work: &pb.Work{
		Title: "Chuyển đổi cơ cấu kinh tế nông nghiệp vùng Đồng bằng sông Cửu Long thích ứng với biến đổi khí hậu", Kind: pb.Work_TASK,
		Year: 2023, Role: pb.Work_LEAD, Level: pb.Work_PROVINCE, Venue: "Sở Khoa học và Công nghệ tỉnh An Giang",
		DocumentNumber: "QĐ-1234/QĐ-UBND"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.People.CreateWork(bg, &pb.CreateWorkRequest{Parent: "people/anh", Work: &pb.Work{
		Title: "Đa dạng hoá sinh kế nông hộ vùng lũ", Kind: pb.Work_PUBLICATION, Year: 2021, Role: pb.Work_LEAD,
		Venue: "Land Use Policy", Doi: "10.1016/j.landusepol.2021.105678"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.People.CreateHonor(bg, &pb.CreateHonorRequest{Parent: "people/anh", Honor: &pb.Honor{
		Title: "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", Year: 2022, Issuer: "Ủy ban nhân dân tỉnh An Giang", DecisionNumber: "2345/QĐ-UBND"}}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/people/anh", e.account("admin", "")), chromedp.WaitVisible("#person-name"),
		shot(dir, "34-ho-so-390"))
	readsOnAPhone(t, ctx, "profile")
}

// readsOnAPhone fails the test when the page (what it is) is wider than
// the screen, or a cell of its tables is out of sight (cellsOnScreen).
func readsOnAPhone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	sizes := read(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if sizes[0] > sizes[1] {
		t.Errorf("the %s at 390 px is %d px wide", what, sizes[0])
	}
	cellsOnScreen(t, ctx)
}

// cellsOnScreen fails the test for each cell of the page's tables that lies
// past the screen's edge (in a box that scrolls sideways) or is cut.
func cellsOnScreen(t *testing.T, ctx context.Context) {
	t.Helper()
	cut := read(t, ctx, chromedp.Evaluate[[]string](`(() => {
  const out = [];
  for (const td of document.querySelectorAll("main table td")) {
    const r = td.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.right > window.innerWidth + 0.5 || r.left < -0.5 || td.scrollWidth > td.clientWidth + 1)
      out.push(td.textContent.trim().replace(/\s+/g, " ").slice(0, 40) + " [" + Math.round(r.left) + ".." + Math.round(r.right) + "]");
  }
  return out;
})()`))
	for _, c := range cut {
		t.Errorf("at 390 px a cell is past the screen's edge or cut: %s", c)
	}
}

// An honours campaign's page at 390 px: its counts and its nominations
// (with their decision forms) on the screen, none past its edge. Before,
// the counts' last column and the nominations' decisions were out of
// sight, the nominations squeezed into four slivers.
func TestBrowserHonorsCampaignReadsOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	c, err := e.admin.Honors.CreateHonorCampaign(bg, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu tỉnh An Giang năm 2026", Year: 2026, Quota: 10, Issuer: "UBND tỉnh An Giang",
		NominationDeadline: &date.Date{Year: 2200, Month: 12, Day: 31}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.CreateNomination(bg, &pb.CreateNominationRequest{Parent: c.GetName(), Nomination: &pb.Nomination{
		Person: "people/anh", Nominator: "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
		Reason: "Chủ nhiệm nhiều đề tài cấp tỉnh về kinh tế vùng Đồng bằng sông Cửu Long"}}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/honors/tieu-bieu", e.account("admin", "")), chromedp.WaitVisible("#nominations"),
		shot(dir, "34-dot-ton-vinh-390"))
	readsOnAPhone(t, ctx, "campaign")
}

// A desk's registrations at 390 px, none of their cells past the screen's
// edge. Before, the column of possible duplicates was out of sight.
func TestBrowserDeskReadsOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	if _, err := e.admin.Memberships.RegisterMember(context.Background(), &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_Person{Person: e.person.GetName()},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}}); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/members/hoi-y-hoc", e.account("admin", "")), chromedp.WaitVisible("#queue"),
		shot(dir, "34-ban-duyet-390"))
	readsOnAPhone(t, ctx, "desk")
}

// The qualifications to verify at 390 px, none of their cells past the
// screen's edge. Before, the year, the number and the link to verify were
// out of sight, every column a sliver.
func TestBrowserToVerifyReadsOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/qualifications", e.account("home_affairs", "")), chromedp.WaitVisible("#to-verify"),
		shot(dir, "34-xac-minh-390"))
	readsOnAPhone(t, ctx, "list")
}

// A search's results at 390 px, one person a box: the name on a line of
// its own, the workplace on lines of its own under it, as wide as the
// screen. Before, the six columns were squeezed side by side into the
// screen, a long workplace a column of a word or two a line beside the
// name.
func TestBrowserSearchResultsReadOnAPhone(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	longWorkplace(t, e, "")
	dir := screenshotDir(t)
	run(t, ctx, chromedp.EmulateViewport(390, 800), signInTasks(e.base+"/people", e.account("admin", "")), chromedp.WaitVisible("#results"),
		shot(dir, "34-tim-kiem-390"))
	readsOnAPhone(t, ctx, "search's results")
	got := read(t, ctx, chromedp.Evaluate[[]string](`(() => {
  const out = [];
  if (!/Phó Viện trưởng/.test(document.querySelector("#results").textContent)) out.push("the results show no workplace");
  for (const tr of document.querySelectorAll("#results tbody tr")) {
    const name = tr.querySelector("td:first-child a");
    if (!name) continue;
    const n = name.getBoundingClientRect();
    if (n.right > window.innerWidth) out.push(name.textContent + ": the name is past the screen's edge");
    for (const td of tr.querySelectorAll("td")) {
      if (!/Viện/.test(td.textContent) || td.contains(name)) continue;
      const w = td.getBoundingClientRect();
      if (w.top < n.bottom) out.push(name.textContent + ": the workplace is beside the name, not under it");
      if (w.width < window.innerWidth * 0.6) out.push(name.textContent + ": the workplace is squeezed into " + Math.round(w.width) + " px");
    }
  }
  return out;
})()`))
	for _, g := range got {
		t.Error(g)
	}
}

// longWorkplace gives people/anh a current position, with department, at
// an institute whose name is long, as a phone's screen must fit.
func longWorkplace(t *testing.T, e *env, department string) {
	t.Helper()
	bg := context.Background()
	org, err := e.admin.Organizations.CreateOrganization(bg, &pb.CreateOrganizationRequest{OrganizationId: "vien-dbscl",
		Organization: &pb.Organization{DisplayName: "Viện Nghiên cứu Phát triển Kinh tế - Xã hội vùng Đồng bằng sông Cửu Long"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.People.CreatePosition(bg, &pb.CreatePositionRequest{Parent: "people/anh", Position: &pb.Position{
		Title: "Phó Viện trưởng phụ trách nghiên cứu khoa học", Organization: org.GetName(), Department: department,
		EmploymentType: pb.Position_CIVIL_SERVANT, Start: &date.Date{Year: 2018, Month: 3, Day: 1}, Current: true}}); err != nil {
		t.Fatal(err)
	}
}
