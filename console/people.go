package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// pageSize is how many people a page of results lists.
const pageSize = 25

// ageBands are the age bands of the search filter, by their value: a
// band without a lower bound ("-35") is under its upper one, the others
// hold both bounds. A filter may name the year of birth only (the exact
// date is personal data home affairs does not read), so an age is the
// one reached this year; the labels say so, and which years of birth a
// band holds, since the statistics' AGE_BAND counts ages on the day.
var ageBands = []option{
	{Value: "-35", Label: "Dưới 35"}, {Value: "35-44", Label: "35–44"}, {Value: "45-54", Label: "45–54"},
	{Value: "55-64", Label: "55–64"}, {Value: "65-", Label: "Từ 65"},
}

type searchData struct {
	Query      url.Values
	Q          string
	People     []*pb.Person
	Total      int32
	Next       string
	NextURL    string
	SortURLs   map[string]string
	Sort       string
	Levels     []option
	Titles     []option
	Fields     []option
	Units      []option
	Units2024  []option
	Orgs       []option
	Genders    []option
	AgeBands   []option
	Work       []option
	CanEdit    bool
	FilterText string
	// Deleted lists the deleted people (the tab "Hồ sơ đã xoá", shown when
	// CanSeeDeleted), whom a search by text does not find.
	Deleted, CanSeeDeleted bool
	// CanCreate shows the link to a new person's form.
	CanCreate bool
	// ExportURLs download the filters' people, by format.
	ExportURLs map[string]string
	Names      refNames
	// Association names the association the account is limited to: its
	// lists and counts are of the people in its scope alone.
	Association string
	// Back is this list's own address, which the profiles it links to
	// link back to (listBack).
	Back string
}

func opts(selected string, pairs ...string) []option {
	var out []option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// enumOpts are the choices of enum values, by their labels' words.
func enumOpts(selected string, vals ...protoreflect.Enum) []option {
	var out []option
	for _, e := range vals {
		name := string(e.Descriptor().Values().ByNumber(e.Number()).Name())
		out = append(out, option{Value: name, Label: labels.Of(e), Selected: name == selected})
	}
	return out
}

func quote(s string) string { return strconv.Quote(s) }

// searchFilter is the AIP-160 filter the search form's choices make;
// area is the units the form's 2024 district stands for (districtArea).
func searchFilter(v url.Values, now time.Time, area []string) string {
	var and []string
	if s := v.Get("level"); s != "" {
		and = append(and, "highest_qualification_level = "+quote(s))
	}
	if s := v.Get("title"); s != "" {
		and = append(and, "academic_title.title = "+quote(s))
	}
	if s := v.Get("field"); s != "" {
		// People are coded at sub-fields (202 under 2), and codes nest by
		// prefix: the area's people are those whose codes start with it.
		// The six areas are the same in every scheme, so people coded in
		// vn2025 are found too.
		and = append(and, "fields.code = "+quote(strings.TrimSuffix(s, "*")+"*"))
	}
	if s := v.Get("unit"); s != "" {
		and = append(and, "positions.administrative_unit = "+quote(s))
	}
	if s := v.Get("unit2024"); s != "" {
		var or []string
		for _, u := range append([]string{s}, area...) {
			or = append(or, "positions.administrative_unit = "+quote(u))
		}
		and = append(and, "("+strings.Join(or, " OR ")+")")
	}
	if s := v.Get("org"); s != "" {
		and = append(and, "positions.organization = "+quote(s)+" AND positions.current = true")
	}
	// An association's members in a state: the membership desk's export.
	// ANDed, the two hold for one membership.
	if s := v.Get("member_of"); s != "" {
		and = append(and, "memberships.association = "+quote("associations/"+s))
	}
	if s := v.Get("member_state"); pb.Membership_State_value[s] != 0 {
		and = append(and, "memberships.state = "+s)
	}
	if s := v.Get("gender"); s == "MALE" || s == "FEMALE" {
		and = append(and, "gender = "+s)
	}
	if s := v.Get("work"); s == "IN_PROVINCE" || s == "ELSEWHERE_IN_VIETNAM" || s == "ABROAD" {
		and = append(and, "work_location = "+s)
	}
	if s := v.Get("age"); s != "" {
		if from, to, ok := ageBandYears(s, now.Year()); ok {
			if to > 0 {
				and = append(and, fmt.Sprintf("birth_date.year <= %d", to))
			}
			if from > 0 {
				and = append(and, fmt.Sprintf("birth_date.year >= %d", from))
			}
		}
	}
	return strings.Join(and, " AND ")
}

// districtArea is the 2025 units formed from the form's 2024 district,
// which it stands for: positions are recorded by the units of their day,
// so those held since 2025 name the communes, and by the district alone
// the search found only positions recorded before (9 in Rạch Giá, where
// the statistics by 2024 district count some 100). None when the
// reference data cannot be read: the district is still searched.
func (h *Handler) districtArea(ctx context.Context, v url.Values) []string {
	code := v.Get("unit2024")
	if code == "" {
		return nil
	}
	u, err := h.ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: "administrativeUnits/" + code,
		AsOf: &date.Date{Year: 2025, Month: 6, Day: 30}})
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range u.GetSuccessorCodes() {
		if c != code {
			out = append(out, c)
		}
	}
	return out
}

