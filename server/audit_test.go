package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// byRequestID finds the stored audit event of a call, without flushing
// the buffer first.
func byRequestID(t *testing.T, db *store.DB, id string) *pb.AuditEvent {
	t.Helper()
	for _, ev := range allAuditEvents(t, db) {
		if ev.RequestId == id {
			return ev
		}
	}
	return nil
}

func requestID(t *testing.T, md metadata.MD) string {
	t.Helper()
	ids := md.Get(requestIDHeader)
	if len(ids) != 1 || ids[0] == "" {
		t.Fatalf("the response has no %s header: %v", requestIDHeader, md)
	}
	return ids[0]
}

func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	callers := map[string]caller{}
	for _, c := range e.callers() {
		if c.association == "" {
			callers[c.role] = c
		}
	}
	reg := e.clientAs(callers[RoleRegistrar].token)

	// A write's event commits with the write: it is there as soon as the
	// call returns, before any flush.
	var md metadata.MD
	p, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}, grpc.Header(&md))
	if err != nil {
		t.Fatal(err)
	}
	id := requestID(t, md)
	ev := byRequestID(t, e.db, id)
	if ev == nil {
		t.Fatal("a create's audit event was not committed with it")
	}
	if ev.Code != "OK" || ev.Principal != callers[RoleRegistrar].principal || ev.Role != RoleRegistrar ||
		ev.Method != "/trithuc.v1.PersonService/CreatePerson" || ev.Transport != "grpc" || ev.ClientAddress != "127.0.0.1" ||
		ev.PrincipalName != "test registrar" || ev.GetEventTime() == nil || strings.Join(ev.Resources, ",") != p.Name {
		t.Errorf("create event %+v, want it committed with the new person's name", ev)
	}
	_, err = reg.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
		Person: &pb.Person{Name: p.Name, Email: "anh@ctu.edu.vn"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"email"}},
	}, grpc.Header(&md))
	if err != nil {
		t.Fatal(err)
	}
	if ev := byRequestID(t, e.db, requestID(t, md)); ev == nil || strings.Join(ev.Resources, ",") != p.Name || ev.Code != "OK" {
		t.Errorf("update event %+v, want it committed with the person's name", ev)
	}
	// Every create names what it made in the event stored with it: a
	// qualification under the person, an organization.
	q, err := reg.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Tin học", Year: 2015}}, grpc.Header(&md))
	if err != nil {
		t.Fatal(err)
	}
	if ev := byRequestID(t, e.db, requestID(t, md)); ev == nil || !slices.Contains(ev.Resources, q.Name) {
		t.Errorf("create qualification event %+v, want it committed with %s", ev, q.Name)
	}
	o, err := reg.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{
		Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang", Kind: pb.Organization_UNIVERSITY}}, grpc.Header(&md))
	if err != nil {
		t.Fatal(err)
	}
	if ev := byRequestID(t, e.db, requestID(t, md)); ev == nil || !slices.Contains(ev.Resources, o.Name) {
		t.Errorf("create organization event %+v, want it committed with %s", ev, o.Name)
	}

	// The response names it too: it is not stored twice.
	e.srv.audit.flush()
	if ev := byRequestID(t, e.db, id); ev == nil || strings.Join(ev.Resources, ",") != p.Name {
		t.Errorf("create event %+v, want it to name %s once", ev, p.Name)
	}

	// Failed writes, dry runs, reads and refusals are recorded with their
	// outcome.
	type probe struct {
		name     string
		call     func(md *metadata.MD) error
		code     string
		resource string
	}
	home := e.clientAs(callers[RoleHomeAffairs].token)
	svc := e.clientAs(callers[RoleService].token)
	for _, tt := range []probe{
		{"InvalidCreate", func(md *metadata.MD) error {
			_, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X", NationalId: "1"}}, grpc.Header(md))
			return err
		}, "INVALID_ARGUMENT", ""},
		{"TakenNationalID", func(md *metadata.MD) error {
			_, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}, grpc.Header(md))
			return err
		}, "ALREADY_EXISTS", ""},
		{"ValidateOnly", func(md *metadata.MD) error {
			_, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Mai"}, PersonId: "mai", ValidateOnly: true}, grpc.Header(md))
			return err
		}, "OK", "people/mai"},
		{"Get", func(md *metadata.MD) error {
			_, err := home.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name}, grpc.Header(md))
			return err
		}, "OK", p.Name},
		{"GetMissing", func(md *metadata.MD) error {
			_, err := home.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/nobody"}, grpc.Header(md))
			return err
		}, "NOT_FOUND", "people/nobody"},
		{"List", func(md *metadata.MD) error {
			_, err := svc.People.ListPeople(ctx, &pb.ListPeopleRequest{}, grpc.Header(md))
			return err
		}, "OK", p.Name},
		{"Denied", func(md *metadata.MD) error {
			_, err := svc.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, GivenName: "X"}}, grpc.Header(md))
			return err
		}, "PERMISSION_DENIED", p.Name},
		{"DeniedFilter", func(md *metadata.MD) error {
			_, err := home.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "birth_date"}, grpc.Header(md))
			return err
		}, "PERMISSION_DENIED", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var md metadata.MD
			tt.call(&md)
			id := requestID(t, md)
			e.srv.audit.flush()
			ev := byRequestID(t, e.db, id)
			if ev == nil {
				t.Fatal("no audit event")
			}
			if ev.Code != tt.code {
				t.Errorf("code %s, want %s", ev.Code, tt.code)
			}
			if tt.resource != "" && !contains(ev.Resources, tt.resource) {
				t.Errorf("resources %v, want %s among them", ev.Resources, tt.resource)
			}
		})
	}

	// REST: the request id comes back as X-Request-Id, and the client
	// address is the HTTP connection's, whatever X-Forwarded-For claims.
	req, _ := http.NewRequest("GET", e.base+"/v1/"+p.Name, nil)
	req.Header.Set("Authorization", "Bearer "+callers[RoleHomeAffairs].token)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e.srv.audit.flush()
	rid := resp.Header.Get("X-Request-Id")
	if ev := byRequestID(t, e.db, rid); rid == "" || ev == nil || ev.Transport != "rest" || ev.ClientAddress != "127.0.0.1" || !contains(ev.Resources, p.Name) {
		t.Errorf("REST event (request id %q): %+v", rid, ev)
	}
	// Unauthenticated calls are logged, not audited: nobody to record.
	e.restAs("tt_wrong", "GET", "/v1/people", nil)
	e.srv.audit.flush()
	for _, ev := range allAuditEvents(t, e.db) {
		if ev.Code == "UNAUTHENTICATED" || ev.Principal == "" {
			t.Errorf("an event without a principal: %+v", ev)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestListAuditEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regToken := e.key(RoleRegistrar)
	reg := e.clientAs(regToken)
	var names []string
	for i := 0; i < 3; i++ {
		p, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Người"}})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
		if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if _, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: names[0]}); err != nil {
		t.Fatal(err)
	}
	list := func(req *pb.ListAuditEventsRequest) []*pb.AuditEvent {
		t.Helper()
		resp, err := e.client.Audit.ListAuditEvents(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.AuditEvents
	}

	all := list(&pb.ListAuditEventsRequest{PageSize: 1000})
	for i := 1; i < len(all); i++ {
		if all[i].EventTime.AsTime().After(all[i-1].EventTime.AsTime()) {
			t.Errorf("not newest first at %d", i)
		}
	}
	if n := len(list(&pb.ListAuditEventsRequest{Method: "GetPerson"})); n != 4 {
		t.Errorf("%d GetPerson events, want 4", n)
	}
	if n := len(list(&pb.ListAuditEventsRequest{Method: "/trithuc.v1.PersonService/CreatePerson"})); n != 3 {
		t.Errorf("%d CreatePerson events, want 3", n)
	}
	evs := list(&pb.ListAuditEventsRequest{Resource: names[0]})
	if len(evs) != 3 { // create, get by the registrar, get by the admin
		t.Errorf("%d events name %s, want 3: %v", len(evs), names[0], evs)
	}
	if n := len(list(&pb.ListAuditEventsRequest{Resource: "people"})); n < 6 {
		t.Errorf("%d events under people, want every create and get", n)
	}
	if n := len(list(&pb.ListAuditEventsRequest{Resource: names[0] + "x"})); n != 0 {
		t.Errorf("%d events for a name that is only a prefix's extension", n)
	}
	evs = list(&pb.ListAuditEventsRequest{StartTime: timestamppb.New(start)})
	if len(evs) < 1 || evs[len(evs)-1].Method != "/trithuc.v1.PersonService/GetPerson" {
		t.Errorf("events since the last call: %v", evs)
	}
	if n := len(list(&pb.ListAuditEventsRequest{EndTime: timestamppb.New(start), Principal: "key:nobody"})); n != 0 {
		t.Errorf("%d events of nobody", n)
	}
	principal := all[len(all)-1].Principal
	for _, ev := range list(&pb.ListAuditEventsRequest{Principal: principal}) {
		if ev.Principal != principal {
			t.Errorf("filtered by %s, got %s", principal, ev.Principal)
		}
	}

	// Pages in order, without repeats, while more events arrive.
	seen := map[string]bool{}
	token := ""
	for {
		resp, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{PageSize: 2, PageToken: token, Method: "GetPerson"})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range resp.AuditEvents {
			if seen[ev.Name] {
				t.Errorf("%s seen twice", ev.Name)
			}
			seen[ev.Name] = true
		}
		if resp.NextPageToken == "" {
			break
		}
		token = resp.NextPageToken
		if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: names[1]}); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 4 {
		t.Errorf("paged through %d GetPerson events, want the 4 there were when paging began", len(seen))
	}

	for _, bad := range []*pb.ListAuditEventsRequest{
		{Method: "Get Person"},
		{Method: "trithuc.v1.PersonService/GetPerson/x"},
		{StartTime: timestamppb.New(start), EndTime: timestamppb.New(start)},
		{PageToken: "garbage"},
		{PageSize: -1},
	} {
		_, err := e.client.Audit.ListAuditEvents(ctx, bad)
		wantCode(t, err, codes.InvalidArgument)
	}
	_, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{PageSize: 1, PageToken: token, Method: "CreatePerson"})
	wantCode(t, err, codes.InvalidArgument)

	code, body := e.rest("GET", "/v1/auditEvents?method=CreatePerson&pageSize=2", nil)
	if code != http.StatusOK || len(body["auditEvents"].([]any)) != 2 || body["nextPageToken"] == "" {
		t.Errorf("REST: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/auditEvents?startTime=2026-01-01T00:00:00Z&resource="+names[2], nil)
	if code != http.StatusOK || len(body["auditEvents"].([]any)) != 2 {
		t.Errorf("REST by time and resource: HTTP %d %v", code, body)
	}
	code, body = e.restAs(regToken, "GET", "/v1/auditEvents", nil)
	wantREST(t, code, body, http.StatusForbidden)
}

