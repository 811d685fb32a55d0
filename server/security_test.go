package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// caller is a credential of one role (or a registrar limited to an
// association), for tests that go through the roles.
type caller struct {
	label       string
	role        string
	association string
	token       string
	principal   string
}

func (e *env) callers() []caller {
	e.t.Helper()
	var cs []caller
	for _, r := range Roles {
		k, tok := e.key(r)
		cs = append(cs, caller{label: r, role: r, token: tok, principal: "key:" + k.ID})
	}
	// A key is limited only to an association that exists.
	if _, err := e.db.CreateAssociation(context.Background(), &pb.Association{DisplayName: "Hội Tin học", Code: "HTH"}, store.CreateOptions{ID: "hoi-tin-hoc"}); err != nil {
		e.t.Fatal(err)
	}
	k, tok, err := e.db.CreateScopedKey(context.Background(), "registrar of one association", RoleRegistrar, "associations/hoi-tin-hoc", time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	return append(cs, caller{label: "registrar limited to an association", role: RoleRegistrar,
		association: k.Association, token: tok, principal: "key:" + k.ID})
}

// tableAllows is what the permission table says of a caller and a method.
func tableAllows(c caller, method string) bool {
	line, ok := permissions[method]
	if !ok {
		return false
	}
	if c.role == RoleAdmin {
		return true
	}
	for _, r := range line.roles {
		switch {
		case r == anyone, r == anyRole:
			return true
		case c.association != "" && r == scopedRegistrar:
			return true
		case c.association == "" && r == c.role:
			return true
		}
	}
	return false
}

func TestPermissionTableComplete(t *testing.T) {
	e := newEnv(t)
	served := map[string]bool{}
	for svc, info := range e.srv.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			name := "/" + svc + "/" + m.Name
			served[name] = true
			if _, ok := permissions[name]; !ok {
				t.Errorf("%s has no line in the permission table (server/permissions.go): add one saying which roles may call it", name)
			}
		}
	}
	for m, line := range permissions {
		if !served[m] {
			t.Errorf("the permission table lists %s, which the server does not serve", m)
		}
		for _, r := range line.roles {
			if !ValidRole(r) && r != anyone && r != anyRole && r != scopedRegistrar && r != unitLimited {
				t.Errorf("%s: unknown role %q", m, r)
			}
			if r == RoleAdmin {
				t.Errorf("%s: admin may call every method; leave it out", m)
			}
		}
	}

	// DESIGN §5, cell by cell, so that the table itself is checked.
	for _, cell := range []struct {
		method  string
		role    string
		allowed bool
	}{
		{"/trithuc.v1.PersonService/CreatePerson", RoleRegistrar, true},
		{"/trithuc.v1.PersonService/CreatePerson", RoleHomeAffairs, false},
		{"/trithuc.v1.PersonService/CreatePerson", RoleService, false},
		{"/trithuc.v1.PersonService/UpdatePerson", RoleRegistrar, true},
		{"/trithuc.v1.PersonService/UpdatePerson", RoleHomeAffairs, false},
		{"/trithuc.v1.PersonService/UpdatePerson", RoleService, false},
		{"/trithuc.v1.PersonService/GetPerson", RoleRegistrar, true},
		{"/trithuc.v1.PersonService/GetPerson", RoleHomeAffairs, true},
		{"/trithuc.v1.PersonService/GetPerson", RoleService, true},
		{"/trithuc.v1.PersonService/ListPeople", RoleHomeAffairs, true},
		{"/trithuc.v1.PersonService/ListPeople", RoleService, true},
		{"/trithuc.v1.PersonService/DeletePerson", RoleRegistrar, false},
		{"/trithuc.v1.PersonService/UndeletePerson", RoleRegistrar, false},
		{"/trithuc.v1.MembershipService/RegisterMember", RoleRegistrar, true},
		{"/trithuc.v1.MembershipService/RegisterMember", RoleHomeAffairs, false},
		{"/trithuc.v1.MembershipService/ApproveMembership", RoleRegistrar, true},
		{"/trithuc.v1.MembershipService/ApproveMembership", RoleHomeAffairs, false},
		{"/trithuc.v1.MembershipService/ListMemberships", RoleHomeAffairs, true},
		{"/trithuc.v1.MembershipService/ListMemberships", RoleService, false},
		{"/trithuc.v1.MembershipService/CreateAssociation", RoleRegistrar, false},
		{"/trithuc.v1.MembershipService/ListAssociations", RoleService, true},
		{"/trithuc.v1.AuditService/ListAuditEvents", RoleRegistrar, false},
		{"/trithuc.v1.AuditService/ListAuditEvents", RoleHomeAffairs, false},
		{"/trithuc.v1.AuditService/ListAuditEvents", RoleService, false},
		{"/trithuc.v1.AuditService/ListAuditEvents", RoleAdmin, true},
	} {
		if got := tableAllows(caller{role: cell.role}, cell.method); got != cell.allowed {
			t.Errorf("%s for %s: allowed %v, want %v", cell.method, cell.role, got, cell.allowed)
		}
	}
}