// ageBandYears are the years of birth of an age band (ageBands) in year,
// 0 for a side without a bound: age a this year is born in year-a.
func ageBandYears(band string, year int) (from, to int, ok bool) {
	lo, hi, _ := strings.Cut(band, "-")
	l, errLo := strconv.Atoi(lo)
	h, errHi := strconv.Atoi(hi)
	switch {
	case errLo != nil && errHi != nil:
		return 0, 0, false
	case errLo != nil:
		return year - h + 1, 0, true // under h: at most h-1 this year
	case errHi != nil:
		return 0, year - l, true
	}
	return year - h, year - l, true
}

func (h *Handler) search(q *request) {
	ctx := q.ctx()
	v := q.r.URL.Query()
	d := &searchData{Query: v, Q: v.Get("q"), Sort: v.Get("sort"), SortURLs: map[string]string{},
		// Imports are not open to a unit's account.
		CanEdit:       canWritePeople(q.sess.Account) && q.sess.Account.Organization == "",
		CanSeeDeleted: canWritePeople(q.sess.Account), CanCreate: canCreatePeople(q.sess.Account)}
	d.Deleted = d.CanSeeDeleted && v.Get("deleted") != ""
	filter := searchFilter(v, time.Now().In(store.Vietnam), h.districtArea(ctx, v))
	d.FilterText = filter
	if d.Deleted {
		d.Q = ""
		// The form's filters are ANDs alone: one more binds to them all.
		if filter != "" {
			filter += " AND "
		}
		filter += "delete_time:*"
	}
	d.ExportURLs = map[string]string{}
	for _, f := range []string{"csv", "xlsx"} {
		nv := cloneValues(v)
		// The export is the list as shown, in its order; the text query is
		// not a filter, so the search page says the export follows the
		// filters only.
		nv.Del("q")
		nv.Del("page")
		nv.Set("format", f)
		d.ExportURLs[f] = "/export?" + nv.Encode()
	}
	var err error
	if strings.TrimSpace(d.Q) != "" {
		var resp *pb.SearchPeopleResponse
		resp, err = h.people.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: d.Q, Filter: filter, PageSize: pageSize,
			PageToken: v.Get("page"), View: pb.PersonView_PERSON_VIEW_BASIC})
		if err == nil {
			d.People, d.Total, d.Next = resp.GetPeople(), resp.GetTotalSize(), resp.GetNextPageToken()
		}
	} else {
		var resp *pb.ListPeopleResponse
		resp, err = h.people.ListPeople(ctx, &pb.ListPeopleRequest{Filter: filter, OrderBy: peopleOrder(d.Sort), PageSize: pageSize,
			PageToken: v.Get("page"), View: pb.PersonView_PERSON_VIEW_BASIC, ShowDeleted: d.Deleted})
		if err == nil {
			d.People, d.Total, d.Next = resp.GetPeople(), resp.GetTotalSize(), resp.GetNextPageToken()
		}
	}
	p := &page{Data: d}
	if err != nil {
		p.Error, _, _ = explain(err)
	}
	d.NextURL = nextPage("/people", v, d.Next)
	d.Back = "/people"
	if len(v) > 0 {
		d.Back += "?" + v.Encode()
	}
	for _, s := range []string{"display_name", "family_name", "highest_qualification_level desc"} {
		nv := cloneValues(v)
		nv.Del("page")
		cur := v.Get("sort")
		if cur == "" {
			cur = "display_name"
		}
		if cur == s && !strings.HasSuffix(s, " desc") {
			nv.Set("sort", s+" desc")
		} else {
			nv.Set("sort", s)
		}
		d.SortURLs[strings.TrimSuffix(s, " desc")] = "/people?" + nv.Encode()
	}
	d.Association = q.associationName(h)
	h.searchChoices(q, d)
	d.Names = searchNames(d)
	q.show(h, "search", "people", "Tìm kiếm", p)
}

