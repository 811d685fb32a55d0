package server

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// A health Watch open at shutdown hears NOT_SERVING, then its stream
// ends, and the stop does not wait the shutdown timeout for it (a minute
// here; it used to take all of it).
func TestShutdownEndsHealthWatch(t *testing.T) {
	e := newEnv(t)
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	watch, err := healthpb.NewHealthClient(conn).Watch(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch: %v, %v; want SERVING", resp, err)
	}

	const timeout = time.Minute
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		stopped <- e.srv.Shutdown(ctx)
	}()
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch at shutdown: %v, %v; want NOT_SERVING", resp, err)
	}
	if _, err := watch.Recv(); status.Code(err) != codes.Unavailable {
		t.Errorf("watch after NOT_SERVING: %v, want the stream ended UNAVAILABLE", err)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Shutdown: %v, want it done before its timeout", err)
		}
	case <-time.After(timeout / 2):
		t.Fatalf("Shutdown still waits after %v with a health watch open", timeout/2)
	}
	if err := e.db.Close(); err != nil {
		t.Error(err)
	}
	e.srv = nil
}