// TestNoAPIChangesAuditEvents: the only methods that touch audit events
// read them.
func TestNoAPIChangesAuditEvents(t *testing.T) {
	e := newEnv(t)
	for svc, info := range e.srv.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			md := methodDescriptor(t, "/"+svc+"/"+m.Name)
			if !mentionsAuditEvent(md.Input(), map[protoreflect.FullName]bool{}) && !mentionsAuditEvent(md.Output(), map[protoreflect.FullName]bool{}) {
				continue
			}
			// ExportPersonData reads the events about one person.
			if !strings.HasPrefix(m.Name, "List") && !strings.HasPrefix(m.Name, "Get") && !strings.HasPrefix(m.Name, "Export") {
				t.Errorf("%s/%s touches audit events and is not a read", svc, m.Name)
			}
		}
	}
}

func mentionsAuditEvent(md protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if md.FullName() == "trithuc.v1.AuditEvent" || strings.Contains(string(md.Name()), "AuditEvent") && !strings.HasPrefix(string(md.Name()), "List") && !strings.HasPrefix(string(md.Name()), "Get") {
		return true
	}
	if seen[md.FullName()] {
		return false
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		if m := fields.Get(i).Message(); m != nil && mentionsAuditEvent(m, seen) {
			return true
		}
	}
	return false
}