// peopleOrder is the order_by of the list's sort choice: by name unless
// another of the list's orders is chosen.
func peopleOrder(sort string) string {
	switch sort {
	case "family_name", "highest_qualification_level desc", "display_name desc", "family_name desc":
		return sort
	}
	return "display_name"
}

// nextPage is the address of the next page of a list at path asked for
// with the query v: the same query with the page token; "" when there is
// no next page.
func nextPage(path string, v url.Values, token string) string {
	if token == "" {
		return ""
	}
	nv := cloneValues(v)
	nv.Set("page", token)
	return path + "?" + nv.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// searchChoices fills the search form's lists from the reference data.
// A list that cannot be read is left empty: the search still works.
func (h *Handler) searchChoices(q *request, d *searchData) {
	ctx := q.ctx()
	v := d.Query
	if r, err := h.ref.ListQualificationLevels(ctx, &pb.ListQualificationLevelsRequest{PageSize: 5000}); err == nil {
		for _, l := range r.GetQualificationLevels() {
			d.Levels = append(d.Levels, option{Value: l.GetCode(), Label: l.GetNameVi(), Selected: l.GetCode() == v.Get("level")})
		}
	}
	if r, err := h.ref.ListAcademicTitles(ctx, &pb.ListAcademicTitlesRequest{PageSize: 5000}); err == nil {
		for _, t := range r.GetAcademicTitles() {
			d.Titles = append(d.Titles, option{Value: t.GetCode(), Label: t.GetNameVi(), Selected: t.GetCode() == v.Get("title")})
		}
	}
	if r, err := h.ref.ListFields(ctx, &pb.ListFieldsRequest{PageSize: 5000, Level: 1,
		// One scheme's areas: every scheme has the same six, by the same
		// codes, and the filter finds people coded in either.
		Scheme: store.DefaultFieldScheme}); err == nil {
		for _, f := range r.GetFields() {
			d.Fields = append(d.Fields, option{Value: f.GetCode(), Label: f.GetCode() + " " + f.GetNameVi(), Selected: f.GetCode() == v.Get("field")})
		}
	}
	if r, err := h.ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{PageSize: 5000, ParentCode: provinceCode}); err == nil {
		for _, u := range r.GetAdministrativeUnits() {
			d.Units = append(d.Units, option{Value: u.GetCode(), Label: u.GetDisplayName(), Selected: u.GetCode() == v.Get("unit")})
		}
		byName(d.Units, option.label)
	}
	if r, err := h.ref.ListAdministrativeUnits(ctx, &pb.ListAdministrativeUnitsRequest{PageSize: 5000, ParentCode: provinceCode,
		AsOf: &date.Date{Year: 2024, Month: 12, Day: 31}}); err == nil {
		for _, u := range r.GetAdministrativeUnits() {
			d.Units2024 = append(d.Units2024, option{Value: u.GetCode(), Label: u.GetDisplayName(), Selected: u.GetCode() == v.Get("unit2024")})
		}
		byName(d.Units2024, option.label)
	}
	if orgs, err := h.readList(ctx, "organizations"); err == nil {
		for _, o := range orgs {
			o.Selected = o.Value == v.Get("org")
			d.Orgs = append(d.Orgs, o)
		}
	}
	d.Genders = enumOpts(v.Get("gender"), pb.Person_MALE, pb.Person_FEMALE)
	d.Work = enumOpts(v.Get("work"), pb.Person_IN_PROVINCE, pb.Person_ELSEWHERE_IN_VIETNAM, pb.Person_ABROAD)
	year := time.Now().In(store.Vietnam).Year()
	for _, b := range ageBands {
		b.Selected = b.Value == v.Get("age")
		switch from, to, _ := ageBandYears(b.Value, year); {
		case to == 0:
			b.Label += fmt.Sprintf(" (sinh từ %d)", from)
		case from == 0:
			b.Label += fmt.Sprintf(" (sinh đến %d)", to)
		default:
			b.Label += fmt.Sprintf(" (sinh %d–%d)", from, to)
		}
		d.AgeBands = append(d.AgeBands, b)
	}
}

// provinceCode is the province whose units the filters list: 91, Kiên
// Giang until 2025-06-30 and An Giang after.
const provinceCode = "91"

