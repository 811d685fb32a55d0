package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Accounts and keys have no RPC: the admin pages read and change them
// through the store, for admins only, and log who did it. The audit trail
// is read through AuditService like every other call.

// roles an account may hold in the console: the roles of keys but service,
// which is for programs.
var accountRoles = []string{"admin", "registrar", "home_affairs"}

func (q *request) admin(h *Handler) bool {
	if q.sess.Account.Role != "admin" {
		q.fail(h, status.Error(codes.PermissionDenied, "only an administrator may manage accounts and keys"))
		return false
	}
	return true
}

type accountsData struct {
	Accounts    []*store.Account
	Roles       []option
	Email, Name string
	Association string
	Link        string
}

// SetupURL is the link that sets an account's password, on the site base.
func SetupURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/set-password?token=" + url.QueryEscape(token)
}

func siteBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Handler) accounts(q *request) {
	if !q.admin(h) {
		return
	}
	d := &accountsData{}
	p := &page{Data: d}
	if q.r.Method == "POST" {
		d.Email, d.Name, d.Association = q.r.PostFormValue("email"), q.r.PostFormValue("name"), q.r.PostFormValue("association")
		role := q.r.PostFormValue("role")
		if role != "registrar" {
			d.Association = ""
		}
		valid := false
		for _, r := range accountRoles {
			valid = valid || r == role
		}
		if !valid {
			p.Error = "Hãy chọn vai trò."
		} else if a, token, err := h.db.CreateAccount(q.r.Context(), d.Email, d.Name, role, d.Association); err != nil {
			var se *store.Error
			if errors.As(err, &se) {
				p.Error, p.Fields = se.Message, map[string]string{se.Field: se.Message}
			} else {
				p.Error = "Lỗi hệ thống."
				h.log.ErrorContext(q.r.Context(), "console: creating an account", "err", err)
			}
		} else {
			h.log.InfoContext(q.r.Context(), "console: account created", "account", a.Email, "role", a.Role, "by", q.sess.Account.Email)
			d.Link = SetupURL(siteBase(q.r), token)
			d.Email, d.Name, d.Association = "", "", ""
			p.Flash = "Đã tạo tài khoản " + a.Email + ". Gửi cho người đó đường dẫn dưới đây (dùng một lần, hết hạn sau 72 giờ)."
		}
	}
	for _, r := range accountRoles {
		d.Roles = append(d.Roles, option{Value: r, Label: roleLabel(r)})
	}
	var err error
	if d.Accounts, err = h.db.ListAccounts(q.r.Context()); err != nil {
		q.fail(h, err)
		return
	}
	q.show(h, "accounts", "admin", "Tài khoản", p)
}

func roleLabel(r string) string {
	switch r {
	case "admin":
		return "Quản trị viên"
	case "registrar":
		return "Cán bộ Hội (đăng ký hội viên)"
	case "home_affairs":
		return "Sở Nội vụ"
	case "service":
		return "Dịch vụ nội bộ"
	}
	return r
}

func (h *Handler) accountAction(q *request) {
	if !q.admin(h) {
		return
	}
	id := q.r.PathValue("id")
	switch q.r.PathValue("action") {
	case "disable":
		a, err := h.db.DisableAccount(q.r.Context(), id)
		if err != nil {
			q.fail(h, err)
			return
		}
		h.log.InfoContext(q.r.Context(), "console: account disabled", "account", a.Email, "by", q.sess.Account.Email)
		q.redirect("/admin/accounts", "Đã khoá tài khoản "+a.Email+" và kết thúc các phiên của tài khoản.")
	case "reset":
		a, token, err := h.db.ResetAccount(q.r.Context(), id)
		if err != nil {
			q.fail(h, err)
			return
		}
		h.log.InfoContext(q.r.Context(), "console: account reset", "account", a.Email, "by", q.sess.Account.Email)
		var accounts []*store.Account
		if accounts, err = h.db.ListAccounts(q.r.Context()); err != nil {
			q.fail(h, err)
			return
		}
		d := &accountsData{Accounts: accounts, Link: SetupURL(siteBase(q.r), token)}
		for _, r := range accountRoles {
			d.Roles = append(d.Roles, option{Value: r, Label: roleLabel(r)})
		}
		q.show(h, "accounts", "admin", "Tài khoản", &page{Data: d, Flash: "Đã đặt lại mật khẩu của " + a.Email + ". Gửi cho người đó đường dẫn dưới đây."})
	default:
		q.fail(h, status.Error(codes.NotFound, "no such action"))
	}
}

func (h *Handler) keys(q *request) {
	if !q.admin(h) {
		return
	}
	keys, err := h.db.ListKeys(q.r.Context())
	if err != nil {
		q.fail(h, err)
		return
	}
	q.show(h, "keys", "admin", "Khoá API", &page{Data: keys})
}

type auditData struct {
	Events                      []*pb.AuditEvent
	Principal, Resource, Method string
	NextURL                     string
}

func (h *Handler) auditTrail(q *request) {
	v := q.r.URL.Query()
	d := &auditData{Principal: v.Get("principal"), Resource: v.Get("resource"), Method: v.Get("method")}
	p := &page{Data: d}
	resp, err := h.audit.ListAuditEvents(q.ctx(), &pb.ListAuditEventsRequest{PageSize: 100, PageToken: v.Get("page"),
		Principal: d.Principal, Resource: d.Resource, Method: d.Method})
	if err != nil {
		p.Error, p.Fields, _ = explain(err)
	} else {
		d.Events = resp.GetAuditEvents()
		if resp.GetNextPageToken() != "" {
			nv := cloneValues(v)
			nv.Set("page", resp.GetNextPageToken())
			d.NextURL = "/admin/audit?" + nv.Encode()
		}
	}
	q.show(h, "audit", "admin", "Nhật ký truy cập", p)
}