func TestDefaultDeny(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.start(func(s *Server) { testgrpc.RegisterTestServiceServer(s.grpc, &testService{}) })
	_, err := testgrpc.NewTestServiceClient(e.clientAs(e.token).Conn()).EmptyCall(context.Background(), &testgrpc.Empty{})
	wantCode(t, err, codes.PermissionDenied)
}

// methodDescriptor finds a served method in the contract.
func methodDescriptor(t *testing.T, full string) protoreflect.MethodDescriptor {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(strings.ReplaceAll(strings.TrimPrefix(full, "/"), "/", ".")))
	if err != nil {
		t.Fatalf("%s: %v", full, err)
	}
	return d.(protoreflect.MethodDescriptor)
}

func newMessage(t *testing.T, md protoreflect.MessageDescriptor) proto.Message {
	t.Helper()
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		t.Fatalf("%s: %v", md.FullName(), err)
	}
	return mt.New().Interface()
}

// callEmpty calls a method with an empty request, as token's holder. An
// allowed call then fails validation or finds nothing, or succeeds; a
// denied one is refused before.
func callEmpty(t *testing.T, conn *grpc.ClientConn, full string, token string) error {
	t.Helper()
	md := methodDescriptor(t, full)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	req, resp := newMessage(t, md.Input()), newMessage(t, md.Output())
	if !md.IsStreamingClient() && !md.IsStreamingServer() {
		return conn.Invoke(ctx, full, req, resp)
	}
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, full)
	if err != nil {
		return err
	}
	if err := stream.SendMsg(req); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	stream.CloseSend()
	if err := stream.RecvMsg(resp); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

var pathVarRE = regexp.MustCompile(`\{([^}=]+)(=([^}]*))?\}`)

// restRequests are the REST requests of a method, made from its
// google.api.http bindings (the operations' from operationsRoutes) with
// placeholder path values and an empty body.
func restRequests(md protoreflect.MethodDescriptor) [][3]string {
	if md.Parent().FullName() == "google.longrunning.Operations" {
		// Its routes are written by hand, not read from Google's proto.
		var out [][3]string
		for _, r := range operationsRoutes {
			if r.rpc == string(md.Name()) {
				out = append(out, [3]string{r.method, strings.ReplaceAll(r.pattern, "{operation}", "x"), ""})
			}
		}
		return out
	}
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return nil
	}
	var out [][3]string
	for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
		var verb, pattern string
		switch p := r.GetPattern().(type) {
		case *annotations.HttpRule_Get:
			verb, pattern = "GET", p.Get
		case *annotations.HttpRule_Post:
			verb, pattern = "POST", p.Post
		case *annotations.HttpRule_Patch:
			verb, pattern = "PATCH", p.Patch
		case *annotations.HttpRule_Put:
			verb, pattern = "PUT", p.Put
		case *annotations.HttpRule_Delete:
			verb, pattern = "DELETE", p.Delete
		case *annotations.HttpRule_Custom:
			verb, pattern = p.Custom.GetKind(), p.Custom.GetPath()
		}
		path := pathVarRE.ReplaceAllStringFunc(pattern, func(v string) string {
			m := pathVarRE.FindStringSubmatch(v)
			if m[3] == "" {
				return "x"
			}
			return strings.NewReplacer("**", "x", "*", "x").Replace(m[3])
		})
		body := ""
		if r.GetBody() != "" {
			body = "{}"
		}
		out = append(out, [3]string{verb, path, body})
	}
	return out
}

