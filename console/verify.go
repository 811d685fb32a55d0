package console

import (
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/vntext"
)

// Verifying qualifications: an officer of the Department of Home Affairs
// checks a qualification against its documents and records what they
// found (VerifyQualification), from the profile or from the list of the
// qualifications awaiting it (ListQualifications across people/-).

// canVerify reports whether the account may verify qualifications (the
// server's table: home_affairs, a unit's too for its people, and admins).
// The pages show the form and the list's link to such accounts only.
func canVerify(a *store.Account) bool {
	return a.Role == "admin" || a.Role == "home_affairs"
}

// canListToVerify reports whether the account may open the list of
// qualifications to verify: it reads across every person (people/-), which
// the server refuses an account limited to a unit, which verifies from its
// people's profiles instead.
func canListToVerify(a *store.Account) bool {
	return canVerify(a) && a.Organization == "" && a.Association == ""
}

// verdicts are the form's choices, the states a verifier may give.
var verdicts = []pb.Verification_State{pb.Verification_VERIFIED, pb.Verification_REJECTED}

type verifyData struct {
	Person *pb.Person
	Q      *pb.Qualification
	Names  refNames
	// The form's values: those posted, after an error.
	State, Note, Etag string
	States            []option
	// Next is where the form returns to, on this site: the profile, or
	// the list it was opened from.
	Next string
}

// verifyQualification shows a qualification with its verification and the
// form that records one. The form carries the qualification's etag: a
// qualification changed since the page was shown is not verified blind,
// and the same form sent twice (a double click, a reload) records one
// verification, the second finding its own.
func (h *Handler) verifyQualification(q *request) {
	personID, qualID := q.r.PathValue("id"), q.r.PathValue("q")
	if q.r.Method == http.MethodGet && !canVerify(q.sess.Account) {
		q.refuse(h, "Xác minh trình độ", msgNotYourRole)
		return
	}
	// A post is the server's to refuse: its table decides who verifies,
	// whatever page the form came from.
	ctx := q.ctx()
	name := "people/" + personID + "/qualifications/" + qualID
	d := &verifyData{Next: "/people/" + personID}
	if n := q.r.FormValue("next"); n != "" {
		d.Next = safeNext(n)
	}
	p := &page{Data: d}
	if q.r.Method == http.MethodPost {
		d.State, d.Note, d.Etag = q.r.PostFormValue("state"), q.r.PostFormValue("note"), q.r.PostFormValue("etag")
		state := pb.Verification_State(pb.Verification_State_value[d.State])
		if state != pb.Verification_VERIFIED && state != pb.Verification_REJECTED {
			p.Fields = map[string]string{"state": msgVerdictRequired}
			p.Error = "Có thông tin chưa hợp lệ: " + otherLabels["state"] + ": " + msgVerdictRequired
		} else {
			_, err := h.people.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: name, State: state, Note: d.Note, Etag: d.Etag})
			if status.Code(err) == codes.Aborted && h.verifiedAlready(q, name, state, d.Note) {
				err = nil
			}
			if err == nil {
				q.redirect(d.Next, "qualification-verified")
				return
			}
			var code int
			p.Error, p.Fields, code = explain(err)
			switch status.Code(err) {
			case codes.InvalidArgument:
			case codes.Aborted:
				// The page shows the qualification as it is now, to
				// check again: what was chosen stays, with the new etag.
				p.Error, p.Status, d.Etag = msgVerifyChanged, code, ""
			default:
				q.errorPage(h, "Xác minh trình độ", p.Error, code)
				return
			}
		}
	}
	qual, err := h.people.GetQualification(ctx, &pb.GetQualificationRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	person, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/" + personID, View: pb.PersonView_PERSON_VIEW_BASIC})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Person, d.Q = person, qual
	if d.Etag == "" {
		d.Etag = qual.GetEtag()
	}
	for _, s := range verdicts {
		d.States = append(d.States, option{Value: s.String(), Label: verdictLabels[s], Selected: s.String() == d.State})
	}
	d.Names = refNames{}
	h.lookup(ctx, d.Names, []string{refLevels + qual.GetLevel(), refCountries + qual.GetCountry(), qual.GetField()})
	p.Who = q.whoNames(h, []string{qual.GetVerification().GetVerifier()})
	q.show(h, "verify", verifyNav(q.sess.Account), "Xác minh trình độ: "+person.GetDisplayName(), p)
}

// verdictLabels are the form's words for a verdict: what the choice
// means, beyond the state's word (labels).
var verdictLabels = map[pb.Verification_State]string{
	pb.Verification_VERIFIED: "Đã xác minh: đúng với văn bằng, chứng chỉ",
	pb.Verification_REJECTED: "Xác minh không đúng: không khớp với văn bằng, chứng chỉ",
}

// msgVerdictRequired stands next to the form's choice left empty.
const msgVerdictRequired = "cần chọn kết quả xác minh: đã xác minh (đúng với văn bằng, chứng chỉ) hoặc xác minh không đúng"

// msgVerifyChanged says that a verification was refused for the etag.
const msgVerifyChanged = "Trình độ này vừa được sửa hoặc xác minh trong lúc bạn xem, nên kết quả xác minh của bạn chưa được ghi. Trang dưới đây là bản mới nhất; hãy đối chiếu lại rồi ghi kết quả lần nữa."

