package console

import (
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vimsg"
)

// A campaign's nominations: the form that nominates a person (by the id
// or the address of their profile, as a pool's member form reads it), and
// the decisions on each: shortlist or reject with a note, select with the
// number of the decision. A decision's form carries the nomination's etag
// as read, so that a form sent twice, or after another's decision, decides
// once: the server refuses the stale one and the page shows what stands.

// msgDecisionChanged answers a decision's form whose nomination changed
// since the page was read.
const msgDecisionChanged = "Hồ sơ đề cử này vừa có quyết định khác (hoặc biểu mẫu đã được gửi một lần) trong lúc bạn xem, nên quyết định của bạn chưa được ghi. Trang dưới đây là bản mới nhất; hãy xem lại."

// nominate records a nomination; a refusal (past the deadline, nominated
// already, no such profile) stands next to the person's box.
func (h *Handler) nominate(q *request) {
	if q.notRunningHonors(h, "Đề cử") {
		return
	}
	f := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	d := &honorCampaignData{Nominate: nominateForm{Person: f("person"), Nominator: f("nominator"), Reason: f("reason"), RequestID: q.formRequestID()},
		NominatePosted: true}
	p := &page{Fields: map[string]string{}}
	person := typedPerson(d.Nominate.Person)
	if person == "" {
		p.Fields["person"] = "Cần điền mã hồ sơ của người được đề cử."
		p.Error, p.Status = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", http.StatusUnprocessableEntity
		h.showHonorCampaign(q, d, p)
		return
	}
	_, err := h.honors.CreateNomination(q.ctx(), &pb.CreateNominationRequest{Parent: honorCampaignName(q), RequestId: d.Nominate.RequestID,
		Nomination: &pb.Nomination{Person: person, Nominator: d.Nominate.Nominator, Reason: d.Nominate.Reason}})
	if err == nil {
		q.redirect(honorCampaignPath(q), "nominated")
		return
	}
	honorRefusal(p, err, "", "person")
	if requestIDReused(err) {
		d.Nominate.RequestID = newFormToken()
	}
	h.showHonorCampaign(q, d, p)
}

// reviewNomination shortlists or rejects a nomination (a rejection says
// why, in its note).
func (h *Handler) reviewNomination(q *request) {
	if q.notRunningHonors(h, "Xét đề cử") {
		return
	}
	decision := pb.Nomination_State(pb.Nomination_State_value[q.r.PostFormValue("decision")])
	if decision != pb.Nomination_SHORTLISTED && decision != pb.Nomination_REJECTED {
		q.errorPage(h, "Xét đề cử", "Xét đề cử: chỉ chọn được “Vào danh sách xét chọn” hoặc “Không chọn”; không có gì thay đổi.", http.StatusUnprocessableEntity)
		return
	}
	posted := decisionForm{ID: q.r.PathValue("n"), Note: strings.TrimSpace(q.r.PostFormValue("note"))}
	h.decide(q, posted, "note", func(etag string) error {
		_, err := h.honors.ReviewNomination(q.ctx(), &pb.ReviewNominationRequest{Name: nominationName(q), Decision: decision, Note: posted.Note, Etag: etag})
		return err
	}, map[pb.Nomination_State]string{pb.Nomination_SHORTLISTED: "nomination-shortlisted", pb.Nomination_REJECTED: "nomination-rejected"}[decision])
}

// selectNomination selects a shortlisted nomination by the number of the
// decision that confers the honour; the server writes the honour on the
// profile in the same transaction.
func (h *Handler) selectNomination(q *request) {
	if q.notRunningHonors(h, "Chọn đề cử") {
		return
	}
	posted := decisionForm{ID: q.r.PathValue("n"), DecisionNumber: strings.TrimSpace(q.r.PostFormValue("decision_number"))}
	if posted.DecisionNumber == "" {
		p := &page{Fields: map[string]string{posted.ID + "-decision_number": "Cần điền số quyết định công nhận, ví dụ 125/QĐ-UBND."},
			Error: "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", Status: http.StatusUnprocessableEntity}
		h.showHonorCampaign(q, &honorCampaignData{Nominate: nominateForm{RequestID: newFormToken()}, Posted: posted}, p)
		return
	}
	h.decide(q, posted, "decision_number", func(etag string) error {
		_, err := h.honors.SelectNomination(q.ctx(), &pb.SelectNominationRequest{Name: nominationName(q), DecisionNumber: posted.DecisionNumber, Etag: etag})
		return err
	}, "nomination-selected")
}

