package console

import (
	"net/http"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The associations' expert pools (Decision 14/2014/QĐ-TTg): the Union's
// staff list the pools, add experts to one, record the engagements they
// are called to and later their outcome and rating, search a pool for
// the experts who fit, and count the engagements by year. The server
// decides what each account sees: one limited to an association gets the
// pools of its scope only, and its people by name only.

// mayUseExperts reports whether the account's role reads expert pools
// (the server's table: registrars, home_affairs and admins, none limited
// to a unit).
func mayUseExperts(a *store.Account) bool {
	return a.Organization == "" && (a.Role == "admin" || a.Role == "registrar" || a.Role == "home_affairs")
}

// notForExperts refuses the pages of expert pools to a role that may not
// read them, saying why; it reports whether it did.
func (q *request) notForExperts(h *Handler) bool {
	if q.notForUnits(h, titleExperts) {
		return true
	}
	if !mayUseExperts(q.sess.Account) {
		q.refuse(h, titleExperts, msgNotYourRole)
		return true
	}
	return false
}

const titleExperts = "Chuyên gia"

func (h *Handler) expertRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /experts", h.signedIn(h.expertPools))
	m.HandleFunc("GET /experts/{assoc}", h.signedIn(h.associationExperts))
	m.HandleFunc("POST /experts/{assoc}", h.signedIn(h.createPool))
	m.HandleFunc("GET /experts/{assoc}/{pool}", h.signedIn(h.expertPool))
	m.HandleFunc("GET /experts/{assoc}/{pool}/edit", h.signedIn(h.editPool))
	m.HandleFunc("POST /experts/{assoc}/{pool}/edit", h.signedIn(h.editPool))
	m.HandleFunc("GET /experts/{assoc}/{pool}/delete", h.signedIn(h.deletePool))
	m.HandleFunc("POST /experts/{assoc}/{pool}/delete", h.signedIn(h.deletePool))
	m.HandleFunc("POST /experts/{assoc}/{pool}/members", h.signedIn(h.addPoolMember))
	m.HandleFunc("POST /experts/{assoc}/{pool}/members/{m}/status", h.signedIn(h.setMemberStatus))
	m.HandleFunc("POST /experts/{assoc}/{pool}/engagements", h.signedIn(h.recordEngagement))
	m.HandleFunc("GET /experts/{assoc}/{pool}/engagements/{e}", h.signedIn(h.engagement))
	m.HandleFunc("POST /experts/{assoc}/{pool}/engagements/{e}", h.signedIn(h.engagement))
}

type poolsData struct {
	// Groups are the pools by association, in the order of the
	// associations' names.
	Groups []poolGroup
	Fields map[string]string
}

type poolGroup struct {
	Association *pb.Association
	Pools       []*pb.ExpertPool
}

// expertPools lists the pools of every association the account may see
// (associations/-: the server narrows it to a limited account's scope).
func (h *Handler) expertPools(q *request) {
	if q.notForExperts(h) {
		return
	}
	ctx := q.ctx()
	resp, err := h.experts.ListExpertPools(ctx, &pb.ListExpertPoolsRequest{Parent: "associations/-", PageSize: 1000})
	if err != nil {
		q.fail(h, err)
		return
	}
	assocs, err := h.members.ListAssociations(ctx, &pb.ListAssociationsRequest{PageSize: 1000})
	if err != nil {
		q.fail(h, err)
		return
	}
	list := inScope(assocs.GetAssociations(), q.sess.Account.Association)
	byName(list, (*pb.Association).GetDisplayName)
	byAssoc := map[string][]*pb.ExpertPool{}
	for _, p := range resp.GetExpertPools() {
		a, _, _ := strings.Cut(p.GetName(), "/expertPools/")
		byAssoc[a] = append(byAssoc[a], p)
	}
	fields, _ := h.readList(ctx, "fields")
	d := &poolsData{Fields: fieldNames(fields)}
	for _, a := range list {
		if pools := byAssoc[a.GetName()]; len(pools) > 0 {
			byName(pools, (*pb.ExpertPool).GetDisplayName)
			d.Groups = append(d.Groups, poolGroup{Association: a, Pools: pools})
		}
	}
	q.show(h, "experts", "experts", "Nhóm chuyên gia", &page{Data: d})
}

// fieldNames are the fields' entries ("401 Trồng trọt") by name, for
// showing a pool's fields and a count's; empty when the list could not be
// read (the names are shown then).
func fieldNames(fields []option) map[string]string {
	out := map[string]string{}
	for _, o := range fields {
		out[o.Value] = o.Label
	}
	return out
}

