package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Disabling an account, resetting its password and revoking a key end
// someone's access: the lists link to a page that asks first, naming whose
// access ends and what follows, and opening it changes nothing. Before,
// each was a button on a row of look-alike rows that acted at once.
func TestAdminAsksBeforeEndingAccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(e.account("admin", ""))
	acct, _, err := e.db.CreateAccount(ctx, "lan@example.vn", "Võ Thị Lan", "registrar", "")
	if err != nil {
		t.Fatal(err)
	}
	key, secret, err := e.db.CreateKey(ctx, "Cổng dịch vụ công", "service", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	disabled := func() bool {
		t.Helper()
		all, err := e.db.ListAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.ID == acct.ID {
				return !a.DisableTime.IsZero()
			}
		}
		t.Fatal("the account is gone")
		return false
	}

	for _, tc := range []struct {
		list, path, says string
	}{
		{"/admin/accounts", "/admin/accounts/" + acct.ID + "/disable", "không đăng nhập được nữa"},
		{"/admin/accounts", "/admin/accounts/" + acct.ID + "/reset", "Mật khẩu hiện tại hết hiệu lực"},
		{"/admin/keys", "/admin/keys/" + key.ID + "/revoke", "Không hoàn tác được"},
	} {
		_, list := b.get(tc.list)
		if strings.Contains(list, `action="`+tc.path+`"`) || !strings.Contains(list, `href="`+tc.path+`"`) {
			t.Errorf("%s acts from the list, or has no link to %s", tc.list, tc.path)
		}
		code, page := b.get(tc.path)
		if code != http.StatusOK || !strings.Contains(page, tc.says) || !strings.Contains(page, `action="`+tc.path+`"`) || !strings.Contains(page, `href="`+tc.list+`"`) {
			t.Errorf("GET %s: HTTP %d, want a page that says %q, with its form and a way back", tc.path, code, tc.says)
		}
		if strings.Contains(tc.path, "/admin/accounts/") && !strings.Contains(page, "lan@example.vn") {
			t.Errorf("GET %s does not name the account", tc.path)
		}
	}
	if disabled() {
		t.Error("opening the page to disable an account disabled it")
	}
	if _, err := e.db.Authenticate(ctx, secret); err != nil {
		t.Errorf("opening the page to revoke a key revoked it: %v", err)
	}

	// The page's forms act; once done, the page says so and has no form.
	_, page := b.get("/admin/accounts/" + acct.ID + "/disable")
	if code, _ := b.post("/admin/accounts/"+acct.ID+"/disable", url.Values{"csrf": {csrfOf(page)}}); code != http.StatusSeeOther || !disabled() {
		t.Errorf("disable: HTTP %d, disabled %v", code, disabled())
	}
	if _, page := b.get("/admin/accounts/" + acct.ID + "/disable"); !strings.Contains(page, "đã khoá") || strings.Contains(page, `id="confirm-form"`) {
		t.Errorf("the page of a disabled account's disabling still offers to")
	}
	_, page = b.get("/admin/keys/" + key.ID + "/revoke")
	if code, _ := b.post("/admin/keys/"+key.ID+"/revoke", url.Values{"csrf": {csrfOf(page)}}); code != http.StatusSeeOther {
		t.Errorf("revoke: HTTP %d", code)
	}
	if _, err := e.db.Authenticate(ctx, secret); err == nil {
		t.Error("a revoked key still works")
	}
	if _, page := b.get("/admin/keys/" + key.ID + "/revoke"); !strings.Contains(page, "đã bị thu hồi") || strings.Contains(page, `id="confirm-form"`) {
		t.Errorf("the page of a revoked key still offers to revoke it")
	}

	// The pages are the admins', as the actions are.
	rb := e.signIn(e.account("registrar", ""))
	for _, path := range []string{"/admin/accounts/" + acct.ID + "/reset", "/admin/keys/" + key.ID + "/revoke"} {
		if code, page := rb.get(path); code != http.StatusForbidden || strings.Contains(page, "lan@example.vn") {
			t.Errorf("a registrar opens %s: HTTP %d, want 403", path, code)
		}
	}
}
