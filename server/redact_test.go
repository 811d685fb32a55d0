package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// probe is a service of the tests: Deadline says how long its call may
// run; People streams every person, as an export would.
type probe struct{ db *store.DB }

var probeDesc = grpc.ServiceDesc{
	ServiceName: "trithuc.test.Probe",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Deadline",
		Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			in := new(emptypb.Empty)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, _ any) (any, error) {
				d, ok := ctx.Deadline()
				if !ok {
					return nil, status.Error(codes.FailedPrecondition, "no deadline")
				}
				return durationpb.New(time.Until(d)), nil
			}
			return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/trithuc.test.Probe/Deadline"}, h)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "People",
		ServerStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			if err := stream.RecvMsg(new(emptypb.Empty)); err != nil {
				return err
			}
			people, _, err := srv.(*probe).db.ListPeople(stream.Context(), store.ListQuery{PageSize: 100}, 0)
			if err != nil {
				return err
			}
			for _, p := range people {
				if err := stream.SendMsg(p); err != nil {
					return err
				}
			}
			return nil
		},
	}},
}

func (e *env) startWithProbe(permit map[string][]string) {
	e.t.Helper()
	e.stop()
	e.start(func(s *Server) {
		s.grpc.RegisterService(&probeDesc, &probe{db: s.db})
		s.allow("/trithuc.test.Probe/Deadline", RoleRegistrar, RoleHomeAffairs, RoleService)
		s.allow("/trithuc.test.Probe/People", RoleRegistrar, RoleHomeAffairs, RoleService)
		for m, roles := range permit {
			s.allow(m, roles...)
		}
	})
}