// TestAuditFlushedOnShutdown: read events still in the buffer when the
// server stops are stored.
func TestAuditFlushedOnShutdown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var md metadata.MD
	if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}, grpc.Header(&md)); err != nil {
		t.Fatal(err)
	}
	id := requestID(t, md)
	e.stop()
	db, err := store.Open(ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if byRequestID(t, db, id) == nil {
		t.Error("a read's audit event was lost at shutdown")
	}
}

func TestCodeName(t *testing.T) {
	for c, want := range map[codes.Code]string{codes.OK: "OK", codes.PermissionDenied: "PERMISSION_DENIED",
		codes.NotFound: "NOT_FOUND", codes.Internal: "INTERNAL", codes.ResourceExhausted: "RESOURCE_EXHAUSTED"} {
		if got := codeName(c); got != want {
			t.Errorf("%v: %q, want %q", c, got, want)
		}
	}
}

// TestListAuditEventsFilter: the trail takes an AIP-160 filter, alone or
// beside the typed conditions, and a bad one is INVALID_ARGUMENT naming it.
func TestListAuditEventsFilter(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regToken := e.key(RoleRegistrar)
	reg := e.clientAs(regToken)
	var names []string
	for i := 0; i < 2; i++ {
		p, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Người"}})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: names[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/nobody"}); status.Code(err) != codes.NotFound {
		t.Fatalf("get of nobody: %v", err)
	}
	for _, c := range []struct {
		name string
		req  *pb.ListAuditEventsRequest
		want int
	}{
		{"creates by method", &pb.ListAuditEventsRequest{Filter: `method = "/trithuc.v1.PersonService/CreatePerson"`}, 2},
		{"every person call by method prefix", &pb.ListAuditEventsRequest{Filter: `method = "/trithuc.v1.PersonService/*"`}, 4},
		{"events naming a person", &pb.ListAuditEventsRequest{Filter: `resources:"` + names[0] + `"`}, 2},
		{"failures by outcome", &pb.ListAuditEventsRequest{Filter: `code = "NOT_FOUND"`}, 1},
		{"successes after a time", &pb.ListAuditEventsRequest{Filter: `code = "OK" AND method = "/trithuc.v1.PersonService/*" AND event_time >= "2000-01-01T00:00:00Z"`}, 3},
		{"none before a time", &pb.ListAuditEventsRequest{Filter: `event_time < "2000-01-01T00:00:00Z"`}, 0},
		{"filter beside a typed condition", &pb.ListAuditEventsRequest{Method: "GetPerson", Filter: `code = "OK"`}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := e.client.Audit.ListAuditEvents(ctx, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.AuditEvents) != c.want {
				t.Errorf("%d events, want %d: %v", len(resp.AuditEvents), c.want, resp.AuditEvents)
			}
		})
	}
	_, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Filter: `colour = "red"`})
	wantCode(t, err, codes.InvalidArgument)
	if !strings.Contains(status.Convert(err).Message(), "filter") {
		t.Errorf("a bad filter's error does not name the field: %v", err)
	}
	code, body := e.rest("GET", "/v1/auditEvents?filter="+url.QueryEscape(`code = "NOT_FOUND"`), nil)
	if code != http.StatusOK || len(body["auditEvents"].([]any)) != 1 {
		t.Errorf("REST: HTTP %d %v", code, body)
	}
}
