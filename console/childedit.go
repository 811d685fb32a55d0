package console

import (
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The forms of what a person holds (qualifications, positions, honours,
// works): reading, creating and updating one; deleting is childdelete.go.

// child is a qualification, position, work or honour: how to read, create and
// update one through PersonService.
type child struct {
	get    func(q *request, name string) (proto.Message, error)
	create func(q *request, parent, requestID string, m proto.Message) error
	update func(q *request, m proto.Message, mask []string) error
	empty  func() proto.Message
}

var children = map[string]child{
	"qualifications": {
		get: func(q *request, name string) (proto.Message, error) {
			return q.h().people.GetQualification(q.ctx(), &pb.GetQualificationRequest{Name: name})
		},
		create: func(q *request, parent, requestID string, m proto.Message) error {
			_, err := q.h().people.CreateQualification(q.ctx(), &pb.CreateQualificationRequest{Parent: parent, Qualification: m.(*pb.Qualification), RequestId: requestID})
			return err
		},
		update: func(q *request, m proto.Message, mask []string) error {
			_, err := q.h().people.UpdateQualification(q.ctx(), &pb.UpdateQualificationRequest{Qualification: m.(*pb.Qualification), UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			return err
		},
		empty: func() proto.Message { return &pb.Qualification{} },
	},
	"positions": {
		get: func(q *request, name string) (proto.Message, error) {
			return q.h().people.GetPosition(q.ctx(), &pb.GetPositionRequest{Name: name})
		},
		create: func(q *request, parent, requestID string, m proto.Message) error {
			_, err := q.h().people.CreatePosition(q.ctx(), &pb.CreatePositionRequest{Parent: parent, Position: m.(*pb.Position), RequestId: requestID})
			return err
		},
		update: func(q *request, m proto.Message, mask []string) error {
			_, err := q.h().people.UpdatePosition(q.ctx(), &pb.UpdatePositionRequest{Position: m.(*pb.Position), UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			return err
		},
		empty: func() proto.Message { return &pb.Position{} },
	},
	"works": {
		get: func(q *request, name string) (proto.Message, error) {
			return q.h().people.GetWork(q.ctx(), &pb.GetWorkRequest{Name: name})
		},
		create: func(q *request, parent, requestID string, m proto.Message) error {
			_, err := q.h().people.CreateWork(q.ctx(), &pb.CreateWorkRequest{Parent: parent, Work: m.(*pb.Work), RequestId: requestID})
			return err
		},
		update: func(q *request, m proto.Message, mask []string) error {
			_, err := q.h().people.UpdateWork(q.ctx(), &pb.UpdateWorkRequest{Work: m.(*pb.Work), UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			return err
		},
		empty: func() proto.Message { return &pb.Work{} },
	},
	"honors": {
		get: func(q *request, name string) (proto.Message, error) {
			return q.h().people.GetHonor(q.ctx(), &pb.GetHonorRequest{Name: name})
		},
		create: func(q *request, parent, requestID string, m proto.Message) error {
			_, err := q.h().people.CreateHonor(q.ctx(), &pb.CreateHonorRequest{Parent: parent, Honor: m.(*pb.Honor), RequestId: requestID})
			return err
		},
		update: func(q *request, m proto.Message, mask []string) error {
			_, err := q.h().people.UpdateHonor(q.ctx(), &pb.UpdateHonorRequest{Honor: m.(*pb.Honor), UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			return err
		},
		empty: func() proto.Message { return &pb.Honor{} },
	},
}

// editChild shows and saves the form of a qualification, position or
// honour, new or existing; saving an existing one writes what the person
// changed only, as editPerson does.
func (h *Handler) editChild(q *request) { h.childPage(q, q.r.Method == "POST", "") }

// childPage shows the form of a qualification, position, work or honour,
// and saves it when save; unconfirmed, when set, is a deletion's refusal
// for want of its box ticked, said beside the box.
func (h *Handler) childPage(q *request, save bool, unconfirmed string) {
	if !q.mayWrite(h, "Sửa hồ sơ") {
		return
	}
	kind, personID, childID := q.r.PathValue("kind"), q.r.PathValue("id"), q.r.PathValue("child")
	c, ok := children[kind]
	form := childForms[kind]
	if !ok {
		q.fail(h, status.Error(codes.NotFound, "no such page"))
		return
	}
	parent := "people/" + personID
	name := parent + "/" + kind + "/" + childID
	back := q.backOf()
	d := &editData{Back: withBack(back, "/people/", personID), Heading: form.title + " — thêm mới"}
	d.Action = withBack(back, "/people/", personID, "/", kind, "/new")
	if childID == "" {
		d.RequestID = q.formRequestID()
	}
	var cur proto.Message = c.empty()
	if childID != "" {
		m, err := c.get(q, name)
		if err != nil {
			q.fail(h, err)
			return
		}
		cur = m
		d.Action = withBack(back, "/people/", personID, "/", kind, "/", childID, "/edit")
		d.Delete = withBack(back, "/people/", personID, "/", kind, "/", childID, "/delete")
		d.Heading = form.title + " — sửa"
	}
	p := &page{Data: d}
	if unconfirmed != "" {
		p.Error, p.Status, d.DeleteError = unconfirmed, http.StatusUnprocessableEntity, unconfirmed
	}
	etagOf := func(m proto.Message) string {
		fd := m.ProtoReflect().Descriptor().Fields().ByName("etag")
		return m.ProtoReflect().Get(fd).String()
	}
	ch := h.loadChoices(q.ctx(), cur, form.fields)
	if save {
		in := proto.Clone(cur)
		bad := readForm(q.r, in, form.fields, ch)
		var err error
		if len(bad) == 0 {
			if childID == "" {
				err = c.create(q, parent, d.RequestID, in)
				if requestIDReused(err) {
					d.RequestID = newFormToken()
				}
			} else {
				r := in.ProtoReflect()
				r.Set(r.Descriptor().Fields().ByName("name"), protoValue(name))
				r.Set(r.Descriptor().Fields().ByName("etag"), protoValue(q.r.PostFormValue("etag")))
				mask := changedPaths(cur, in, form.fields, ch)
				if len(mask) == 0 {
					q.redirect(d.Back, "unchanged")
					return
				}
				err = c.update(q, changes(in, mask), mask)
			}
			if err == nil {
				q.redirect(d.Back, strings.TrimSuffix(kind, "s")+"-saved")
				return
			}
			p.Error, bad, _ = explain(err)
		} else {
			p.Error = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu."
		}
		if status.Code(err) == codes.Aborted {
			d.Etag, d.Fields = etagOf(cur), viewFields(cur, form.fields, nil, ch)
		} else {
			d.Etag, d.Fields = q.r.PostFormValue("etag"), viewPosted(q.r, in, form.fields, bad, ch)
		}
		q.show(h, "edit", "people", d.Heading, p)
		return
	}
	d.Etag, d.Fields = etagOf(cur), viewFields(cur, form.fields, nil, ch)
	q.show(h, "edit", "people", d.Heading, p)
}
