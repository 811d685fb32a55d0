package console_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestBrowserVerifyQualification drives Chromium as an officer of the
// Department of Home Affairs: from the list of qualifications awaiting
// verification to one's page, a verdict left empty refused next to its
// box, the verification recorded (read back over gRPC) and shown on the
// profile. Then a registrar sees neither the list nor a form, and a form
// forged in their browser is refused and changes nothing.
func TestBrowserVerifyQualification(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	officer := e.account("home_affairs", "")
	registrar := e.account("registrar", "")
	dir := screenshotDir(t)
	qid := idOfName(e.qual.GetName())
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("open the list of qualifications awaiting verification", func(t *testing.T) {
		run(t, ctx,
			signInTasks(e.base+"/people", officer),
			chromedp.WaitVisible("#nav-verify"),
			chromedp.Click("#nav-verify"),
			chromedp.WaitVisible("#to-verify"),
			shot(dir, "50-xac-minh-danh-sach"),
		)
		if row := read(t, ctx, chromedp.Text("#to-verify tbody tr")); !strings.Contains(row, "Nguyễn Văn Anh") || !strings.Contains(row, "Thạc sĩ") || !strings.Contains(row, "Chưa xác minh") {
			t.Errorf("the list's row: %q", row)
		}
	})

	step("the officer's pages fit an office screen", func(t *testing.T) {
		for _, path := range []string{"/qualifications", "/people/anh/qualifications/" + qid + "/verify"} {
			run(t, ctx,
				chromedp.EmulateViewport(1024, 800),
				chromedp.Navigate(e.base+path),
				chromedp.WaitVisible("main h1"),
			)
			sizes := read(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if sizes[0] > sizes[1] {
				t.Errorf("%s: the page is %d px wide, wider than the window's %d", path, sizes[0], sizes[1])
			}
			for _, fault := range read(t, ctx, chromedp.Evaluate[[]string](layoutFaults)) {
				t.Errorf("%s: %s", path, fault)
			}
		}
		run(t, ctx,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(e.base+"/qualifications"),
			chromedp.WaitVisible("#to-verify"),
		)
	})

	step("a verdict left empty is refused next to its box", func(t *testing.T) {
		follow(t, ctx, chromedp.Click(".verify-link"))
		run(t, ctx,
			chromedp.WaitVisible("#state"),
			chromedp.SendKeys("#note", "Bản gốc số 123/ĐHCT"),
		)
		follow(t, ctx, chromedp.Click("#verify"))
		run(t, ctx, chromedp.WaitVisible("#err-state"))
		if msg := read(t, ctx, chromedp.Text("#err-state")); !strings.Contains(msg, "cần chọn kết quả xác minh") {
			t.Errorf("the verdict's box says %q", msg)
		}
		if v := read(t, ctx, chromedp.Value("#note")); v != "Bản gốc số 123/ĐHCT" {
			t.Errorf("the note's box holds %q, not what was typed", v)
		}
		if s := e.verification().GetState(); s != pb.Verification_UNVERIFIED {
			t.Errorf("a refused form left the qualification %v", s)
		}
	})

	step("verify it", func(t *testing.T) {
		run(t, ctx,
			chromedp.SetValue("#state", "VERIFIED"),
			shot(dir, "51-xac-minh-bieu-mau"),
		)
		follow(t, ctx, chromedp.Click("#verify"))
		run(t, ctx,
			chromedp.WaitVisible("#to-verify"),
			shot(dir, "52-xac-minh-xong"),
		)
		if flash := read(t, ctx, chromedp.Text(".flash")); !strings.Contains(flash, "Đã ghi kết quả xác minh") {
			t.Errorf("after the form: %q", flash)
		}
		if n := read(t, ctx, chromedp.Text("#count")); n != "0 trình độ" {
			t.Errorf("the list still holds %q", n)
		}
		v := e.verification()
		if v.GetState() != pb.Verification_VERIFIED || v.GetVerifier() != "user:"+officer || v.GetNote() != "Bản gốc số 123/ĐHCT" || v.GetVerifyTime() == nil {
			t.Errorf("over gRPC the qualification's verification is %v", v)
		}
	})

	step("the profile shows it", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/people/anh"),
			chromedp.WaitVisible("#qualifications"),
		)
		if got := read(t, ctx, chromedp.Text("#qualifications td.verification")); !strings.Contains(got, "Đã xác minh") || !strings.Contains(got, "Cán bộ home_affairs") || strings.Contains(got, "user:") {
			t.Errorf("the profile's verification: %q", got)
		}
	})

	step("a registrar sees no form, and a forged one is refused", func(t *testing.T) {
		before := e.verification()
		run(t, ctx,
			chromedp.Click("#logout"),
			chromedp.WaitVisible("#email"),
			signInTasks(e.base+"/people/anh", registrar),
			chromedp.WaitVisible("#qualifications"),
		)
		n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#nav-verify, #to-verify-list, .verify-qualification, a[href*='/verify'], form[action*='/verify']").length`))
		if n != 0 {
			t.Errorf("the registrar's profile offers %d ways to verify", n)
		}
		if got := read(t, ctx, chromedp.Text("#qualifications td.verification")); !strings.Contains(got, "Đã xác minh") {
			t.Errorf("the registrar does not see the state: %q", got)
		}
		// A form the page does not have, built in it with the session's
		// own token, as a script injected into the page would.
		forge := fmt.Sprintf(`(() => {
  const f = document.createElement("form");
  f.method = "post";
  f.action = "/people/anh/qualifications/%s/verify";
  for (const [k, v] of [["csrf", document.querySelector("input[name=csrf]").value], ["state", "REJECTED"], ["note", "giả mạo"]]) {
    const i = document.createElement("input");
    i.type = "hidden"; i.name = k; i.value = v;
    f.appendChild(i);
  }
  document.body.appendChild(f);
  f.submit();
  return true;
})()`, qid)
		c, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		resp, err := chromedp.RunResponse(c, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](forge)(ctx, tg)
			return err
		}))
		if err != nil {
			failStep(t, ctx, err)
		}
		if resp.Status != http.StatusForbidden {
			t.Errorf("the forged form: HTTP %d, want 403", resp.Status)
		}
		run(t, ctx, shot(dir, "53-xac-minh-tu-choi"))
		if msg := read(t, ctx, chromedp.Text("#error")); !strings.Contains(msg, "không có quyền") {
			t.Errorf("the refusal says %q", msg)
		}
		after := e.verification()
		if after.GetState() != pb.Verification_VERIFIED || after.GetNote() != before.GetNote() || after.GetVerifier() != before.GetVerifier() {
			t.Errorf("the forged form changed the verification: %v", after)
		}
		if ev := e.auditOf(registrar, "/trithuc.v1.PersonService/VerifyQualification"); len(ev) != 1 || ev[0].GetCode() != "PERMISSION_DENIED" {
			t.Errorf("the server did not refuse the registrar's call: %v", ev)
		}
	})
}
