package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// auditOf is the audit trail of one console account and method.
func (e *env) auditOf(email, method string) []*pb.AuditEvent {
	e.t.Helper()
	resp, err := e.admin.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{
		Principal: "user:" + email, Method: method, PageSize: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.GetAuditEvents()
}

// The admin pages go through the server's chain: a non-admin is refused by
// it (and the refusal is audited under their name), an admin's changes are
// in the audit trail under theirs.
func TestAdminPagesGoThroughTheChain(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg := e.account("registrar", "")
	rb := e.signIn(reg)
	if code, body := rb.get("/admin/accounts"); code != http.StatusForbidden || !strings.Contains(body, "không có quyền") {
		t.Errorf("a registrar lists accounts: HTTP %d, want 403 with a message", code)
	}
	_, body := rb.get("/people")
	code, _ := rb.post("/admin/accounts", url.Values{"csrf": {csrfOf(body)}, "email": {"moi@example.vn"}, "name": {"Người mới"}, "role": {"admin"}})
	if code != http.StatusForbidden {
		t.Errorf("a registrar creates an account: HTTP %d, want 403", code)
	}
	if code, _ := rb.get("/admin/keys"); code != http.StatusForbidden {
		t.Errorf("a registrar lists keys: HTTP %d, want 403", code)
	}
	if code, body := rb.get("/admin/audit"); code != http.StatusForbidden || !strings.Contains(body, "không có quyền") || strings.Contains(body, `id="audit"`) {
		t.Errorf("a registrar reads the audit trail: HTTP %d, want 403 with a message, as the other admin pages", code)
	}
	if all, _ := e.db.ListAccounts(ctx); len(all) != 1 {
		t.Fatalf("after the registrar's refused post there are %d accounts, want 1", len(all))
	}
	if evs := e.auditOf(reg, "CreateAccount"); len(evs) != 1 || evs[0].GetCode() != "PERMISSION_DENIED" {
		t.Errorf("audit of the registrar's CreateAccount: %v, want one PERMISSION_DENIED", evs)
	}

	admin := e.account("admin", "")
	ab := e.signIn(admin)
	_, body = ab.get("/admin/accounts")
	code, body = ab.post("/admin/accounts", url.Values{"csrf": {csrfOf(body)}, "email": {"moi@example.vn"}, "name": {"Người mới"}, "role": {"home_affairs"}})
	link := regexp.MustCompile(`id="setup-link">([^<]+)<`).FindStringSubmatch(body)
	if code != http.StatusOK || link == nil || !strings.Contains(body, "Người mới") {
		t.Fatalf("an admin creates an account: HTTP %d, link %v", code, link)
	}
	u, _ := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if code, _ := ab.get("/set-password?" + u.RawQuery); code != http.StatusOK {
		t.Errorf("the new account's link: HTTP %d", code)
	}
	// A mistake is shown next to its field and creates nothing.
	code, body = ab.post("/admin/accounts", url.Values{"csrf": {csrfOf(body)}, "email": {"khong-phai-email"}, "name": {"X"}, "role": {"home_affairs"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
		t.Errorf("a bad email: HTTP %d, want 422 with the field marked", code)
	}
	evs := e.auditOf(admin, "CreateAccount")
	if len(evs) != 2 || evs[1].GetCode() != "OK" || evs[1].GetPrincipalName() != "Cán bộ admin" || !slices.ContainsFunc(evs[1].GetResources(), func(r string) bool {
		return strings.HasPrefix(r, "accounts/")
	}) {
		t.Errorf("audit of the admin's CreateAccount: %v, want the made account under the admin's name", evs)
	}

	var made string
	all, _ := e.db.ListAccounts(ctx)
	for _, a := range all {
		if a.Email == "moi@example.vn" {
			made = a.ID
		}
	}
	if code, _ := ab.post("/admin/accounts/"+made+"/disable", url.Values{"csrf": {csrfOf(body)}}); code != http.StatusSeeOther {
		t.Errorf("disable: HTTP %d", code)
	}
	if evs := e.auditOf(admin, "DisableAccount"); len(evs) != 1 || !slices.Contains(evs[0].GetResources(), "accounts/"+made) {
		t.Errorf("audit of DisableAccount: %v", evs)
	}

	// Keys: made with their secret shown once, then revoked.
	_, body = ab.get("/admin/keys")
	code, body = ab.post("/admin/keys", url.Values{"csrf": {csrfOf(body)}, "name": {"Cổng dịch vụ công"}, "role": {"service"}})
	secret := regexp.MustCompile(`id="key-secret">(tt_[a-z0-9_]+)<`).FindStringSubmatch(body)
	if code != http.StatusOK || secret == nil {
		t.Fatalf("an admin creates a key: HTTP %d", code)
	}
	k, err := e.db.Authenticate(ctx, secret[1])
	if err != nil {
		t.Fatalf("the key shown does not work: %v", err)
	}
	if code, _ := ab.post("/admin/keys/"+k.ID+"/revoke", url.Values{"csrf": {csrfOf(body)}}); code != http.StatusSeeOther {
		t.Errorf("revoke: HTTP %d", code)
	}
	if _, err := e.db.Authenticate(ctx, secret[1]); err == nil {
		t.Error("a revoked key still works")
	}
	if evs := e.auditOf(admin, "RevokeApiKey"); len(evs) != 1 || !slices.Contains(evs[0].GetResources(), "apiKeys/"+k.ID) {
		t.Errorf("audit of RevokeApiKey: %v", evs)
	}
}

// A form returned with a mistake keeps the role, the association and the
// unit chosen: falling back to the first role would make the next try an
// administrator's account or key. Associations are chosen, and listed, by
// name, never by their associations/… code.
func TestAdminFormsKeepTheChoicesAfterAMistake(t *testing.T) {
	e := newEnv(t)
	ab := e.signIn(e.account("admin", ""))
	selected := func(body, field, value string) bool {
		sel := regexp.MustCompile(`(?s)<select name="` + field + `"[^>]*>.*?</select>`).FindString(body)
		return strings.Contains(sel, `value="`+value+`" selected`)
	}
	for _, c := range []struct{ page, bad string }{
		{"/admin/accounts", "email"},
		{"/admin/keys", "name"},
	} {
		_, body := ab.get(c.page)
		if !strings.Contains(body, ">Hội Y học tỉnh</option>") || strings.Contains(body, `placeholder="associations/`) {
			t.Errorf("%s: the associations are not a list of names", c.page)
		}
		form := url.Values{"csrf": {csrfOf(body)}, "email": {"moi@example.vn"}, "name": {"Người mới"}, "role": {"registrar"},
			"association": {"associations/hoi-y-hoc"}}
		form.Set(c.bad, "")
		code, body := ab.post(c.page, form)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%s with %s empty: HTTP %d, want 422", c.page, c.bad, code)
		}
		if !selected(body, "role", "registrar") || !selected(body, "association", "associations/hoi-y-hoc") {
			t.Errorf("%s returned with a mistake lost the role or the association chosen", c.page)
		}
		form.Set(c.bad, map[string]string{"email": "moi@example.vn", "name": "Cổng hội"}[c.bad])
		if code, body = ab.post(c.page, form); code != http.StatusOK || !strings.Contains(body, `<td data-label="Giới hạn trong">Hội Y học tỉnh</td>`) {
			t.Errorf("%s: HTTP %d, want the new one listed with its association's name", c.page, code)
		}
		if selected(body, "role", "registrar") || selected(body, "association", "associations/hoi-y-hoc") {
			t.Errorf("%s after a success still has the last choices", c.page)
		}
	}
}

// The audit trail says how each call ended and how it came in
// Vietnamese: it showed the gRPC code's name (OK, NOT_FOUND) and the
// transport's (console, grpc), which an admin reading who did what had
// to look up. A refusal keeps its code beside the words, for support.
func TestAuditTrailSaysOutcomesInVietnamese(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/khong-co"}); err == nil {
		t.Fatal("a person that is not there was found")
	}
	b := e.signIn(e.account("admin", ""))
	b.get("/people")
	_, page := b.get("/admin/audit")
	cells := func(class string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<td class="`+class+`"[^>]*>(.*?)</td>`).FindAllStringSubmatch(page, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	outcomes, channels := cells("outcome"), cells("channel")
	if len(outcomes) == 0 || len(channels) == 0 {
		t.Fatalf("the audit trail has no outcome or channel cells:\n%s", page)
	}
	joined := strings.Join(outcomes, "\n")
	if !strings.Contains(joined, "Thành công") || !strings.Contains(joined, "Không tìm thấy <small class=\"ident\">(NOT_FOUND)</small>") {
		t.Errorf("the outcomes say %q, want Thành công and Không tìm thấy (NOT_FOUND)", outcomes)
	}
	code := regexp.MustCompile(`^[A-Z_]+\b`)
	for _, o := range outcomes {
		if code.MatchString(o) {
			t.Errorf("an outcome says %q", o)
		}
	}
	joined = strings.Join(channels, "\n")
	if !strings.Contains(joined, "Giao diện web") || !strings.Contains(joined, "API gRPC") {
		t.Errorf("the channels say %q, want Giao diện web and API gRPC", channels)
	}
	for _, c := range channels {
		if c == "console" || c == "grpc" || c == "rest" {
			t.Errorf("a channel says %q", c)
		}
	}
}
