// Package console is trithuc's web console, in Vietnamese, for the people
// who use the registry day to day: officers of the Department of Home
// Affairs and registrars of the science associations.
//
// Pages are rendered on the server from templates embedded in the binary and
// work without JavaScript. The console reads and writes nothing itself: every
// action is a gRPC call to the server over its in-memory connection, carrying
// the signed-in person's session as the credential (SessionMetadata), so
// that the server's permissions, scope, validation, redaction, rate limits
// and audit apply to that person exactly as to an API key; the admin pages
// keep accounts and keys through AccountService. Only signing in and
// sessions, which come before any call, use the store here, and the names
// of accounts, by which pages name who decided what the server records by
// email (who.go).
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// SessionMetadata is the metadata that carries a console session's secret
// to the server over the in-memory connection. The server accepts it from
// that connection only.
const SessionMetadata = "x-trithuc-session"

// ClientMetadata carries the client address of the HTTP request behind a
// call (the console's, or the REST gateway's) to the server over the
// in-memory connection, where the audit trail and the log take it from.
// The server reads it from that connection only.
const ClientMetadata = "x-trithuc-client"

// Paths are the patterns of http.ServeMux the console serves; the server
// routes them to it.
var Paths = []string{"/{$}", "/login", "/logout", "/set-password", "/people", "/people/", "/members", "/members/",
	"/stats", "/stats.csv", "/stats.xlsx", "/stats/", "/admin/", "/static/", "/export", "/imports", "/imports/", "/reviews", "/reviews/", "/reports", "/reports/",
	"/qualifications", "/experts", "/experts/", "/honors", "/honors/"}

// DefaultIdleTimeout ends a session unused this long.
const DefaultIdleTimeout = 30 * time.Minute

// Options configure the console.
type Options struct {
	DB *store.DB
	// Conn reaches the server's interceptor chain in memory.
	Conn grpc.ClientConnInterface
	// Secure marks cookies Secure (the server serves TLS).
	Secure bool
	Idle   time.Duration
	Logger *slog.Logger
	// MaxImportBytes bounds an imported file: the server's import limit,
	// the same over the API and here.
	MaxImportBytes int64
	// ClientAddress is the client address of a request, as the server
	// finds it (behind a trusted proxy, the one the proxy names): the
	// address the sign-in limits count and sessions and the audit trail
	// record. The connection's address when nil.
	ClientAddress func(*http.Request) string
}

// ImportPattern is the route that receives an import's file, the one
// request allowed past the server's request limit: the server lets its
// body be up to the import limit and ImportFormBytes more, for the form's
// other fields.
const (
	ImportPattern   = "POST /imports"
	ImportFormBytes = 64 << 10
)

//go:embed templates/*.html static/*
var assets embed.FS

// Handler serves the console.
type Handler struct {
	opts  Options
	db    *store.DB
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*template.Template

	people   pb.PersonServiceClient
	orgs     pb.OrganizationServiceClient
	ref      pb.ReferenceServiceClient
	members  pb.MembershipServiceClient
	stats    pb.StatisticsServiceClient
	audit    pb.AuditServiceClient
	accts    pb.AccountServiceClient
	transfer pb.TransferServiceClient
	reviews  pb.ReviewServiceClient
	experts  pb.ExpertServiceClient
	honors   pb.HonorsServiceClient
	ops      longrunningpb.OperationsClient

	signIn signInLimits
}

