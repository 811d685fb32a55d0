package console

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The admin pages keep accounts and keys through AccountService, as the
// signed-in person: the server's chain decides who may (administrators
// only), and the audit trail names the administrator who acted.

// adminOnly marks fn's page as an administrators' one: the server still
// decides (and audits the refusal under the account's name), but its
// refusal of a limited account names the account's limit, which would
// read as "out of scope"; the page says it is for administrators.
func (h *Handler) adminOnly(fn func(*request)) func(*request) {
	return func(q *request) {
		q.adminsOnly = q.sess.Account.Role != "admin"
		fn(q)
	}
}

// roles an account may hold in the console: the roles of keys but service,
// which is for programs.
var accountRoles = []string{"admin", "registrar", "home_affairs"}

var keyRoles = []string{"admin", "registrar", "home_affairs", "service"}

type accountsData struct {
	Accounts    []*pb.Account
	Roles       []option
	Email, Name string
	Link        string
	// Orgs and Assocs are the organizations and associations an account
	// may be limited to, the chosen one selected; OrgNames name both in
	// the list, by resource name.
	Orgs, Assocs []option
	OrgNames     map[string]string
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

// roleOptions are the roles to choose from, the one posted chosen: a form
// returned with an error must not fall back to the first, admin.
func roleOptions(roles []string, r *http.Request) []option {
	chosen := ""
	if r.PostForm != nil {
		chosen = r.PostForm.Get("role")
	}
	var out []option
	for _, role := range roles {
		out = append(out, option{Value: role, Label: roleLabel(role), Selected: role == chosen})
	}
	return out
}

func init() {
	// chosen reports whether one of the options is chosen.
	funcs["chosen"] = func(opts []option) bool {
		for _, o := range opts {
			if o.Selected {
				return true
			}
		}
		return false
	}
}

// fieldsOf keeps the form's names for the request's fields: the server
// speaks of display_name, the form of name.
func fieldsOf(fields map[string]string) map[string]string {
	out := map[string]string{}
	for f, msg := range fields {
		if f == "display_name" {
			f = "name"
		}
		out[f] = msg
	}
	return out
}

func (h *Handler) accounts(q *request) {
	d := &accountsData{}
	p := &page{Data: d}
	if q.r.Method == "POST" {
		d.Email, d.Name = q.r.PostFormValue("email"), q.r.PostFormValue("name")
		role, org, assoc := q.r.PostFormValue("role"), q.r.PostFormValue("organization"), q.r.PostFormValue("association")
		if role != "registrar" {
			assoc = ""
		}
		a, err := h.accts.CreateAccount(q.ctx(), &pb.CreateAccountRequest{Account: &pb.Account{
			Email: d.Email, DisplayName: d.Name, Role: role, Association: assoc, Organization: org}})
		if err != nil {
			var fields map[string]string
			p.Error, fields, _ = explain(err)
			p.Fields = fieldsOf(fields)
			if status.Code(err) == codes.PermissionDenied {
				q.fail(h, err)
				return
			}
		} else {
			d.Link = SetupURL(siteBase(q.r), a.GetSetupToken())
			d.Email, d.Name = "", ""
			clearChoices(q.r)
			p.Flash = "Đã tạo tài khoản " + a.GetEmail() + ". Gửi cho người đó đường dẫn dưới đây (dùng một lần, hết hạn sau 72 giờ)."
		}
	}
	if !h.listAccounts(q, d) {
		return
	}
	d.Roles = roleOptions(accountRoles, q.r)
	d.Orgs, d.Assocs, d.OrgNames = h.scopeChoices(q)
	q.show(h, "accounts", "admin", "Tài khoản", p)
}

// listAccounts fills the page's list, or shows why it cannot.
func (h *Handler) listAccounts(q *request, d *accountsData) bool {
	token := ""
	for {
		resp, err := h.accts.ListAccounts(q.ctx(), &pb.ListAccountsRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			q.fail(h, err)
			return false
		}
		d.Accounts = append(d.Accounts, resp.GetAccounts()...)
		if token = resp.GetNextPageToken(); token == "" {
			return true
		}
	}
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
	name := "accounts/" + q.r.PathValue("id")
	switch q.r.PathValue("action") {
	case "disable":
		if _, err := h.accts.DisableAccount(q.ctx(), &pb.DisableAccountRequest{Name: name}); err != nil {
			q.fail(h, err)
			return
		}
		q.redirect("/admin/accounts", "account-disabled")
	case "reset":
		a, err := h.accts.ResetAccount(q.ctx(), &pb.ResetAccountRequest{Name: name})
		if err != nil {
			q.fail(h, err)
			return
		}
		clearChoices(q.r)
		d := &accountsData{Roles: roleOptions(accountRoles, q.r), Link: SetupURL(siteBase(q.r), a.GetSetupToken())}
		if !h.listAccounts(q, d) {
			return
		}
		d.Orgs, d.Assocs, d.OrgNames = h.scopeChoices(q)
		q.show(h, "accounts", "admin", "Tài khoản", &page{Data: d, Flash: "Đã đặt lại mật khẩu của " + a.GetEmail() + ". Gửi cho người đó đường dẫn dưới đây."})
	default:
		q.fail(h, status.Error(codes.NotFound, "no such action"))
	}
}

type keysData struct {
	Keys         []*pb.ApiKey
	Roles        []option
	Name         string
	Orgs, Assocs []option
	OrgNames     map[string]string
	// Secret is the new key's, shown this once.
	Secret string
}

func (h *Handler) keys(q *request) {
	d := &keysData{}
	p := &page{Data: d}
	if q.r.Method == "POST" {
		d.Name = q.r.PostFormValue("name")
		role, org, assoc := q.r.PostFormValue("role"), q.r.PostFormValue("organization"), q.r.PostFormValue("association")
		if role != "registrar" {
			assoc = ""
		}
		k, err := h.accts.CreateApiKey(q.ctx(), &pb.CreateApiKeyRequest{ApiKey: &pb.ApiKey{DisplayName: d.Name, Role: role,
			Association: assoc, Organization: org}})
		if err != nil {
			if status.Code(err) == codes.PermissionDenied {
				q.fail(h, err)
				return
			}
			var fields map[string]string
			p.Error, fields, _ = explain(err)
			p.Fields = fieldsOf(fields)
		} else {
			d.Secret, d.Name = k.GetKeyString(), ""
			clearChoices(q.r)
			p.Flash = "Đã tạo khoá " + idOf(k.GetName()) + ". Chép khoá dưới đây và giao cho người giữ: khoá chỉ hiện một lần này."
		}
	}
	token := ""
	for {
		resp, err := h.accts.ListApiKeys(q.ctx(), &pb.ListApiKeysRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			q.fail(h, err)
			return
		}
		d.Keys = append(d.Keys, resp.GetApiKeys()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	d.Roles = roleOptions(keyRoles, q.r)
	d.Orgs, d.Assocs, d.OrgNames = h.scopeChoices(q)
	q.show(h, "keys", "admin", "Khoá API", p)
}

// scopeChoices are the organizations and the associations an account or
// key may be limited to, the posted ones selected, and their names by
// resource name: the lists show names, never associations/… codes.
func (h *Handler) scopeChoices(q *request) (orgs, assocs []option, names map[string]string) {
	names = map[string]string{}
	chosen := func(field string) string {
		if q.r.PostForm == nil {
			return ""
		}
		return q.r.PostForm.Get(field)
	}
	if opts, err := h.readList(q.ctx(), "organizations"); err == nil {
		orgs = opts
	}
	if resp, err := h.members.ListAssociations(q.ctx(), &pb.ListAssociationsRequest{PageSize: 1000, OrderBy: "display_name"}); err == nil {
		for _, a := range resp.GetAssociations() {
			assocs = append(assocs, option{Value: a.GetName(), Label: a.GetDisplayName()})
		}
		byName(assocs, option.label)
	}
	for _, list := range []struct {
		opts  []option
		field string
	}{{orgs, "organization"}, {assocs, "association"}} {
		for i, o := range list.opts {
			names[o.Value] = o.Label
			list.opts[i].Selected = o.Value == chosen(list.field)
		}
	}
	return orgs, assocs, names
}

// clearChoices forgets the choices of a form that succeeded, so that the
// next one starts afresh.
func clearChoices(r *http.Request) {
	for _, f := range []string{"role", "organization", "association"} {
		r.PostForm.Del(f)
	}
}

func (h *Handler) revokeKey(q *request) {
	if _, err := h.accts.RevokeApiKey(q.ctx(), &pb.RevokeApiKeyRequest{Name: "apiKeys/" + q.r.PathValue("id")}); err != nil {
		q.fail(h, err)
		return
	}
	q.redirect("/admin/keys", "key-revoked")
}

type auditData struct {
	Events                      []*pb.AuditEvent
	Principal, Resource, Method string
	// From and To are the days of the trail shown, as typed (auditDays).
	From, To string
	Methods  []labels.AuditMethod // the filter's choices
	NextURL  string
}

// auditTrail shows the trail, filtered. The method filter is chosen by a
// method's words (labels.AuditMethods, the contract's methods) or typed,
// its words or its name, whole or its last part, as the API takes it.
func (h *Handler) auditTrail(q *request) {
	v := q.r.URL.Query()
	method := labels.MethodNamed(v.Get("method"))
	d := &auditData{Principal: v.Get("principal"), Resource: v.Get("resource"), Method: cmp.Or(labels.Method(method), method),
		From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")), Methods: labels.AuditMethods()}
	p := &page{Data: d}
	start, end, bad := auditDays(d.From, d.To)
	if len(bad) > 0 {
		p.Error, p.Fields, p.Status = "Khoảng thời gian chưa đúng; xem các ô được đánh dấu.", bad, http.StatusUnprocessableEntity
		q.show(h, "audit", "admin", "Nhật ký truy cập", p)
		return
	}
	resp, err := h.audit.ListAuditEvents(q.ctx(), &pb.ListAuditEventsRequest{PageSize: 100, PageToken: v.Get("page"),
		Principal: d.Principal, Resource: d.Resource, Method: method, StartTime: start, EndTime: end})
	if status.Code(err) == codes.PermissionDenied {
		// As the other admin pages: refused, not an empty trail.
		q.fail(h, err)
		return
	}
	if err != nil {
		p.Error, p.Fields, p.Status = explain(err)
		if status.Code(err) == codes.ResourceExhausted && !retryable(err) {
			// More events in range than one call may look through
			// (the trail is indexed by time alone): a shorter range
			// is what helps, not a retry.
			p.Error = "Nhật ký có quá nhiều sự kiện để tìm trong một lần; hãy chọn khoảng thời gian ngắn hơn (Từ ngày, Đến ngày)."
		}
	} else {
		d.Events = resp.GetAuditEvents()
		d.NextURL = nextPage("/admin/audit", v, resp.GetNextPageToken())
	}
	q.show(h, "audit", "admin", "Nhật ký truy cập", p)
}

// auditDays reads the days of the trail to show, as typed (a day, a month
// or a year, as parseDate reads them; either may be empty), as the times
// in Vietnam from the start of from to the end of to. A wrong one is said
// by its field.
func auditDays(from, to string) (start, end *timestamppb.Timestamp, bad map[string]string) {
	bad = map[string]string{}
	if from != "" {
		if t, _, err := daySpan(from); err != nil {
			bad["from"] = err.Error()
		} else {
			start = timestamppb.New(t)
		}
	}
	if to != "" {
		if _, t, err := daySpan(to); err != nil {
			bad["to"] = err.Error()
		} else {
			end = timestamppb.New(t)
		}
	}
	if start != nil && end != nil && !start.AsTime().Before(end.AsTime()) {
		bad["to"] = "Đến ngày phải là Từ ngày hoặc sau đó."
	}
	return start, end, bad
}

// daySpan is the time in Vietnam that a date as typed names: a day, a
// month or a year, from its first instant to the next one's.
func daySpan(s string) (time.Time, time.Time, error) {
	d, err := parseDate(s)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	notReal := fmt.Errorf("%q không phải là một ngày có thật", s)
	switch {
	case d.Year < 1900 || d.Year > 9999:
		return time.Time{}, time.Time{}, notReal
	case d.Month == 0:
		from := time.Date(int(d.Year), 1, 1, 0, 0, 0, 0, store.Vietnam)
		return from, from.AddDate(1, 0, 0), nil
	case d.Month > 12:
		return time.Time{}, time.Time{}, notReal
	case d.Day == 0:
		from := time.Date(int(d.Year), time.Month(d.Month), 1, 0, 0, 0, 0, store.Vietnam)
		return from, from.AddDate(0, 1, 0), nil
	}
	from := time.Date(int(d.Year), time.Month(d.Month), int(d.Day), 0, 0, 0, 0, store.Vietnam)
	if from.Day() != int(d.Day) || from.Month() != time.Month(d.Month) {
		return time.Time{}, time.Time{}, notReal
	}
	return from, from.AddDate(0, 0, 1), nil
}
