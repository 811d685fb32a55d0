package console

import (
	"net/http"
	"regexp"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A person's life in the registry beyond the edit form: created by hand
// (not only by a registration or an import), deleted softly (AIP-164) and
// restored. The pages follow the server's table: CreatePerson is for
// admins and registrars without a limit, DeletePerson and UndeletePerson
// for admins alone; other accounts see no link or button for them, and
// the server refuses them all the same.

// canCreatePeople reports whether the account may create people: a
// registrar limited to an association or a unit may not (the server's
// CreatePerson is unscoped).
func canCreatePeople(a *store.Account) bool {
	return canWritePeople(a) && a.Association == "" && a.Organization == ""
}

// canDeletePeople reports whether the account may delete and restore
// people: admins alone (the server's DeletePerson, UndeletePerson).
func canDeletePeople(a *store.Account) bool { return a.Role == "admin" }

// What the pages of deleting and restoring say.
const (
	msgDeleteStale  = "Hồ sơ này vừa được người khác sửa sau khi bạn mở trang này, nên chưa bị xoá. Trang dưới đây là bản mới nhất; hãy xem lại rồi bấm “Xoá hồ sơ” lần nữa nếu vẫn cần xoá."
	msgRestoreStale = "Hồ sơ này vừa được người khác thay đổi sau khi bạn mở trang này, nên chưa được khôi phục. Trang dưới đây là bản mới nhất; hãy xem lại rồi bấm “Khôi phục” lần nữa."
	msgOnlyAdmins   = "vai trò của tài khoản không cho phép. Chỉ quản trị viên mới xoá hoặc khôi phục được hồ sơ; hãy liên hệ quản trị viên."
	msgNotForScoped = "Bạn không có quyền làm việc này: tài khoản của bạn chỉ dùng trong phạm vi một hội hoặc một đơn vị, nên không thêm người mới được. Hãy đăng ký hội viên, hoặc liên hệ cán bộ của Liên hiệp hội (tài khoản không giới hạn)."
)

// newPersonPath is the form of a new person (console.go's routes).
const newPersonPath = "/people/-/new"

// newPerson shows and saves the form of a new person: the edit form's
// fields, with a request id made when the form is shown, so that the form
// sent twice creates one person. A national ID someone already holds is
// refused by the server, which names the holder: the page links to them.
func (h *Handler) newPerson(q *request) {
	if !q.mayWrite(h, "Thêm người") {
		return
	}
	if !canCreatePeople(q.sess.Account) {
		q.errorPage(h, "Thêm người", msgNotForScoped, http.StatusForbidden)
		return
	}
	ctx := q.ctx()
	d := &editData{Action: newPersonPath, Back: "/people", Heading: "Thêm người", RequestID: q.formRequestID()}
	p := &page{Data: d}
	in := &pb.Person{}
	ch := h.loadChoices(ctx, in, personForm)
	var bad map[string]string
	if q.r.Method == "POST" {
		if bad = readForm(q.r, in, personForm, ch); len(bad) == 0 {
			out, err := h.people.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in, RequestId: d.RequestID})
			if err == nil {
				q.redirect("/people/"+idOf(out.GetName()), "person-created")
				return
			}
			p.Error, bad, _ = explain(err)
			if requestIDReused(err) {
				d.RequestID = newFormToken()
			}
			d.Duplicates = h.holders(q, err)
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
		if len(bad) > 0 {
			moreMistakes(changedPaths(&pb.Person{}, in, personForm, ch), bad, func(rest []string) error {
				m := changes(in, rest).(*pb.Person)
				if m.GetGivenName() == "" {
					// A stand-in for the required name, marked already,
					// so that the server checks the other fields past it.
					m.GivenName = "A"
				}
				_, err := h.people.CreatePerson(ctx, &pb.CreatePersonRequest{Person: m, ValidateOnly: true})
				return err
			})
		}
		p.Fields = bad
	}
	d.Fields = viewPosted(q.r, in, personForm, bad, ch)
	q.show(h, "edit", "people", d.Heading, p)
}