// decide runs a decision's call with the form's etag, and on a refusal
// shows the campaign again, the refusal next to the decision's box (box)
// of its row. A form without an etag (an older page) is taken as stale:
// a decision is never taken blind.
func (h *Handler) decide(q *request, posted decisionForm, box string, call func(etag string) error, ok string) {
	err := withEtag(q.r.PostFormValue("etag"), call)
	if err == nil {
		q.redirect(honorCampaignPath(q), ok)
		return
	}
	d := &honorCampaignData{Nominate: nominateForm{RequestID: newFormToken()}, Posted: posted}
	p := &page{Fields: map[string]string{}}
	honorRefusal(p, err, posted.ID, box)
	if status.Code(err) == codes.Aborted {
		// The page shows the nomination as it stands now, without what
		// was typed for a decision that was not taken.
		p.Error, d.Posted = msgDecisionChanged, decisionForm{ID: posted.ID}
		p.Fields[posted.ID+"-"+box] = msgDecisionChanged
	}
	h.showHonorCampaign(q, d, p)
}

// honorRefusal puts a refused form's messages on p: the server's messages
// about fields by the form's boxes, and a refusal of the state of things
// (FAILED_PRECONDITION) next to box, in Vietnamese. The boxes of a
// decision's form are its row's (row-note); the nominate form's have no
// row.
func honorRefusal(p *page, err error, row, box string) {
	key := func(f string) string {
		if row == "" {
			return f
		}
		return row + "-" + f
	}
	msg, fields, code := explain(err)
	p.Error, p.Status = msg, code
	st, _ := status.FromError(err)
	if st.Code() == codes.FailedPrecondition {
		if vi, ok := vimsg.Honor(st.Message()); ok {
			p.Fields[key(box)] = upperFirst(vi) + "."
			p.Error = "Chưa thể làm việc này: " + vi + "."
			return
		}
	}
	for f, m := range fields {
		p.Fields[key(f)] = upperFirst(m)
	}
	if len(fields) == 0 && code != http.StatusForbidden {
		p.Fields[key(box)] = msg
	}
}

// upperFirst starts a message with a capital letter, as a sentence.
func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func nominationName(q *request) string {
	return honorCampaignName(q) + "/nominations/" + q.r.PathValue("n")
}

func init() {
	for k, msg := range map[string]string{
		"honor-campaign-opened":  "Đã mở đợt tôn vinh; hãy ghi các đề cử ở dưới.",
		"nominated":              "Đã ghi đề cử.",
		"nomination-shortlisted": "Đã đưa đề cử vào danh sách xét chọn.",
		"nomination-rejected":    "Đã ghi quyết định không chọn.",
		"nomination-selected":    "Đã chọn; danh hiệu đã được ghi vào hồ sơ của người này, kèm số quyết định.",
	} {
		flashes[k] = msg
	}
	for f, l := range map[string]string{"nominator": "Người, đơn vị đề cử", "decision_number": "Số quyết định", "quota": "Chỉ tiêu",
		"nomination_deadline": "Hạn nhận đề cử", "issuer": "Cấp quyết định", "year": "Năm"} {
		if otherLabels[f] == "" {
			otherLabels[f] = l
		}
	}
	funcs["nominationCount"] = func(cs []stateCount, s string) int32 {
		for _, c := range cs {
			if c.State.String() == s {
				return c.Count
			}
		}
		return 0
	}
}
