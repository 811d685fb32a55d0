package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func storeCreate() store.CreateOptions { return store.CreateOptions{} }

func storeList(n int) store.ListQuery { return store.ListQuery{PageSize: n} }

func (e *env) clientAs(token string) *client.Client {
	e.t.Helper()
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: token})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	people := pb.NewPersonServiceClient(conn)
	list := func(md ...string) error {
		_, err := people.ListPeople(metadata.AppendToOutgoingContext(ctx, md...), &pb.ListPeopleRequest{})
		return err
	}

	wantCode(t, list(), codes.Unauthenticated)
	wantCode(t, list("authorization", "Bearer tt_nothing_known"), codes.Unauthenticated)
	wantCode(t, list("authorization", "Basic "+e.token), codes.Unauthenticated)
	wantCode(t, list("authorization", e.token), codes.Unauthenticated)
	wantCode(t, list("authorization", "Bearer "+e.token, "authorization", "Bearer "+e.token), codes.Unauthenticated)
	if err := list("authorization", "Bearer "+e.token); err != nil {
		t.Fatalf("a valid key: %v", err)
	}
	if err := list("authorization", "bearer "+e.token); err != nil {
		t.Errorf("the scheme is case-insensitive: %v", err)
	}

	// A revoked key stops working at once.
	k, secret := e.key("service")
	if err := list("authorization", "Bearer "+secret); err != nil {
		t.Fatal(err)
	}
	if err := e.db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, list("authorization", "Bearer "+secret), codes.Unauthenticated)

	// Health needs no key; nothing else is readable without one.
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health check: %v", err)
	}
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err == nil {
		stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
		_, err = stream.Recv()
	}
	wantCode(t, err, codes.Unauthenticated)

	t.Run("REST", func(t *testing.T) {
		code, body := e.restAs("", "GET", "/v1/people", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
		code, body = e.restAs("tt_wrong_key", "GET", "/v1/people", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
		code, body = e.restAs(secret, "GET", "/v1/people", nil)
		wantREST(t, code, body, http.StatusUnauthorized)

		req, _ := http.NewRequest("GET", e.base+"/v1/people", nil)
		req.Header.Add("Authorization", "Bearer "+e.token)
		req.Header.Add("Authorization", "Bearer "+e.token)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("two credentials over REST: HTTP %d, want 401", resp.StatusCode)
		}

		resp, err = e.http.Get(e.base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("/healthz: HTTP %d", resp.StatusCode)
		}
	})

	if !strings.Contains(e.logs.String(), "code=Unauthenticated") {
		t.Error("rejected calls were not logged")
	}
}