// personNameRE finds the person a refusal names.
var personNameRE = regexp.MustCompile(`\bpeople/[a-z0-9][a-z0-9-]{0,62}\b`)

// holders are the people a refused create names as already holding what
// the new person was given (the national ID: ALREADY_EXISTS), as the
// account reads them; none when the server withholds who (a restricted
// holder).
func (h *Handler) holders(q *request, err error) []*pb.Person {
	st, _ := status.FromError(err)
	if st.Code() != codes.AlreadyExists {
		return nil
	}
	var out []*pb.Person
	for _, d := range st.Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			continue
		}
		for _, v := range br.GetFieldViolations() {
			name := personNameRE.FindString(v.GetDescription())
			if name == "" {
				continue
			}
			if p, err := h.people.GetPerson(q.ctx(), &pb.GetPersonRequest{Name: name}); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

type deletePersonData struct {
	Person *pb.Person
	// Back is the list the profile was opened from (listBack), or "".
	Back string
}

// deletePerson shows what deleting a person means, and deletes them when
// that page's form is sent, with the etag it was read with: a profile
// changed meanwhile is not deleted unseen.
func (h *Handler) deletePerson(q *request) {
	if !q.mayDelete(h, "Xoá hồ sơ") {
		return
	}
	ctx := q.ctx()
	name := "people/" + q.r.PathValue("id")
	cur, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	p := &page{Data: deletePersonData{Person: cur, Back: q.backOf()}}
	if q.r.Method == "POST" {
		_, err := h.people.DeletePerson(ctx, &pb.DeletePersonRequest{Name: name, Etag: q.r.PostFormValue("etag")})
		switch {
		case err == nil, cur.GetDeleteTime() != nil:
			// Sent twice: the first deleted them.
			q.redirect(withBack(q.backOf(), "/people/", q.r.PathValue("id")), "person-deleted")
			return
		case status.Code(err) == codes.Aborted:
			p.Error, p.Status = msgDeleteStale, http.StatusConflict
		default:
			q.fail(h, err)
			return
		}
	} else if cur.GetDeleteTime() != nil {
		q.redirect(withBack(q.backOf(), "/people/", q.r.PathValue("id")), "")
		return
	}
	q.show(h, "deleteperson", "people", "Xoá hồ sơ: "+cur.GetDisplayName(), p)
}

// undeletePerson restores a deleted person, with the etag of the profile
// as shown.
func (h *Handler) undeletePerson(q *request) {
	if !q.mayDelete(h, "Khôi phục hồ sơ") {
		return
	}
	name := "people/" + q.r.PathValue("id")
	_, err := h.people.UndeletePerson(q.ctx(), &pb.UndeletePersonRequest{Name: name, Etag: q.r.PostFormValue("etag")})
	if err == nil {
		q.redirect(withBack(q.backOf(), "/people/", q.r.PathValue("id")), "person-restored")
		return
	}
	msg, _, code := explain(err)
	switch status.Code(err) {
	case codes.Aborted:
		msg = msgRestoreStale
	case codes.FailedPrecondition:
		// Sent twice: the first restored them.
		if cur, gerr := h.people.GetPerson(q.ctx(), &pb.GetPersonRequest{Name: name}); gerr == nil && cur.GetDeleteTime() == nil {
			q.redirect(withBack(q.backOf(), "/people/", q.r.PathValue("id")), "person-restored")
			return
		}
	}
	h.showProfile(q, msg, code)
}

// mayDelete refuses deleting and restoring to an account that may not,
// saying why; it reports whether the account may.
func (q *request) mayDelete(h *Handler, what string) bool {
	if canDeletePeople(q.sess.Account) {
		return true
	}
	q.errorPage(h, what, what+": "+msgOnlyAdmins, http.StatusForbidden)
	return false
}
