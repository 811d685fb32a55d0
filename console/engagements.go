package console

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

type engagementData struct {
	E           *pb.Engagement
	Pool        *pb.ExpertPool
	PoolPath    string
	Expert      string
	OrgName     string
	CanWrite    bool
	Outcome     string
	Rating      int32
	End         string
	RatingsList []option
}

// msgEngagementChanged answers a form whose record changed since the page
// was read: nothing is saved, the page shows the record as it is now.
const msgEngagementChanged = "Mục này vừa được người khác sửa trong lúc bạn đang xem, nên thay đổi của bạn chưa được lưu. Trang dưới đây là bản mới nhất; hãy xem lại rồi nhập lại."

// engagement shows an engagement and, to the roles that may, a form that
// sets its outcome, rating and end; the form carries the etag of the
// engagement as read.
func (h *Handler) engagement(q *request) {
	if q.notForExperts(h) {
		return
	}
	ctx := q.ctx()
	name := poolName(q) + "/engagements/" + q.r.PathValue("e")
	p := &page{Fields: map[string]string{}}
	var posted *engagementData
	if q.r.Method == http.MethodPost {
		if !q.mayWrite(h, "Ghi kết quả việc mời chuyên gia") {
			return
		}
		f := q.r.PostFormValue
		posted = &engagementData{Outcome: strings.TrimSpace(f("outcome")), End: strings.TrimSpace(f("end_date"))}
		rating, err := strconv.Atoi(f("rating"))
		if err != nil || rating < 0 || rating > 5 {
			p.Fields["rating"] = msgRating
		}
		posted.Rating = int32(rating)
		e := &pb.Engagement{Name: name, Outcome: posted.Outcome, Rating: posted.Rating, Etag: f("etag")}
		if posted.End != "" {
			if dt, err := parseDate(posted.End); err != nil || dt.GetDay() == 0 {
				p.Fields["end_date"] = "Cần một ngày đầy đủ: ngày/tháng/năm, ví dụ 30/06/2026."
			} else {
				e.EndDate = dt
			}
		}
		if len(p.Fields) == 0 {
			_, err := h.experts.UpdateEngagement(ctx, &pb.UpdateEngagementRequest{Engagement: e,
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"outcome", "rating", "end_date"}}})
			if err == nil {
				q.redirect(poolPath(q)+"/engagements/"+q.r.PathValue("e"), "engagement-saved")
				return
			}
			h.refusal(q, p, err, "", nil)
			if status.Code(err) == codes.Aborted {
				p.Error, posted = msgEngagementChanged, nil
			}
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
	}
	e, err := h.experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	pool, err := h.experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: poolName(q)})
	if err != nil {
		q.fail(h, err)
		return
	}
	// An engagement of an expert outside a limited account's scope comes
	// without them, and the server refuses the account a change to it.
	d := &engagementData{E: e, Pool: pool, PoolPath: poolPath(q), CanWrite: canWritePeople(q.sess.Account) && e.GetPerson() != "", Outcome: e.GetOutcome(), Rating: e.GetRating(),
		End: formDate(e.GetEndDate().GetYear(), e.GetEndDate().GetMonth(), e.GetEndDate().GetDay())}
	if posted != nil {
		d.Outcome, d.Rating, d.End = posted.Outcome, posted.Rating, posted.End
	}
	names := map[string]string{}
	if e.GetPerson() != "" {
		if ms, err := h.experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: poolName(q),
			Filter: `person = "` + e.GetPerson() + `"`}); err == nil {
			for _, m := range ms.GetExpertPoolMembers() {
				names[m.GetPerson()] = m.GetDisplayName()
			}
		}
	}
	d.Expert = expertName(e.GetPerson(), names)
	if org := e.GetMatterOrganization(); org != "" {
		d.OrgName = org
		if o, err := h.orgs.GetOrganization(ctx, &pb.GetOrganizationRequest{Name: org}); err == nil {
			d.OrgName = o.GetDisplayName()
		}
	}
	for i := int32(0); i <= 5; i++ {
		d.RatingsList = append(d.RatingsList, option{Value: strconv.Itoa(int(i)), Label: ratingLabel(i), Selected: i == d.Rating})
	}
	p.Data = d
	q.show(h, "engagement", "experts", "Việc mời chuyên gia: "+e.GetMatterTitle(), p)
}

// formDate is a date as a form's box holds it, day/month/year as people
// write it here (parseDate reads it back), or "". Not <input type="date">,
// which shows the browser's format: mm/dd/yyyy in an English browser.
func formDate(y, m, d int32) string {
	if y == 0 || m == 0 || d == 0 {
		return ""
	}
	return twoDigits(d) + "/" + twoDigits(m) + "/" + strconv.Itoa(int(y))
}

func twoDigits(n int32) string {
	if n < 10 {
		return "0" + strconv.Itoa(int(n))
	}
	return strconv.Itoa(int(n))
}

// ratingLabel says a rating in words: 1 poor to 5 excellent, 0 not rated.
func ratingLabel(r int32) string {
	switch r {
	case 1:
		return "1 – Kém"
	case 2:
		return "2 – Trung bình"
	case 3:
		return "3 – Khá"
	case 4:
		return "4 – Tốt"
	case 5:
		return "5 – Xuất sắc"
	}
	return "Chưa đánh giá"
}