// canWritePeople reports whether the account may write people and what
// they hold, and register and manage members (the server's table: admins
// and registrars); the pages show the links, buttons and forms that do so
// to such accounts only.
func canWritePeople(a *store.Account) bool {
	return a.Role == "admin" || a.Role == "registrar"
}

// mayWrite refuses a form of writes to an account that may not make them,
// saying why; it reports whether the account may.
func (q *request) mayWrite(h *Handler, what string) bool {
	if canWritePeople(q.sess.Account) {
		return true
	}
	q.errorPage(h, what, what+": "+msgNotYourRole, http.StatusForbidden)
	return false
}

// contactWithheld reports whether p's contact details are withheld from
// the account: p gave no CONTACT consent (Person.contact_allowed), and
// only admins read them then. The form has no boxes for them.
func contactWithheld(a *store.Account, p *pb.Person) bool {
	return a.Role != "admin" && !p.GetContactAllowed()
}

// msgContactWithheld stands in the person's form for the boxes of the
// contact details withheld from the account.
const msgContactWithheld = "Người này không đồng ý cho dùng thông tin liên hệ; không thể xem hoặc sửa."

var contactFields = []string{"email", "phone", "address"}

type profileData struct {
	Person *pb.Person
	// CanEdit shows the links that edit a live profile; CanDelete the
	// deletion of a live one and the restoring of a deleted one;
	// CanVerify the links that verify a live one's qualifications, and
	// CanListToVerify the link to the list of those awaiting it (the
	// menu's for home_affairs; an admin's menu has no room for it).
	CanEdit, CanDelete, CanVerify, CanListToVerify bool
	// ContactWithheld says that the person's contact details are withheld
	// from the account (contactWithheld).
	ContactWithheld bool
	Names           refNames
	// Desks are the associations whose membership pages the account
	// opens: the profile's memberships link to them.
	Desks map[string]bool
	// Back is the list of people the profile was opened from, or "";
	// its links and forms carry it on.
	Back string
}

func (h *Handler) profile(q *request) { h.showProfile(q, "", 0) }

