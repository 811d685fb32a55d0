package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// registeredIn registers twelve people as on 1 January of year, so that
// a report as on a later day counts enough of them to show figures.
func (e *env) registeredIn(year int) {
	e.t.Helper()
	e.db.Now = func() time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC) }
	defer func() { e.db.Now = time.Now }()
	for i, given := range []string{"Hùng", "Lan", "Minh", "Mai", "Tuấn", "Hoa", "Dũng", "Thảo", "Nam", "Hương", "Sơn", "Ngọc"} {
		gender := pb.Person_MALE
		if i%2 == 1 {
			gender = pb.Person_FEMALE
		}
		if _, err := e.admin.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: &pb.Person{
			FamilyName: "Phạm", GivenName: given, Gender: gender}}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// The report form's refusals are said in Vietnamese next to their box,
// and the box keeps what was typed.
func TestReportFormRefusals(t *testing.T) {
	e := newEnv(t)
	e.registeredIn(2020)
	b := e.signIn(e.account("home_affairs", ""))
	_, form := b.get("/reports")
	csrf := csrfOf(form)
	code, _ := b.post("/reports", url.Values{"csrf": {csrf}, "as_of": {"31/12/2024"}, "report_id": {"nam-2024"}})
	if code != http.StatusSeeOther {
		t.Fatalf("making a report: HTTP %d", code)
	}
	for _, c := range []struct {
		name, asOf, id, field, want string
	}{
		{"ErrBeforeAnyone", "01/01/2010", "", "as_of", "trước khi có người đầu tiên được đăng ký vào cơ sở dữ liệu (ngày 01/01/2020)"},
		{"ErrFuture", "01/01/2999", "", "as_of", "không thể là một ngày trong tương lai"},
		{"ErrNotADate", "ba mươi mốt", "", "as_of", "không phải là ngày"},
		{"ErrNoDay", "2024", "", "as_of", "ngày đầy đủ"},
		{"ErrBadID", "31/12/2024", "Nam_2024", "report_id", "chữ thường không dấu"},
		{"ErrTakenID", "31/12/2024", "nam-2024", "report_id", "đã có một báo cáo mang mã này"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := b.post("/reports", url.Values{"csrf": {csrf}, "as_of": {c.asOf}, "report_id": {c.id}})
			if msg := fieldError(body, c.field); code < 400 || code >= 500 || !strings.Contains(msg, c.want) {
				t.Errorf("HTTP %d, %s says %q, want %q", code, c.field, msg, c.want)
			}
			for _, english := range []string{"regex", "must be", "exists", "before anyone", "is in the future"} {
				if strings.Contains(body, english) {
					t.Errorf("the page says %q in English", english)
				}
			}
			if !strings.Contains(body, `id="as_of" value="`+c.asOf+`"`) || !strings.Contains(body, `id="report_id" value="`+c.id+`"`) {
				t.Errorf("the form does not keep %q and %q", c.asOf, c.id)
			}
		})
	}
}

// The menu offers the yearly report to home affairs and admins, not to a
// registrar, whom the server refuses with the console's permission page,
// nor to a unit's account, which the page refuses saying why.
func TestReportsMenuByRole(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(e.account("admin", ""))
	for _, c := range []struct {
		who  string
		b    *browser
		want bool
		page string // what a refusal says
	}{
		{"admin", admin, true, ""},
		{"home_affairs", e.signIn(e.account("home_affairs", "")), true, ""},
		{"registrar", e.signIn(e.account("registrar", "")), false, "vai trò của tài khoản không cho phép"},
		{"a unit's home_affairs", e.signIn(e.unitAccount(admin, "home_affairs", e.unitSetup())), false, "không dùng được trang này"},
	} {
		_, body := c.b.get("/people")
		if got := strings.Contains(body, `href="/reports"`); got != c.want {
			t.Errorf("%s: the menu offers the yearly report: %v, want %v", c.who, got, c.want)
		}
		code, page := c.b.get("/reports")
		if c.want && code != http.StatusOK || !c.want && (code != http.StatusForbidden || !strings.Contains(page, c.page)) {
			t.Errorf("%s: /reports is HTTP %d", c.who, code)
		}
	}
}

