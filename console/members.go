package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ConsentText is what a person agrees to when registered through the
// console; its version is recorded with the consent, so a new wording takes
// a new version (console-2025-01 cited Decree 13/2023, repealed on
// 1 January 2026 by Law 91/2025/QH15 and Decree 356/2025/NĐ-CP).
const (
	ConsentVersion = "console-2026-02"
	ConsentText    = "Tôi đồng ý để Hội lưu giữ hồ sơ của tôi trong cơ sở dữ liệu đội ngũ trí thức của tỉnh và sử dụng để quản lý hội viên, theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định 356/2025/NĐ-CP. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
	// ContactConsentText is the CONTACT purpose, agreed to apart
	// (console-2026-02 added it): without it the email and phone typed
	// on the form are withheld from the registrars who typed them.
	ContactConsentText = "Tôi đồng ý để Hội dùng email, số điện thoại và địa chỉ của tôi để liên hệ với tôi."
)

// msgContactNeedsConsent refuses an email or phone given without the
// CONTACT consent, which would keep them from everyone but admins.
const msgContactNeedsConsent = "Đã ghi email hoặc điện thoại nhưng người đăng ký chưa đồng ý cho dùng thông tin liên hệ: hãy đánh dấu ô này, hoặc xoá email và điện thoại (không có sự đồng ý này, cán bộ của hội không xem được chúng)."

func (h *Handler) associations(q *request) {
	if q.notForUnits(h, "Duyệt hội viên") {
		return
	}
	resp, err := h.members.ListAssociations(q.ctx(), &pb.ListAssociationsRequest{PageSize: 1000, OrderBy: "display_name"})
	if err != nil {
		q.fail(h, err)
		return
	}
	list := inScope(resp.GetAssociations(), q.sess.Account.Association)
	byName(list, (*pb.Association).GetDisplayName)
	q.show(h, "associations", "members", "Duyệt hội viên", &page{Data: list})
}

