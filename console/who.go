package console

import (
	"strings"

	"trithuc.gov.vn/trithuc/names"
)

// The server records who did something by principal: user:EMAIL for an
// account, key:ID for an API key. Pages name people, so an account is
// shown by its name (its email when it has none), one helper for every
// page that shows who decided or verified.

// whoNames are the accounts' names behind principals, by principal, read
// from the accounts the console signs in with; a name that cannot be read
// is left out (the page shows the email).
func (q *request) whoNames(h *Handler, principals []string) map[string]string {
	out := map[string]string{}
	var emails []string
	for _, p := range principals {
		if email, ok := strings.CutPrefix(p, "user:"); ok && email != "" {
			emails = append(emails, email)
		}
	}
	if len(emails) == 0 {
		return out
	}
	names, err := h.db.AccountNames(q.r.Context(), emails)
	if err != nil {
		h.log.WarnContext(q.r.Context(), "console: reading the names of accounts", "err", err)
		return out
	}
	for _, e := range emails {
		if n := names[strings.ToLower(e)]; n != "" {
			out["user:"+e] = n
		}
	}
	return out
}

// otherWho stands for names.OtherPrincipal, the principal the server
// gives an account limited to an association or a unit in place of one
// outside its scope.
const otherWho = "tài khoản của đơn vị khác"

// who names a principal as a person reads it: an account's name, or its
// email without the user: prefix; an API key as "Khoá API ID".
func who(accounts map[string]string, principal string) string {
	if principal == names.OtherPrincipal {
		return otherWho
	}
	if n := accounts[principal]; n != "" {
		return n
	}
	if email, ok := strings.CutPrefix(principal, "user:"); ok {
		return email
	}
	if id, ok := strings.CutPrefix(principal, "key:"); ok {
		return "Khoá API " + id
	}
	return principal
}

func init() { funcs["who"] = who }

// confirmer names who confirmed a profile review: the server gives the
// name of a key or an account, or names.OtherPrincipal.
func confirmer(name string) string {
	if name == names.OtherPrincipal {
		return otherWho
	}
	return name
}

func init() { funcs["confirmer"] = confirmer }
