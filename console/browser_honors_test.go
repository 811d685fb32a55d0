package console_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestBrowserHonors drives Chromium as the Union's registrar through this
// year's honours: from the navigation, opening the campaign (quota 1),
// nominating three people (one found by name; one nominated twice is
// refused by the box),
// shortlisting two, rejecting one (without a note refused, then with
// one), selecting one by the number of the decision, the other's button
// disabled since the quota is full, and the honour on the selected person's
// profile; the list of campaigns puts this year's first.
func TestBrowserHonors(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	bg := context.Background()
	for id, given := range map[string]string{"cuong": "Cường", "dung": "Dũng"} {
		if _, err := e.admin.People.CreatePerson(bg, &pb.CreatePersonRequest{PersonId: id, Person: &pb.Person{FamilyName: "Phạm",
			MiddleName: "Thanh", GivenName: given, Gender: pb.Person_MALE, BirthDate: &date.Date{Year: 1975}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Next year's campaign, opened ahead, comes after this year's.
	next := time.Now().In(store.Vietnam).AddDate(1, 0, 0)
	if _, err := e.admin.Honors.CreateHonorCampaign(bg, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức sáng tạo năm " + strconv.Itoa(next.Year()), Year: int32(next.Year()), Quota: 5, NominationDeadline: dateOf(next)}}); err != nil {
		t.Fatal(err)
	}
	email := e.account("registrar", "")
	dir := screenshotDir(t)
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	now := time.Now().In(store.Vietnam)
	year := strconv.Itoa(now.Year())
	title := "Trí thức tiêu biểu tỉnh An Giang năm " + year
	row := func(name string) string { return `//tr[td/a[text()="` + name + `"]]` }

	step("open the campaigns from the navigation", func(t *testing.T) {
		run(t, ctx,
			signInTasks(e.base+"/people", email),
			chromedp.WaitVisible("#results"),
		)
		follow(t, ctx, chromedp.Click(`//nav/a[text()="Tôn vinh"]`))
		run(t, ctx, chromedp.WaitVisible("#new-campaign"))
		if y := read(t, ctx, chromedp.Value("#hc-year")); y != year {
			t.Errorf("the new campaign's year is %q, want this year's", y)
		}
	})

	step("open this year's campaign", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys("#hc-name", title),
			chromedp.SendKeys("#hc-id", "tieu-bieu-"+year),
			chromedp.SetValue("#hc-quota", "1"),
			chromedp.SetValue("#hc-deadline", now.AddDate(0, 1, 0).Format("2006-01-02")),
			chromedp.SendKeys("#hc-issuer", "UBND tỉnh An Giang"),
			shot(dir, "80-mo-dot-ton-vinh"),
		)
		follow(t, ctx, chromedp.Click("#hc-create"))
		run(t, ctx, chromedp.WaitVisible("#nominate"), chromedp.WaitVisible(".flash"))
		if n, q := read(t, ctx, chromedp.Text("#campaign-name")), read(t, ctx, chromedp.Text("#quota")); n != title || !strings.HasPrefix(q, "1 người") {
			t.Errorf("the campaign's page: %q, quota %q", n, q)
		}
	})

	step("nominate; someone nominated twice is refused by the box", func(t *testing.T) {
		for _, person := range []string{"anh", "/people/cuong", ""} {
			if person == "" {
				// Dũng is found by name, typed without diacritics.
				run(t, ctx, chromedp.SendKeys("#nominate-find-q", "pham thanh dung"))
				follow(t, ctx, chromedp.Click("#nominate-find-go"))
				run(t, ctx, chromedp.WaitVisible(`button[aria-label="Chọn: Phạm Thanh Dũng"]`), shot(dir, "81a-tim-theo-ten"))
				follow(t, ctx, chromedp.Click(`button[aria-label="Chọn: Phạm Thanh Dũng"]`))
				run(t, ctx, chromedp.WaitVisible("#nominate-chosen"))
				if v := read(t, ctx, chromedp.Value("#nom-person")); v != "dung" {
					t.Errorf("choosing Dũng put %q in the box", v)
				}
			}
			run(t, ctx,
				chromedp.SendKeys("#nom-person", person),
				chromedp.SendKeys("#nom-nominator", "Hội Y học tỉnh"),
				chromedp.SendKeys("#nom-reason", "Nhiều đóng góp cho ngành y tế tỉnh"),
			)
			follow(t, ctx, chromedp.Click("#nom-save"))
			run(t, ctx, chromedp.WaitVisible(".flash"))
		}
		run(t, ctx, chromedp.SendKeys("#nom-person", "anh"))
		follow(t, ctx, chromedp.Click("#nom-save"))
		run(t, ctx, chromedp.WaitVisible("#err-person"), shot(dir, "81-da-duoc-de-cu"))
		if msg := read(t, ctx, chromedp.Text("#err-person")); !strings.Contains(msg, "đã được đề cử trong đợt này") {
			t.Errorf("the second nomination of Anh: %q", msg)
		}
		if n := read(t, ctx, chromedp.Text("#count-SUBMITTED")); n != "3" {
			t.Errorf("nominated: %s, want 3", n)
		}
	})

	step("shortlist two, reject one with a note", func(t *testing.T) {
		for _, name := range []string{"Nguyễn Văn Anh", "Phạm Thanh Dũng"} {
			follow(t, ctx, chromedp.Click(`button[aria-label="Đưa vào danh sách xét chọn: `+name+`"]`))
			run(t, ctx, chromedp.WaitVisible(".flash"))
		}
		follow(t, ctx, chromedp.Click(`button[aria-label="Không chọn: Phạm Thanh Cường"]`))
		run(t, ctx, chromedp.WaitVisible(`.field-error[id$="-note"]`))
		if msg := read(t, ctx, chromedp.Text(`.field-error[id$="-note"]`)); !strings.Contains(msg, "Cần ghi lý do không chọn") {
			t.Errorf("a rejection without a note: %q", msg)
		}
		run(t, ctx, chromedp.SendKeys(row("Phạm Thanh Cường")+`//textarea[@name="note"]`, "Chưa đủ thời gian công tác tại tỉnh"))
		follow(t, ctx, chromedp.Click(`button[aria-label="Không chọn: Phạm Thanh Cường"]`))
		run(t, ctx, chromedp.WaitVisible(".flash"), shot(dir, "82-xet-de-cu"))
		if s := read(t, ctx, chromedp.Text(row("Phạm Thanh Cường"))); !strings.Contains(s, "Bị từ chối") || !strings.Contains(s, "Chưa đủ thời gian công tác") {
			t.Errorf("Cường's row after the rejection: %q", s)
		}
	})

	step("select one by the decision; the quota refuses another", func(t *testing.T) {
		run(t, ctx, chromedp.SendKeys(row("Nguyễn Văn Anh")+`//input[@name="decision_number"]`, "125/QĐ-UBND"))
		follow(t, ctx, chromedp.Click(`button[aria-label="Chọn: Nguyễn Văn Anh"]`))
		run(t, ctx, chromedp.WaitVisible(".flash"))
		if s, n := read(t, ctx, chromedp.Text(row("Nguyễn Văn Anh"))), read(t, ctx, chromedp.Text("#selected-count")); !strings.Contains(s, "Được chọn") || !strings.Contains(s, "125/QĐ-UBND") || n != "1" {
			t.Errorf("Anh's row after the selection: %q; selected %s", s, n)
		}
		// The quota is full: Dũng's row says so, its button disabled.
		run(t, ctx, chromedp.WaitVisible(row("Phạm Thanh Dũng")+`//p[@class="quota-full"]`), shot(dir, "83-du-chi-tieu"))
		if s := read(t, ctx, chromedp.Text(row("Phạm Thanh Dũng")+`//p[@class="quota-full"]`)); !strings.Contains(s, "Đã đủ chỉ tiêu") {
			t.Errorf("Dũng's row once the quota is full: %q", s)
		}
		if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('button[aria-label^="Chọn: Phạm Thanh Dũng"]:not([disabled])').length`)); n != 0 {
			t.Errorf("Dũng's row has a select button to press once the quota is full")
		}
	})

	step("the honour is on the profile", func(t *testing.T) {
		follow(t, ctx, chromedp.Click(`//a[text()="Nguyễn Văn Anh"]`))
		run(t, ctx, chromedp.WaitVisible("#person-name"), shot(dir, "84-danh-hieu-tren-ho-so"))
		if main := read(t, ctx, chromedp.Text("main")); !strings.Contains(main, title) || !strings.Contains(main, "125/QĐ-UBND") {
			t.Errorf("Anh's profile has no honour of the campaign:\n%s", main)
		}
		follow(t, ctx, chromedp.Navigate(e.base+"/honors"))
		run(t, ctx, chromedp.WaitVisible("#honor-campaigns"), shot(dir, "85-cac-dot-ton-vinh"))
		if first := read(t, ctx, chromedp.Text("#honor-campaigns tbody tr")); !strings.Contains(first, title) {
			t.Errorf("the campaigns' first row is %q", first)
		}
	})
}
