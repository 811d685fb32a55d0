package console_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/server"
)

// TestSignInBehindProxy: behind a trusted proxy (the test's 127.0.0.1),
// the sign-in limits count the address the proxy names, so a guesser
// holds back their own address, not the owner signing in through the same
// proxy; and the session's calls are audited with the owner's address.
// Without a trusted proxy, the header is the client's word, ignored.
func TestSignInBehindProxy(t *testing.T) {
	e := newEnvWith(t, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	owner := e.account("registrar", "")
	guesser := e.browserFrom("203.0.113.66")
	code := 0
	for i := 0; i < 7 && code != http.StatusTooManyRequests; i++ {
		code = guesser.tryPassword(owner, "không phải mật khẩu")
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("the guesser's attempts end with HTTP %d, want 429", code)
	}
	b := e.browserFrom("198.51.100.7")
	if code := b.tryPassword(owner, testPassword); code != http.StatusSeeOther {
		t.Fatalf("the owner signing in through the same proxy: HTTP %d, want 303 (held back by the guesser?)", code)
	}
	if code, _ := b.get("/people"); code != http.StatusOK {
		t.Fatalf("/people: HTTP %d", code)
	}
	resp, err := e.admin.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{
		Filter: `transport = "console" AND principal = "user:` + owner + `"`})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.AuditEvents) == 0 {
		t.Fatal("no audit event of the console session")
	}
	for _, ev := range resp.AuditEvents {
		if ev.ClientAddress != "198.51.100.7" {
			t.Errorf("%s recorded from %q, want the address the proxy named, 198.51.100.7", ev.Method, ev.ClientAddress)
		}
	}
}

// TestSignInSpoofedForwardedFor: with no trusted proxy, X-Forwarded-For
// is ignored: a guesser cannot escape the limits by naming new addresses.
func TestSignInSpoofedForwardedFor(t *testing.T) {
	e := newEnv(t)
	owner := e.account("registrar", "")
	code := 0
	for i := 0; i < 7 && code != http.StatusTooManyRequests; i++ {
		code = e.browserFrom("203.0.113."+string(rune('1'+i))).tryPassword(owner, "không phải mật khẩu")
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("a guesser naming a new address each time ends with HTTP %d, want 429", code)
	}
}

// browserFrom is a browser whose requests say, in X-Forwarded-For, that
// they come from addr, as a proxy in front of the server would.
func (e *env) browserFrom(addr string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     forwardedFor{addr},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// tryPassword signs in as email with password and returns the answer's
// status.
func (b *browser) tryPassword(email, password string) int {
	b.t.Helper()
	_, body := b.get("/login")
	code, _ := b.post("/login", url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {password}})
	return code
}

type forwardedFor struct{ addr string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return http.DefaultTransport.RoundTrip(r)
}
