package console

import (
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An account limited to an organization (a unit) reads and keeps the
// profiles of the people who hold a current position there, or in an
// organization under it; the server enforces it on every call. The console
// says so on every page, so that a count or a figure is not read as the
// province's, and hides or plainly refuses the pages such an account may
// not use (the membership desk, imports, the admin pages).

// unitName is the display name of the account's unit, or "" for an
// account without one.
func (q *request) unitName(h *Handler) string {
	org := q.sess.Account.Organization
	if org == "" {
		return ""
	}
	o, err := h.orgs.GetOrganization(q.ctx(), &pb.GetOrganizationRequest{Name: org})
	if err != nil || o.GetDisplayName() == "" {
		return org
	}
	return o.GetDisplayName()
}

// associationName is the display name of the association the account is
// limited to, or "" for an account without one.
func (q *request) associationName(h *Handler) string {
	a := q.sess.Account.Association
	if a == "" {
		return ""
	}
	r, err := h.members.GetAssociation(q.ctx(), &pb.GetAssociationRequest{Name: a})
	if err != nil || r.GetDisplayName() == "" {
		return a
	}
	return r.GetDisplayName()
}

// notForUnits refuses a page a unit's account may not use, saying why;
// it reports whether it did.
func (q *request) notForUnits(h *Handler, what string) bool {
	if q.sess.Account.Organization == "" {
		return false
	}
	q.refuse(h, what, "tài khoản của bạn chỉ dùng cho những người đang công tác tại "+q.unitName(h)+
		" và các đơn vị trực thuộc, nên không dùng được trang này. Nếu bạn cần việc này, hãy liên hệ quản trị viên.")
	return true
}
