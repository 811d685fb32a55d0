package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// --server given the REST port (HTTP/1.1) instead of the gRPC one, an
// easy slip with two ports side by side: the error says so, not only
// gRPC's "frame header looked like an HTTP/1.1 header".
func TestServerFlagGivenTheRESTPort(t *testing.T) {
	rest := httptest.NewServer(http.NotFoundHandler())
	defer rest.Close()
	addr := strings.TrimPrefix(rest.URL, "http://")
	for _, args := range [][]string{{"people", "list"}, {"health"}} {
		_, err := cli(t, append(args, "--server", addr, "--token", "tt_x_y", "--timeout", "5s")...)
		if err == nil || !strings.Contains(err.Error(), "REST port") || !strings.Contains(err.Error(), "--grpc-addr") {
			t.Errorf("trithuc %s --server REST: %v", strings.Join(args, " "), err)
		}
	}
}
