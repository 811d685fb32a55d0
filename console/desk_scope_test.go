package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// An account limited to an association reads every association, as its
// key does, but another association's desk, registration form and
// memberships are not its own: each refuses it (403) in the console's
// words, before any form is shown.
func TestOtherAssociationsDeskRefused(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	for _, path := range []string{"/members/hoi-y-hoc", "/members/hoi-y-hoc?state=ACTIVE", "/members/hoi-y-hoc/-/register"} {
		code, body := b.get(path)
		if code != http.StatusForbidden || strings.Contains(body, `name="family_name"`) {
			t.Errorf("%s: HTTP %d, want 403 without a form:\n%s", path, code, body)
		}
	}
	if code, _ := b.get("/members/hoi-tin-hoc/-/register"); code != http.StatusOK {
		t.Errorf("its own association's form: HTTP %d", code)
	}
}
