package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestBrowserEndToEnd drives headless Chromium through a day at the
// console, step by step in one tab (each step starts where the last one
// left the browser), and leaves a screenshot of every page it passes.
func TestBrowserEndToEnd(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	email := e.account("admin", "")
	dir := screenshots(t)
	t.Logf("screenshots in %s", dir)

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("sign in", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/people"),
			chromedp.WaitVisible("#email"),
			shot(dir, "01-dang-nhap"),
			chromedp.SendKeys("#email", email),
			chromedp.SendKeys("#password", testPassword),
			chromedp.Click("#signin"),
			chromedp.WaitVisible("#q"),
		)
		if who := read(t, ctx, chromedp.Text("#who")); !strings.Contains(who, email) {
			t.Errorf("signed in as %q", who)
		}
	})

	step("search without accents and open a profile", func(t *testing.T) {
		run(t, ctx, chromedp.SendKeys("#q", "nguyen van anh"))
		follow(t, ctx, chromedp.Click("#search"))
		run(t, ctx,
			chromedp.WaitVisible("#results tbody a"),
			shot(dir, "02-tim-kiem"),
		)
		if names := read(t, ctx, chromedp.Text("#results tbody")); !strings.Contains(names, "Nguyễn Văn Anh") {
			t.Fatalf("search found %q", names)
		}
		run(t, ctx,
			chromedp.Click(`//a[text()="Nguyễn Văn Anh"]`),
			chromedp.WaitVisible("#person-name"),
			shot(dir, "03-ho-so"),
		)
	})

	step("edit a qualification", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(".edit-qualification"),
			chromedp.WaitVisible("#f-major"),
			chromedp.SetValue("#f-major", "Kinh tế phát triển"),
			shot(dir, "04-sua-trinh-do"),
			chromedp.Click("#save"),
			chromedp.WaitVisible("#person-name"),
		)
		if q := read(t, ctx, chromedp.Text("#qualifications")); !strings.Contains(q, "Kinh tế phát triển") {
			t.Fatalf("the profile shows %q after the edit", q)
		}
	})

	step("lose an edit to a concurrent change", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(".edit-qualification"),
			chromedp.WaitVisible("#f-major"),
			chromedp.Func(func(context.Context, *chromedp.Target) error {
				// Someone else saves while the form is open.
				_, err := e.admin.People.UpdateQualification(context.Background(), &pb.UpdateQualificationRequest{
					Qualification: &pb.Qualification{Name: e.qual.Name, Institution: "Đại học Kinh tế TP.HCM"},
					UpdateMask:    &fieldmaskpb.FieldMask{Paths: []string{"institution"}}})
				return err
			}),
			chromedp.SetValue("#f-major", "Quản trị kinh doanh"),
			chromedp.Click("#save"),
			chromedp.WaitVisible("#error"),
			shot(dir, "05-xung-dot"),
		)
		message, institution := read(t, ctx, chromedp.Text("#error")), read(t, ctx, chromedp.Value("#f-institution"))
		if !strings.Contains(message, "người khác sửa") || institution != "Đại học Kinh tế TP.HCM" {
			t.Fatalf("after a concurrent change: message %q, institution %q", message, institution)
		}
	})

	step("register and approve a member", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/members/hoi-y-hoc/-/register"),
			chromedp.WaitVisible("#f-given_name"),
			chromedp.SendKeys("#f-family_name", "Phạm"),
			chromedp.SendKeys("#f-middle_name", "Minh"),
			chromedp.SendKeys("#f-given_name", "Châu"),
			chromedp.SendKeys("#f-birth_date", "12/05/1988"),
			chromedp.SendKeys("#f-email", "chau.pham@example.vn"),
			chromedp.Click("#consent"),
			chromedp.Click("#contact"),
			shot(dir, "06-dang-ky-hoi-vien"),
			chromedp.Click("#save"),
			chromedp.WaitVisible("#approve"),
			shot(dir, "07-duyet-hoi-vien"),
			chromedp.Click("#approve"),
			chromedp.WaitVisible("#member-number"),
			shot(dir, "08-da-duyet"),
		)
		if number := read(t, ctx, chromedp.Text("#member-number")); strings.TrimSpace(number) == "" {
			t.Fatal("approved without a member number")
		}
	})

	step("export the list", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/people?gender=MALE"),
			chromedp.WaitVisible("#export-csv"),
			shot(dir, "09-xuat-danh-sach"),
		)
		csv := download(t, ctx, "#export-csv")
		if !strings.Contains(csv, "Nguyễn") || strings.Contains(csv, "Bích") {
			t.Errorf("the export of the men is:\n%s", csv)
		}
	})

	step("a file that is not a workbook is refused in Vietnamese", func(t *testing.T) {
		notBook := filepath.Join(t.TempDir(), "hong.xlsx")
		os.WriteFile(notBook, []byte("PK not a zip"), 0o644)
		run(t, ctx,
			chromedp.Navigate(e.base+"/imports"),
			chromedp.WaitVisible("#file"),
			chromedp.SetUploadFiles("#file", []string{notBook}),
			chromedp.Click("#upload"),
			chromedp.WaitVisible("#error"),
			shot(dir, "09b-tep-hong"),
		)
		msg := read(t, ctx, chromedp.Text("#error"))
		box := read(t, ctx, chromedp.Text(".field-error"))
		if !strings.HasPrefix(msg, "Không nhập được tệp: Không đọc được tệp: tệp không phải là tệp Excel XLSX") || !strings.Contains(box, "Excel Workbook (.xlsx)") {
			t.Errorf("the refusal says %q, next to the file %q", msg, box)
		}
		for _, english := range []string{"unreadable", "workbook", "save it"} {
			if strings.Contains(msg, english) || strings.Contains(box, english) {
				t.Errorf("the refusal says %q in English: %q, %q", english, msg, box)
			}
		}
	})

	step("import a file: dry run, then import", func(t *testing.T) {
		files := t.TempDir()
		bad, good := filepath.Join(files, "sai.csv"), filepath.Join(files, "dung.csv")
		os.WriteFile(bad, []byte("Họ;Tên;Ngày sinh;Số CCCD\nVõ;Sáu;15/03/1980;001080000001\nTrần;Bình;32/01/1980;\n"), 0o644)
		os.WriteFile(good, []byte("Họ;Tên;Ngày sinh;Số CCCD\nVõ;Sáu;15/03/1980;001080000001\n"), 0o644)
		run(t, ctx,
			chromedp.Navigate(e.base+"/imports"),
			chromedp.WaitVisible("#file"),
			chromedp.SetUploadFiles("#file", []string{bad}),
			shot(dir, "10-nhap-tep"),
			chromedp.Click("#upload"),
			chromedp.WaitVisible("#import-problems"),
			shot(dir, "11-chay-thu"),
		)
		if problems := read(t, ctx, chromedp.Text("#import-problems")); !strings.Contains(problems, "3") {
			t.Errorf("the dry run's problems name no row 3: %q", problems)
		}
		run(t, ctx,
			chromedp.Navigate(e.base+"/imports"),
			chromedp.WaitVisible("#file"),
			chromedp.SetUploadFiles("#file", []string{good}),
			chromedp.Click("#validate_only"),
			chromedp.Click("#upload"),
			chromedp.WaitVisible("#import-created"),
			shot(dir, "12-da-nhap"),
		)
		if created := read(t, ctx, chromedp.Text("#import-created")); created != "1" {
			t.Errorf("the import created %q people", created)
		}
		got, err := e.admin.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `family_name = "Võ"`})
		if err != nil || len(got.GetPeople()) != 1 {
			t.Errorf("after the import, the registry's Võ: %v, %v", got.GetPeople(), err)
		}
	})

	step("compute statistics and download the CSV", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/stats"),
			chromedp.WaitVisible("#d1"),
			chromedp.SetValue("#d1", "GENDER"),
			chromedp.Click("#compute"),
			chromedp.WaitVisible("#stats-table"),
			shot(dir, "13-thong-ke"),
		)
		if table := read(t, ctx, chromedp.Text("#stats-table")); !strings.Contains(table, "Giới tính") {
			t.Errorf("statistics table: %q", table)
		}
		csv := download(t, ctx, "#csv")
		if !strings.Contains(strings.ToLower(csv), "gender") && !strings.Contains(csv, "Giới tính") {
			t.Errorf("the CSV names no dimension:\n%s", csv)
		}
	})

	step("download the statistics as XLSX", func(t *testing.T) {
		f, err := excelize.OpenReader(strings.NewReader(download(t, ctx, "#xlsx")))
		if err != nil {
			t.Fatalf("the download is not a workbook: %v", err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil || len(rows) < 2 {
			t.Fatalf("the workbook's rows: %q %v", rows, err)
		}
		if h, _ := f.GetCellValue(sheet, "B1"); h != "Giới tính" {
			t.Errorf("B1 is %q, want the dimension's name", h)
		}
		// Six people in all (four seeded, one registered, one imported),
		// two men: below the threshold of 5, so marked, not counted.
		if v, _ := f.GetCellValue(sheet, "C2"); rows[1][1] != "Nam" || v != "<5" {
			t.Errorf("the men's row is %q, want Nam with <5", rows[1])
		}
		var total string
		var legend []string
		for i, r := range rows {
			if len(r) > 0 && r[0] == "Tổng cộng" {
				total, _ = f.GetCellValue(sheet, fmt.Sprintf("C%d", i+1))
			}
			if len(r) > 1 && strings.Contains(r[1], "không công bố") {
				legend = append(legend, r[0])
			}
		}
		if total != "6" {
			t.Errorf("the total is %q, want 6: %q", total, rows)
		}
		if strings.Join(legend, " ") != "<5 ẩn" {
			t.Errorf("the suppression legend explains %q, want <5 and ẩn: %q", legend, rows)
		}
	})

	step("create an account", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(e.base+"/admin/accounts"),
			chromedp.WaitVisible(`input[name="email"]`),
			chromedp.SendKeys(`input[name="email"]`, "lan.tran@example.vn"),
			chromedp.SendKeys(`input[name="name"]`, "Trần Thị Lan"),
			chromedp.SetValue(`select[name="role"]`, "home_affairs"),
			chromedp.Submit(`input[name="email"]`),
			chromedp.WaitVisible("#setup-link"),
			shot(dir, "15-tai-khoan"),
		)
		if link := read(t, ctx, chromedp.Text("#setup-link")); !strings.Contains(link, "/set-password?token=") {
			t.Errorf("the new account's link is %q", link)
		}
	})

	step("sign out", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click("#logout"),
			chromedp.WaitVisible("#email"),
			shot(dir, "16-da-dang-xuat"),
			// The session has ended: a page sends the browser to sign in.
			chromedp.Navigate(e.base+"/people"),
			chromedp.WaitVisible("#email"),
		)
	})

	// The audit trail names the person, not a key.
	events, err := e.admin.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{Principal: "user:" + email, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, ev := range events.GetAuditEvents() {
		methods[ev.GetMethod()] = true
		if ev.GetTransport() != "console" {
			t.Errorf("event %s has transport %q", ev.GetName(), ev.GetTransport())
		}
	}
	for _, m := range []string{"/trithuc.v1.PersonService/SearchPeople", "/trithuc.v1.PersonService/UpdateQualification",
		"/trithuc.v1.MembershipService/ApproveMembership", "/trithuc.v1.AccountService/CreateAccount"} {
		if !methods[m] {
			t.Errorf("the audit trail has no %s by %s", m, email)
		}
	}
}