func probePeople(t *testing.T, conn *grpc.ClientConn) []*pb.Person {
	t.Helper()
	stream, err := conn.NewStream(context.Background(), &grpc.StreamDesc{ServerStreams: true}, "/trithuc.test.Probe/People")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(&emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	stream.CloseSend()
	var out []*pb.Person
	for {
		p := new(pb.Person)
		err := stream.RecvMsg(p)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

// wantRedacted fails unless p is a with its personal data cleared, the
// year of birth kept.
func wantRedacted(t *testing.T, where string, p, a *pb.Person) {
	t.Helper()
	if p.NationalId != "" || p.Phone != "" || p.Email != "" || p.Ethnicity != "" {
		t.Errorf("%s: personal data not cleared: %v", where, p)
	}
	if !proto.Equal(p.BirthDate, &date.Date{Year: a.BirthDate.Year}) {
		t.Errorf("%s: birth date %v, want the year alone", where, p.BirthDate)
	}
	if p.GivenName != a.GivenName || p.FamilyName != a.FamilyName || p.Hometown != a.Hometown || p.Gender != a.Gender || p.Name == "" || p.Etag == "" {
		t.Errorf("%s: more than personal data cleared: %v", where, p)
	}
}

func wantWhole(t *testing.T, where string, p, a *pb.Person) {
	t.Helper()
	if p.NationalId != a.NationalId || p.Phone != a.Phone || p.Email != a.Email || p.Ethnicity != a.Ethnicity || !proto.Equal(p.BirthDate, a.BirthDate) {
		t.Errorf("%s: personal data missing for a role entitled to it: %v", where, p)
	}
}

// personFromJSON reads a person as REST returns it.
func personFromJSON(t *testing.T, body map[string]any) *pb.Person {
	t.Helper()
	b, _ := json.Marshal(body)
	p := new(pb.Person)
	if err := (protojsonUnmarshal(b, p)); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return p
}

// TestRedaction reads a profile on every read path as every role: roles
// not entitled to personal data get it cleared, the others get it whole.
func TestRedaction(t *testing.T) {
	e := newEnv(t)
	// Write methods are opened to every role here only to show that their
	// responses are redacted too.
	e.startWithProbe(map[string][]string{
		"/trithuc.v1.PersonService/CreatePerson": {RoleHomeAffairs, RoleService},
		"/trithuc.v1.PersonService/UpdatePerson": {RoleHomeAffairs, RoleService},
	})
	ctx := context.Background()
	admin := e.clientAs(e.token)
	p, err := admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.callers() {
		if c.association != "" {
			continue
		}
		check := wantWhole
		if !personalDataRoles[c.role] {
			check = wantRedacted
		}
		t.Run(c.label, func(t *testing.T) {
			cl := e.clientAs(c.token)
			got, err := cl.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "GetPerson", got, anh())
			list, err := cl.People.ListPeople(ctx, &pb.ListPeopleRequest{})
			if err != nil || len(list.People) == 0 {
				t.Fatalf("ListPeople: %v %v", list, err)
			}
			for _, got := range list.People {
				check(t, "ListPeople", got, anh())
			}
			// Twice: the second page is the store's memory of the
			// profiles (store/heldcache.go), which the others read too.
			for range 2 {
				found, err := cl.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Ánh"})
				if err != nil || len(found.People) == 0 {
					t.Fatalf("SearchPeople: %v %v", found, err)
				}
				for _, got := range found.People {
					check(t, "SearchPeople", got, anh())
				}
			}
			other := anh()
			other.NationalId = "091185000999"
			created, err := cl.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: other, ValidateOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "CreatePerson", created, other)
			updated, err := cl.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
				Person: &pb.Person{Name: p.Name, GivenName: anh().GivenName}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"given_name"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "UpdatePerson", updated, anh())
			for _, got := range probePeople(t, cl.Conn()) {
				check(t, "a stream", got, anh())
			}

			code, body := e.restAs(c.token, "GET", "/v1/"+p.Name, nil)
			if code != http.StatusOK {
				t.Fatalf("REST get: %d %v", code, body)
			}
			check(t, "REST GetPerson", personFromJSON(t, body), anh())
			code, body = e.restAs(c.token, "GET", "/v1/people", nil)
			if code != http.StatusOK {
				t.Fatalf("REST list: %d %v", code, body)
			}
			for _, item := range body["people"].([]any) {
				check(t, "REST ListPeople", personFromJSON(t, item.(map[string]any)), anh())
			}
			code, body = e.restAs(c.token, "GET", "/v1/people:search?query=%C3%81nh", nil)
			if code != http.StatusOK || len(body["people"].([]any)) == 0 {
				t.Fatalf("REST search: %d %v", code, body)
			}
			for _, item := range body["people"].([]any) {
				check(t, "REST SearchPeople", personFromJSON(t, item.(map[string]any)), anh())
			}
		})
	}
	// Nor the profiles an answer shares with the others' (the store's
	// memory of pages, store/heldcache.go).
	list, err := admin.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	if err != nil || len(list.People) == 0 {
		t.Fatalf("ListPeople as admin: %v %v", list, err)
	}
	found, err := admin.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Ánh"})
	if err != nil || len(found.People) == 0 {
		t.Fatalf("SearchPeople as admin: %v %v", found, err)
	}
	for _, got := range append(list.People, found.People...) {
		wantWhole(t, "a page as admin after the others", got, anh())
	}
	code, body := e.restAs(e.token, "GET", "/v1/people:search?query=%C3%81nh", nil)
	if code != http.StatusOK || len(body["people"].([]any)) == 0 {
		t.Fatalf("REST search as admin: %d %v", code, body)
	}
	for _, item := range body["people"].([]any) {
		wantWhole(t, "REST search as admin after the others", personFromJSON(t, item.(map[string]any)), anh())
	}
	// Redaction changes responses, never the profile.
	got, err := admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	wantWhole(t, "GetPerson as admin after the others", got, anh())
}

// redact clears what is marked, and leaves its argument as it was. (Which
// roles get redacted responses is TestRedaction's, over gRPC and REST.)
func TestRedact(t *testing.T) {
	stored := func() *pb.Person {
		p := anh()
		p.Name, p.Etag = "people/anh", "e1"
		return p
	}
	wantRedacted(t, "redact", redact(stored()).(*pb.Person), anh())
	in := anh()
	redact(in)
	wantWhole(t, "redact's argument", in, anh())
}

func TestPersonalDataFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	byRole := map[string]caller{}
	for _, c := range e.callers() {
		if c.association == "" {
			byRole[c.role] = c
		}
	}
	home := e.clientAs(byRole[RoleHomeAffairs].token)
	for _, tt := range []struct {
		filter, orderBy string
		code            codes.Code // for home_affairs
	}{
		{"", "birth_date", codes.PermissionDenied},
		{"", "create_time, birth_date desc", codes.PermissionDenied},
		{"", "birthDate", codes.PermissionDenied},
		{"", "create_time desc", codes.OK},
		{`national_id = "091185000123"`, "", codes.PermissionDenied},
		{"nationalId:*", "", codes.PermissionDenied},
		{`ethnicity = "05"`, "", codes.PermissionDenied},
		{`phone:"0912"`, "", codes.PermissionDenied},
		{`email = "a@b.vn"`, "", codes.PermissionDenied},
		{"birth_date.month = 3", "", codes.PermissionDenied},
		// The year of birth is readable, so filterable; a personal field's
		// name as a value is just a value.
		{"birth_date.year >= 1980", "", codes.OK},
		{`given_name = "national_id"`, "", codes.OK},
		{`qualifications.level >= THAC_SI`, "", codes.OK},
		{`address = "x"`, "", codes.PermissionDenied},
	} {
		_, err := home.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: tt.filter, OrderBy: tt.orderBy})
		if status.Code(err) != tt.code {
			t.Errorf("filter %q order_by %q: %v, want %v", tt.filter, tt.orderBy, err, tt.code)
		}
	}
	reg := e.clientAs(byRole[RoleRegistrar].token)
	if _, err := reg.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "birth_date desc"}); err != nil {
		t.Errorf("a registrar ordering by birth date: %v", err)
	}
	code, body := e.restAs(byRole[RoleService].token, "GET", "/v1/people?orderBy=birth_date", nil)
	wantREST(t, code, body, http.StatusForbidden)

	// Views: the service role reads basic profiles only.
	svc := e.clientAs(byRole[RoleService].token)
	p, _ := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	name := p.People[0].Name
	_, err := svc.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name, View: pb.PersonView_PERSON_VIEW_FULL})
	wantCode(t, err, codes.PermissionDenied)
	_, err = svc.People.ListPeople(ctx, &pb.ListPeopleRequest{View: pb.PersonView_PERSON_VIEW_FULL})
	wantCode(t, err, codes.PermissionDenied)
	if _, err := svc.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name, View: pb.PersonView_PERSON_VIEW_BASIC}); err != nil {
		t.Errorf("the service role, basic view: %v", err)
	}
	if _, err := home.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name, View: pb.PersonView_PERSON_VIEW_FULL}); err != nil {
		t.Errorf("home affairs, full view: %v", err)
	}
	code, body = e.restAs(byRole[RoleService].token, "GET", "/v1/"+name+"?view=PERSON_VIEW_FULL", nil)
	wantREST(t, code, body, http.StatusForbidden)
}

func TestSensitiveReference(t *testing.T) {
	names := sensitiveNames()
	for _, n := range []string{"national_id", "nationalId", "phone", "email", "ethnicity", "birth_date", "birthDate"} {
		if _, ok := names[n]; !ok {
			t.Errorf("%s is not known as personal data", n)
		}
	}
	if _, ok := names["given_name"]; ok {
		t.Error("given_name is taken for personal data")
	}
	// A method whose messages do not hold a person still may not filter
	// on a related person's personal data.
	if got := sensitiveReference(`person.ethnicity = "05"`, names); got != "person.ethnicity" {
		t.Errorf("a related person's ethnicity: %q", got)
	}
	for expr, want := range map[string]string{
		"":                                   "",
		"given_name = \"Ánh\"":               "",
		"birth_date.year > 1990":             "",
		"birthDate.year > 1990 AND gender=2": "",
		"birth_date":                         "birth_date",
		"birth_date.day = 3":                 "birth_date.day",
		"person.national_id = \"1\"":         "person.national_id",
		`given_name = "a \" national_id"`:    "",
		`given_name = 'email' OR phone:*`:    "phone",
		"email":                              "email",
		"(ethnicity=\"05\")":                 "ethnicity",
	} {
		if got := sensitiveReference(expr, names); got != want {
			t.Errorf("%q: %q, want %q", expr, got, want)
		}
	}
}

func protojsonUnmarshal(b []byte, m proto.Message) error {
	return protojson.Unmarshal(b, m)
}
