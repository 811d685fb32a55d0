package server

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// between is a service of the tests: its GetPerson, ListPeople and
// SearchPeople answer as PersonService's do, with the same permissions,
// hooks and handler, but run write (when set) once the handler has read
// and before the hooks see the answer: a write that lands between them.
type between struct {
	people *personService
	write  func()
}

func betweenDesc() grpc.ServiceDesc {
	method := func(name string, in func() proto.Message, call func(b *between, ctx context.Context, req any) (any, error)) grpc.MethodDesc {
		return grpc.MethodDesc{MethodName: name, Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			req := in()
			if err := dec(req); err != nil {
				return nil, err
			}
			b := srv.(*between)
			h := func(ctx context.Context, req any) (any, error) {
				resp, err := call(b, ctx, req)
				if err == nil && b.write != nil {
					b.write()
				}
				return resp, err
			}
			return interceptor(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/trithuc.test.Between/" + name}, h)
		}}
	}
	return grpc.ServiceDesc{ServiceName: "trithuc.test.Between", HandlerType: (*any)(nil), Methods: []grpc.MethodDesc{
		method("GetPerson", func() proto.Message { return new(pb.GetPersonRequest) }, func(b *between, ctx context.Context, req any) (any, error) {
			return b.people.GetPerson(ctx, req.(*pb.GetPersonRequest))
		}),
		method("ListPeople", func() proto.Message { return new(pb.ListPeopleRequest) }, func(b *between, ctx context.Context, req any) (any, error) {
			return b.people.ListPeople(ctx, req.(*pb.ListPeopleRequest))
		}),
		method("SearchPeople", func() proto.Message { return new(pb.SearchPeopleRequest) }, func(b *between, ctx context.Context, req any) (any, error) {
			return b.people.SearchPeople(ctx, req.(*pb.SearchPeopleRequest))
		}),
	}}
}

// A caller that may not read memberships (an internal service) got its
// etag and update_time of a person from a second read after its answer's.
// A membership's change landing in between gave it an etag of no
// revision, stale at once; a change of the profile, beside the profile
// from before it, an etag of no revision and the update_time of the
// change. GetPerson, ListPeople and SearchPeople now give both of the
// revision the answer read, whatever lands after.
func TestShownEtagAndUpdateTimeAreOfTheProfileRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := &between{}
	e.stop()
	e.start(func(s *Server) {
		b.people = &personService{db: s.db, shown: s.shown}
		desc := betweenDesc()
		s.grpc.RegisterService(&desc, b)
		for _, m := range []string{"GetPerson", "ListPeople", "SearchPeople"} {
			s.perms["/trithuc.test.Between/"+m] = s.perms["/trithuc.v1.PersonService/"+m]
		}
	})
	e.client.Close()
	e.client = e.clientAs(e.token)
	e.association("hoi-y", &pb.Association{DisplayName: "Hội Y học", Code: "HYH"})
	person := e.person(&pb.Person{FamilyName: "Phạm", GivenName: "Giao"})
	reg := e.register(&pb.RegisterMemberRequest{Parent: "associations/hoi-y", Applicant: &pb.RegisterMemberRequest_Person{Person: person.Name}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	_, svcTok := e.key(RoleService)
	svc := e.clientAs(svcTok)
	conn := svc.Conn()

	suspended := false
	membershipChange := func() {
		var err error
		if suspended {
			_, err = e.client.Memberships.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: reg.Membership.Name})
		} else {
			_, err = e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: reg.Membership.Name, Reason: "chưa đóng hội phí"})
		}
		if err != nil {
			t.Fatal(err)
		}
		suspended = !suspended
	}
	availability := []pb.Person_Availability{pb.Person_AVAILABLE, pb.Person_LIMITED}
	profileChange := func() {
		availability = append(availability[1:], availability[0])
		if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: person.Name, Availability: availability[0]}, UpdateMask: mask("availability")}); err != nil {
			t.Fatal(err)
		}
	}
	reads := []struct {
		name string
		read func() *pb.Person
	}{
		{"GetPerson", func() *pb.Person {
			out := new(pb.Person)
			if err := conn.Invoke(ctx, "/trithuc.test.Between/GetPerson", &pb.GetPersonRequest{Name: person.Name}, out); err != nil {
				t.Fatal(err)
			}
			return out
		}},
		{"ListPeople", func() *pb.Person {
			out := new(pb.ListPeopleResponse)
			if err := conn.Invoke(ctx, "/trithuc.test.Between/ListPeople", &pb.ListPeopleRequest{Filter: `given_name = "Giao"`}, out); err != nil || len(out.People) != 1 {
				t.Fatalf("%v, %v", out.People, err)
			}
			return out.People[0]
		}},
		{"SearchPeople", func() *pb.Person {
			out := new(pb.SearchPeopleResponse)
			if err := conn.Invoke(ctx, "/trithuc.test.Between/SearchPeople", &pb.SearchPeopleRequest{Query: "Giao"}, out); err != nil || len(out.People) != 1 {
				t.Fatalf("%v, %v", out.People, err)
			}
			return out.People[0]
		}},
	}
	for _, r := range reads {
		for _, w := range []struct {
			name  string
			write func()
		}{{"a membership's change", membershipChange}, {"a change of the profile", profileChange}} {
			want, err := svc.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person.Name})
			if err != nil {
				t.Fatal(err)
			}
			b.write = w.write
			got := r.read()
			b.write = nil
			if got.Availability != want.Availability || got.Etag != want.Etag || !got.UpdateTime.AsTime().Equal(want.UpdateTime.AsTime()) {
				t.Errorf("%s, %s landing after it: %v, etag %s, update_time %v; want those of the profile read: %v, %s, %v",
					r.name, w.name, got.Availability, got.Etag, got.UpdateTime.AsTime(), want.Availability, want.Etag, want.UpdateTime.AsTime())
			}
		}
	}
}
