package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserExpertPools drives Chromium as the Union's registrar through
// a pool's year: from the navigation to the association, making a pool
// there, adding an expert (one
// without the consent to publication is refused next to the box), an
// engagement refused because the expert works at the matter's
// organization, then recorded with a reason, its outcome and rating, the
// pool's search ranking the expert, and the association's count of
// engagements by year, its small count hidden as the statistics hide it.
func TestBrowserExpertPools(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	e.expertSetup()
	email := e.account("registrar", "")
	dir := screenshotDir(t)
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	start := time.Now().AddDate(0, -1, 0)

	step("open the pools from the navigation", func(t *testing.T) {
		run(t, ctx,
			signInTasks(e.base+"/people", email),
			chromedp.WaitVisible("#results"),
		)
		follow(t, ctx, chromedp.Click(`//nav/a[text()="Chuyên gia"]`))
		run(t, ctx, chromedp.WaitVisible("#pool-thuy-san"), shot(dir, "70-nhom-chuyen-gia"))
		if list := read(t, ctx, chromedp.Text("main")); !strings.Contains(list, "Hội đồng tư vấn công nghệ thông tin") {
			t.Errorf("the list of pools is %q", list)
		}
	})

	step("make a pool of the association", func(t *testing.T) {
		follow(t, ctx, chromedp.Click(`//h2/a[text()="Hội Y học tỉnh"]`))
		run(t, ctx, chromedp.WaitVisible("#new-pool"))
		fisheries := read(t, ctx, chromedp.EvaluateAsDevTools[string](`document.querySelector('#list-fields option[value^="405 "]').value`))
		run(t, ctx,
			chromedp.SendKeys("#p-name", "Hội đồng phản biện nuôi trồng thủy sản"),
			chromedp.SendKeys("#p-id", "nuoi-trong"),
			chromedp.SendKeys("#p-field0", fisheries),
			chromedp.Click("#p-role-CRITIQUE"),
			shot(dir, "70b-tao-nhom"),
		)
		follow(t, ctx, chromedp.Click("#p-create"))
		run(t, ctx, chromedp.WaitVisible("#add-member"), chromedp.WaitVisible(".flash"))
		if n, f := read(t, ctx, chromedp.Text("#pool-name")), read(t, ctx, chromedp.Text("main")); n != "Hội đồng phản biện nuôi trồng thủy sản" || !strings.Contains(f, "Lĩnh vực: "+fisheries) {
			t.Errorf("the new pool's page: %q, %q", n, f)
		}
	})

	step("add an expert; one without consent is refused by the box", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys("#m-person", "binh"),
			chromedp.SetValue("#m-role", "CRITIQUE"),
		)
		follow(t, ctx, chromedp.Click("#m-add"))
		run(t, ctx, chromedp.WaitVisible("#err-m_person"), shot(dir, "71-chua-dong-y"))
		if msg := read(t, ctx, chromedp.Text("#err-m_person")); !strings.Contains(msg, "chưa đồng ý công bố hồ sơ chuyên gia") {
			t.Errorf("the refusal of Bình says %q", msg)
		}
		run(t, ctx,
			chromedp.Clear("#m-person"),
			chromedp.SendKeys("#m-person", "anh"),
		)
		follow(t, ctx, chromedp.Click("#m-add"))
		run(t, ctx, chromedp.WaitVisible(".flash"))
		if m := read(t, ctx, chromedp.Text("#members")); !strings.Contains(m, "Nguyễn Văn Anh") || !strings.Contains(m, "Phản biện") {
			t.Errorf("the members after adding Anh: %q", m)
		}
	})

	step("record an engagement: the conflict is refused, then overridden", func(t *testing.T) {
		run(t, ctx,
			chromedp.SetValue("#e-person", "people/anh"),
			chromedp.SendKeys("#e-title", "Phản biện đề tài nuôi tôm càng xanh"),
			chromedp.SendKeys("#e-agency", "Sở KH&CN"),
			chromedp.SetValue("#e-org", "organizations/so-khcn"),
			chromedp.SetValue("#e-role", "CRITIQUE"),
			chromedp.SetValue("#e-start", start.Format("2006-01-02")),
		)
		follow(t, ctx, chromedp.Click("#e-save"))
		run(t, ctx, chromedp.WaitVisible("#err-matter_organization"), shot(dir, "72-xung-dot-loi-ich"))
		if msg := read(t, ctx, chromedp.Text("#err-matter_organization")); !strings.Contains(msg, "đang công tác tại Sở Khoa học và Công nghệ") {
			t.Errorf("the conflict's refusal says %q", msg)
		}
		if v := read(t, ctx, chromedp.Value("#e-title")); v != "Phản biện đề tài nuôi tôm càng xanh" {
			t.Errorf("the refused form kept the title %q", v)
		}
		run(t, ctx, chromedp.SendKeys("#e-override", "Chuyên gia duy nhất của tỉnh về tôm càng xanh"))
		follow(t, ctx, chromedp.Click("#e-save"))
		run(t, ctx, chromedp.WaitVisible("#outcome-form"), shot(dir, "73-viec-moi"))
		if m := read(t, ctx, chromedp.Text("#matter")); m != "Phản biện đề tài nuôi tôm càng xanh" {
			t.Errorf("the engagement's page is of %q", m)
		}
	})

	step("set its outcome and rating", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys("#o-outcome", "Đạt; đề nghị nghiệm thu"),
			chromedp.SetValue("#o-rating", "5"),
		)
		follow(t, ctx, chromedp.Click("#o-save"))
		run(t, ctx, chromedp.WaitVisible(".flash"), shot(dir, "74-danh-gia"))
		if r, o := read(t, ctx, chromedp.Text("#rating")), read(t, ctx, chromedp.Text("#outcome")); r != "5 – Xuất sắc" || o != "Đạt; đề nghị nghiệm thu" {
			t.Errorf("after saving: rating %q, outcome %q", r, o)
		}
	})

	step("search the pool by an area and a role", func(t *testing.T) {
		follow(t, ctx, chromedp.Click(`//a[starts-with(text(), "← Hội đồng phản biện nuôi trồng thủy sản")]`))
		run(t, ctx, chromedp.WaitVisible("#s-field"))
		if n := read(t, ctx, chromedp.Text("#engagements")); !strings.Contains(n, "Nguyễn Văn Anh") || !strings.Contains(n, "5 – Xuất sắc") {
			t.Errorf("the pool's engagements: %q", n)
		}
		area := read(t, ctx, chromedp.EvaluateAsDevTools[string](`document.querySelector('#list-fields option[value^="4 "]').value`))
		run(t, ctx,
			chromedp.SendKeys("#s-field", area),
			chromedp.SetValue("#s-role", "CRITIQUE"),
		)
		follow(t, ctx, chromedp.Click("#search"))
		run(t, ctx, chromedp.WaitVisible("#found"), shot(dir, "75-tim-chuyen-gia"))
		// The page with its forms and tables fits a narrow window.
		run(t, ctx, chromedp.EmulateViewport(768, 900))
		if w := read(t, ctx, chromedp.EvaluateAsDevTools[int](`document.documentElement.scrollWidth`)); w > 768 {
			t.Errorf("the pool's page is %d px wide in a window of 768", w)
		}
		run(t, ctx, chromedp.EmulateViewport(1280, 900))
		found := read(t, ctx, chromedp.Text("#found tbody"))
		if !strings.Contains(found, "Nguyễn Văn Anh") || !strings.Contains(found, "1") {
			t.Errorf("the search in %q found %q", area, found)
		}
	})

	step("rename the pool, which keeps its fields", func(t *testing.T) {
		follow(t, ctx, chromedp.Click("#edit-pool-link"))
		run(t, ctx, chromedp.WaitVisible("#edit-pool"), chromedp.Clear("#p-name"),
			chromedp.SendKeys("#p-name", "Hội đồng phản biện thủy sản"), shot(dir, "75a-sua-nhom"))
		follow(t, ctx, chromedp.Click("#p-save"))
		run(t, ctx, chromedp.WaitVisible(".flash"))
		if n, f := read(t, ctx, chromedp.Text("#pool-name")), read(t, ctx, chromedp.Text("main")); n != "Hội đồng phản biện thủy sản" || !strings.Contains(f, "Lĩnh vực: 405 ") {
			t.Errorf("the pool after its edit: %q, %q", n, f)
		}
	})

	step("count the association's engagements by year", func(t *testing.T) {
		follow(t, ctx, chromedp.Click(`//a[starts-with(text(), "← Các nhóm chuyên gia của")]`))
		run(t, ctx, chromedp.WaitVisible("#eng-stats"), shot(dir, "76-thong-ke-viec-moi"))
		rows := read(t, ctx, chromedp.Text("#eng-stats tbody"))
		if !strings.Contains(rows, start.Format("2006")) || !strings.Contains(rows, "Phản biện") || !strings.Contains(rows, "ẩn*") {
			t.Errorf("the statistics of one engagement: %q, want its year and role with its count hidden", rows)
		}
	})
}
