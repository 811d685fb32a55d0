package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Who decided a nomination, and who verified a qualification, are shown
// by the account's name, not as the server records them (user:EMAIL).
func TestDecidersShownByName(t *testing.T) {
	e := newEnv(t)
	e.honorSetup()
	email := e.account("registrar", "")
	b := e.signIn(email)
	_, page := b.get("/honors/tieu-bieu")
	if code, body := b.post("/honors/tieu-bieu/nominations/n-anh/review", url.Values{"csrf": {csrfOf(page)}, "decision": {"SHORTLISTED"},
		"etag": {e.nomination("n-anh").GetEtag()}}); code != http.StatusSeeOther {
		t.Fatalf("shortlisting Anh: HTTP %d: %s", code, errorOf(body))
	}
	_, page = b.get("/honors/tieu-bieu")
	if strings.Contains(page, "user:"+email) || !strings.Contains(page, "Cán bộ registrar") {
		t.Errorf("the nomination's decision is not shown by the account's name")
	}

	officer := e.account("home_affairs", "")
	o := e.signIn(officer)
	path := verifyPath + idOfName(e.qual.GetName()) + "/verify"
	f := verifyForm(t, o, path)
	f.Set("state", "VERIFIED")
	if code, body := o.post(path, f); code != http.StatusSeeOther {
		t.Fatalf("verifying: HTTP %d: %s", code, errorOf(body))
	}
	for _, p := range []string{"/people/anh", path} {
		_, body := o.get(p)
		if strings.Contains(body, "user:"+officer) || !strings.Contains(body, "Cán bộ home_affairs") {
			t.Errorf("%s does not show the verifier by the account's name", p)
		}
	}
}