// The report form sent twice (a double click, a reload) makes one report:
// it carries a request id made when the page was shown. Sent again
// changed, it makes none and says why; the form shown then makes one.
func TestReportFormSentTwiceMakesOne(t *testing.T) {
	e := newEnv(t)
	e.registeredIn(2020)
	ctx := context.Background()
	b := e.signIn(e.account("home_affairs", ""))
	// reports waits for the report operations to end and returns the
	// reports made.
	reports := func() (ops int, names []string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			all, err := e.db.ListOperations(ctx, "", 100, "")
			if err != nil {
				t.Fatal(err)
			}
			ops = 0
			running := false
			for _, op := range all {
				if op.Kind == store.ReportOperationKind {
					ops++
					running = running || !op.Done
				}
			}
			if !running {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the report's operation did not end")
			}
		}
		l, err := e.admin.Statistics.ListReports(ctx, &pb.ListReportsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.GetReports() {
			names = append(names, r.GetName())
		}
		return ops, names
	}

	_, body := b.get("/reports")
	form := sentForm(t, body, url.Values{"as_of": {"31/12/2024"}, "report_id": {""}})
	for range 2 {
		if code, _ := b.post("/reports", form); code != http.StatusSeeOther {
			t.Fatalf("making a report: HTTP %d", code)
		}
	}
	if ops, names := reports(); ops != 1 || len(names) != 1 {
		t.Errorf("the report form sent twice started %d operations and made %d reports, want 1: %v", ops, len(names), names)
	}

	form.Set("as_of", "30/06/2024")
	code, body := b.post("/reports", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "đã được lưu một lần") {
		t.Fatalf("the sent form sent again changed: HTTP %d, want 422 saying it was sent", code)
	}
	again := sentForm(t, body, form)
	if again.Get("request_id") == form.Get("request_id") {
		t.Fatal("the form shown again keeps the used request_id")
	}
	if code, _ := b.post("/reports", again); code != http.StatusSeeOther {
		t.Fatalf("sending the form shown again: HTTP %d", code)
	}
	if _, names := reports(); len(names) != 2 {
		t.Errorf("sending the form shown again: %d reports, want 2: %v", len(names), names)
	}
}

// The reports' pages name a report's maker as a reader knows them: an
// account's name and email, a key's display name, not key:….
func TestReportsNameTheirMakers(t *testing.T) {
	e := newEnv(t)
	e.registeredIn(2020)
	ctx := context.Background()
	made := func(name string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, err := e.admin.Statistics.GetReport(ctx, &pb.GetReportRequest{Name: name}); err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s was not made", name)
			}
		}
	}
	if _, err := e.admin.Statistics.CreateReport(ctx, &pb.CreateReportRequest{ReportId: "bang-khoa",
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: 2024, Month: 12, Day: 31}}}); err != nil {
		t.Fatal(err)
	}
	made("reports/bang-khoa")
	b := e.signIn(e.account("home_affairs", ""))
	_, body := b.get("/reports")
	form := sentForm(t, body, url.Values{"as_of": {"31/12/2024"}, "report_id": {"bang-tai-khoan"}})
	if code, _ := b.post("/reports", form); code != http.StatusSeeOther {
		t.Fatalf("making a report: HTTP %d", code)
	}
	made("reports/bang-tai-khoan")

	_, body = b.get("/reports")
	for _, want := range []string{"<td>Khoá API test admin</td>", "<td>Cán bộ home_affairs (home-affairs@example.vn)</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the list of reports lacks %q", want)
		}
	}
	if strings.Contains(body, "key:") {
		t.Errorf("the list of reports names a key by its id")
	}
	if _, body = b.get("/reports/bang-khoa"); !strings.Contains(body, `người lập <span id="report-creator">Khoá API test admin</span>`) {
		t.Errorf("the report's page does not name its maker by name")
	}
}
