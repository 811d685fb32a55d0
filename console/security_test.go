package console_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/console"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestFormWithoutCSRFIsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	form := url.Values{"family_name": {"Hacked"}, "given_name": {"X"}, "etag": {""}}
	for _, token := range []string{"", "not-the-token"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if token != "" {
			f.Set("csrf", token)
		}
		if code, _ := b.post("/people/anh/edit", f); code != http.StatusForbidden {
			t.Errorf("csrf %q: HTTP %d, want 403", token, code)
		}
	}
	p, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	if p.FamilyName != "Nguyễn" {
		t.Errorf("a refused form changed the person: %q", p.FamilyName)
	}
	// Signing out is a form too.
	if code, _ := b.post("/logout", nil); code != http.StatusForbidden {
		t.Errorf("sign-out without a token: HTTP %d, want 403", code)
	}
	// And so is signing in.
	if code, _ := b.post("/login", url.Values{"email": {"x@example.vn"}, "password": {"y"}}); code != http.StatusForbidden {
		t.Errorf("sign-in without a token: HTTP %d, want 403", code)
	}
}

func TestScriptInNameShownAsText(t *testing.T) {
	e := newEnv(t)
	_, err := e.admin.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{PersonId: "xss", Person: &pb.Person{
		FamilyName: "Lê", GivenName: "<script>alert(1)</script>"}})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	for _, path := range []string{"/people/xss", "/people?q=script", "/people"} {
		_, body := b.get(path)
		if strings.Contains(body, "<script>alert(1)") {
			t.Errorf("%s: the name is in the page as markup", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the name is not shown as text", path)
		}
	}
}

func TestCookieFlagsAndHeaders(t *testing.T) {
	e := newEnv(t)
	email := e.account("registrar", "")
	b := e.signIn(email)
	_, body := b.get("/login")
	resp, err := http.PostForm(e.base+"/login", url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The form's cookie did not travel with the bare request: refused.
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without the form cookie: HTTP %d, want 403", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.base+"/login", strings.NewReader(url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range b.http.Jar.Cookies(req.URL) {
		if c.Name == "trithuc_form" {
			req.AddCookie(c)
		}
	}
	resp, err = (&http.Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "trithuc_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("no session cookie; HTTP %d", resp.StatusCode)
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" {
		t.Errorf("session cookie flags: %+v", session)
	}
	_, _ = b.get("/people")
	r2, err := b.http.Get(e.base + "/people/anh")
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	for h, want := range map[string]string{
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := r2.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q in it", h, got, want)
		}
	}
	if csp := r2.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP is not strict: %q", csp)
	}
}

func TestHomeAffairsNeverSeesNationalIDOrEthnicity(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("home_affairs", ""))
	pages := []string{"/people", "/people?q=nguyen+van+anh", "/people/anh",
		"/people/anh/qualifications/" + e.qual.Name[strings.LastIndex(e.qual.Name, "/")+1:] + "/edit", "/members", "/members/hoi-y-hoc"}
	saw := 0
	for _, path := range pages {
		code, body := b.get(path)
		if code == http.StatusOK {
			saw++
		}
		for _, secret := range []string{"079085001234", `id="national-id"`, `id="ethnicity"`, "Dân tộc", "Khmer"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s (HTTP %d) shows %q to home_affairs", path, code, secret)
			}
		}
	}
	if _, body := b.get("/people/anh"); !strings.Contains(body, "Nguyễn Văn Anh") {
		t.Errorf("home_affairs cannot read the profile at all; the test proves nothing")
	}
	if saw < 3 {
		t.Errorf("only %d pages answered", saw)
	}
}

