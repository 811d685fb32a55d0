package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The search's age bands do not overlap, and say they count by the year
// of birth: "Dưới 35" held those turning 35 this year, who are in "35–44"
// too, so that it counted more than the statistics' "Dưới 35 tuổi" with
// nothing said (83 against 72 of the demo's 300).
func TestBrowserSearchAgeBands(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	year := time.Now().In(store.Vietnam).Year()
	for _, p := range []*pb.Person{
		{FamilyName: "Phan", GivenName: "Ba Mươi Bốn", Gender: pb.Person_FEMALE, BirthDate: &date.Date{Year: int32(year - 34)}},
		{FamilyName: "Phan", GivenName: "Ba Mươi Lăm", Gender: pb.Person_FEMALE, BirthDate: &date.Date{Year: int32(year - 35)}},
	} {
		if _, err := e.admin.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: p}); err != nil {
			t.Fatal(err)
		}
	}
	email := e.account("home_affairs", "")
	dir := screenshotDir(t)
	run(t, ctx, signInTasks(e.base+"/people", email), chromedp.WaitVisible("#results"))
	for _, tc := range []struct {
		band, want, not string
	}{
		{"-35", "Ba Mươi Bốn", "Ba Mươi Lăm"},
		{"35-44", "Ba Mươi Lăm", "Ba Mươi Bốn"},
	} {
		t.Run(tc.band, func(t *testing.T) {
			follow(t, ctx, chromedp.Navigate(e.base+"/people"))
			follow(t, ctx, chromedp.SetValue(`select[name="age"]`, tc.band), chromedp.Click("#search"))
			run(t, ctx, chromedp.WaitVisible("#count"), shot(dir, "62-tim-theo-tuoi"+tc.band))
			names := read(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#results tbody")||{}).textContent||""`))
			if !strings.Contains(names, tc.want) || strings.Contains(names, tc.not) {
				t.Errorf("band %s lists %q, want %s and not %s", tc.band, names, tc.want, tc.not)
			}
			option := read(t, ctx, chromedp.Evaluate[string](`document.querySelector('select[name="age"] option:checked').textContent`))
			label := read(t, ctx, chromedp.Evaluate[string](`document.querySelector('select[name="age"]').parentElement.textContent`))
			if !strings.Contains(option, "sinh") || !strings.Contains(label, "theo năm sinh") {
				t.Errorf("the band %q (box %q) does not say it counts by the year of birth", option, label)
			}
			if hint := read(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#age-hint")||{}).textContent||""`)); !strings.Contains(hint, "Thống kê") {
				t.Errorf("no word on how this age differs from the statistics': %q", hint)
			}
		})
	}
}
