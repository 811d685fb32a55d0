package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The yearly honours campaigns (tôn vinh trí thức tiêu biểu): the Union's
// staff open a campaign, take nominations until its deadline, review them
// and select within the quota, the honour then written on the profile by
// the server. The campaigns are the province's: the server lets admins
// and registrars without a limit run them, the Department read them, and
// no account limited to an association or a unit see them.

const titleHonors = "Tôn vinh trí thức"

// mayUseHonors reports whether the account reads the campaigns (the
// server's table: unlimited admins, registrars and home_affairs).
func mayUseHonors(a *store.Account) bool {
	return a.Organization == "" && a.Association == "" && (a.Role == "admin" || a.Role == "registrar" || a.Role == "home_affairs")
}

// mayRunHonors reports whether the account opens campaigns, nominates,
// reviews and selects (the server's table: admins and registrars, not
// limited).
func mayRunHonors(a *store.Account) bool {
	return a.Organization == "" && a.Association == "" && (a.Role == "admin" || a.Role == "registrar")
}

// overQuota reports whether the account is to be told that the campaign
// selected more than its quota. A registrar's quota counts the selections
// it lists, not restricted people's, so its selections may take the total
// past the quota; only an admin, who reads everyone and counts them all,
// sees it there and is told, to raise the quota or take it as it is. A
// registrar is never told: a warning it could not explain by what it lists
// would tell it that restricted people were selected.
func overQuota(a *store.Account, c *pb.HonorCampaign) bool {
	return a.Role == "admin" && c.GetSelectedCount() > c.GetQuota()
}

// notForHonors refuses the campaigns' pages to an account that may not
// read them, saying why; it reports whether it did.
func (q *request) notForHonors(h *Handler) bool {
	if q.notForUnits(h, titleHonors) {
		return true
	}
	a := q.sess.Account
	switch {
	case a.Association != "":
		q.refuse(h, titleHonors, "tài khoản của bạn chỉ dùng cho "+q.associationName(h)+
			"; các đợt tôn vinh là của toàn tỉnh, do cán bộ của Liên hiệp hội (tài khoản không giới hạn theo hội) thực hiện, nên tài khoản này không xem được. Hội muốn đề cử ai, hãy gửi đề cử cho Liên hiệp hội.")
		return true
	case !mayUseHonors(a):
		q.refuse(h, titleHonors, msgNotYourRole)
		return true
	}
	return false
}

// notRunningHonors refuses a form of the campaigns to an account that may
// read them only; it reports whether it did.
func (q *request) notRunningHonors(h *Handler, what string) bool {
	if q.notForHonors(h) {
		return true
	}
	if !mayRunHonors(q.sess.Account) {
		q.refuse(h, what, msgNotYourRole)
		return true
	}
	return false
}

func (h *Handler) honorRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /honors", h.signedIn(h.honorCampaigns))
	m.HandleFunc("POST /honors", h.signedIn(h.createHonorCampaign))
	m.HandleFunc("GET /honors/{c}", h.signedIn(h.honorCampaign))
	m.HandleFunc("GET /honors/{c}/edit", h.signedIn(h.editHonorCampaign))
	m.HandleFunc("POST /honors/{c}/edit", h.signedIn(h.editHonorCampaign))
	m.HandleFunc("GET /honors/{c}/delete", h.signedIn(h.deleteHonorCampaign))
	m.HandleFunc("POST /honors/{c}/delete", h.signedIn(h.deleteHonorCampaign))
	m.HandleFunc("POST /honors/{c}/nominations", h.signedIn(h.nominate))
	m.HandleFunc("POST /honors/{c}/nominations/{n}/review", h.signedIn(h.reviewNomination))
	m.HandleFunc("POST /honors/{c}/nominations/{n}/select", h.signedIn(h.selectNomination))
}

type honorsData struct {
	Campaigns []*pb.HonorCampaign
	ThisYear  int32
	CanCreate bool
	Form      honorCampaignForm
	Kinds     []option
	// OverQuota holds the campaigns, by name, whose selections pass their
	// quota (overQuota).
	OverQuota map[string]bool
}

