package console

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"trithuc.gov.vn/trithuc/store"
)

// Failed sign-in attempts are limited, so that passwords cannot be guessed
// at speed, without letting a stranger lock an account's owner out:
//   - an account from one address: a burst of 5, then one a minute (the
//     owner at another address is not held back by a guesser's failures);
//   - an address, whatever the accounts: a burst of 20, then one every 10 s
//     (spraying one password over many accounts);
//   - an account from every address together: a burst of 100, then one
//     every 30 s (guessing from many addresses; a guesser with that many
//     can hold the owner back, which is the price of stopping them).
//
// An attempt let through takes a token from each bucket before its password
// is checked (so that attempts sent at once cannot all pass the check
// before the first has failed), and gives them back when it succeeds: only
// failures cost. An attempt is let through only while every bucket has a
// token, so a refused attempt costs nothing and records nothing: a flood of
// refused attempts cannot grow the tables, and none can empty them.
const (
	pairBurst      = 5
	pairEvery      = time.Minute
	addressBurst   = 20
	addressEvery   = 10 * time.Second
	accountBurst   = 100
	accountEvery   = 30 * time.Second
	maxLimiterKeys = 100000
)

type signInLimits struct {
	mu                       sync.Mutex
	pairs, addresses, people buckets
}

func (l *signInLimits) init() {
	l.pairs = buckets{m: map[string]*rate.Limiter{}, every: pairEvery, burst: pairBurst}
	l.addresses = buckets{m: map[string]*rate.Limiter{}, every: addressEvery, burst: addressBurst}
	l.people = buckets{m: map[string]*rate.Limiter{}, every: accountEvery, burst: accountBurst}
}

// buckets are token buckets by key, of one rate. A key without a bucket has
// a full one.
type buckets struct {
	m     map[string]*rate.Limiter
	every time.Duration
	burst int
}

func (b *buckets) has(k string, now time.Time) bool {
	lim := b.m[k]
	return lim == nil || lim.TokensAt(now) >= 1
}

// take takes a token from k's bucket, making it when it has none, and
// returns what gives it back (nil when none was taken). Over
// maxLimiterKeys buckets, the full ones (keys idle long enough to have
// refilled) are forgotten first: they hold nothing a new bucket would not.
func (b *buckets) take(k string, now time.Time) *rate.Reservation {
	lim := b.m[k]
	if lim == nil {
		if len(b.m) >= maxLimiterKeys {
			for key, l := range b.m {
				if l.TokensAt(now) >= float64(b.burst) {
					delete(b.m, key)
				}
			}
		}
		if len(b.m) >= maxLimiterKeys {
			// As many addresses failing at once as this: the attempt
			// is let through unrecorded rather than forgetting
			// buckets that hold someone back.
			return nil
		}
		lim = rate.NewLimiter(rate.Every(b.every), b.burst)
		b.m[k] = lim
	}
	return lim.ReserveN(now, 1)
}

// network is the address an attempt is limited by: an IPv6 address's /64,
// which one subscriber holds whole.
func network(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() || ip.Is4In6() {
		return addr
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// attempt is a sign-in attempt let through, holding a token of each bucket.
type attempt struct {
	l     *signInLimits
	now   time.Time
	taken []*rate.Reservation
}

// try lets an attempt at account from addr through, taking a token from
// each of its buckets, or says it may not be tried now.
func (l *signInLimits) try(account, addr string, now time.Time) (*attempt, bool) {
	account, addr = strings.ToLower(strings.TrimSpace(account)), network(addr)
	pair := account + "\x00" + addr
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.pairs.has(pair, now) || !l.addresses.has(addr, now) || !l.people.has(account, now) {
		return nil, false
	}
	return &attempt{l: l, now: now, taken: []*rate.Reservation{
		l.pairs.take(pair, now), l.addresses.take(addr, now), l.people.take(account, now)}}, true
}

// succeeded gives the attempt's tokens back: the password was right.
func (a *attempt) succeeded() {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	for _, r := range a.taken {
		if r != nil {
			r.CancelAt(a.now)
		}
	}
}

// The forms shown before signing in have no session to bind a CSRF token
// to: the token is a cookie of its own that the form repeats.
const preCSRFCookie = "trithuc_form"

func (h *Handler) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := newFormToken()
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: tok, Path: "/", HttpOnly: true, Secure: h.opts.Secure, SameSite: http.SameSiteStrictMode})
	return tok
}

// checkPreCSRF says why a form shown before signing in is refused, in the
// person's words, or "" when it is not.
func (h *Handler) checkPreCSRF(r *http.Request) string {
	if !h.sameOrigin(r) {
		return msgOtherSite
	}
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || len(c.Value) < 32 || c.Value != r.PostFormValue("csrf") {
		return msgStaleForm
	}
	return ""
}