// inScope are the associations whose desks an account limited to scope
// may open: scope and those under it. Every role reads every association,
// but a desk of another refuses the account, so listing it leads nowhere.
func inScope(all []*pb.Association, scope string) []*pb.Association {
	if scope == "" {
		return all
	}
	parent := map[string]string{}
	for _, a := range all {
		parent[a.GetName()] = a.GetParent()
	}
	var out []*pb.Association
	for _, a := range all {
		// The depth bound stops at a cycle of parents, which the store
		// should not hold anyway.
		for n, depth := a.GetName(), 0; n != "" && depth <= len(all); n, depth = parent[n], depth+1 {
			if n == scope {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// ownsDesk refuses an account limited to an association the desk of an
// association outside its scope (that association and those under it),
// following a's parents.
func (h *Handler) ownsDesk(q *request, a *pb.Association) error {
	scope := q.sess.Account.Association
	for depth := 0; scope != "" && a.GetName() != scope; depth++ {
		if a.GetParent() == "" || depth > 64 {
			return status.Errorf(codes.PermissionDenied, "this account is limited to %s: %s is outside it", scope, a.GetName())
		}
		var err error
		if a, err = h.members.GetAssociation(q.ctx(), &pb.GetAssociationRequest{Name: a.GetParent()}); err != nil {
			return err
		}
	}
	return nil
}

type deskRow struct {
	M      *pb.Membership
	Person *pb.Person
	// Hidden names, in words, a member the account may not see, so
	// that the row's link to the membership has a text.
	Hidden string
}

type deskData struct {
	Association *pb.Association
	// CanRegister shows the link to register a member (canWritePeople).
	CanRegister bool
	State       string
	States      []option
	Rows        []deskRow
	// Total counts the memberships in the state; NextURL, when set, is
	// the next page of them.
	Total   int32
	NextURL string
	// ExportURLs download the registrations in the state with the
	// members' names, by format (ExportPeople's memberships sheet; the
	// workbook holds their profiles too).
	ExportURLs map[string]string
	// ExportCount is how many registrations the CSV export holds, when
	// counted (ExportCounted); ExportDiffers says it is not the desk's
	// count, and Limited that the account is limited to an association.
	ExportCount                           int32
	ExportCounted, ExportDiffers, Limited bool
	// Empty says the state has no registrations: the desk offers no
	// export, whose file would hold none, and says so.
	Empty bool
}

// deskPageSize is how many memberships a page of the desk shows.
const deskPageSize = 200

// desk is an association's membership desk: its memberships in one state,
// the PENDING queue first.
func (h *Handler) desk(q *request) {
	if q.notForUnits(h, "Duyệt hội viên") {
		return
	}
	ctx := q.ctx()
	parent := "associations/" + q.r.PathValue("assoc")
	a, err := h.members.GetAssociation(ctx, &pb.GetAssociationRequest{Name: parent})
	if err != nil {
		q.fail(h, err)
		return
	}
	state := q.r.URL.Query().Get("state")
	if pb.Membership_State_value[state] == 0 {
		state = "PENDING"
	}
	v := q.r.URL.Query()
	resp, err := h.members.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: parent, Filter: "state = " + state,
		PageSize: deskPageSize, PageToken: v.Get("page")})
	if err != nil {
		q.fail(h, err)
		return
	}
	d := &deskData{Association: a, State: state, CanRegister: canWritePeople(q.sess.Account), Total: resp.GetTotalSize(),
		States: opts(state, "PENDING", "Chờ duyệt", "ACTIVE", "Đang sinh hoạt", "SUSPENDED", "Tạm đình chỉ", "WITHDRAWN", "Đã rút", "REJECTED", "Bị từ chối")}
	// An association has thousands of members: the desk shows them a page
	// at a time, never the first page alone.
	if t := resp.GetNextPageToken(); t != "" {
		nv := cloneValues(v)
		nv.Set("state", state)
		nv.Set("page", t)
		d.NextURL = "/members/" + q.r.PathValue("assoc") + "?" + nv.Encode()
	}
	d.Empty = d.Total == 0 && len(resp.GetMemberships()) == 0
	d.ExportURLs = map[string]string{}
	export := url.Values{"member_of": {q.r.PathValue("assoc")}, "member_state": {state}}
	for _, f := range []string{"csv", "xlsx"} {
		nv := cloneValues(export)
		nv.Set("format", f)
		nv.Set("list", "members")
		d.ExportURLs[f] = "/export?" + nv.Encode()
	}
	for _, m := range resp.GetMemberships() {
		row := deskRow{M: m}
		if m.GetPerson() == "" {
			row.Hidden = hiddenRow(m)
		} else if p, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: m.GetPerson(), View: pb.PersonView_PERSON_VIEW_BASIC}); err == nil {
			row.Person = p
		} else if status.Code(err) == codes.PermissionDenied {
			row.Hidden = hiddenRow(m)
		}
		d.Rows = append(d.Rows, row)
	}
	if !d.Empty {
		h.countExport(q, d, parent)
	}
	q.show(h, "desk", "members", "Duyệt hội viên: "+a.GetDisplayName(), &page{Data: d})
}

// countExport says how many registrations the desk's CSV export holds:
// the memberships sheet of those in the state shown whose person the
// account may read, one row each, as the desk lists them. The desk counts
// them all; an account limited to the association exports only the people
// in its scope (not someone whose link it has not had confirmed, nor
// those withdrawn or rejected), and no one but an admin those whose
// profiles are restricted. The count is the memberships' listing, with
// person:* choosing the people the account reads (ListMemberships leaves
// the others unnamed); a registry too large to count leaves it out.
func (h *Handler) countExport(q *request, d *deskData, parent string) {
	d.Limited = q.sess.Account.Association != ""
	resp, err := h.members.ListMemberships(q.ctx(), &pb.ListMembershipsRequest{Parent: parent, Filter: "state = " + d.State + " AND person:*", PageSize: 1})
	if err != nil || resp.GetTotalSize() == 0 && resp.GetNextPageToken() != "" {
		return
	}
	desk := d.Total
	if desk == 0 {
		desk = int32(len(d.Rows))
	}
	d.ExportCount, d.ExportCounted, d.ExportDiffers = resp.GetTotalSize(), true, resp.GetTotalSize() != desk
}

type membershipData struct {
	Association *pb.Association
	M           *pb.Membership
	// Desk is the link back to the association's desk: the page of it,
	// with its filter, that the membership was opened from (deskBack).
	Desk string
	// Back is the request's back parameter, which the page's forms carry
	// on so that Desk survives them.
	Back string
	// CanAct shows the actions on the membership (canWritePeople).
	CanAct bool
	// NoApproval, when set, says why the account cannot approve the
	// membership, in place of the button that would be refused.
	NoApproval string
	Person     card
	Duplicates []duplicate
	// Action and Reason are a refused action's form as sent, so that its
	// reason is not lost and its box is marked.
	Action, Reason string
}

