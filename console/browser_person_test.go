package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An admin adds a person from the people list: a national ID written
// wrong is refused next to its box with everything typed kept, the form
// corrected and clicked twice creates one person, whose profile opens.
// The admin then deletes them after the page that says what deleting
// means, finds them under "Hồ sơ đã xoá" and restores them. home_affairs
// sees none of these links or buttons.
func TestBrowserCreateDeleteRestorePerson(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	email := e.account("admin", "")
	dir := screenshotDir(t)
	named := func(given string) []*pb.Person {
		t.Helper()
		l, err := e.admin.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `given_name = "` + given + `"`, ShowDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		return l.GetPeople()
	}

	run(t, ctx,
		signInTasks(e.base+"/people", email),
		chromedp.WaitVisible("#new-person"),
	)
	follow(t, ctx, chromedp.Click("#new-person"))
	run(t, ctx,
		chromedp.WaitVisible("#f-given_name"),
		chromedp.SendKeys("#f-family_name", "Huỳnh"),
		chromedp.SendKeys("#f-middle_name", "Ngọc"),
		chromedp.SendKeys("#f-given_name", "Trâm"),
		chromedp.SetValue("#f-gender", "FEMALE"),
		chromedp.SendKeys("#f-birth_date", "21/11/1991"),
		chromedp.SendKeys("#f-national_id", "09119100"),
	)
	follow(t, ctx, chromedp.Click("#save"))
	run(t, ctx, chromedp.WaitVisible("#err-national_id"), shot(dir, "person-01-them-nguoi-loi"))
	if got := read(t, ctx, chromedp.Value("#f-national_id")); got != "09119100" {
		t.Errorf("the refused national ID box holds %q, want what was typed", got)
	}
	if got := read(t, ctx, chromedp.Value("#f-given_name")); got != "Trâm" {
		t.Errorf("the given name box holds %q after the refusal", got)
	}
	if got := read(t, ctx, chromedp.Value("#f-birth_date")); got != "21/11/1991" {
		t.Errorf("the birth date box holds %q after the refusal", got)
	}
	if msg := read(t, ctx, chromedp.Text("#err-national_id")); !strings.Contains(strings.ToLower(msg), "số định danh") && !strings.Contains(msg, "12 chữ số") {
		t.Errorf("next to the national ID: %q, want a message about it in Vietnamese", msg)
	}
	if n := len(named("Trâm")); n != 0 {
		t.Fatalf("a refused form created %d people", n)
	}

	// Corrected, then clicked twice.
	run(t, ctx, chromedp.SetValue("#f-national_id", "091191001234"))
	follow(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#save"); b.click(); b.click(); })()`))
	run(t, ctx, chromedp.WaitVisible("#person-name"), shot(dir, "person-02-da-them"))
	if name := read(t, ctx, chromedp.Text("#person-name")); name != "Huỳnh Ngọc Trâm" {
		t.Errorf("after saving, the page shows %q, want the new profile", name)
	}
	if flash := read(t, ctx, chromedp.Text(".flash")); !strings.HasPrefix(flash, "Đã thêm người") {
		t.Errorf("the new profile says %q", flash)
	}
	people := named("Trâm")
	if len(people) != 1 {
		t.Fatalf("the form clicked twice created %d people, want 1", len(people))
	}
	id := people[0].GetName()[len("people/"):]

	// Deleted after the page that says what that means.
	follow(t, ctx, chromedp.Click("#delete-person"))
	run(t, ctx, chromedp.WaitVisible("#confirm-delete-person"), shot(dir, "person-03-xac-nhan-xoa"))
	if text := read(t, ctx, chromedp.Text("#what-delete-means")); !strings.Contains(text, "xoá tạm") || !strings.Contains(text, "khôi phục") {
		t.Errorf("the confirmation says %q, want what a soft delete means", text)
	}
	follow(t, ctx, chromedp.Click("#confirm-delete-person"))
	run(t, ctx, chromedp.WaitVisible("#deleted"))
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/people/"+id+"?ok=person-deleted") {
		t.Errorf("after deleting, the browser is at %s", loc)
	}
	if p := named("Trâm"); len(p) != 1 || p[0].GetDeleteTime() == nil {
		t.Fatalf("the person is not deleted: %v", p)
	}

	// Found among the deleted, not among the others, and restored.
	follow(t, ctx, chromedp.Navigate(e.base+"/people"))
	run(t, ctx, chromedp.WaitVisible("#results"))
	if list := read(t, ctx, chromedp.Text("#results")); strings.Contains(list, "Huỳnh Ngọc Trâm") {
		t.Errorf("the list of live people holds the deleted person")
	}
	follow(t, ctx, chromedp.Click("#deleted-tab"))
	run(t, ctx, chromedp.WaitVisible("#results"), shot(dir, "person-04-ho-so-da-xoa"))
	if list := read(t, ctx, chromedp.Text("#results")); !strings.Contains(list, "Huỳnh Ngọc Trâm") || strings.Contains(list, "Nguyễn Văn Anh") {
		t.Errorf("the deleted tab lists %q, want the deleted person alone", list)
	}
	follow(t, ctx, chromedp.Click(`//a[text()="Huỳnh Ngọc Trâm"]`))
	run(t, ctx, chromedp.WaitVisible("#undelete"))
	follow(t, ctx, chromedp.Click("#undelete"))
	run(t, ctx, chromedp.WaitVisible("#edit-person"))
	if flash := read(t, ctx, chromedp.Text(".flash")); flash != "Đã khôi phục hồ sơ." {
		t.Errorf("after restoring, the profile says %q", flash)
	}
	if p := named("Trâm"); len(p) != 1 || p[0].GetDeleteTime() != nil {
		t.Errorf("the person is not restored: %v", p)
	}

	// home_affairs: none of it.
	ha := e.account("home_affairs", "")
	follow(t, ctx, chromedp.Click("#logout"))
	run(t, ctx,
		signInTasks(e.base+"/people/"+id, ha),
		chromedp.WaitVisible("#person-name"),
	)
	for _, sel := range []string{"#delete-person", "#undelete", "#edit-person"} {
		if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); n != 0 {
			t.Errorf("home_affairs sees %s on a profile", sel)
		}
	}
	follow(t, ctx, chromedp.Navigate(e.base+"/people"))
	run(t, ctx, chromedp.WaitVisible("#results"))
	for _, sel := range []string{"#new-person", "#deleted-tab"} {
		if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); n != 0 {
			t.Errorf("home_affairs sees %s on the people list", sel)
		}
	}
}