func TestLimitedRegistrarCannotOpenAnotherQueue(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	if code, body := b.get("/members/hoi-y-hoc"); code != http.StatusOK {
		t.Fatalf("own queue: HTTP %d\n%s", code, body)
	}
	code, body := b.get("/members/hoi-tin-hoc")
	if code != http.StatusForbidden || !strings.Contains(body, "không có quyền") {
		t.Errorf("another association's queue: HTTP %d, want 403 with a message", code)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/people")
	if code, _ := b.post("/logout", url.Values{"csrf": {csrfOf(body)}}); code != http.StatusSeeOther {
		t.Fatalf("sign-out: HTTP %d", code)
	}
	// The old cookie, sent again by hand, no longer works.
	u, _ := url.Parse(e.base)
	req, _ := http.NewRequest("GET", e.base+"/people", nil)
	_ = u
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("after sign-out: HTTP %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestWrongPasswordAndLimits(t *testing.T) {
	e := newEnv(t)
	email := e.account("admin", "")
	b := e.signIn(email)
	_, body := b.get("/login")
	tok := csrfOf(body)
	codes := map[int]int{}
	for i := 0; i < 8; i++ {
		code, _ := b.post("/login", url.Values{"csrf": {tok}, "email": {email}, "password": {"wrong password " + string(rune('a'+i))}})
		codes[code]++
	}
	if codes[http.StatusUnauthorized] == 0 || codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("wrong passwords: %v, want some 401 then 429", codes)
	}
	// The right password is refused too while the account is limited.
	if code, _ := b.post("/login", url.Values{"csrf": {tok}, "email": {email}, "password": {testPassword}}); code != http.StatusTooManyRequests {
		t.Errorf("right password while limited: HTTP %d, want 429", code)
	}
}

// A gRPC client on the network cannot claim a console session.
func TestSessionMetadataFromNetworkRefused(t *testing.T) {
	e := newEnv(t)
	ctx := metadata.AppendToOutgoingContext(context.Background(), console.SessionMetadata, "anything")
	conn := e.admin.Conn()
	_, err := pb.NewPersonServiceClient(conn).GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("session metadata over the network: %v, want UNAUTHENTICATED", err)
	}
}

// A form posted from another site is refused, with a message that says so
// in the person's words (no "CSRF"), even when it carries a valid token;
// a stale token gets its own message.
func TestCrossSiteFormRefusedWithPlainMessage(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	_, body := b.get("/people/anh/edit")
	form := url.Values{"csrf": {csrfOf(body)}, "family_name": {"Hacked"}, "given_name": {"X"}, "etag": {""}}
	post := func(path, origin string, f url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.base+path, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	for _, path := range []string{"/people/anh/edit", "/login"} {
		code, body := post(path, "https://tan-cong.example", form)
		if code != http.StatusForbidden || !strings.Contains(body, "trang web khác") || !strings.Contains(body, "tải lại trang") || strings.Contains(body, "CSRF") {
			t.Errorf("%s from another site: HTTP %d, want 403 saying it came from another site:\n%s", path, code, body)
		}
	}
	stale := url.Values{}
	for k, v := range form {
		stale[k] = v
	}
	stale.Set("csrf", "not-the-token")
	code, body := post("/people/anh/edit", e.base, stale)
	if code != http.StatusForbidden || !strings.Contains(body, "đã cũ") || strings.Contains(body, "CSRF") {
		t.Errorf("a stale form: HTTP %d, want 403 saying it is stale:\n%s", code, body)
	}
	p, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil || p.FamilyName != "Nguyễn" {
		t.Errorf("a refused form changed the person: %q %v", p.GetFamilyName(), err)
	}
}

// TestGuesserDoesNotLockOutOwner: wrong passwords from one address hold
// that address back (with 429), not the owner signing in from another.
func TestGuesserDoesNotLockOutOwner(t *testing.T) {
	e := newEnv(t)
	email := e.account("admin", "")
	from := func(ip string) *browser {
		jar, _ := cookiejar.New(nil)
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		return &browser{t: t, e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
			Transport:     &http.Transport{DialContext: d.DialContext},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}
	guesser := from("127.0.0.5")
	_, body := guesser.get("/login")
	tok := csrfOf(body)
	last := 0
	for i := 0; i < 8; i++ {
		last, _ = guesser.post("/login", url.Values{"csrf": {tok}, "email": {email}, "password": {"sai " + strconv.Itoa(i)}})
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the guesser's eighth attempt: HTTP %d, want 429", last)
	}
	owner := from("127.0.0.6")
	_, body = owner.get("/login")
	if code, _ := owner.post("/login", url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {testPassword}}); code != http.StatusSeeOther {
		t.Errorf("the owner from another address: HTTP %d, want 303 (signed in)", code)
	}
}

// TestGuessesAtOnceAreLimited: wrong passwords sent at once, before any has
// been checked, get no more checks than the burst allows.
func TestGuessesAtOnceAreLimited(t *testing.T) {
	e := newEnv(t)
	email := e.account("admin", "")
	b := e.signIn(email)
	_, body := b.get("/login")
	tok := csrfOf(body)
	codes := make(chan int, 20)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := b.http.PostForm(e.base+"/login", url.Values{"csrf": {tok}, "email": {email}, "password": {"sai " + strconv.Itoa(i)}})
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	checked := 0
	for c := range codes {
		if c == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > 5 {
		t.Errorf("%d of 20 wrong passwords sent at once were checked, want at most 5", checked)
	}
}