type duplicate struct {
	Person  card
	Reasons []string
}

// card is a person as the membership page shows them, with the names of
// the codes it shows.
type card struct {
	*pb.Person
	Names refNames
	// Here is the membership page's address, which the link to the
	// profile carries as its way back (withBack); "" after a form.
	Here string
}

// membership shows one membership: the registered person, and beside them
// each possible duplicate, with the actions its state allows.
func (h *Handler) membership(q *request) { h.showMembership(q, "", nil) }

// showMembership shows a membership's page; failure and fields are a
// refused action's message and its boxes' messages, by "ACTION-reason"
// and "withdraw-confirm".
func (h *Handler) showMembership(q *request, failure string, fields map[string]string) {
	if q.notForUnits(h, "Duyệt hội viên") {
		return
	}
	ctx := q.ctx()
	parent := "associations/" + q.r.PathValue("assoc")
	m, err := h.members.GetMembership(ctx, &pb.GetMembershipRequest{Name: parent + "/memberships/" + q.r.PathValue("m")})
	if err != nil {
		q.fail(h, err)
		return
	}
	a, err := h.members.GetAssociation(ctx, &pb.GetAssociationRequest{Name: parent})
	if err != nil {
		q.fail(h, err)
		return
	}
	names, here := refNames{}, ""
	if q.r.Method == http.MethodGet {
		here = pageBack(q)
	}
	d := &membershipData{Association: a, M: m, Person: card{Names: names, Here: here}, CanAct: canWritePeople(q.sess.Account),
		Desk: deskBack(q, q.r.PathValue("assoc")), Back: q.backOf()}
	// A registration linked by national ID to someone outside an
	// account's scope does not bring them into it (DESIGN.md §10): the
	// membership is the account's, the profile (and its name) is not.
	if m.GetPerson() == "" {
		d.Person.Person = &pb.Person{DisplayName: hiddenMember(m)}
	} else if d.Person.Person, err = h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: m.GetPerson(), View: pb.PersonView_PERSON_VIEW_FULL}); status.Code(err) == codes.PermissionDenied {
		say := sayDenied(status.Convert(err).Message())
		if say == msgOutOfScope {
			say = hiddenMember(m)
		} else {
			say = "(không xem được: " + say + ")"
		}
		d.Person.Person = &pb.Person{Name: m.GetPerson(), DisplayName: say}
	} else if err != nil {
		q.fail(h, err)
		return
	}
	var levels []string
	level := func(p *pb.Person) {
		if l := p.GetHighestQualificationLevel(); l != "" {
			levels = append(levels, refLevels+l)
		}
	}
	level(d.Person.Person)
	// An account limited to an association approves neither a link to
	// someone outside its scope nor past look-alikes it may not see
	// (store's approve): the Union's registrars do.
	if q.sess.Account.Association != "" && m.GetState() == pb.Membership_PENDING {
		outside := false
		for _, dup := range m.GetPossibleDuplicates() {
			outside = outside || dup.GetPerson() == "" && !m.GetDuplicatesResolved()
		}
		switch {
		case m.GetPerson() == "":
			d.NoApproval = msgLinkedOutside
		case outside:
			d.NoApproval = msgDuplicateOutside
		}
	}
	for _, dup := range m.GetPossibleDuplicates() {
		x := duplicate{Person: card{Names: names, Here: here}}
		for _, r := range dup.GetReasons() {
			x.Reasons = append(x.Reasons, labels.Of(r))
		}
		// A look-alike outside a limited account's scope comes without
		// its name (DESIGN.md §10): there is nothing to read.
		if dup.GetPerson() == "" {
			x.Person.Person = &pb.Person{DisplayName: cardOutside}
		} else if p, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: dup.GetPerson(), View: pb.PersonView_PERSON_VIEW_FULL}); err == nil {
			x.Person.Person = p
			level(p)
		} else {
			msg, _, _ := explain(err)
			x.Person.Person = &pb.Person{Name: dup.GetPerson(), DisplayName: "(không xem được: " + msg + ")"}
		}
		d.Duplicates = append(d.Duplicates, x)
	}
	h.lookup(ctx, names, levels)
	if q.r.Method == http.MethodPost {
		d.Action, d.Reason = q.r.PathValue("action"), strings.TrimSpace(q.r.PostFormValue("reason"))
	}
	q.show(h, "membership", "members", "Hội viên: "+d.Person.GetDisplayName(), &page{Data: d, Error: failure, Fields: fields})
}

