package console_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// After signing in, a next that a browser would read as another site
// leads to the list of people; one on the site is followed.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	email := e.account("admin", "")
	for next, want := range map[string]string{
		"/\t/evil.example": "/people",
		"/\\evil.example":  "/people",
		"//evil.example":   "/people",
		"/people/anh":      "/people/anh",
	} {
		jar, _ := cookiejar.New(nil)
		b := &browser{t: t, e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		_, body := b.get("/login?next=" + url.QueryEscape(next))
		form := url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {testPassword}, "next": {next}}
		req, _ := http.NewRequest("POST", e.base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		// The transport, not the client, which would refuse to parse a
		// Location a browser follows.
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("next %q: HTTP %d to %q, want %q", next, resp.StatusCode, loc, want)
		}
	}
}
