package server

import (
	"context"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The CONTACT purpose of a consent: where a person's is absent or
// withdrawn and no public duty covers it (Person.contact_allowed, kept by
// the store), their email, phone and address are the admins' only. This
// step runs after the role redaction (redact.go), which already clears
// them for the roles that may read no personal data, so in effect it is
// for registrars, those of the person's own association included: the
// contact details exist to contact the person, and a registration that
// wants to do so asks for CONTACT. Filters cannot reveal them either: the
// store's filters see an empty value where contact is withheld.

// hideContact returns msg without the contact details of the people it
// describes who may not be contacted, for callers other than admins: the
// profiles (which carry contact_allowed) and the revisions of a person
// (whose values do not, so the store is asked). msg is left as it is; a
// copy is made when something must be cleared.
func (s *Server) hideContact(ctx context.Context, msg proto.Message) (proto.Message, error) {
	var people []*pb.Person
	var revisions []*pb.PersonRevision
	collectContacts(msg.ProtoReflect(), &people, &revisions)
	need := false
	for _, p := range people {
		need = need || !p.ContactAllowed && hasContact(p)
	}
	var withheld map[string]bool
	if len(revisions) > 0 {
		var names []string
		for _, r := range revisions {
			names = append(names, revisionPerson(r.Name))
		}
		var err error
		if withheld, err = s.db.ContactWithheld(ctx, names); err != nil {
			return nil, err
		}
		need = need || len(withheld) > 0
	}
	if !need {
		return msg, nil
	}
	out := proto.Clone(msg)
	people, revisions = people[:0], revisions[:0]
	collectContacts(out.ProtoReflect(), &people, &revisions)
	for _, p := range people {
		if !p.ContactAllowed {
			clearContact(p)
		}
	}
	for _, r := range revisions {
		if !withheld[revisionPerson(r.Name)] {
			continue
		}
		clearContact(r.GetBefore().GetPerson())
		clearContact(r.GetAfter().GetPerson())
	}
	return out, nil
}

// hideContactOf clears the contact details of one profile the caller may
// not contact, for the answers that are not messages (exports).
func hideContactOf(p *Principal, person *pb.Person) *pb.Person {
	if p.Role == RoleAdmin || person.ContactAllowed || !hasContact(person) {
		return person
	}
	out := proto.Clone(person).(*pb.Person)
	clearContact(out)
	return out
}

func hasContact(p *pb.Person) bool {
	return p.Email != "" || p.Phone != "" || p.Address != ""
}

func clearContact(p *pb.Person) {
	if p != nil {
		p.Email, p.Phone, p.Address = "", "", ""
	}
}

// revisionPerson is the person people/{p} of people/{p}/revisions/{r}.
func revisionPerson(name string) string {
	if i := strings.Index(name, "/revisions/"); i > 0 {
		return name[:i]
	}
	return ""
}

// collectContacts finds the profiles and the revisions of people in m, at
// any depth. A revision's values are not profiles of their own: they are
// cleared by the revision's person.
func collectContacts(m protoreflect.Message, people *[]*pb.Person, revisions *[]*pb.PersonRevision) {
	walkMessages(m, func(m protoreflect.Message) bool {
		switch x := m.Interface().(type) {
		case *pb.PersonRevision:
			*revisions = append(*revisions, x)
			return false
		case *pb.Person:
			*people = append(*people, x)
		}
		return true
	})
}