// honorCampaignForm is a campaign as typed: a new one's, or an edit's
// (with the etag of the campaign as read).
type honorCampaignForm struct {
	DisplayName, ID, Year, Kind, Quota, Deadline, Issuer, RequestID, Etag string
}

// thisYear is the year in Vietnam, whose campaign the pages put first.
func thisYear() int32 { return int32(time.Now().In(store.Vietnam).Year()) }

func (h *Handler) honorCampaigns(q *request) { h.showHonorCampaigns(q, nil, nil) }

// showHonorCampaigns lists the campaigns, this year's first and then the
// others newest first; form, when set, is a new campaign as posted and p
// its refusal.
func (h *Handler) showHonorCampaigns(q *request, form *honorCampaignForm, p *page) {
	if q.notForHonors(h) {
		return
	}
	resp, err := h.honors.ListHonorCampaigns(q.ctx(), &pb.ListHonorCampaignsRequest{PageSize: 1000})
	if err != nil {
		q.fail(h, err)
		return
	}
	year := thisYear()
	d := &honorsData{Campaigns: resp.GetHonorCampaigns(), ThisYear: year, CanCreate: mayRunHonors(q.sess.Account)}
	for _, c := range d.Campaigns {
		if overQuota(q.sess.Account, c) {
			if d.OverQuota == nil {
				d.OverQuota = map[string]bool{}
			}
			d.OverQuota[c.GetName()] = true
		}
	}
	// The server lists newest year first; a campaign opened ahead for
	// next year comes after this year's.
	slices.SortStableFunc(d.Campaigns, func(a, b *pb.HonorCampaign) int {
		switch {
		case a.GetYear() == year && b.GetYear() != year:
			return -1
		case b.GetYear() == year && a.GetYear() != year:
			return 1
		}
		return 0
	})
	if form == nil {
		form = &honorCampaignForm{Year: strconv.Itoa(int(year)), Kind: "PROVINCIAL_HONOR", RequestID: newFormToken()}
	}
	if p == nil {
		p = &page{Fields: map[string]string{}}
	}
	d.Form, p.Data = *form, d
	d.Kinds = enumOpts(form.Kind, pb.Honor_PROVINCIAL_HONOR, pb.Honor_STATE_TITLE, pb.Honor_AWARD, pb.Honor_ORDER_OR_MEDAL,
		pb.Honor_CERTIFICATE_OF_MERIT, pb.Honor_OTHER_HONOR)
	q.show(h, "honors", "honors", titleHonors, p)
}

// createHonorCampaign opens a campaign; what the console can read wrong
// (a year, a quota, a date) is said by its box before the server is asked.
func (h *Handler) createHonorCampaign(q *request) {
	if q.notRunningHonors(h, "Mở đợt tôn vinh") {
		return
	}
	form, c, p := readCampaignForm(q)
	form.RequestID = q.formRequestID()
	if len(p.Fields) > 0 {
		h.moreCampaignMistakes(q, c, form.ID, p.Fields)
		h.showHonorCampaigns(q, form, p)
		return
	}
	made, err := h.honors.CreateHonorCampaign(q.ctx(), &pb.CreateHonorCampaignRequest{HonorCampaign: c, HonorCampaignId: form.ID, RequestId: form.RequestID})
	if err == nil {
		q.redirect("/honors/"+idOf(made.GetName()), "honor-campaign-opened")
		return
	}
	form.RequestID = p.refuseCreate(err, "honor_campaign_id", form.RequestID)
	if status.Code(err) == codes.InvalidArgument {
		h.moreCampaignMistakes(q, c, form.ID, p.Fields)
	}
	h.showHonorCampaigns(q, form, p)
}