// msgWithdrawUnconfirmed answers a withdrawal sent without its box ticked.
const msgWithdrawUnconfirmed = "Chưa rút khỏi hội: hãy đánh dấu ô “Tôi xác nhận rút khỏi hội” rồi bấm lại (việc rút không hoàn tác được)."

// hiddenMember is what stands for the name of a member the account may
// not see: one whose link awaits an approval by the Union, or one whose
// membership has ended.
func hiddenMember(m *pb.Membership) string {
	if m.GetState() == pb.Membership_PENDING {
		return cardLinkedOutside
	}
	return cardEnded
}

// hiddenRow is hiddenMember in a few words, for a row of the desk.
func hiddenRow(m *pb.Membership) string {
	if m.GetState() == pb.Membership_PENDING {
		return deskLinkedOutside
	}
	return deskEnded
}

// membershipAction approves, rejects, suspends, reinstates or withdraws a
// membership.
func (h *Handler) membershipAction(q *request) {
	if q.notForUnits(h, "Duyệt hội viên") || !q.mayWrite(h, "Duyệt hội viên") {
		return
	}
	ctx := q.ctx()
	assoc, id := q.r.PathValue("assoc"), q.r.PathValue("m")
	name := "associations/" + assoc + "/memberships/" + id
	etag, reason := q.r.PostFormValue("etag"), strings.TrimSpace(q.r.PostFormValue("reason"))
	var err error
	var done string
	switch q.r.PathValue("action") {
	case "approve":
		_, err = h.members.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: name, Etag: etag, ConfirmDistinctPerson: q.r.PostFormValue("distinct") != ""})
		done = "approved"
	case "reject":
		_, err = h.members.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: name, Etag: etag, Reason: reason})
		done = "rejected"
	case "suspend":
		_, err = h.members.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: name, Etag: etag, Reason: reason})
		done = "suspended"
	case "reinstate":
		_, err = h.members.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: name, Etag: etag, Reason: reason})
		done = "reinstated"
	case "withdraw":
		// It cannot be undone: the form's box says so, and a form sent
		// without it ticked withdraws nobody.
		if q.r.PostFormValue("confirm") == "" {
			h.showMembership(q, msgWithdrawUnconfirmed, map[string]string{"withdraw-confirm": "Hãy đánh dấu ô này: việc rút không hoàn tác được."})
			return
		}
		_, err = h.members.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: name, Etag: etag, Reason: reason})
		done = "withdrawn"
	default:
		q.fail(h, status.Error(codes.NotFound, "no such action"))
		return
	}
	if err != nil {
		msg, bad, _ := explain(err)
		// The page has a reason box per action: the message goes by
		// the one sent.
		fields := map[string]string{}
		if m, ok := bad["reason"]; ok {
			fields[q.r.PathValue("action")+"-reason"] = m
		}
		h.showMembership(q, msg, fields)
		return
	}
	q.redirect(withBack(q.backOf(), "/members/", assoc, "/", id), done)
}

// deskBack is the address of assoc's desk the request came from (its back
// parameter, listBack), with the state and page the desk showed, or the
// desk's first page when back is another page.
func deskBack(q *request, assoc string) string {
	desk := "/members/" + assoc
	back := q.backOf()
	if u, err := url.Parse(back); back != "" && err == nil && u.Path == desk {
		return back
	}
	return desk
}

var registerForm = []formField{
	{"family_name", "Họ", ""},
	{"middle_name", "Tên đệm", ""},
	{"given_name", "Tên", ""},
	{"gender", "Giới tính", ""},
	{"birth_date", "Ngày sinh", "ngày/tháng/năm"},
	// A registered person's national ID links the registration to them
	// (RegisterMember), rather than creating a second profile.
	{"national_id", "Số định danh cá nhân", "12 chữ số; nếu người này đã có hồ sơ, đơn sẽ gắn với hồ sơ đó"},
	{"email", "Email", ""},
	{"phone", "Điện thoại", ""},
}

type registerData struct {
	Association *pb.Association
	Fields      []fieldView
	ConsentText string
	Consented   bool
	// ContactText is ContactConsentText; Contact says it was agreed to.
	ContactText string
	Contact     bool
	Notes       string
	// RequestID is the form's request id (formRequestID).
	RequestID string
	// Existing is the page of the membership a refused registration
	// names: the person is a member already.
	Existing string
}

