package console

import (
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Unit reviews (rà soát): the Department opens a campaign over some units
// and follows each unit's progress; a unit's account lists the profiles it
// must confirm, confirms those that are right and corrects the others
// through the profile's edit forms. The server decides what each caller
// sees: a unit's account is given its own reviews and progress only.

// mayRunCampaigns reports whether the account may open and close
// campaigns (the server's table: admins and registrars not limited).
func mayRunCampaigns(a *store.Account) bool {
	return a.Role == "admin" || a.Role == "registrar" && a.Association == "" && a.Organization == ""
}

// mayConfirm reports whether the account may confirm a profile review.
func mayConfirm(a *store.Account) bool {
	return a.Role == "admin" || a.Role == "registrar" && a.Association == ""
}

type campaignsData struct {
	Campaigns []*pb.ReviewCampaign
	CanCreate bool
	Orgs      []option
	// The create form's values, kept after an error.
	DisplayName, ID, Deadline string
	Names                     map[string]string
}

// campaignTotals are a campaign's counts over the units the caller sees.
func campaignTotals(c *pb.ReviewCampaign) (pending, confirmed, changed int32) {
	for _, p := range c.GetProgress() {
		pending += p.GetPendingCount()
		confirmed += p.GetConfirmedCount()
		changed += p.GetChangedCount()
	}
	return
}

func (h *Handler) campaigns(q *request) {
	a := q.sess.Account
	if a.Association != "" {
		q.refuse(h, "Rà soát hồ sơ", "Tài khoản của bạn chỉ dùng cho "+q.associationName(h)+"; việc rà soát hồ sơ theo đơn vị không thuộc phạm vi đó.")
		return
	}
	ctx := q.ctx()
	d := &campaignsData{CanCreate: mayRunCampaigns(a), Names: map[string]string{}}
	p := &page{Data: d}
	if q.r.Method == http.MethodPost {
		if !d.CanCreate {
			q.refuse(h, "Rà soát hồ sơ", "chỉ quản trị viên và cán bộ không bị giới hạn mới mở được đợt rà soát.")
			return
		}
		d.DisplayName, d.ID, d.Deadline = strings.TrimSpace(q.r.PostFormValue("display_name")), strings.TrimSpace(q.r.PostFormValue("id")), strings.TrimSpace(q.r.PostFormValue("deadline"))
		c := &pb.ReviewCampaign{DisplayName: d.DisplayName, Organizations: q.r.PostForm["organizations"]}
		bad := map[string]string{}
		if d.Deadline == "" {
			bad["deadline"] = "Cần có hạn chót."
		} else if dl, err := parseDate(d.Deadline); err != nil || dl.GetDay() == 0 {
			bad["deadline"] = "Hạn chót phải là một ngày: ngày/tháng/năm, ví dụ 31/12/2026."
		} else {
			c.Deadline = dl
		}
		if len(c.Organizations) == 0 {
			bad["organizations"] = "Chọn ít nhất một đơn vị."
		}
		if len(bad) == 0 {
			made, err := h.reviews.CreateReviewCampaign(ctx, &pb.CreateReviewCampaignRequest{ReviewCampaign: c, ReviewCampaignId: d.ID})
			if err == nil {
				q.redirect("/reviews/"+idOf(made.GetName()), "campaign-opened")
				return
			}
			var fields map[string]string
			p.Error, fields, _ = explain(err)
			bad = fieldsOfCampaign(fields)
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
		p.Fields = bad
	}
	resp, err := h.reviews.ListReviewCampaigns(ctx, &pb.ListReviewCampaignsRequest{PageSize: 200})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Campaigns = resp.GetReviewCampaigns()
	chosen := map[string]bool{}
	for _, o := range q.r.PostForm["organizations"] {
		chosen[o] = true
	}
	if opts, err := h.readList(ctx, "organizations"); err == nil {
		for _, o := range opts {
			d.Names[o.Value] = o.Label
			o.Selected = chosen[o.Value]
			d.Orgs = append(d.Orgs, o)
		}
	}
	q.show(h, "reviews", "reviews", "Rà soát hồ sơ", p)
}

// fieldsOfCampaign keeps the form's names for the request's fields.
func fieldsOfCampaign(fields map[string]string) map[string]string {
	out := map[string]string{}
	for f, msg := range fields {
		if f == "review_campaign_id" {
			f = "id"
		}
		out[f] = msg
	}
	return out
}

type reviewRow struct {
	R      *pb.ProfileReview
	Person *pb.Person
}

type campaignData struct {
	C                      *pb.ReviewCampaign
	Rows                   []reviewRow
	Total                  int32
	State, NextURL         string
	States                 []option
	CanConfirm, CanClose   bool
	Pending, Conf, Changed int32
	Names                  map[string]string
}

// campaign shows a campaign's progress by unit and the profiles to review
// (a unit's account: its own).
func (h *Handler) campaign(q *request) {
	if q.sess.Account.Association != "" {
		q.refuse(h, "Rà soát hồ sơ", "Tài khoản của bạn chỉ dùng cho "+q.associationName(h)+"; việc rà soát hồ sơ theo đơn vị không thuộc phạm vi đó.")
		return
	}
	ctx := q.ctx()
	name := "reviewCampaigns/" + q.r.PathValue("id")
	c, err := h.reviews.GetReviewCampaign(ctx, &pb.GetReviewCampaignRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	v := q.r.URL.Query()
	d := &campaignData{C: c, State: v.Get("state"), Names: map[string]string{},
		CanConfirm: mayConfirm(q.sess.Account) && c.GetState() == pb.ReviewCampaign_OPEN,
		CanClose:   mayRunCampaigns(q.sess.Account) && c.GetState() == pb.ReviewCampaign_OPEN}
	d.Pending, d.Conf, d.Changed = campaignTotals(c)
	if d.State == "" {
		d.State = "PENDING"
	}
	d.States = opts(d.State, "PENDING", "Chờ xác nhận", "CONFIRMED", "Đã xác nhận", "CHANGED", "Đã sửa trong đợt", "ALL", "Tất cả")
	filter := ""
	if d.State != "ALL" {
		filter = "state = " + d.State
		if _, ok := pb.ProfileReview_State_value[d.State]; !ok {
			filter = ""
		}
	}
	resp, err := h.reviews.ListProfileReviews(ctx, &pb.ListProfileReviewsRequest{Parent: name, PageSize: 100, PageToken: v.Get("page"), Filter: filter})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Total = resp.GetTotalSize()
	d.NextURL = nextPage("/reviews/"+q.r.PathValue("id"), v, resp.GetNextPageToken())
	var people []string
	for _, r := range resp.GetProfileReviews() {
		people = append(people, r.GetPerson())
	}
	byName := h.peopleByName(ctx, people)
	for _, r := range resp.GetProfileReviews() {
		d.Rows = append(d.Rows, reviewRow{R: r, Person: byName[r.GetPerson()]})
	}
	if opts, err := h.readList(ctx, "organizations"); err == nil {
		for _, o := range opts {
			d.Names[o.Value] = o.Label
		}
	}
	q.show(h, "campaign", "reviews", c.GetDisplayName(), &page{Data: d})
}

// confirmReview confirms one profile as it stands; the form carries the
// review's etag, so that a review that changed meanwhile is not confirmed
// blind.
func (h *Handler) confirmReview(q *request) {
	back := "/reviews/" + q.r.PathValue("id")
	name := "reviewCampaigns/" + q.r.PathValue("id") + "/profileReviews/" + q.r.PathValue("person")
	_, err := h.reviews.ConfirmProfileReview(q.ctx(), &pb.ConfirmProfileReviewRequest{Name: name, Etag: q.r.PostFormValue("etag")})
	if status.Code(err) == codes.Aborted {
		q.redirect(back, "review-changed")
		return
	}
	if err != nil {
		q.fail(h, err)
		return
	}
	q.redirect(back, "review-confirmed")
}

func (h *Handler) closeCampaign(q *request) {
	name := "reviewCampaigns/" + q.r.PathValue("id")
	if _, err := h.reviews.CloseReviewCampaign(q.ctx(), &pb.CloseReviewCampaignRequest{Name: name, Etag: q.r.PostFormValue("etag")}); err != nil {
		q.fail(h, err)
		return
	}
	q.redirect("/reviews/"+q.r.PathValue("id"), "campaign-closed")
}

// refuse says plainly that the signed-in account may not use a page, and
// why, instead of the server's refusal in English.
func (q *request) refuse(h *Handler, what, why string) {
	q.errorPage(h, what, what+": "+why, http.StatusForbidden)
}

func init() {
	funcs["reviewState"] = func(v any) string {
		switch s := v.(type) {
		case pb.ProfileReview_State:
			return map[pb.ProfileReview_State]string{pb.ProfileReview_PENDING: "Chờ xác nhận",
				pb.ProfileReview_CONFIRMED: "Đã xác nhận", pb.ProfileReview_CHANGED: "Đã sửa trong đợt"}[s]
		case pb.ReviewCampaign_State:
			return map[pb.ReviewCampaign_State]string{pb.ReviewCampaign_OPEN: "Đang mở", pb.ReviewCampaign_CLOSED: "Đã kết thúc"}[s]
		}
		return ""
	}
	funcs["totals"] = func(c *pb.ReviewCampaign) [3]int32 {
		p, k, ch := campaignTotals(c)
		return [3]int32{p, k, ch}
	}
	funcs["orgName"] = func(names map[string]string, org string) string {
		if n := names[org]; n != "" {
			return n
		}
		return org
	}
}