type loginData struct {
	Email, Next string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "login", http.StatusOK, &page{Title: "Đăng nhập", CSRF: h.preCSRF(w, r),
		Flash: flashes[r.URL.Query().Get("ok")], Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// safeNext keeps a redirect after signing in on this site: a path of it,
// or else the list of people. Browsers drop tabs and newlines from a URL
// and read a backslash as a slash, so "/\t/evil.example" would leave the
// site; a target with any of them, a scheme, a host, or a second slash
// first is refused.
func safeNext(next string) string {
	const home = "/people"
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return home
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	return next
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	data := loginData{Email: email, Next: safeNext(r.PostFormValue("next"))}
	fail := func(status int, msg string) {
		h.render(w, r, "login", status, &page{Title: "Đăng nhập", CSRF: h.preCSRF(w, r), Error: msg, Data: data})
	}
	if msg := h.checkPreCSRF(r); msg != "" {
		fail(http.StatusForbidden, msg)
		return
	}
	try, ok := h.signIn.try(email, h.clientAddr(r), time.Now())
	if !ok {
		fail(http.StatusTooManyRequests, "Quá nhiều lần đăng nhập sai; hãy đợi vài phút rồi thử lại.")
		return
	}
	a, err := h.db.SignIn(r.Context(), email, password)
	if errors.Is(err, store.ErrBadSignIn) {
		fail(http.StatusUnauthorized, "Sai email hoặc mật khẩu.")
		return
	}
	try.succeeded()
	if err != nil {
		h.log.ErrorContext(r.Context(), "console: signing in", "err", err)
		fail(http.StatusInternalServerError, "Lỗi hệ thống; hãy thử lại.")
		return
	}
	_, secret, err := h.db.CreateSession(r.Context(), a, h.clientAddr(r))
	if err != nil {
		h.log.ErrorContext(r.Context(), "console: starting a session", "err", err)
		fail(http.StatusInternalServerError, "Lỗi hệ thống; hãy thử lại.")
		return
	}
	h.log.InfoContext(r.Context(), "console: signed in", "account", a.Email, "client", h.clientAddr(r))
	http.SetCookie(w, &http.Cookie{Name: h.sessionCookie(), Value: secret, Path: "/", HttpOnly: true, Secure: h.opts.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(store.SessionLifetime / time.Second)})
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

func (h *Handler) logout(q *request) {
	if err := h.db.RevokeSession(q.r.Context(), q.secret); err != nil {
		q.fail(h, err)
		return
	}
	http.SetCookie(q.w, &http.Cookie{Name: h.sessionCookie(), Value: "", Path: "/", HttpOnly: true, Secure: h.opts.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(q.w, q.r, "/login?ok=signed-out", http.StatusSeeOther)
}

type setPasswordData struct {
	Token string
	Email string
	Min   int
}

func (h *Handler) setPasswordPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	a, err := h.db.SetupAccount(r.Context(), token)
	if err != nil {
		h.render(w, r, "setpassword", http.StatusNotFound, &page{Title: "Đặt mật khẩu", Error: "Đường dẫn đặt mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn; hãy nhờ quản trị viên cấp đường dẫn mới."})
		return
	}
	h.render(w, r, "setpassword", http.StatusOK, &page{Title: "Đặt mật khẩu", CSRF: h.preCSRF(w, r),
		Data: setPasswordData{Token: token, Email: a.Email, Min: store.MinPasswordLength}})
}

func (h *Handler) setPassword(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	data := setPasswordData{Token: token, Min: store.MinPasswordLength}
	p := &page{Title: "Đặt mật khẩu", CSRF: h.preCSRF(w, r), Data: data}
	if msg := h.checkPreCSRF(r); msg != "" {
		p.Error = msg
		h.render(w, r, "setpassword", http.StatusForbidden, p)
		return
	}
	// Every attempt counts here, its tokens kept: a link is guessed, not
	// a password.
	if _, ok := h.signIn.try("setup:"+token, h.clientAddr(r), time.Now()); !ok {
		p.Error = "Quá nhiều lần thử; hãy đợi vài phút."
		h.render(w, r, "setpassword", http.StatusTooManyRequests, p)
		return
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		p.Fields = map[string]string{"password2": "Hai mật khẩu không giống nhau."}
		p.Error = "Hai mật khẩu không giống nhau."
		h.render(w, r, "setpassword", http.StatusUnprocessableEntity, p)
		return
	}
	_, err := h.db.SetPassword(r.Context(), token, pw)
	var se *store.Error
	switch {
	case errors.As(err, &se) && se.Code == store.Invalid:
		p.Fields = map[string]string{"password": se.Message}
		p.Error = se.Message
		h.render(w, r, "setpassword", http.StatusUnprocessableEntity, p)
		return
	case errors.Is(err, store.ErrBadSetupLink):
		p.Error = "Đường dẫn đặt mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn; hãy nhờ quản trị viên cấp đường dẫn mới."
		h.render(w, r, "setpassword", http.StatusNotFound, p)
		return
	case err != nil:
		h.log.ErrorContext(r.Context(), "console: setting a password", "err", err)
		p.Error = "Lỗi hệ thống; hãy thử lại."
		h.render(w, r, "setpassword", http.StatusInternalServerError, p)
		return
	}
	http.Redirect(w, r, "/login?ok=password-set", http.StatusSeeOther)
}