// existingMembershipRE finds the membership RegisterMember's refusal of
// someone already a member names (store's register), when it names it.
var existingMembershipRE = regexp.MustCompile(`already has a membership of .* (associations/[a-z0-9-]+)/memberships/([a-z0-9-]+)$`)

// existingMembership is the console's page of the membership that err
// says the person holds in parent, or "".
func existingMembership(err error, parent string) string {
	st, _ := status.FromError(err)
	m := existingMembershipRE.FindStringSubmatch(st.Message())
	if st.Code() != codes.AlreadyExists || m == nil || m[1] != parent {
		return ""
	}
	return "/members/" + idOf(m[1]) + "/" + m[2]
}

// register registers a new member: the person, and their consent to the
// text shown.
func (h *Handler) register(q *request) {
	if q.notForUnits(h, "Duyệt hội viên") || !q.mayWrite(h, "Đăng ký hội viên") {
		return
	}
	ctx := q.ctx()
	parent := "associations/" + q.r.PathValue("assoc")
	a, err := h.members.GetAssociation(ctx, &pb.GetAssociationRequest{Name: parent})
	if err != nil {
		q.fail(h, err)
		return
	}
	// Every association is read by every account; its registrations
	// are the accounts' of it and those above it: refused before the form
	// is filled in, as RegisterMember would refuse it after.
	if err := h.ownsDesk(q, a); err != nil {
		q.fail(h, err)
		return
	}
	d := &registerData{Association: a, ConsentText: ConsentText, ContactText: ContactConsentText, RequestID: q.formRequestID()}
	p := &page{Data: d}
	in := &pb.Person{}
	ch := h.loadChoices(ctx, in, registerForm)
	if q.r.Method == "POST" {
		bad := readForm(q.r, in, registerForm, ch)
		d.Consented, d.Notes = q.r.PostFormValue("consent") != "", q.r.PostFormValue("notes")
		if !d.Consented {
			bad["consent"] = "Cần có sự đồng ý của người đăng ký."
		}
		d.Contact = q.r.PostFormValue("contact") != ""
		if !d.Contact && (in.GetEmail() != "" || in.GetPhone() != "") {
			bad["contact"] = msgContactNeedsConsent
		}
		purposes := []pb.Consent_Purpose{pb.Consent_REGISTRY}
		if d.Contact {
			purposes = append(purposes, pb.Consent_CONTACT)
		}
		if len(bad) == 0 {
			var resp *pb.RegisterMemberResponse
			resp, err = h.members.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: parent,
				Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: in}, Notes: d.Notes, RequestId: d.RequestID,
				Consent: &pb.Consent{Purposes: purposes, TextVersion: ConsentVersion}})
			if err == nil {
				done := "registered"
				if resp.GetLinkedExistingPerson() {
					done = "registered-linked"
				}
				q.redirect("/members/"+q.r.PathValue("assoc")+"/"+idOf(resp.GetMembership().GetName()), done)
				return
			}
			p.Error, bad, _ = explain(err)
			d.Existing = existingMembership(err, parent)
			if requestIDReused(err) {
				d.RequestID = newFormToken()
			}
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
		if len(bad) > 0 {
			h.registerMistakes(ctx, parent, in, bad)
		}
		p.Fields = bad
		d.Fields = viewPosted(q.r, in, registerForm, bad, ch)
		q.show(h, "register", "members", "Đăng ký hội viên", p)
		return
	}
	d.Fields = viewFields(in, registerForm, nil, ch)
	q.show(h, "register", "members", "Đăng ký hội viên", p)
}

// registerMistakes marks the mistakes of a refused registration form that
// bad does not hold yet: the server answers only the first stage of its
// checks that finds any, and is not asked at all when the consent is
// missing, so the desk would send the form again and again to see them.
// A new person's every field counts, typed or left empty.
func (h *Handler) registerMistakes(ctx context.Context, parent string, in *pb.Person, bad map[string]string) {
	var mask []string
	for _, f := range registerForm {
		mask = append(mask, f.Name)
	}
	moreMistakes(mask, bad, func(rest []string) error {
		m := changes(in, rest).(*pb.Person)
		if !slices.Contains(rest, "given_name") {
			// A stand-in for the name, marked already, so that the
			// server checks the other fields past it.
			m.GivenName = "A"
		}
		_, err := h.members.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: parent,
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: m}, ValidateOnly: true,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: ConsentVersion}})
		return err
	})
}
