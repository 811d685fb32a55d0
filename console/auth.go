package console

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"trithuc.gov.vn/trithuc/store"
)

// Sign-in attempts are limited per account and per address, so that
// passwords cannot be guessed at speed: a burst, then one attempt every so
// often.
const (
	accountBurst   = 5
	accountEvery   = time.Minute
	addressBurst   = 20
	addressEvery   = 10 * time.Second
	maxLimitersKey = 10000
)

type signInLimits struct {
	mu        sync.Mutex
	accounts  map[string]*rate.Limiter
	addresses map[string]*rate.Limiter
}

func (l *signInLimits) init() {
	l.accounts = map[string]*rate.Limiter{}
	l.addresses = map[string]*rate.Limiter{}
}

// allow takes one attempt from the account's and the address's buckets.
func (l *signInLimits) allow(email, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	get := func(m map[string]*rate.Limiter, k string, every time.Duration, burst int) *rate.Limiter {
		if len(m) > maxLimitersKey {
			// Forgetting every bucket at once is cruder than evicting
			// the oldest, and costs an attacker nothing they could not
			// get by waiting.
			clear(m)
		}
		lim := m[k]
		if lim == nil {
			lim = rate.NewLimiter(rate.Every(every), burst)
			m[k] = lim
		}
		return lim
	}
	a := get(l.accounts, strings.ToLower(strings.TrimSpace(email)), accountEvery, accountBurst)
	b := get(l.addresses, addr, addressEvery, addressBurst)
	return a.Allow() && b.Allow()
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

// safeNext keeps a redirect after signing in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/people"
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
	if !h.signIn.allow(email, clientAddr(r)) {
		fail(http.StatusTooManyRequests, "Quá nhiều lần đăng nhập sai; hãy đợi vài phút rồi thử lại.")
		return
	}
	a, err := h.db.SignIn(r.Context(), email, password)
	if errors.Is(err, store.ErrBadSignIn) {
		fail(http.StatusUnauthorized, "Sai email hoặc mật khẩu.")
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "console: signing in", "err", err)
		fail(http.StatusInternalServerError, "Lỗi hệ thống; hãy thử lại.")
		return
	}
	_, secret, err := h.db.CreateSession(r.Context(), a, clientAddr(r))
	if err != nil {
		h.log.ErrorContext(r.Context(), "console: starting a session", "err", err)
		fail(http.StatusInternalServerError, "Lỗi hệ thống; hãy thử lại.")
		return
	}
	h.log.InfoContext(r.Context(), "console: signed in", "account", a.Email, "client", clientAddr(r))
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
	if !h.signIn.allow("setup:"+token, clientAddr(r)) {
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