func TestReflectionListsServices(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	stream, err := reflectionpb.NewServerReflectionClient(e.client.Conn()).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range []string{"trithuc.v1.PersonService", "grpc.health.v1.Health"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t)
	resp, err := e.http.Get(e.base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Swagger string                    `json:"swagger"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Swagger != "2.0" || doc.Paths["/v1/people"]["post"] == nil || doc.Paths["/v1/people/{person}:undelete"] == nil {
		t.Errorf("OpenAPI document lacks the people paths: %v", keys(doc.Paths))
	}
	code, body := e.rest("GET", "/v1/nothing-here", nil)
	wantREST(t, code, body, http.StatusNotFound)
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// testService panics or blocks on demand, to test what wraps the handlers.
type testService struct {
	testgrpc.UnimplementedTestServiceServer
	started chan struct{}
	release chan struct{}
}

func (s *testService) EmptyCall(ctx context.Context, _ *testgrpc.Empty) (*testgrpc.Empty, error) {
	panic("handler bug")
}

func (s *testService) UnaryCall(ctx context.Context, _ *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	s.started <- struct{}{}
	<-s.release
	return &testgrpc.SimpleResponse{}, nil
}

func TestPanicBecomesInternal(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.start(func(s *Server) {
		testgrpc.RegisterTestServiceServer(s.grpc, &testService{})
		s.allow("/grpc.testing.TestService/EmptyCall")
	})
	c := e.clientAs(e.token)
	_, err := testgrpc.NewTestServiceClient(c.Conn()).EmptyCall(context.Background(), &testgrpc.Empty{})
	wantCode(t, err, codes.Internal)
	if msg := status.Convert(err).Message(); strings.Contains(msg, "handler bug") || strings.Contains(msg, "goroutine") {
		t.Errorf("the panic leaked to the client: %q", msg)
	}
	if _, err := c.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("the server stopped serving after a panic: %v", err)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "handler bug") || !strings.Contains(logs, "code=Internal") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
}

func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t)
	e.stop()
	svc := &testService{started: make(chan struct{}), release: make(chan struct{})}
	e.start(func(s *Server) {
		testgrpc.RegisterTestServiceServer(s.grpc, svc)
		s.allow("/grpc.testing.TestService/UnaryCall")
	})
	c := e.clientAs(e.token)
	if _, err := c.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := testgrpc.NewTestServiceClient(c.Conn()).UnaryCall(context.Background(), &testgrpc.SimpleRequest{})
		done <- err
	}()
	<-svc.started
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stopped <- e.srv.Shutdown(ctx)
	}()
	// New calls are refused while the one in flight finishes.
	deadline := time.Now().Add(5 * time.Second)
	for {
		fresh, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err = fresh.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		cancel()
		fresh.Close()
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server kept accepting new calls during shutdown")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(svc.release)
	if err := <-done; err != nil {
		t.Errorf("the call in flight failed: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	e.srv = nil

	// A restart keeps everything.
	e.start(nil)
	c = e.clientAs(e.token)
	resp, err := c.People.ListPeople(context.Background(), &pb.ListPeopleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.People) != 1 || resp.People[0].GivenName != "Ánh" {
		t.Errorf("after a restart: %v", resp.People)
	}
}

func TestUnknownQueryParameter(t *testing.T) {
	e := newEnv(t)
	code, body := e.rest("GET", "/v1/people?pageSize=2&fitler=x", nil)
	wantREST(t, code, body, http.StatusBadRequest, "fitler")
	for _, ok := range []string{"pageSize=2", "page_size=2", "showDeleted=true", "view=PERSON_VIEW_FULL"} {
		if code, body := e.rest("GET", "/v1/people?"+ok, nil); code != http.StatusOK {
			t.Errorf("?%s: HTTP %d %v", ok, code, body)
		}
	}
	code, body = e.rest("GET", "/v1/people/x?view.sub=1", nil)
	wantREST(t, code, body, http.StatusBadRequest, "view.sub")
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.configure = func(c *Config) { c.MetricsAddr = "127.0.0.1:0" }
	e.start(nil)
	c := e.clientAs(e.token)
	if _, err := c.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
		t.Fatal(err)
	}
	e.rest("GET", "/v1/people", nil)
	e.restAs("", "GET", "/v1/people", nil)
	resp, err := e.http.Get("http://" + e.srv.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	text := string(b)
	for _, want := range []string{
		`grpc_server_handled_total{grpc_code="OK",grpc_method="ListPeople",grpc_service="trithuc.v1.PersonService",grpc_type="unary",transport="grpc"} 1`,
		`grpc_server_handled_total{grpc_code="OK",grpc_method="ListPeople",grpc_service="trithuc.v1.PersonService",grpc_type="unary",transport="rest"} 1`,
		`grpc_server_handled_total{grpc_code="Unauthenticated",grpc_method="ListPeople",grpc_service="trithuc.v1.PersonService",grpc_type="unary",transport="rest"} 1`,
		"grpc_server_handling_seconds_bucket",
		"trithuc_database_bytes",
		"trithuc_database_disk_free_bytes ",
		`trithuc_build_info{commit="`,
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// No series that no call made: every call has a transport.
	if strings.Contains(text, `transport=""`) {
		t.Error(`/metrics has series with transport="", which no call makes`)
	}
	// The public port does not serve them.
	if code, _ := e.restAs("", "GET", "/metrics", nil); code == http.StatusOK {
		t.Error("metrics are served on the public port")
	}
}