// showProfile shows a profile, with the message and status of a form
// about it that failed, if any.
func (h *Handler) showProfile(q *request, failure string, code int) {
	p, err := h.people.GetPerson(q.ctx(), &pb.GetPersonRequest{Name: "people/" + q.r.PathValue("id"), View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil {
		q.fail(h, err)
		return
	}
	// A deleted profile is read only, until restored.
	live := p.GetDeleteTime() == nil
	names := h.profileNames(q.ctx(), p)
	var verifiers []string
	for _, ql := range p.GetQualifications() {
		verifiers = append(verifiers, ql.GetVerification().GetVerifier())
	}
	q.show(h, "profile", "people", "Hồ sơ: "+p.GetDisplayName(), &page{Error: failure, Status: code, Who: q.whoNames(h, verifiers), Data: profileData{Person: p,
		CanEdit: live && canWritePeople(q.sess.Account), CanDelete: canDeletePeople(q.sess.Account), CanVerify: live && canVerify(q.sess.Account),
		CanListToVerify: canListToVerify(q.sess.Account),
		ContactWithheld: contactWithheld(q.sess.Account, p), Names: names, Desks: h.desks(q, p, names),
		Back: q.backOf()}})
}

// desks are the associations of p's memberships whose desks the account
// opens (none for a unit's account; for one limited to an association,
// those in its scope). An association outside the scope, which the
// account may not get, is named from the list of them every role reads.
func (h *Handler) desks(q *request, p *pb.Person, names refNames) map[string]bool {
	a := q.sess.Account
	if len(p.GetMemberships()) == 0 || a.Organization != "" {
		return nil
	}
	out := map[string]bool{}
	if a.Association == "" {
		for _, m := range p.GetMemberships() {
			out[associationOf(m.GetName())] = true
		}
		return out
	}
	resp, err := h.members.ListAssociations(q.ctx(), &pb.ListAssociationsRequest{PageSize: 1000})
	if err != nil {
		return nil
	}
	for _, x := range resp.GetAssociations() {
		if names[x.GetName()] == "" {
			names[x.GetName()] = x.GetDisplayName()
		}
	}
	for _, x := range inScope(resp.GetAssociations(), a.Association) {
		out[x.GetName()] = true
	}
	return out
}

type editData struct {
	Action, Back, Heading, Etag string
	// RequestID is a new child's form's request id (formRequestID).
	RequestID string
	Fields    []fieldView
	// Delete, for an existing qualification, position, work or honour,
	// is where its deletion is posted (deleteChild); DeleteError says,
	// beside its box, that a deletion came without the box ticked.
	Delete, DeleteError string
	// Duplicates, for a new person, are the people the server says hold
	// what was typed (holders).
	Duplicates []*pb.Person
}

// editPerson shows and saves the form of a person's own fields. Saving
// writes what the person changed only (changedPaths), compared with the
// profile as read now: when someone else changed it since the form was
// shown, the etag refuses the update.
func (h *Handler) editPerson(q *request) {
	if !q.mayWrite(h, "Sửa hồ sơ") {
		return
	}
	ctx := q.ctx()
	name := "people/" + q.r.PathValue("id")
	cur, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: name, View: pb.PersonView_PERSON_VIEW_BASIC})
	if err != nil {
		q.fail(h, err)
		return
	}
	back := q.backOf()
	d := &editData{Action: withBack(back, "/people/", q.r.PathValue("id"), "/edit"), Back: withBack(back, "/people/", q.r.PathValue("id")),
		Heading: "Sửa hồ sơ: " + cur.GetDisplayName()}
	p := &page{Data: d}
	ch := h.loadChoices(ctx, cur, personForm)
	show := func(m *pb.Person, etag string, bad map[string]string) {
		d.Etag, d.Fields = etag, viewPosted(q.r, m, personForm, bad, ch)
		if contactWithheld(q.sess.Account, cur) {
			withhold(d.Fields, msgContactWithheld, contactFields...)
		}
		q.show(h, "edit", "people", d.Heading, p)
	}
	if q.r.Method == "POST" {
		in := proto.Clone(cur).(*pb.Person)
		in.Etag = q.r.PostFormValue("etag")
		bad := readForm(q.r, in, personForm, ch)
		mask := changedPaths(cur, in, personForm, ch)
		if len(bad) == 0 {
			if len(mask) == 0 {
				q.redirect(d.Back, "unchanged")
				return
			}
			_, err = h.people.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: changes(in, mask).(*pb.Person), UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			if err == nil {
				q.redirect(d.Back, "person-saved")
				return
			}
			p.Error, bad, _ = explain(err)
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
		if len(bad) > 0 && status.Code(err) != codes.Aborted {
			moreMistakes(mask, bad, func(rest []string) error {
				_, err := h.people.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: changes(in, rest).(*pb.Person),
					UpdateMask: &fieldmaskpb.FieldMask{Paths: rest}, ValidateOnly: true})
				return err
			})
		}
		if status.Code(err) == codes.Aborted {
			// Someone else's change is what the form shows now.
			show(cur, cur.GetEtag(), nil)
		} else {
			show(in, in.GetEtag(), bad)
		}
		return
	}
	show(cur, cur.GetEtag(), nil)
}

// moreMistakes marks in bad what the server finds wrong in the form's
// other changed fields (mask). The server checks a request in stages (the
// .proto's rules, then the store's) and answers with the mistakes of the
// first stage that finds any; the console reads its own boxes before
// either. So that every mistake is marked in one go, it asks again with
// check (a validate_only request of the fields rest), leaving out the
// fields already marked, until no new one is found.
func moreMistakes(mask []string, bad map[string]string, check func(rest []string) error) {
	for range mask {
		var rest []string
		for _, f := range mask {
			if _, marked := bad[f]; !marked {
				rest = append(rest, f)
			}
		}
		if len(rest) == 0 {
			return
		}
		err := check(rest)
		if status.Code(err) != codes.InvalidArgument {
			return
		}
		_, more, _ := explain(err)
		found := false
		for f, msg := range more {
			if _, marked := bad[f]; !marked && slices.Contains(rest, f) {
				bad[f], found = msg, true
			}
		}
		if !found {
			return
		}
	}
}

// peopleByName reads the named people (BASIC, as cleared for the caller)
// in one call, for a page's rows; one the caller may not read, or a
// failed call, leaves the rows without names rather than the page.
func (h *Handler) peopleByName(ctx context.Context, names []string) map[string]*pb.Person {
	out := map[string]*pb.Person{}
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	if len(names) == 0 {
		return out
	}
	if got, err := h.people.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: names, View: pb.PersonView_PERSON_VIEW_BASIC}); err == nil {
		for _, p := range got.GetPeople() {
			out[p.GetName()] = p
		}
	}
	return out
}