// moreCampaignMistakes marks the mistakes of a refused new campaign that
// bad does not hold yet, as morePoolMistakes does a pool's: what the
// console read wrong was never sent, and the server answers its first
// stage of checks only. What is marked is left out, stand-ins in its place.
func (h *Handler) moreCampaignMistakes(q *request, c *pb.HonorCampaign, id string, bad map[string]string) {
	moreMistakes([]string{"display_name", "id", "year", "kind", "quota", "nomination_deadline", "issuer"}, bad, func(rest []string) error {
		year := thisYear()
		try, tryID := &pb.HonorCampaign{DisplayName: "A", Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1}, ""
		for _, f := range rest {
			switch f {
			case "display_name":
				try.DisplayName = c.GetDisplayName()
			case "id":
				tryID = id
			case "year":
				try.Year = c.GetYear()
			case "kind":
				try.Kind = c.GetKind()
			case "quota":
				try.Quota = c.GetQuota()
			case "nomination_deadline":
				try.NominationDeadline = c.GetNominationDeadline()
			case "issuer":
				try.Issuer = c.GetIssuer()
			}
		}
		if try.NominationDeadline == nil {
			try.NominationDeadline = &date.Date{Year: try.Year, Month: 12, Day: 31}
		}
		_, err := h.honors.CreateHonorCampaign(q.ctx(), &pb.CreateHonorCampaignRequest{HonorCampaign: try, HonorCampaignId: tryID, ValidateOnly: true})
		// The id's refusal names the request's field, the form's "id".
		if _, more, _ := explain(err); more["honor_campaign_id"] != "" && status.Code(err) == codes.InvalidArgument {
			bad["id"] = more["honor_campaign_id"]
		}
		return err
	})
}

// readCampaignForm reads a campaign's form (a new one's, or an edit's):
// the form as typed, the campaign it says, and a page marking what the
// console reads wrong by its box, with the page's error when any is.
func readCampaignForm(q *request) (*honorCampaignForm, *pb.HonorCampaign, *page) {
	f := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	form := &honorCampaignForm{DisplayName: f("display_name"), ID: f("id"), Year: f("year"), Kind: f("kind"), Quota: f("quota"),
		Deadline: f("nomination_deadline"), Issuer: f("issuer"), Etag: f("etag")}
	c := &pb.HonorCampaign{DisplayName: form.DisplayName, Issuer: form.Issuer, Kind: pb.Honor_Kind(pb.Honor_Kind_value[form.Kind])}
	p := &page{Fields: map[string]string{}}
	if form.DisplayName == "" {
		p.Fields["display_name"] = "Cần điền tên danh hiệu, ví dụ “Trí thức tiêu biểu tỉnh An Giang năm 2026”."
	}
	if n, err := strconv.Atoi(form.Year); err != nil || n < 1900 || n > 2200 {
		p.Fields["year"] = "Năm phải là một số, ví dụ 2026."
	} else {
		c.Year = int32(n)
	}
	if n, err := strconv.Atoi(form.Quota); err != nil || n < 1 || n > 10000 {
		p.Fields["quota"] = "Chỉ tiêu là số người được chọn, từ 1 đến 10000."
	} else {
		c.Quota = int32(n)
	}
	if dt, err := parseDate(form.Deadline); form.Deadline == "" || err != nil || dt.GetDay() == 0 {
		p.Fields["nomination_deadline"] = "Cần một ngày đầy đủ: ngày/tháng/năm, ví dụ 31/10/2026."
	} else {
		c.NominationDeadline = dt
	}
	if len(p.Fields) > 0 {
		p.Error, p.Status = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", http.StatusUnprocessableEntity
	}
	return form, c, p
}

// honorCampaignData is what a campaign's page shows.
type honorCampaignData struct {
	C *pb.HonorCampaign
	// Closed: the deadline has passed (in Vietnam), no nomination is taken.
	Closed bool
	// Counts are the nominations by state, in the life cycle's order.
	Counts []stateCount
	Total  int32
	Rows   []nominationRow
	// NextURL is the next page of nominations.
	NextURL   string
	CanDecide bool
	// QuotaFull: as many are selected as the quota allows, so no select
	// button is offered (the server would refuse it).
	QuotaFull bool
	// OverQuota: more are selected than the quota (overQuota).
	OverQuota bool
	// MoreNeeds is the quota that lets one more be selected, said where
	// the quota stops a selection.
	MoreNeeds int32
	Nominate  nominateForm
	// ShowNominate: the nominate form is shown (before the deadline, or
	// to say why a form posted late was refused).
	ShowNominate bool
	// NominatePosted: the nominate form was posted and refused.
	NominatePosted bool
	// Posted is the decision form as posted, when refused.
	Posted decisionForm
	// Pick finds the person to nominate by name.
	Pick personPick
}