const msgRating = "Đánh giá từ 1 (kém) đến 5 (xuất sắc), hoặc chưa đánh giá."

// The server's refusals of a pool's member and an engagement, in its
// words (store/expertpools.go, store/engagements.go): they come without a
// field (FAILED_PRECONDITION), or name the API's field, so the console
// finds by their words the box they are about.
var (
	conflictRE    = regexp.MustCompile(`^the expert works at (organizations/\S+), which owns the matter`)
	unavailableRE = regexp.MustCompile(`is not AVAILABLE for expert work \(availability is (\w+)\)`)
)

// sayExpertRefusal is such a refusal in Vietnamese and the form's field
// it is about; orgs names the organizations (a conflict names one).
func sayExpertRefusal(err error, orgs map[string]string) (field, msg string, ok bool) {
	st, _ := status.FromError(err)
	m := st.Message()
	switch st.Code() {
	case codes.FailedPrecondition:
		if c := conflictRE.FindStringSubmatch(m); c != nil {
			org := c[1]
			if n := orgs[org]; n != "" {
				org = n
			}
			return "matter_organization", "Chuyên gia này đang công tác tại " + org + ", đơn vị có việc cần tư vấn, phản biện hay giám định (xung đột lợi ích): hãy chọn chuyên gia khác, hoặc ghi vào ô “Lý do vẫn mời” vì sao vẫn mời người này (việc vẫn mời được ghi vào nhật ký, kèm tên đơn vị).", true
		}
		if a := unavailableRE.FindStringSubmatch(m); a != nil {
			return "person", "Người này chưa sẵn sàng tham gia tư vấn, phản biện (hồ sơ ghi “" + labels.Of(a[1]) + "”): hãy sửa mục “Sẵn sàng tham gia tư vấn, phản biện” trên hồ sơ trước.", true
		}
		switch {
		case strings.Contains(m, "has not consented to the PUBLICATION"):
			return "person", "Người này chưa đồng ý công bố hồ sơ chuyên gia (mục đích “Công bố”): hãy ghi nhận sự đồng ý đó trước khi thêm vào nhóm.", true
		case strings.Contains(m, "is not a member of"):
			return "person", "Người này không có trong nhóm chuyên gia này: hãy thêm vào nhóm trước.", true
		case strings.Contains(m, "is an INACTIVE member of"):
			return "person", "Người này đang “Tạm không mời” trong nhóm: hãy cho mời lại trước.", true
		}
	case codes.AlreadyExists:
		if strings.Contains(m, "is already a member of") {
			return "person", "Người này đã có trong nhóm chuyên gia này.", true
		}
	case codes.PermissionDenied:
		// The expert a form names is outside the account's scope; a
		// person who does not exist is answered the same (AIP-211).
		if strings.Contains(m, `may not act on "people/`) {
			return "person", "Không thêm được: người này không thuộc hội của bạn hay các hội trực thuộc (hoặc không có hồ sơ mang mã này).", true
		}
	case codes.InvalidArgument:
		for _, v := range fieldViolations(st) {
			if strings.HasSuffix(v.GetField(), ".person") && strings.Contains(v.GetDescription(), "does not exist") {
				return "person", "Không có hồ sơ nào mang mã này; hãy mở hồ sơ của người đó và chép phần cuối của địa chỉ trang (sau /people/).", true
			}
		}
	}
	return "", "", false
}

// fieldViolations are the fields a refusal names (google.rpc.BadRequest).
func fieldViolations(st *status.Status) []*errdetails.BadRequest_FieldViolation {
	var out []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			out = append(out, br.GetFieldViolations()...)
		}
	}
	return out
}

func init() {
	// The engagement's fields, for a message about one of them.
	for f, l := range map[string]string{"matter_title": "Việc cần tư vấn, phản biện", "requesting_agency": "Cơ quan đề nghị",
		"matter_organization": "Đơn vị có việc", "decision_number": "Số quyết định", "start_date": "Ngày bắt đầu",
		"end_date": "Ngày kết thúc", "declared_conflict": "Xung đột lợi ích đã khai", "conflict_override_reason": "Lý do vẫn mời",
		"outcome": "Kết quả", "rating": "Đánh giá"} {
		otherLabels[f] = l
	}
	// The messages after the pages' forms succeeded (flashes).
	for k, msg := range map[string]string{
		"pool-created":        "Đã tạo nhóm chuyên gia; hãy thêm chuyên gia vào nhóm ở dưới.",
		"expert-added":        "Đã thêm chuyên gia vào nhóm.",
		"expert-status":       "Đã đổi trạng thái của chuyên gia trong nhóm.",
		"engagement-recorded": "Đã ghi nhận việc mời chuyên gia; khi xong việc, hãy ghi kết quả và đánh giá ở dưới.",
		"engagement-saved":    "Đã lưu kết quả và đánh giá.",
	} {
		flashes[k] = msg
	}
	funcs["rating"] = ratingLabel
	funcs["memberStatus"] = func(s pb.ExpertPoolMember_Status) string {
		if s == pb.ExpertPoolMember_INACTIVE {
			return "Tạm không mời"
		}
		return "Đang mời"
	}
	funcs["entryOf"] = func(names map[string]string, name string) string {
		if n := names[name]; n != "" {
			return n
		}
		return name
	}
}
