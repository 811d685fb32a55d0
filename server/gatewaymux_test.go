package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/console"
)

// rpcRecorder is a gateway's connection that notes the method each call
// names and fails it.
type rpcRecorder struct{ called []string }

func (c *rpcRecorder) Invoke(_ context.Context, method string, _, _ any, _ ...grpc.CallOption) error {
	c.called = append(c.called, method)
	return status.Error(codes.Unavailable, "recorded")
}

func (c *rpcRecorder) NewStream(_ context.Context, _ *grpc.StreamDesc, method string, _ ...grpc.CallOption) (grpc.ClientStream, error) {
	c.called = append(c.called, method)
	return nil, status.Error(codes.Unavailable, "recorded")
}

// countingHandler notes that the whole router was asked.
type countingHandler struct {
	next  http.Handler
	asked int
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.asked++
	h.next.ServeHTTP(w, r)
}

// samplePath is a path the binding's template matches, each variable's
// segments filled with x1.
func samplePath(tmpl string) string {
	return templateVar.ReplaceAllStringFunc(tmpl, func(v string) string {
		_, sub, ok := strings.Cut(strings.Trim(v, "{}"), "=")
		if !ok {
			sub = "*"
		}
		return strings.ReplaceAll(sub, "*", "x1")
	})
}

// TestShapeMuxesReachEachBinding calls every binding of the contract
// through the shapes' routers and checks that it reaches its own gRPC
// method: a binding a shape's router lost, or gave another binding's
// handler, fails here. A binding whose shape has no router of its own
// must reach its method through the whole router.
func TestShapeMuxesReachEachBinding(t *testing.T) {
	conn := &rpcRecorder{}
	// The routers' options reach the handlers: their errors are 418s.
	opts := []runtime.ServeMuxOption{runtime.WithErrorHandler(
		func(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, _ *http.Request, _ error) {
			w.WriteHeader(http.StatusTeapot)
		})}
	full := runtime.NewServeMux(opts...)
	services := gatewayServices()
	for _, svc := range services {
		if err := svc.register(context.Background(), full, conn); err != nil {
			t.Fatal(err)
		}
	}
	all := &countingHandler{next: full}
	m, err := newServiceMuxes(all, opts, services, conn)
	if err != nil {
		t.Fatal(err)
	}
	byShape := 0
	for _, rt := range contractRoutes {
		if rt.rpc == "" {
			continue // the operations' routes, written by hand
		}
		path := samplePath(rt.template)
		if !rt.path.MatchString(path) {
			t.Fatalf("%s: sample path %s does not match its own binding", rt.template, path)
		}
		direct := m.muxFor(rt.method, path) != http.Handler(all)
		if direct {
			byShape++
		}
		conn.called, all.asked = nil, 0
		req := httptest.NewRequest(rt.method, path, strings.NewReader("{}"))
		w := httptest.NewRecorder()
		m.ServeHTTP(w, req)
		if w.Code != http.StatusTeapot {
			t.Errorf("%s %s: %d, not the routers' error handler's 418", rt.method, path, w.Code)
		}
		if len(conn.called) != 1 || conn.called[0] != rt.rpc {
			t.Errorf("%s %s (%s) called %v, want %s", rt.method, path, rt.template, conn.called, rt.rpc)
		}
		if direct && all.asked != 0 {
			t.Errorf("%s %s: its shape's router handed it to the whole router", rt.method, path)
		}
	}
	if byShape < len(contractRoutes)/2 {
		t.Errorf("only %d of %d bindings have a router of their shape", byShape, len(contractRoutes))
	}
	for _, tc := range []struct{ method, path string }{
		// An id with a custom verb matches the GET of the resource in the
		// whole router, which refuseMisrouted answers.
		{"GET", "/v1/people/x1:undelete"},
		{"GET", "/v1/people/x1:bogus"},
		{"GET", "/healthz"},
		{"GET", "/v1/nosuch/x1"},
		{"BREW", "/v1/people/x1"},
		{"GET", "/v1/operations/x1"},
	} {
		if got := m.muxFor(tc.method, tc.path); got != http.Handler(all) {
			t.Errorf("%s %s went to a shape's router, not the whole one", tc.method, tc.path)
		}
	}
}

// TestShapeRoutesOneService checks that a shape's router holds every
// binding a path of its shape can match, all of one service: another
// service's binding of the same path would be lost there.
func TestShapeRoutesOneService(t *testing.T) {
	for _, rt := range contractRoutes {
		path := samplePath(rt.template)
		routes := routesFor(rt.method + " " + shapeOf(path))
		for _, other := range contractRoutes {
			if other.method != rt.method || !other.path.MatchString(path) {
				continue
			}
			found := false
			for _, r := range routes {
				found = found || r.template == other.template && r.rpc == other.rpc
			}
			if !found {
				t.Errorf("%s %s matches %s, which its shape's routes lack", rt.method, path, other.template)
			}
		}
	}
}

// TestRestFirstAsMux checks that restFirst answers every request as the
// HTTP router it stands before would, with that router's patterns: the
// API's, the console's, the import's and the documents'.
func TestRestFirstAsMux(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) })
	}
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", named("openapi"))
	mux.Handle("/", named("rest"))
	mux.Handle(importRoute, named("import"))
	for _, p := range console.Paths {
		mux.Handle(p, named("console "+p))
	}
	mux.Handle(console.ImportPattern, named("console import"))
	direct := 0
	h := restFirst(mux, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		direct++
		io.WriteString(w, "rest")
	}))
	type req struct{ method, target string }
	reqs := []req{
		{"GET", "/v1/people/x1"}, {"GET", "/v1/people/x1?view=PERSON_VIEW_FULL"}, {"HEAD", "/v1/people/x1"},
		{"POST", "/v1/people:import"}, {"POST", "/v1/people%3Aimport"}, {"GET", "/v1/people:import"},
		{"GET", "/v1//people"}, {"GET", "/v1/./people/x1"}, {"GET", "/v1/people/../x1"}, {"GET", "/v1/people/x1/."},
		{"GET", "/v1/people/"}, {"GET", "/v1"}, {"GET", "/v1/"}, {"GET", "/v1/people/x%2Fy"},
		{"CONNECT", "/v1/people"}, {"GET", "/openapi.json"}, {"GET", "/people"}, {"GET", "/"},
		{"POST", "/imports"}, {"GET", "/static/x.css"}, {"BREW", "/v1/people/x1"},
	}
	for _, rt := range contractRoutes {
		reqs = append(reqs, req{rt.method, samplePath(rt.template)})
	}
	for _, rq := range reqs {
		want, got := httptest.NewRecorder(), httptest.NewRecorder()
		mux.ServeHTTP(want, httptest.NewRequest(rq.method, rq.target, nil))
		h.ServeHTTP(got, httptest.NewRequest(rq.method, rq.target, nil))
		if got.Code != want.Code || got.Body.String() != want.Body.String() || got.Header().Get("Location") != want.Header().Get("Location") {
			t.Errorf("%s %s: %d %q %q, the router's %d %q %q", rq.method, rq.target, got.Code, got.Body, got.Header().Get("Location"),
				want.Code, want.Body, want.Header().Get("Location"))
		}
	}
	if direct < len(contractRoutes) {
		t.Errorf("only %d requests went straight to the API", direct)
	}
}
