package server

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc/proto/trithuc/v1"
)

// What a registrar key limited to an association learns of people outside
// its scope (DESIGN.md §10, store/scope.go): nothing by name. Memberships
// in its answers name only the people in its scope; the member of a
// membership whose link is unconfirmed, or that has ended, is left out, and
// so are the names of look-alikes outside the scope (their count and
// reasons stay, so that the key knows to ask a registrar without a limit).

// scopeOf is the association the caller's key is limited to; "" for any
// other caller.
func scopeOf(ctx context.Context) string {
	if p := callFrom(ctx).principal; p != nil {
		return p.Association
	}
	return ""
}

// hideOutOfScope clears, in place, every name of a person outside scope
// from the memberships that resp holds, however deep, and the profile a
// registration returns with a member outside it.
func (s *Server) hideOutOfScope(ctx context.Context, scope string, resp proto.Message) error {
	var ms []*pb.Membership
	collectMemberships(resp.ProtoReflect(), &ms)
	if len(ms) == 0 {
		return nil
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Person)
		for _, d := range m.PossibleDuplicates {
			names = append(names, d.Person)
		}
	}
	in, err := s.db.PeopleInScope(ctx, scope, names)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !in[m.Person] {
			m.Person = ""
			// The consent's name is under the person's.
			if m.Consent != nil {
				m.Consent.Name, m.Consent.Etag = "", ""
			}
		}
		for _, d := range m.PossibleDuplicates {
			if !in[d.Person] {
				d.Person = ""
			}
		}
	}
	if r, ok := resp.(*pb.RegisterMemberResponse); ok && r.Membership.GetPerson() == "" {
		r.Person = nil
	}
	return nil
}

func collectMemberships(m protoreflect.Message, out *[]*pb.Membership) {
	if mm, ok := m.Interface().(*pb.Membership); ok {
		*out = append(*out, mm)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil || fd.IsMap():
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				collectMemberships(l.Get(i).Message(), out)
			}
		default:
			collectMemberships(v.Message(), out)
		}
		return true
	})
}