// New makes the console's handler.
func New(opts Options) (*Handler, error) {
	if opts.Idle <= 0 {
		opts.Idle = DefaultIdleTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxImportBytes <= 0 {
		return nil, errors.New("console: no import limit (Options.MaxImportBytes)")
	}
	h := &Handler{opts: opts, db: opts.DB, log: opts.Logger, mux: http.NewServeMux(), pages: map[string]*template.Template{},
		people: pb.NewPersonServiceClient(opts.Conn), orgs: pb.NewOrganizationServiceClient(opts.Conn),
		ref: pb.NewReferenceServiceClient(opts.Conn), members: pb.NewMembershipServiceClient(opts.Conn),
		stats: pb.NewStatisticsServiceClient(opts.Conn), audit: pb.NewAuditServiceClient(opts.Conn),
		accts: pb.NewAccountServiceClient(opts.Conn), reviews: pb.NewReviewServiceClient(opts.Conn),
		experts: pb.NewExpertServiceClient(opts.Conn), honors: pb.NewHonorsServiceClient(opts.Conn),
		transfer: pb.NewTransferServiceClient(opts.Conn), ops: longrunningpb.NewOperationsClient(opts.Conn)}
	h.signIn.init()
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Templates named _x.html are pieces every page may use.
	shared := []string{"templates/layout.html", "templates/_*.html"}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, append(shared, name)...)
		if err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		h.pages[base] = t
	}
	static, _ := fs.Sub(assets, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	h.routes()
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	// Pages hold personal data: no cache keeps them, no other site frames
	// them, no script or style but the console's own runs in them, and no
	// link leaks the address (a set-password link holds a secret) onward.
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer browsers send
	// "Origin: null" with the console's own forms, which sameOrigin must
	// refuse, and nobody could sign in.
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Cache-Control", "no-store")
	if h.opts.Secure {
		hdr.Set("Strict-Transport-Security", "max-age=31536000")
	}
	h.mux.ServeHTTP(w, r)
}

// sessionCookie is the cookie's name: with TLS, the __Host- prefix makes
// browsers refuse it unless Secure, host-only and for the whole site.
func (h *Handler) sessionCookie() string {
	if h.opts.Secure {
		return "__Host-trithuc_session"
	}
	return "trithuc_session"
}

// request is what a signed-in page handler gets.
type request struct {
	handler *Handler
	w       http.ResponseWriter
	r       *http.Request
	sess    *store.Session
	secret  string
	// adminsOnly says the page is an administrators' and the account
	// is not one (adminOnly): a refusal says so.
	adminsOnly bool
}

func (q *request) h() *Handler { return q.handler }

// ctx is the context for calls to the server as the signed-in person.
func (q *request) ctx() context.Context {
	return metadata.AppendToOutgoingContext(q.r.Context(), SessionMetadata, q.secret, ClientMetadata, q.h().clientAddr(q.r))
}

