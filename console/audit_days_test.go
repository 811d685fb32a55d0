package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// The audit trail's page shows the days asked, as days in Vietnam, a day,
// a month or a year typed as the other dates of the console; a date that
// does not exist, or a range that ends before it starts, is said by its
// box; and a trail too long to look through in one call says to choose a
// shorter range, not to retry. Before, the page had no dates, and such a
// trail said "Quá nhiều yêu cầu; hãy thử lại sau ít phút", which a retry
// did not mend.
func TestAuditTrailByDays(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	vn := store.Vietnam
	at := map[string]time.Time{
		// The evening of 1 March in Vietnam is still 1 March in UTC; a
		// half hour past midnight on 2 March there is 1 March in UTC.
		"associations/ngay-1-toi":  time.Date(2026, 3, 1, 23, 30, 0, 0, vn),
		"associations/ngay-2-sang": time.Date(2026, 3, 2, 0, 30, 0, 0, vn),
		"associations/thang-2":     time.Date(2026, 2, 28, 12, 0, 0, 0, vn),
		"associations/thang-4":     time.Date(2026, 4, 1, 0, 0, 0, 0, vn),
	}
	var evs []*store.AuditEvent
	for name, when := range at {
		ev := store.NewAuditEvent(when.UTC())
		ev.Principal, ev.Method, ev.Code = "key:kiemtra", "/trithuc.v1.AssociationService/UpdateAssociation", "OK"
		ev.RequestID = "req-" + strings.TrimPrefix(name, "associations/")
		ev.AddResources(name)
		evs = append(evs, ev)
	}
	if err := e.db.AppendAudit(ctx, evs); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	shows := func(q url.Values, want ...string) {
		t.Helper()
		q.Set("principal", "key:kiemtra")
		code, body := b.get("/admin/audit?" + q.Encode())
		if code != http.StatusOK {
			t.Fatalf("%v: HTTP %d", q, code)
		}
		for name := range at {
			if got, w := strings.Contains(body, name), slices.Contains(want, name); got != w {
				t.Errorf("%v: %s shown %v, want %v", q, name, got, w)
			}
		}
	}
	shows(url.Values{"from": {"01/03/2026"}, "to": {"01/03/2026"}}, "associations/ngay-1-toi")
	shows(url.Values{"from": {"2026-03-02"}}, "associations/ngay-2-sang", "associations/thang-4")
	shows(url.Values{"from": {"03/2026"}, "to": {"03/2026"}}, "associations/ngay-1-toi", "associations/ngay-2-sang")
	shows(url.Values{"to": {"2026"}}, "associations/ngay-1-toi", "associations/ngay-2-sang", "associations/thang-2", "associations/thang-4")
	shows(url.Values{}, "associations/ngay-1-toi", "associations/ngay-2-sang", "associations/thang-2", "associations/thang-4")

	for _, c := range []struct {
		q          url.Values
		box, words string
	}{
		{url.Values{"from": {"31/02/2026"}}, "from", "không phải là một ngày có thật"},
		{url.Values{"to": {"ba mươi"}}, "to", "không phải là ngày"},
		{url.Values{"from": {"02/03/2026"}, "to": {"01/03/2026"}}, "to", "Đến ngày phải là Từ ngày hoặc sau đó"},
	} {
		code, body := b.get("/admin/audit?" + c.q.Encode())
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-`+c.box+`"`) || !strings.Contains(body, c.words) ||
			!strings.Contains(body, `id="audit-`+c.box+`"`) || strings.Contains(body, "associations/ngay-1-toi") {
			t.Errorf("%v: HTTP %d; want 422, the box %s marked, saying %q, and no events", c.q, code, c.box, c.words)
		}
	}

	// A trail longer than one call may look through.
	var many []*store.AuditEvent
	for i := range 3000 {
		ev := store.NewAuditEvent(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second))
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:doc", "/trithuc.v1.PersonService/ListPeople", "OK", true
		ev.RequestID = "req-doc"
		many = append(many, ev)
	}
	if err := e.db.AppendAudit(ctx, many); err != nil {
		t.Fatal(err)
	}
	e.db.SetReadBudget(time.Nanosecond) // any read that runs long enough to be measured
	_, body := b.get("/admin/audit?principal=key:khongco")
	e.db.SetReadBudget(store.DefaultReadBudget)
	if !strings.Contains(body, "chọn khoảng thời gian ngắn hơn") || strings.Contains(body, "thử lại") {
		t.Errorf("a trail too long for one call: the page does not say to choose a shorter range:\n%s", pageError(body))
	}
}

// pageError is the error box of a page, or the page when it has none.
func pageError(body string) string {
	if i := strings.Index(body, `class="error"`); i >= 0 {
		return body[i:min(len(body), i+400)]
	}
	return body
}
