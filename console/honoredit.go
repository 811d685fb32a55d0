package console

import (
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vimsg"
)

// Editing and deleting a campaign. An edit (its name, year, kind, quota,
// deadline and issuer) and a delete are sent with the etag of the campaign
// as read, so that a form sent after another's change changes nothing
// (409) and shows the campaign as it is now. Deleting asks first, saying
// how many nominations go with it; a campaign that selected anyone cannot
// be deleted (its selections are honours on profiles), which its page and
// the confirm page say instead of offering the button.

// msgCampaignChanged answers an edit of a campaign changed meanwhile.
const msgCampaignChanged = "Đợt tôn vinh này vừa được người khác sửa trong lúc bạn sửa, nên thay đổi của bạn chưa được lưu. Biểu mẫu dưới đây là bản mới nhất; hãy sửa lại nếu cần."

type honorEditData struct {
	C     *pb.HonorCampaign
	Form  honorCampaignForm
	Kinds []option
}

// campaignForm is a campaign as its edit form shows it.
func campaignForm(c *pb.HonorCampaign) *honorCampaignForm {
	dl := c.GetNominationDeadline()
	return &honorCampaignForm{DisplayName: c.GetDisplayName(), Year: strconv.Itoa(int(c.GetYear())), Kind: c.GetKind().String(),
		Quota: strconv.Itoa(int(c.GetQuota())), Deadline: formDate(dl.GetYear(), dl.GetMonth(), dl.GetDay()), Issuer: c.GetIssuer(), Etag: c.GetEtag()}
}

// editHonorCampaign shows a campaign's edit form and saves it.
func (h *Handler) editHonorCampaign(q *request) {
	if q.notRunningHonors(h, "Sửa đợt tôn vinh") {
		return
	}
	ctx := q.ctx()
	name := honorCampaignName(q)
	cur, err := h.honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	form, p := campaignForm(cur), &page{Fields: map[string]string{}}
	if q.r.Method == http.MethodPost {
		var c *pb.HonorCampaign
		form, c, p = readCampaignForm(q)
		if len(p.Fields) == 0 {
			c.Name = name
			err = withEtag(form.Etag, func(etag string) error {
				c.Etag = etag
				_, err := h.honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: c, UpdateMask: &fieldmaskpb.FieldMask{
					Paths: []string{"display_name", "year", "kind", "quota", "nomination_deadline", "issuer"}}})
				return err
			})
			if err == nil {
				q.redirect(honorCampaignPath(q), "honor-campaign-saved")
				return
			}
			campaignRefusal(p, err)
			if status.Code(err) == codes.Aborted {
				form, p.Error = campaignForm(cur), msgCampaignChanged
				p.Fields = map[string]string{}
			}
		}
	}
	d := &honorEditData{C: cur, Form: *form}
	d.Kinds = enumOpts(form.Kind, pb.Honor_PROVINCIAL_HONOR, pb.Honor_STATE_TITLE, pb.Honor_AWARD, pb.Honor_ORDER_OR_MEDAL,
		pb.Honor_CERTIFICATE_OF_MERIT, pb.Honor_OTHER_HONOR)
	p.Data = d
	q.show(h, "honoredit", "honors", "Sửa đợt tôn vinh: "+cur.GetDisplayName(), p)
}

// campaignRefusal puts the server's refusal of a campaign's edit on p:
// its messages by the form's boxes (honor_campaign.quota by quota), a
// quota below those selected in Vietnamese.
func campaignRefusal(p *page, err error) {
	msg, fields, code := explain(err)
	p.Error, p.Status = msg, code
	if st, _ := status.FromError(err); st.Code() == codes.FailedPrecondition {
		if vi, ok := vimsg.Honor(st.Message()); ok {
			p.Fields["quota"] = upperFirst(vi) + "."
			p.Error = "Chưa lưu được: " + vi + "."
			return
		}
	}
	for f, m := range fields {
		p.Fields[f] = upperFirst(m)
	}
}

// msgCampaignChangedDelete answers a delete of a campaign changed
// meanwhile.
const msgCampaignChangedDelete = "Đợt tôn vinh này vừa được người khác sửa trong lúc bạn xem, nên chưa xoá. Trang dưới đây là bản mới nhất; hãy xem lại rồi xoá lại nếu vẫn muốn."

type honorDeleteData struct {
	C           *pb.HonorCampaign
	Nominations int32
}

// deleteHonorCampaign asks to confirm, then deletes the campaign with its
// nominations (force: the page said they go with it).
func (h *Handler) deleteHonorCampaign(q *request) {
	if q.notRunningHonors(h, "Xoá đợt tôn vinh") {
		return
	}
	ctx := q.ctx()
	cur, err := h.honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: honorCampaignName(q)})
	if status.Code(err) == codes.NotFound && q.r.Method == http.MethodPost {
		// Sent twice: the first deleted it.
		q.redirect("/honors", "honor-campaign-gone")
		return
	}
	if err != nil {
		q.fail(h, err)
		return
	}
	p := &page{}
	if q.r.Method == http.MethodPost {
		err := withEtag(q.r.PostFormValue("etag"), func(etag string) error {
			_, err := h.honors.DeleteHonorCampaign(ctx, &pb.DeleteHonorCampaignRequest{Name: cur.GetName(), Etag: etag, Force: true})
			return err
		})
		st, _ := status.FromError(err)
		vi, known := vimsg.Honor(st.Message())
		switch {
		case err == nil:
			q.redirect("/honors", "honor-campaign-deleted")
			return
		case st.Code() == codes.Aborted:
			p.Error, p.Status = msgCampaignChangedDelete, http.StatusConflict
		case st.Code() == codes.FailedPrecondition && known:
			// Selected meanwhile: the page now says it stays.
			p.Error, p.Status = "Chưa xoá được: "+vi+".", http.StatusConflict
		default:
			q.fail(h, err)
			return
		}
	}
	d := &honorDeleteData{C: cur}
	if r, err := h.honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: cur.GetName(), PageSize: 1}); err == nil {
		d.Nominations = r.GetTotalSize()
	}
	p.Data = d
	q.show(h, "honordelete", "honors", "Xoá đợt tôn vinh: "+cur.GetDisplayName(), p)
}

func init() {
	for k, msg := range map[string]string{
		"honor-campaign-saved":   "Đã lưu đợt tôn vinh.",
		"honor-campaign-deleted": "Đã xoá đợt tôn vinh, cùng các đề cử của đợt.",
		"honor-campaign-gone":    "Đợt tôn vinh này không còn (đã được xoá).",
	} {
		flashes[k] = msg
	}
}