// poolData is what the pool's page shows: the pool, its members and
// engagements, the forms that add to them (for the roles that may), and
// the experts a search found.
type poolData struct {
	Pool        *pb.ExpertPool
	Association *pb.Association
	Fields      map[string]string
	CanWrite    bool
	Members     []*pb.ExpertPoolMember
	// MemberTotal counts the members when they are more than shown.
	MemberTotal int32
	Engagements []engagementRow
	EngTotal    int32
	NextURL     string

	// The forms: the member's person as typed and their role; the
	// engagement's values as typed; the members an engagement may name.
	MemberPerson, MemberRole string
	MemberRequestID          string
	Eng                      engagementForm
	Roles                    []option
	Orgs                     []option
	Active                   []option

	// Pick finds the expert to add by name.
	Pick personPick

	// The search: a field as typed and a role, and what it found.
	SearchField, SearchRole string
	FieldList               []option
	Searched                bool
	Found                   []*pb.ExpertCandidate

	// People are the members' and the found experts' profiles, as the
	// account reads them, by name: their links say who is who (namesake).
	People map[string]*pb.Person
}

type engagementRow struct {
	E *pb.Engagement
	// Expert is the expert's name, or why it is not shown.
	Expert string
}

// engagementForm is an engagement's form as typed.
type engagementForm struct {
	Person, MatterTitle, Agency, Org, Decision, Role string
	Start, End, Conflict, Override, RequestID        string
}

// Form keys of the pool page's forms, apart, since each has a person and
// a role: the member's are m_, the search's s_.
const (
	memberKey = "m_"
	searchKey = "s_"
)

func (h *Handler) expertPool(q *request) { h.showPool(q, nil, nil) }

// showPool shows the pool's page; d, when set, holds a form as posted,
// and p its refusal.
func (h *Handler) showPool(q *request, d *poolData, p *page) {
	if q.notForExperts(h) {
		return
	}
	ctx := q.ctx()
	name := poolName(q)
	pool, err := h.experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	a, ok := h.pathAssociation(q)
	if !ok {
		return
	}
	if d == nil {
		d = &poolData{MemberRequestID: newFormToken(), Eng: engagementForm{RequestID: newFormToken()}}
	}
	if p == nil {
		p = &page{Fields: map[string]string{}}
	}
	p.Data = d
	d.Pool, d.Association, d.CanWrite = pool, a, canWritePeople(q.sess.Account)
	// The fields' list names the pool's fields and offers the search's.
	fields, _ := h.readList(ctx, "fields")
	d.Fields = fieldNames(fields)
	for _, o := range fields {
		d.FieldList = append(d.FieldList, option{Value: entry("fields", o)})
	}
	members, err := h.experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: name, PageSize: 1000})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Members = members.GetExpertPoolMembers()
	if t := members.GetTotalSize(); int(t) > len(d.Members) {
		d.MemberTotal = t
	}
	names := map[string]string{}
	for _, m := range d.Members {
		if m.GetPerson() == "" {
			continue
		}
		names[m.GetPerson()] = m.GetDisplayName()
		if m.GetStatus() != pb.ExpertPoolMember_INACTIVE {
			d.Active = append(d.Active, option{Value: m.GetPerson(), Label: m.GetDisplayName(), Selected: m.GetPerson() == d.Eng.Person})
		}
	}
	byName(d.Active, option.label)
	v := q.r.URL.Query()
	engs, err := h.experts.ListEngagements(ctx, &pb.ListEngagementsRequest{Parent: name, PageSize: 200, PageToken: v.Get("page"), OrderBy: "create_time desc"})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.EngTotal = engs.GetTotalSize()
	d.NextURL = nextPage(poolPath(q), v, engs.GetNextPageToken())
	for _, e := range engs.GetEngagements() {
		d.Engagements = append(d.Engagements, engagementRow{E: e, Expert: expertName(e.GetPerson(), names)})
	}
	d.Roles = expertRoleOptions()
	if d.CanWrite {
		d.Pick = h.pickPerson(q, poolPath(q), "add-member")
		if d.MemberPerson == "" {
			d.MemberPerson = d.Pick.Chosen
		}
		if orgs, err := h.readList(ctx, "organizations"); err == nil {
			for _, o := range orgs {
				o.Selected = o.Value == d.Eng.Org
				d.Orgs = append(d.Orgs, o)
			}
		}
	}
	h.searchPool(q, d, p, name, fields)
	var people []string
	for _, m := range d.Members {
		people = append(people, m.GetPerson())
	}
	for _, c := range d.Found {
		people = append(people, c.GetPerson())
	}
	d.People = h.peopleByName(ctx, slices.DeleteFunc(people, func(s string) bool { return s == "" }))
	q.show(h, "pool", "experts", pool.GetDisplayName(), p)
}

