package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The search's 2024 district finds the people of its area: those whose
// positions name the district (held before 2025) and those working in the
// wards formed from it. It found the first alone, 9 people of Rạch Giá
// on the demo against the some 100 the statistics by 2024 district count
// there.
func TestBrowserSearchBy2024District(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	org, err := e.admin.Organizations.CreateOrganization(bg, &pb.CreateOrganizationRequest{OrganizationId: "so-noi-vu",
		Organization: &pb.Organization{DisplayName: "Sở Nội vụ", Kind: pb.Organization_STATE_AGENCY, AdministrativeUnit: "30742"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		given string
		pos   *pb.Position
	}{
		// Phường Rạch Giá (30742) was formed from Thành phố Rạch Giá (899).
		{"Phường Mới", &pb.Position{Organization: org.Name, Current: true, Start: &date.Date{Year: 2025, Month: 8}}},
		{"Thành Phố Cũ", &pb.Position{OrganizationName: "UBND thành phố Rạch Giá", AdministrativeUnit: "899",
			Start: &date.Date{Year: 2015}, End: &date.Date{Year: 2019}}},
		{"Kiên Lương", &pb.Position{OrganizationName: "UBND xã Kiên Lương", AdministrativeUnit: "30787", Current: true,
			Start: &date.Date{Year: 2025, Month: 8}}},
	} {
		p, err := e.admin.People.CreatePerson(bg, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Huỳnh", GivenName: w.given}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.admin.People.CreatePosition(bg, &pb.CreatePositionRequest{Parent: p.Name, Position: w.pos}); err != nil {
			t.Fatal(err)
		}
	}
	email := e.account("home_affairs", "")
	dir := screenshotDir(t)
	run(t, ctx, signInTasks(e.base+"/people", email), chromedp.WaitVisible("#results"))
	follow(t, ctx, chromedp.SetValue(`select[name="unit2024"]`, "899"), chromedp.Click("#search"))
	run(t, ctx, chromedp.WaitVisible("#count"), shot(dir, "64-tim-theo-huyen-2024"))
	names := read(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#results tbody")||{}).textContent||""`))
	for _, want := range []string{"Huỳnh Phường Mới", "Huỳnh Thành Phố Cũ"} {
		if !strings.Contains(names, want) {
			t.Errorf("Thành phố Rạch Giá (2024) does not list %s: %q", want, names)
		}
	}
	if strings.Contains(names, "Kiên Lương") {
		t.Errorf("Thành phố Rạch Giá (2024) lists someone of Kiên Lương: %q", names)
	}
}
