package console

import (
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A qualification, position, work or honour entered by mistake is deleted
// from its edit page. Such an entry has no undelete, so the form asks to
// confirm (a box to tick) and sends the etag the page was read with: a
// entry changed meanwhile by someone else is not deleted unseen.
var removers = map[string]func(q *request, name, etag string) error{
	"qualifications": func(q *request, name, etag string) error {
		_, err := q.h().people.DeleteQualification(q.ctx(), &pb.DeleteQualificationRequest{Name: name, Etag: etag})
		return err
	},
	"positions": func(q *request, name, etag string) error {
		_, err := q.h().people.DeletePosition(q.ctx(), &pb.DeletePositionRequest{Name: name, Etag: etag})
		return err
	},
	"works": func(q *request, name, etag string) error {
		_, err := q.h().people.DeleteWork(q.ctx(), &pb.DeleteWorkRequest{Name: name, Etag: etag})
		return err
	},
	"honors": func(q *request, name, etag string) error {
		_, err := q.h().people.DeleteHonor(q.ctx(), &pb.DeleteHonorRequest{Name: name, Etag: etag})
		return err
	},
}

const msgConfirmDelete = "Chưa xoá gì: hãy đánh dấu ô “Xoá hẳn mục này” rồi bấm Xoá."

func (h *Handler) deleteChild(q *request) {
	if !q.mayWrite(h, "Xoá") {
		return
	}
	kind, personID, childID := q.r.PathValue("kind"), q.r.PathValue("id"), q.r.PathValue("child")
	remove, ok := removers[kind]
	if !ok {
		q.fail(h, status.Error(codes.NotFound, "no such page"))
		return
	}
	if q.r.PostFormValue("confirm") == "" {
		// The entry's page again, the box to tick marked: the browser
		// does not check it (novalidate).
		h.childPage(q, false, msgConfirmDelete)
		return
	}
	if err := remove(q, "people/"+personID+"/"+kind+"/"+childID, q.r.PostFormValue("etag")); err != nil {
		q.fail(h, err)
		return
	}
	q.redirect(withBack(q.backOf(), "/people/", personID), strings.TrimSuffix(kind, "s")+"-deleted")
}