// searchPool runs the pool's search when its form was sent (?search=),
// reading the field chosen by its entry in fields.
func (h *Handler) searchPool(q *request, d *poolData, p *page, name string, fields []option) {
	v := q.r.URL.Query()
	if q.r.Method != http.MethodGet || !v.Has("search") {
		return
	}
	d.SearchField, d.SearchRole = strings.TrimSpace(v.Get("field")), v.Get("role")
	req := &pb.SearchExpertsRequest{Name: name, Field: readChoice(d.SearchField, fields), MaxResults: 50,
		Role: pb.Person_ExpertRole(pb.Person_ExpertRole_value[d.SearchRole])}
	resp, err := h.experts.SearchExperts(q.ctx(), req)
	if err != nil {
		msg, fields, _ := explain(err)
		p.Error = msg
		for f, m := range fields {
			p.Fields[searchKey+f] = m
		}
		p.Status = http.StatusUnprocessableEntity
		return
	}
	d.Searched, d.Found = true, resp.GetExperts()
}

// expertName is how a row names an expert: by the name their pool
// membership gives, or saying why it cannot (the server leaves out the
// people outside a limited account's scope).
func expertName(person string, names map[string]string) string {
	switch {
	case person == "":
		return expertOutside
	case names[person] != "":
		return names[person]
	}
	return idOf(person)
}

// expertOutside stands for an expert a limited account may not see: one
// who left its associations, or was put in the pool by the Union.
const expertOutside = "(người ngoài phạm vi của tài khoản: không xem được)"

func expertRoleOptions() []option {
	return opts("", "CONSULTING", "Tư vấn", "CRITIQUE", "Phản biện", "SOCIAL_ASSESSMENT", "Giám định xã hội")
}

func poolName(q *request) string {
	return "associations/" + q.r.PathValue("assoc") + "/expertPools/" + q.r.PathValue("pool")
}

// pathAssociation is the association the page's path names; false when
// the page has said why it cannot be read.
func (h *Handler) pathAssociation(q *request) (*pb.Association, bool) {
	a, err := h.members.GetAssociation(q.ctx(), &pb.GetAssociationRequest{Name: "associations/" + q.r.PathValue("assoc")})
	if err != nil {
		q.fail(h, err)
		return nil, false
	}
	return a, true
}

func poolPath(q *request) string {
	return "/experts/" + q.r.PathValue("assoc") + "/" + q.r.PathValue("pool")
}

// typedPerson reads the person a clerk typed: the profile's id, its
// resource name, or the address of its page.
func typedPerson(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "people/"); i >= 0 {
		s = s[i+len("people/"):]
	}
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	s = strings.Trim(s, "/")
	if s == "" {
		return ""
	}
	return "people/" + s
}

// addPoolMember adds an expert to the pool; a refusal (not available, no
// consent to publication, a member already, outside the account's scope)
// stands next to the person's box.
func (h *Handler) addPoolMember(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Thêm chuyên gia vào nhóm") {
		return
	}
	d := &poolData{MemberPerson: strings.TrimSpace(q.r.PostFormValue("person")), MemberRole: q.r.PostFormValue("role"),
		MemberRequestID: q.formRequestID(), Eng: engagementForm{RequestID: newFormToken()}}
	p := &page{Fields: map[string]string{}}
	person := typedPerson(d.MemberPerson)
	if person == "" {
		p.Fields[memberKey+"person"] = "Cần điền mã hồ sơ của chuyên gia."
		p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		h.showPool(q, d, p)
		return
	}
	_, err := h.experts.CreateExpertPoolMember(q.ctx(), &pb.CreateExpertPoolMemberRequest{Parent: poolName(q), RequestId: d.MemberRequestID,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: person, Role: pb.Person_ExpertRole(pb.Person_ExpertRole_value[d.MemberRole])}})
	if err == nil {
		q.redirect(poolPath(q), "expert-added")
		return
	}
	h.refusal(q, p, err, memberKey, nil)
	if requestIDReused(err) {
		d.MemberRequestID = newFormToken()
	}
	h.showPool(q, d, p)
}

