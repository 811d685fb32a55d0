package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"trithuc.gov.vn/trithuc/client"
)

// A client built from another version of the contract calls a method this
// server lacks: UNIMPLEMENTED with the ErrorInfo every other error has
// (METHOD_NOT_FOUND), so that it can tell the server's version is behind
// from a refusal; over REST an unknown path is 404 with the same reason,
// never the NOT_FOUND of a missing resource.
func TestUnknownMethod(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.configure = func(c *Config) { c.MetricsAddr = "127.0.0.1:0" }
	e.start(nil)
	ctx := context.Background()
	_, serviceTok := e.key(RoleService)
	for _, c := range []struct{ name, token, method string }{
		{"UnknownMethodOfKnownService", e.token, "/trithuc.v1.PersonService/ExplodePerson"},
		{"UnknownService", e.token, "/trithuc.v9.TimeMachine/GoBack"},
		{"ServiceRole", serviceTok, "/trithuc.v1.PersonService/ExplodePerson"},
		{"UnknownMethodOfPublicService", e.token, "/grpc.health.v1.Health/Explode"},
	} {
		t.Run("gRPC/"+c.name, func(t *testing.T) {
			err := e.clientAs(c.token).Conn().Invoke(ctx, c.method, &emptypb.Empty{}, &emptypb.Empty{})
			wantCode(t, err, codes.Unimplemented)
			if got := reasonOf(t, err); got != "METHOD_NOT_FOUND" {
				t.Errorf("%v: reason %s, want METHOD_NOT_FOUND", err, got)
			}
			if msg := status.Convert(err).Message(); !strings.Contains(msg, strings.TrimPrefix(c.method, "/")) {
				t.Errorf("message %q does not name the method", msg)
			}
		})
	}
	t.Run("gRPC/NoCredential", func(t *testing.T) {
		// Without a credential the server says nothing of its methods.
		cl, err := client.Dial(e.srv.GRPCAddr(), client.Options{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		err = cl.Conn().Invoke(ctx, "/trithuc.v1.PersonService/ExplodePerson", &emptypb.Empty{}, &emptypb.Empty{})
		wantCode(t, err, codes.Unauthenticated)
	})
	t.Run("REST", func(t *testing.T) {
		for _, path := range []string{"/v1/nothing-here", "/v1/people/x/explosions", "/v2/people"} {
			code, body := e.rest("GET", path, nil)
			if code != http.StatusNotFound {
				t.Fatalf("%s: HTTP %d %v, want 404", path, code, body)
			}
			if got := restReasonOf(t, body); got != "METHOD_NOT_FOUND" {
				t.Errorf("%s: reason %s, want METHOD_NOT_FOUND", path, got)
			}
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		// Made-up names make no series of their own: a caller could
		// otherwise grow the metrics without bound.
		resp, err := e.http.Get("http://" + e.srv.MetricsAddr() + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, name := range []string{"ExplodePerson", "TimeMachine"} {
			if strings.Contains(string(b), name) {
				t.Errorf("the metrics have a series of %s", name)
			}
		}
	})
}