// verifiedAlready reports whether the qualification holds the verification
// the form asks for, made by the signed-in person: the form was sent
// before (a double click, a reload after it succeeded), and its first
// sending changed the etag the second carries.
func (h *Handler) verifiedAlready(q *request, name string, state pb.Verification_State, note string) bool {
	cur, err := h.people.GetQualification(q.ctx(), &pb.GetQualificationRequest{Name: name})
	if err != nil {
		return false
	}
	v := cur.GetVerification()
	return v.GetState() == state && v.GetVerifier() == "user:"+q.sess.Account.Email &&
		v.GetNote() == vntext.NFC(strings.TrimSpace(note))
}

// verifyNav is the menu entry the verification pages stand under.
func verifyNav(a *store.Account) string {
	if canListToVerify(a) {
		return "verify"
	}
	return "people"
}

type toVerifyRow struct {
	Q      *pb.Qualification
	Person *pb.Person
}

type toVerifyData struct {
	Rows          []toVerifyRow
	Total         int32
	NextURL, Self string
	States, Kinds []option
	Names         refNames
}

// toVerify lists the qualifications in a verification state, those not yet
// verified by default, oldest first: the Department's queue.
func (h *Handler) toVerify(q *request) {
	if !canListToVerify(q.sess.Account) {
		why := msgNotYourRole
		if canVerify(q.sess.Account) {
			why = "danh sách này gồm trình độ của mọi người trong cơ sở dữ liệu, còn tài khoản của bạn chỉ dùng cho một đơn vị; hãy xác minh từ hồ sơ của từng người (mục Trình độ)."
		}
		q.refuse(h, "Xác minh trình độ", why)
		return
	}
	ctx := q.ctx()
	v := q.r.URL.Query()
	state := v.Get("state")
	if s := pb.Verification_State(pb.Verification_State_value[state]); s == pb.Verification_STATE_UNSPECIFIED {
		state = pb.Verification_UNVERIFIED.String()
	}
	and := []string{"verification.state = " + state}
	kind := v.Get("kind")
	if pb.Qualification_Kind_value[kind] != 0 {
		and = append(and, "kind = "+kind)
	} else {
		kind = ""
	}
	d := &toVerifyData{Names: refNames{}, Self: q.r.URL.RequestURI()}
	for _, s := range []pb.Verification_State{pb.Verification_UNVERIFIED, pb.Verification_VERIFIED, pb.Verification_REJECTED} {
		d.States = append(d.States, option{Value: s.String(), Label: verificationWord(s), Selected: s.String() == state})
	}
	d.Kinds = append([]option{{Value: "", Label: "Tất cả"}}, enumOpts(kind, pb.Qualification_DEGREE, pb.Qualification_ACADEMIC_TITLE,
		pb.Qualification_PROFESSIONAL_CERTIFICATE, pb.Qualification_VOCATIONAL_CERTIFICATE, pb.Qualification_POLITICAL_THEORY,
		pb.Qualification_STATE_MANAGEMENT, pb.Qualification_FOREIGN_LANGUAGE, pb.Qualification_IT_SKILL)...)
	resp, err := h.people.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-", Filter: strings.Join(and, " AND "),
		OrderBy: "create_time", PageSize: 50, PageToken: v.Get("page")})
	if err != nil {
		q.fail(h, err)
		return
	}
	d.Total = resp.GetTotalSize()
	d.NextURL = nextPage("/qualifications", v, resp.GetNextPageToken())
	var people, refs []string
	for _, x := range resp.GetQualifications() {
		people = append(people, holderOf(x.GetName()))
		refs = append(refs, refLevels+x.GetLevel())
	}
	byName := h.peopleByName(ctx, people)
	for _, x := range resp.GetQualifications() {
		d.Rows = append(d.Rows, toVerifyRow{Q: x, Person: byName[holderOf(x.GetName())]})
	}
	h.lookup(ctx, d.Names, refs)
	q.show(h, "toverify", "verify", "Xác minh trình độ", &page{Data: d})
}

// holderOf is the person of a qualification's name:
// people/p/qualifications/q → people/p.
func holderOf(name string) string {
	p, _, _ := strings.Cut(name, "/qualifications/")
	return p
}

// verificationWord is a verification state's word, an unrecorded state
// read as unverified (profile.proto).
func verificationWord(s pb.Verification_State) string {
	if s == pb.Verification_STATE_UNSPECIFIED {
		s = pb.Verification_UNVERIFIED
	}
	return labels.Of(s)
}

func init() {
	funcs["holderOf"] = holderOf
	funcs["verification"] = func(v *pb.Verification) string { return verificationWord(v.GetState()) }
	funcs["verifyLink"] = func(personID string, q *pb.Qualification, next string) string {
		u := "/people/" + personID + "/qualifications/" + idOf(q.GetName()) + "/verify"
		// The profile is where the form returns by itself.
		if next != "" && next != "/people/"+personID {
			u += "?next=" + url.QueryEscape(next)
		}
		return u
	}
}