type stateCount struct {
	State pb.Nomination_State
	Count int32
}

type nominationRow struct {
	N *pb.Nomination
	// Name is the person's name as the server gives it to the account,
	// or their id when it gives none; Person their profile, nil then.
	Name   string
	Person *pb.Person
}

type nominateForm struct {
	Person, Nominator, Reason, RequestID string
}

// decisionForm is a review or a selection as posted: the nomination, the
// note, the decision's number.
type decisionForm struct {
	ID, Note, DecisionNumber string
}

func (h *Handler) honorCampaign(q *request) { h.showHonorCampaign(q, nil, nil) }

func honorCampaignName(q *request) string { return "honorCampaigns/" + q.r.PathValue("c") }

func honorCampaignPath(q *request) string { return "/honors/" + q.r.PathValue("c") }

// showHonorCampaign shows a campaign: its figures, its nominations with
// their decisions, and the forms for the roles that may use them; d, when
// set, holds a form as posted and p its refusal.
func (h *Handler) showHonorCampaign(q *request, d *honorCampaignData, p *page) {
	if q.notForHonors(h) {
		return
	}
	ctx := q.ctx()
	name := honorCampaignName(q)
	c, err := h.honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	if d == nil {
		d = &honorCampaignData{Nominate: nominateForm{RequestID: newFormToken()}}
	}
	if p == nil {
		p = &page{Fields: map[string]string{}}
	}
	p.Data = d
	d.C, d.CanDecide = c, mayRunHonors(q.sess.Account)
	d.QuotaFull = c.GetQuota() > 0 && c.GetSelectedCount() >= c.GetQuota()
	d.OverQuota = overQuota(q.sess.Account, c)
	d.MoreNeeds = c.GetSelectedCount() + 1
	dl := c.GetNominationDeadline()
	now := time.Now().In(store.Vietnam)
	today := now.Year()*10000 + int(now.Month())*100 + now.Day()
	d.Closed = today > int(dl.GetYear())*10000+int(dl.GetMonth())*100+int(dl.GetDay())
	d.ShowNominate = d.CanDecide && (!d.Closed || d.NominatePosted)
	if d.ShowNominate {
		d.Pick = h.pickPerson(q, honorCampaignPath(q), "nominate")
		if d.Nominate.Person == "" {
			d.Nominate.Person = d.Pick.Chosen
		}
	}
	for _, s := range []pb.Nomination_State{pb.Nomination_SUBMITTED, pb.Nomination_SHORTLISTED, pb.Nomination_REJECTED, pb.Nomination_SELECTED} {
		r, err := h.honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: name, PageSize: 1, Filter: "state = " + s.String()})
		if err != nil {
			q.fail(h, err)
			return
		}
		d.Counts = append(d.Counts, stateCount{State: s, Count: r.GetTotalSize()})
	}
	v := q.r.URL.Query()
	list, err := h.honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: name, PageSize: 200, PageToken: v.Get("page")})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Total = list.GetTotalSize()
	d.NextURL = nextPage(honorCampaignPath(q), v, list.GetNextPageToken())
	var nominees []string
	for _, n := range list.GetNominations() {
		nominees = append(nominees, n.GetPerson())
	}
	people := h.peopleByName(ctx, nominees)
	var deciders []string
	for _, n := range list.GetNominations() {
		for _, dec := range n.GetDecisions() {
			deciders = append(deciders, dec.GetDecider())
		}
	}
	p.Who = q.whoNames(h, deciders)
	for _, n := range list.GetNominations() {
		row := nominationRow{N: n, Person: people[n.GetPerson()], Name: people[n.GetPerson()].GetDisplayName()}
		if row.Name == "" {
			row.Name = idOf(n.GetPerson())
		}
		d.Rows = append(d.Rows, row)
	}
	q.show(h, "honor", "honors", c.GetDisplayName(), p)
}
