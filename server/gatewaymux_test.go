package server

import (
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// TestServiceMuxesRouteEachBinding checks that a request for any binding
// of the contract goes to the router of the service that holds it, or to
// the whole router, never to another service's: there the binding is not,
// and the request would be answered by a route it was not meant for.
func TestServiceMuxesRouteEachBinding(t *testing.T) {
	all := runtime.NewServeMux()
	m, err := newServiceMuxes(all, nil, gatewayServices(), nil)
	if err != nil {
		t.Fatal(err)
	}
	byService := 0
	for _, rt := range contractRoutes {
		path := templateVar.ReplaceAllStringFunc(rt.template, func(v string) string {
			_, sub, ok := strings.Cut(strings.Trim(v, "{}"), "=")
			if !ok {
				sub = "*"
			}
			return strings.ReplaceAll(sub, "*", "x1")
		})
		if !rt.path.MatchString(path) {
			t.Fatalf("%s: sample path %s does not match its own binding", rt.template, path)
		}
		got := m.muxFor(rt.method, path)
		svc, _, _ := strings.Cut(strings.TrimPrefix(rt.rpc, "/"), "/")
		switch want := m.services[svc]; {
		case got == want:
			byService++
		case got != all:
			t.Errorf("%s %s went to another service's router than %s's", rt.method, path, svc)
		}
		// Every other binding this path matches must be the same service's
		// when a service's router answers.
		for _, other := range contractRoutes {
			osvc, _, _ := strings.Cut(strings.TrimPrefix(other.rpc, "/"), "/")
			if got != all && other.method == rt.method && other.path.MatchString(path) && osvc != svc {
				t.Errorf("%s %s matches %s of %s too, but went to %s's router", rt.method, path, other.template, osvc, svc)
			}
		}
	}
	if byService < len(contractRoutes)/2 {
		t.Errorf("only %d of %d bindings have a service's router", byService, len(contractRoutes))
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
		if got := m.muxFor(tc.method, tc.path); got != all {
			t.Errorf("%s %s went to a service's router, not the whole one", tc.method, tc.path)
		}
	}
}
