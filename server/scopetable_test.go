package server

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The resource types whose names a scope limits, by the scope that limits
// them.
var scopedTypes = map[string]scopeKind{
	"trithuc.gov.vn/Person":           onPerson,
	"trithuc.gov.vn/Qualification":    onPerson,
	"trithuc.gov.vn/Position":         onPerson,
	"trithuc.gov.vn/Honor":            onPerson,
	"trithuc.gov.vn/Work":             onPerson,
	"trithuc.gov.vn/Consent":          onPerson,
	"trithuc.gov.vn/PersonRevision":   onPerson,
	"trithuc.gov.vn/Association":      onAssociation,
	"trithuc.gov.vn/Membership":       onAssociation,
	"trithuc.gov.vn/ExpertPool":       onAssociation,
	"trithuc.gov.vn/ExpertPoolMember": onAssociation,
	"trithuc.gov.vn/Engagement":       onAssociation,
	"trithuc.gov.vn/ProfileReview":    onReviewedPerson,
}

// requestScopes is which scopes the resources a request is about fall
// under, by the contract's resource annotations: its name and parent, and
// the resource it carries.
func requestScopes(md protoreflect.MessageDescriptor) map[scopeKind]bool {
	kinds := map[scopeKind]bool{}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch {
		case fd.Name() == "name" || fd.Name() == "parent":
			ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
			for _, t := range []string{ref.GetType(), ref.GetChildType()} {
				// A profile review's parent is a campaign, which no scope
				// limits; the review itself names its person.
				if t == ref.GetChildType() && t == "trithuc.gov.vn/ProfileReview" {
					continue
				}
				if k, ok := scopedTypes[t]; ok {
					kinds[k] = true
				}
			}
		case fd.Name() == "names" && fd.IsList():
			// A batch's names: each is checked.
			ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
			if scopedTypes[ref.GetType()] == onPerson {
				kinds[onPeople] = true
			}
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			res, _ := proto.GetExtension(fd.Message().Options(), annotations.E_Resource).(*annotations.ResourceDescriptor)
			if k, ok := scopedTypes[res.GetType()]; ok && fd.Message().Fields().ByName("name") != nil {
				kinds[k] = true
			}
		}
	}
	return kinds
}

// TestScopeDeclared holds every served method to a scope declared on its
// line of the permission table, and the declaration to the contract: a
// method a limited caller may call that names a person or an association
// must check the scope of what it names (or be a read of what every
// caller reads, readByAll, naming no person), and a method that checks one
// must name it.
func TestScopeDeclared(t *testing.T) {
	e := newEnv(t)
	for svc, info := range e.srv.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			name := "/" + svc + "/" + m.Name
			if line, ok := permissions[name]; ok && line.scope == undeclared {
				t.Errorf("%s declares no scope: say on its line in server/permissions.go what of its request a limited caller's scope is checked against", name)
			}
		}
	}
	for name, line := range permissions {
		if line.scope == undeclared {
			continue
		}
		md := methodDescriptor(t, name)
		names := requestScopes(md.Input())
		limited, unit := false, false
		for _, r := range line.roles {
			limited = limited || r == scopedRegistrar || r == anyRole || r == unitLimited
			unit = unit || r == unitLimited
		}
		switch {
		case (line.scope == unscoped || line.scope == filtered) && limited && len(names) > 0:
			t.Errorf("%s is open to a limited caller and names a person or an association, but is %s", name, map[scopeKind]string{unscoped: "unscoped", filtered: "filtered"}[line.scope])
		case line.scope == readByAll && (!isRead(name) || names[onPerson] || names[onPeople] || names[onReviewedPerson]):
			t.Errorf("%s is read by all whatever their scope, but is not a read or names a person (%v)", name, names)
		case line.scope == readByAll:
		case unit && line.scope == onAssociation:
			t.Errorf("%s is open to a unit's caller but checks an association's scope, which a unit has not", name)
		case line.scope == filtered:
		case line.scope != unscoped && !names[line.scope]:
			t.Errorf("%s checks a scope (%d) that its request does not name (it names %v)", name, line.scope, names)
		}
	}
}

// scopeProbe is a service of the tests with one stream, Memberships: for
// every GetMembershipRequest it receives it sends the membership of the
// person outside the scope, as a careless handler would.
var scopeProbeDesc = grpc.ServiceDesc{
	ServiceName: "trithuc.test.ScopeProbe",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName:    "Memberships",
		ServerStreams: true,
		ClientStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			leak := srv.(*pb.Membership)
			for {
				if err := stream.RecvMsg(new(pb.GetMembershipRequest)); err != nil {
					if errors.Is(err, io.EOF) {
						return nil
					}
					return err
				}
				if err := stream.SendMsg(proto.Clone(leak)); err != nil {
					return err
				}
			}
		},
	}},
}

// The scope holds for every message of a stream, as for a unary call: a
// request naming something outside it ends the stream, and the answers
// name no one outside it.
func TestScopeOnStreams(t *testing.T) {
	f := newScopeFixture(t)
	ms, _, err := f.e.db.ListMemberships(f.ctx, f.kt.Name, store.ListQuery{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("the outsider's membership: %v %v", ms, err)
	}
	f.e.stop()
	f.e.start(func(s *Server) {
		s.grpc.RegisterService(&scopeProbeDesc, ms[0])
		s.perms["/trithuc.test.ScopeProbe/Memberships"] = may(onAssociation, scopedRegistrar)
	})
	conn := f.e.clientAs(f.medicalTok).Conn()
	ctx, cancel := context.WithTimeout(f.ctx, 30*time.Second)
	defer cancel()
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, "/trithuc.test.ScopeProbe/Memberships")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(&pb.GetMembershipRequest{Name: f.hyh.Name + "/memberships/m1"}); err != nil {
		t.Fatal(err)
	}
	got := new(pb.Membership)
	if err := stream.RecvMsg(got); err != nil {
		t.Fatalf("a request within the scope: %v", err)
	}
	if got.Name != ms[0].Name || got.Person != "" {
		t.Errorf("the answer names %q of the person outside the scope (membership %q)", got.Person, got.Name)
	}
	if err := stream.SendMsg(&pb.GetMembershipRequest{Name: ms[0].Name}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, stream.RecvMsg(new(pb.Membership)), codes.PermissionDenied)
}