// restCall makes a REST call and returns its HTTP status and the gRPC code
// of its answer.
func (e *env) restCall(token, verb, path, body string) (int, codes.Code) {
	e.t.Helper()
	var b any
	if body != "" {
		b = body
	}
	code, resp := e.restAs(token, verb, path, b)
	if code == http.StatusOK {
		return code, codes.OK
	}
	if chunk, ok := resp["error"].(map[string]any); ok {
		resp = chunk // a streamed answer's error
	}
	n, _ := resp["code"].(float64)
	return code, codes.Code(n)
}

// TestRoleMethodMatrix calls every method the server serves as every role,
// over gRPC and over REST, and checks each cell against the permission
// table; then that every call to an audited service left its event.
func TestRoleMethodMatrix(t *testing.T) {
	e := newEnv(t)
	callers := e.callers()
	// The limited registrar's association (callers made it) has people/x,
	// the placeholder of the REST paths below, as its member: the table is
	// checked here, the scope itself by TestPersonScope and
	// TestMembershipPermissions.
	ctx := context.Background()
	if _, err := e.db.CreatePerson(ctx, &pb.Person{GivenName: "X"}, store.CreateOptions{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RegisterMember(ctx, "associations/hoi-tin-hoc",
		store.Registration{Person: "people/x", Consent: consent()}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	var methods []string
	for svc, info := range e.srv.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			methods = append(methods, "/"+svc+"/"+m.Name)
		}
	}
	sort.Strings(methods)

	type outcome struct{ principal, method, transport, code string }
	var want []outcome
	cells := 0
	for _, m := range methods {
		md := methodDescriptor(t, m)
		for _, c := range callers {
			allowed := tableAllows(c, m)
			check := func(transport string, code codes.Code, detail string) {
				t.Helper()
				cells++
				switch {
				case allowed && (code == codes.PermissionDenied || code == codes.Unauthenticated):
					t.Errorf("%s over %s as %s: %v (%s), want it allowed", m, transport, c.label, code, detail)
				case !allowed && code != codes.PermissionDenied:
					t.Errorf("%s over %s as %s: %v (%s), want PERMISSION_DENIED", m, transport, c.label, code, detail)
				}
				if e.srv.audited(m) {
					want = append(want, outcome{c.principal, m, transport, codeName(code)})
				}
			}
			err := callEmpty(t, conn, m, c.token)
			check("grpc", status.Code(err), status.Convert(err).Message())
			for _, r := range restRequests(md) {
				path := r[1]
				if c.association != "" {
					// The table is checked here; the scope of a limited
					// key, inside its association, by the handlers'
					// tests (TestMembershipPermissions).
					path = strings.Replace(path, "/associations/x", "/"+c.association, 1)
				}
				httpCode, code := e.restCall(c.token, r[0], path, r[2])
				check("rest", code, fmt.Sprintf("%s %s: HTTP %d", r[0], path, httpCode))
				if !allowed && httpCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: HTTP %d, want 403", r[0], path, c.label, httpCode)
				}
			}
		}
		// UploadImport is gRPC's way to send a large file; REST sends it
		// to ImportPeople's route.
		if len(restRequests(md)) == 0 && strings.HasPrefix(m, "/trithuc.") && m != uploadMethod {
			t.Errorf("%s has no REST binding", m)
		}
	}
	if cells < len(methods)*len(callers) {
		t.Fatalf("only %d cells for %d methods and %d callers", cells, len(methods), len(callers))
	}

	// Every call to an audited service has its event, with its outcome;
	// no call to an unaudited one has.
	// A server stream the client ended (WatchChanges) is recorded when its
	// handler has noticed and returned, which may be after the client's
	// call returned: read until every event is there, for a while.
	var got map[outcome]int
	for try := 0; ; try++ {
		if err := e.srv.audit.flush(); err != nil {
			t.Fatal(err)
		}
		got = map[outcome]int{}
		events := allAuditEvents(t, e.db)
		for _, ev := range events {
			got[outcome{ev.Principal, ev.Method, ev.Transport, ev.Code}]++
		}
		if len(events) >= len(want) || try == 100 {
			for _, ev := range events {
				if !e.srv.audited(ev.Method) {
					t.Errorf("an unaudited method was audited: %+v", ev)
				}
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, w := range want {
		if got[w] == 0 {
			t.Errorf("no audit event for %+v", w)
			continue
		}
		got[w]--
	}
}

func allAuditEvents(t *testing.T, db *store.DB) []*pb.AuditEvent {
	t.Helper()
	var all []*pb.AuditEvent
	token := ""
	for {
		evs, next, err := db.ListAuditEvents(context.Background(), store.AuditQuery{ListQuery: store.ListQuery{PageSize: 1000, PageToken: token}})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evs...)
		if next.NextPageToken == "" {
			return all
		}
		token = next.NextPageToken
	}
}

func TestAssociationScope(t *testing.T) {
	ancestors := func(_ context.Context, a string) ([]string, error) {
		switch a {
		case "associations/hoi-tin-hoc":
			return []string{"associations/lien-hiep"}, nil
		case "associations/chi-hoi-rach-gia":
			return []string{"associations/hoi-tin-hoc", "associations/lien-hiep"}, nil
		case "associations/hoi-y-hoc", "associations/lien-hiep":
			return []string{}, nil
		case "associations/broken":
			return nil, errors.New("disk on fire")
		}
		return nil, &store.Error{Code: store.NotFound, Message: a + " does not exist"}
	}
	as := func(p *Principal) context.Context {
		return context.WithValue(context.Background(), callKey{}, &call{principal: p})
	}
	scoped := as(&Principal{ID: "key:a", Role: RoleRegistrar, Association: "associations/hoi-tin-hoc"})
	for _, a := range []string{"associations/hoi-tin-hoc", "associations/chi-hoi-rach-gia"} {
		if err := checkAssociationScope(scoped, a, ancestors); err != nil {
			t.Errorf("%s, in scope: %v", a, err)
		}
	}
	var messages []string
	for _, a := range []string{"associations/hoi-y-hoc", "associations/lien-hiep", "associations/does-not-exist", ""} {
		err := checkAssociationScope(scoped, a, ancestors)
		wantCode(t, err, codes.PermissionDenied)
		messages = append(messages, strings.ReplaceAll(status.Convert(err).Message(), a, "A"))
	}
	// An existing association outside the scope and one that does not
	// exist get the same answer (AIP-211).
	if messages[0] != messages[2] || strings.Contains(messages[2], "exist") {
		t.Errorf("the answers differ or tell existence: %q", messages)
	}
	wantCode(t, checkAssociationScope(scoped, "associations/broken", ancestors), codes.Internal)
	wantCode(t, checkAssociationScope(scoped, "associations/hoi-y-hoc", nil), codes.PermissionDenied)
	if err := checkAssociationScope(scoped, "associations/hoi-tin-hoc", nil); err != nil {
		t.Errorf("its own association without a hierarchy: %v", err)
	}
	for _, p := range []*Principal{{ID: "key:b", Role: RoleRegistrar}, {ID: "key:c", Role: RoleAdmin}} {
		if err := checkAssociationScope(as(p), "associations/hoi-y-hoc", ancestors); err != nil {
			t.Errorf("%s without a scope: %v", p.Role, err)
		}
	}

	// The key carries its scope; until methods check it, a limited key may
	// call only what the table opens to it.
	e := newEnv(t)
	e.association("hoi-tin-hoc", &pb.Association{DisplayName: "Hội Tin học", Code: "HTH"})
	k, tok, err := e.db.CreateScopedKey(context.Background(), "Hội Tin học", RoleRegistrar, "associations/hoi-tin-hoc", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := e.db.ListKeys(context.Background()); keys[len(keys)-1].Association != k.Association {
		t.Errorf("the scope was not stored: %+v", keys[len(keys)-1])
	}
	_, err = e.clientAs(tok).People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: anh()})
	wantCode(t, err, codes.PermissionDenied)
	if !strings.Contains(err.Error(), "associations/hoi-tin-hoc") {
		t.Errorf("the refusal does not say why: %v", err)
	}
	for _, bad := range []string{"hoi-tin-hoc", "associations/", "associations/Hội", "people/x"} {
		if _, _, err := e.db.CreateScopedKey(context.Background(), "x", RoleRegistrar, bad, time.Time{}); err == nil {
			t.Errorf("scope %q accepted", bad)
		}
	}
}