// refusal puts a refused form's messages on p: about its fields, under
// key's prefix, and the whole, in Vietnamese.
func (h *Handler) refusal(q *request, p *page, err error, key string, orgs map[string]string) {
	msg, fields, code := explain(err)
	p.Error, p.Status = msg, code
	if field, msg, ok := sayExpertRefusal(err, orgs); ok {
		p.Fields[key+field] = msg
		p.Error = "Chưa lưu được; xem ô được đánh dấu."
		return
	}
	for f, m := range fields {
		p.Fields[key+f] = m
	}
}

// setMemberStatus calls a member on again or stops calling them on.
func (h *Handler) setMemberStatus(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Nhóm chuyên gia") {
		return
	}
	st := pb.ExpertPoolMember_Status(pb.ExpertPoolMember_Status_value[q.r.PostFormValue("status")])
	if st == pb.ExpertPoolMember_STATUS_UNSPECIFIED {
		q.fail(h, status.Error(codes.InvalidArgument, "status"))
		return
	}
	_, err := h.experts.UpdateExpertPoolMember(q.ctx(), &pb.UpdateExpertPoolMemberRequest{
		ExpertPoolMember: &pb.ExpertPoolMember{Name: poolName(q) + "/members/" + q.r.PathValue("m"), Status: st, Etag: q.r.PostFormValue("etag")},
		UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"status"}}})
	if err != nil {
		p := &page{Fields: map[string]string{}}
		h.refusal(q, p, err, memberKey, nil)
		if status.Code(err) == codes.Aborted {
			p.Error = msgEngagementChanged
		}
		h.showPool(q, nil, p)
		return
	}
	q.redirect(poolPath(q), "expert-status")
}

// recordEngagement records an engagement of a member of the pool; an
// expert who works at the matter's organization is refused next to its
// box unless the form gives a reason to engage them anyway.
func (h *Handler) recordEngagement(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Ghi nhận việc mời chuyên gia") {
		return
	}
	f := q.r.PostFormValue
	d := &poolData{MemberRequestID: newFormToken(), Eng: engagementForm{Person: f("person"), MatterTitle: strings.TrimSpace(f("matter_title")),
		Agency: strings.TrimSpace(f("requesting_agency")), Org: f("matter_organization"), Decision: strings.TrimSpace(f("decision_number")),
		Role: f("role"), Start: strings.TrimSpace(f("start_date")), End: strings.TrimSpace(f("end_date")),
		Conflict: strings.TrimSpace(f("declared_conflict")), Override: strings.TrimSpace(f("conflict_override_reason")), RequestID: q.formRequestID()}}
	e := &pb.Engagement{Person: d.Eng.Person, MatterTitle: d.Eng.MatterTitle, RequestingAgency: d.Eng.Agency, MatterOrganization: d.Eng.Org,
		DecisionNumber: d.Eng.Decision, Role: pb.Person_ExpertRole(pb.Person_ExpertRole_value[d.Eng.Role]),
		DeclaredConflict: d.Eng.Conflict, ConflictOverrideReason: d.Eng.Override}
	p := &page{Fields: map[string]string{}}
	readDates(p, e, d.Eng.Start, d.Eng.End)
	if len(p.Fields) > 0 {
		p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		h.showPool(q, d, p)
		return
	}
	made, err := h.experts.CreateEngagement(q.ctx(), &pb.CreateEngagementRequest{Parent: poolName(q), Engagement: e, RequestId: d.Eng.RequestID})
	if err == nil {
		q.redirect(poolPath(q)+"/engagements/"+idOf(made.GetName()), "engagement-recorded")
		return
	}
	orgs := map[string]string{}
	if list, err := h.readList(q.ctx(), "organizations"); err == nil {
		for _, o := range list {
			orgs[o.Value] = o.Label
		}
	}
	h.refusal(q, p, err, "", orgs)
	if requestIDReused(err) {
		d.Eng.RequestID = newFormToken()
	}
	h.showPool(q, d, p)
}

// readDates reads an engagement's dates as typed into e, marking on p a
// date it cannot read.
func readDates(p *page, e *pb.Engagement, start, end string) {
	for _, x := range []struct {
		field, text string
		required    bool
	}{{"start_date", start, true}, {"end_date", end, false}} {
		if x.text == "" {
			if x.required {
				p.Fields[x.field] = "Cần điền ngày bắt đầu."
			}
			continue
		}
		dt, err := parseDate(x.text)
		if err != nil || dt.GetDay() == 0 {
			p.Fields[x.field] = "Cần một ngày đầy đủ: ngày/tháng/năm, ví dụ 02/03/2026."
			continue
		}
		if x.field == "start_date" {
			e.StartDate = dt
		} else {
			e.EndDate = dt
		}
	}
}