func (h *Handler) clientAddr(r *http.Request) string {
	if h.opts.ClientAddress != nil {
		return h.opts.ClientAddress(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// signedIn wraps a handler of signed-in pages: it finds the session (or
// sends the browser to sign in) and refuses a form without the session's
// CSRF token.
func (h *Handler) signedIn(fn func(*request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(h.sessionCookie())
		var sess *store.Session
		if err == nil {
			sess, err = h.db.Session(r.Context(), c.Value, h.opts.Idle)
		}
		if err != nil {
			if !errors.Is(err, store.ErrBadSession) && !errors.Is(err, http.ErrNoCookie) {
				h.log.ErrorContext(r.Context(), "console: reading the session", "err", err)
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			// A form sent after the session ended: a page that says
			// so, and signs in again to the form.
			h.render(w, r, "error", http.StatusUnauthorized, &page{Title: "Phiên làm việc đã hết", Error: msgSessionEnded,
				Data: errorLinks(r, "/login?next="+url.QueryEscape(safeNext(backTo(r))))})
			return
		}
		q := &request{handler: h, w: w, r: r, sess: sess, secret: c.Value}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// A body sent without its length is cut at the limit as the
			// form is read.
			var tooLarge *http.MaxBytesError
			if err := r.ParseMultipartForm(32 << 20); errors.As(err, &tooLarge) {
				h.TooLarge(w, r, tooLarge.Limit)
				return
			}
			msg := ""
			if !h.sameOrigin(r) {
				msg = msgOtherSite
			} else if !sess.SameCSRF(r.PostFormValue("csrf")) {
				msg = msgStaleForm
			}
			if msg != "" {
				q.errorPage(h, "Biểu mẫu bị từ chối", msg, http.StatusForbidden)
				return
			}
		}
		if time.Since(sess.LastSeenTime) > time.Minute {
			if err := h.db.TouchSession(r.Context(), sess.ID); err != nil {
				h.log.WarnContext(r.Context(), "console: recording session use", "err", err)
			}
		}
		fn(q)
	}
}

// What a person reads when a form is refused: a technical word such as
// CSRF tells them nothing, so the messages say what happened and what to
// do, and that nothing was changed.
const (
	msgOtherSite    = "Yêu cầu này được gửi đến từ một trang web khác, không phải từ trang của Cơ sở dữ liệu trí thức, nên đã bị từ chối để bảo vệ tài khoản của bạn; không có gì bị thay đổi. Nếu chính bạn vừa bấm gửi, hãy mở trang này trực tiếp (gõ địa chỉ hoặc dùng dấu trang), tải lại trang rồi thử lại."
	msgSessionEnded = "Phiên làm việc đã hết (sau một thời gian không dùng, hoặc bạn đã đăng xuất) nên biểu mẫu chưa được gửi; không có gì bị thay đổi. Hãy đăng nhập lại rồi nhập lại."
	msgStaleForm    = "Biểu mẫu này đã cũ hoặc không còn khớp với phiên đăng nhập của bạn (có thể trang đã mở từ lâu, hoặc bạn vừa đăng nhập lại), nên chưa được gửi; không có gì bị thay đổi. Hãy tải lại trang rồi thử lại."
)

// sameOrigin refuses a form posted from another site when the browser says
// where it comes from; the CSRF token is the main defence. A refusal is
// logged: the person sees only that the form was refused.
func (h *Handler) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	ok := o == ""
	if o != "" && o != "null" {
		u, err := url.Parse(o)
		ok = err == nil && u.Host == r.Host
	}
	if !ok {
		h.log.WarnContext(r.Context(), "console: form refused: posted from another origin", "path", r.URL.Path, "origin", o, "host", r.Host)
	}
	return ok
}

// page is what every template gets.
type page struct {
	Title   string
	Nav     string
	Account *store.Account
	CSRF    string
	Flash   string
	Error   string
	// Fields holds the server's messages about single fields, by the
	// field's path in the request.
	Fields map[string]string
	Data   any
	// Refresh reloads the page after this many seconds (a running import).
	Refresh int
	// Unit is the name of the organization the account is limited to.
	Unit string
	// Status is the page's HTTP status when not the usual one: a page
	// whose query was refused is not 200.
	Status int
	// Who names the accounts behind the principals the page shows
	// (whoNames).
	Who map[string]string
	// Here is the address of the page shown, for the back parameter of
	// the links to the profiles it lists (withBack); "" after a form.
	Here string
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, status int, p *page) {
	t, ok := h.pages[name]
	if !ok {
		panic("console: no template " + name)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		h.log.ErrorContext(r.Context(), "console: rendering", "page", name, "err", err)
		http.Error(w, "Lỗi hệ thống khi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// show renders a signed-in page.
func (q *request) show(h *Handler, name, nav, title string, p *page) {
	if p == nil {
		p = &page{}
	}
	p.Title, p.Nav, p.Account, p.CSRF = title, nav, q.sess.Account, q.sess.CSRF
	p.Unit = q.unitName(h)
	if q.r.Method == http.MethodGet {
		p.Here = pageBack(q)
	}
	if p.Flash == "" {
		p.Flash = flashes[q.r.URL.Query().Get("ok")]
	}
	code := http.StatusOK
	switch {
	case p.Status != 0:
		code = p.Status
	case p.Error != "" && q.r.Method == http.MethodPost:
		code = http.StatusUnprocessableEntity
	}
	h.render(q.w, q.r, name, code, p)
}

// fail shows an error page for a failed call. An error that is not the
// server's status is the console's own fault, which the server has not
// logged: the page says it has been.
func (q *request) fail(h *Handler, err error) {
	if _, ok := status.FromError(err); !ok {
		h.log.ErrorContext(q.r.Context(), "console: internal error", "path", q.r.URL.Path, "err", err)
	}
	if q.adminsOnly && status.Code(err) == codes.PermissionDenied {
		q.refuse(h, "Quản trị", msgAdminsOnly)
		return
	}
	msg, _, code := explain(err)
	q.errorPage(h, "Lỗi", msg, code)
}

// errorPage shows a message alone, with what every signed-in page has:
// the account, the form token and the unit's banner.
func (q *request) errorPage(h *Handler, title, msg string, code int) {
	p := &page{Title: title, Error: msg, Account: q.sess.Account, CSRF: q.sess.CSRF, Unit: q.unitName(h), Data: errorLinks(q.r, "")}
	h.render(q.w, q.r, "error", code, p)
}

// errorPageLinks are the ways on from an error page. The strict
// Content-Security-Policy runs no script, not even a javascript: link,
// so "back" is a link to the page the browser came from, on this site.
type errorPageLinks struct {
	Back string
	// Login signs in again, then returns to the page before.
	Login string
}

func errorLinks(r *http.Request, login string) *errorPageLinks {
	l := &errorPageLinks{Login: login}
	if b := backTo(r); b != "" && b != r.URL.RequestURI() {
		l.Back = safeNext(b)
	}
	return l
}

// backTo is the path and query of the page the request came from (its
// Referer) when that page is this site's, or "".
func backTo(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host {
		return ""
	}
	return u.RequestURI()
}

// TooLarge answers a form whose body is over max bytes, unread: an
// import's file is named with the import limit, any other form with max.
func (h *Handler) TooLarge(w http.ResponseWriter, r *http.Request, max int64) {
	title, msg := "Biểu mẫu quá lớn", fmt.Sprintf("Biểu mẫu gửi lên lớn hơn %d MB nên chưa được gửi; không có gì bị thay đổi.", max>>20)
	if r.Method+" "+r.URL.Path == ImportPattern {
		title, msg = "Tệp quá lớn", leadImport+fmt.Sprintf("tệp lớn hơn %d MB, mức tối đa; hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt.", h.opts.MaxImportBytes>>20)
	}
	h.render(w, r, "error", http.StatusRequestEntityTooLarge, &page{Title: title, Error: msg})
}

// SessionSecret is the secret of the browser's session, "" when it sends
// none: the server's gate of import files (ImportPattern) finds by it
// whose file it is before the body is read.
func (h *Handler) SessionSecret(r *http.Request) string {
	c, err := r.Cookie(h.sessionCookie())
	if err != nil {
		return ""
	}
	return c.Value
}

// RefuseImport answers an import form that the server's gate refused
// before its file was read: a role that may not import, or no free place
// to receive it.
func (h *Handler) RefuseImport(w http.ResponseWriter, r *http.Request, err error) {
	msg, _, code := explainImport(err, leadImport)
	h.render(w, r, "error", code, &page{Title: "Nhập danh sách", Error: msg})
}

// redirect sends the browser on after a form succeeded, with the key of
// its message in flashes.
func (q *request) redirect(to, ok string) {
	if _, known := flashes[ok]; ok != "" && !known {
		q.h().log.ErrorContext(q.r.Context(), "console: no message for a redirect", "key", ok)
		ok = ""
	}
	if ok != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "ok=" + url.QueryEscape(ok)
	}
	http.Redirect(q.w, q.r, to, http.StatusSeeOther)
}

func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /{$}", h.signedIn(func(q *request) { http.Redirect(q.w, q.r, "/people", http.StatusSeeOther) }))
	m.HandleFunc("GET /login", h.loginPage)
	m.HandleFunc("POST /login", h.login)
	m.HandleFunc("POST /logout", h.signedIn(h.logout))
	m.HandleFunc("GET /set-password", h.setPasswordPage)
	m.HandleFunc("POST /set-password", h.setPassword)

	m.HandleFunc("GET /people", h.signedIn(h.search))
	m.HandleFunc("GET /people/{id}", h.signedIn(h.profile))
	// The form for a new person is where no person is: "-" is no one's
	// id (AIP-122 ids start with a letter), while "new" may be one, whose
	// profile is at /people/new like everyone's.
	m.HandleFunc("GET "+newPersonPath, h.signedIn(h.newPerson))
	m.HandleFunc("POST "+newPersonPath, h.signedIn(h.newPerson))
	m.HandleFunc("GET /people/{id}/delete", h.signedIn(h.deletePerson))
	m.HandleFunc("POST /people/{id}/delete", h.signedIn(h.deletePerson))
	m.HandleFunc("POST /people/{id}/undelete", h.signedIn(h.undeletePerson))
	m.HandleFunc("GET /people/{id}/edit", h.signedIn(h.editPerson))
	m.HandleFunc("POST /people/{id}/edit", h.signedIn(h.editPerson))
	m.HandleFunc("GET /people/{id}/{kind}/new", h.signedIn(h.editChild))
	m.HandleFunc("POST /people/{id}/{kind}/new", h.signedIn(h.editChild))
	m.HandleFunc("GET /people/{id}/{kind}/{child}/edit", h.signedIn(h.editChild))
	m.HandleFunc("POST /people/{id}/{kind}/{child}/edit", h.signedIn(h.editChild))
	m.HandleFunc("POST /people/{id}/{kind}/{child}/delete", h.signedIn(h.deleteChild))
	m.HandleFunc("GET /people/{id}/qualifications/{q}/verify", h.signedIn(h.verifyQualification))
	m.HandleFunc("POST /people/{id}/qualifications/{q}/verify", h.signedIn(h.verifyQualification))
	m.HandleFunc("GET /qualifications", h.signedIn(h.toVerify))

	m.HandleFunc("GET /export", h.signedIn(h.exportPeople))
	m.HandleFunc("GET /imports", h.signedIn(h.importPage))
	m.HandleFunc("POST /imports", h.signedIn(h.startImport))
	m.HandleFunc("GET /imports/template", h.signedIn(h.importTemplate))
	m.HandleFunc("GET /imports/{id}", h.signedIn(h.importStatus))

	m.HandleFunc("GET /members", h.signedIn(h.associations))
	m.HandleFunc("GET /members/{assoc}", h.signedIn(h.desk))
	// As a new person's form: "register" may be a membership's id.
	m.HandleFunc("GET /members/{assoc}/-/register", h.signedIn(h.register))
	m.HandleFunc("POST /members/{assoc}/-/register", h.signedIn(h.register))
	m.HandleFunc("GET /members/{assoc}/{m}", h.signedIn(h.membership))
	m.HandleFunc("POST /members/{assoc}/{m}/{action}", h.signedIn(h.membershipAction))

	m.HandleFunc("GET /stats", h.signedIn(h.statistics))
	m.HandleFunc("GET /stats.csv", h.signedIn(h.statisticsCSV))
	m.HandleFunc("GET /stats.xlsx", h.signedIn(h.statisticsXLSX))
	m.HandleFunc("GET /stats/indicators", h.signedIn(h.indicators))

	m.HandleFunc("GET /reports", h.signedIn(h.reports))
	m.HandleFunc("POST /reports", h.signedIn(h.reports))
	m.HandleFunc("GET /reports/operations/{op}", h.signedIn(h.reportRun))
	m.HandleFunc("GET /reports/{id}", h.signedIn(h.report))

	m.HandleFunc("GET /reviews", h.signedIn(h.campaigns))
	m.HandleFunc("POST /reviews", h.signedIn(h.campaigns))
	m.HandleFunc("GET /reviews/{id}", h.signedIn(h.campaign))
	m.HandleFunc("POST /reviews/{id}/confirm/{person}", h.signedIn(h.confirmReview))
	m.HandleFunc("POST /reviews/{id}/close", h.signedIn(h.closeCampaign))

	h.expertRoutes(m)
	h.honorRoutes(m)

	m.HandleFunc("GET /admin/accounts", h.signedIn(h.adminOnly(h.accounts)))
	m.HandleFunc("POST /admin/accounts", h.signedIn(h.adminOnly(h.accounts)))
	m.HandleFunc("GET /admin/accounts/{id}/{action}", h.signedIn(h.adminOnly(h.confirmAccountAction)))
	m.HandleFunc("POST /admin/accounts/{id}/{action}", h.signedIn(h.adminOnly(h.accountAction)))
	m.HandleFunc("GET /admin/keys", h.signedIn(h.adminOnly(h.keys)))
	m.HandleFunc("POST /admin/keys", h.signedIn(h.adminOnly(h.keys)))
	m.HandleFunc("GET /admin/keys/{id}/revoke", h.signedIn(h.adminOnly(h.confirmRevokeKey)))
	m.HandleFunc("POST /admin/keys/{id}/revoke", h.signedIn(h.adminOnly(h.revokeKey)))
	m.HandleFunc("GET /admin/audit", h.signedIn(h.adminOnly(h.auditTrail)))
}
