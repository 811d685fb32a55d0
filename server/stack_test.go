package server

import (
	"context"
	rtmetrics "runtime/metrics"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// goroutinesCreated is how many goroutines the process has started.
func goroutinesCreated(t *testing.T) uint64 {
	t.Helper()
	s := []rtmetrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 {
		t.Fatalf("runtime/metrics has no %s", s[0].Name)
	}
	return s[0].Value.Uint64()
}

// Calls over gRPC run on the server's stream workers, whose stacks stay
// grown from one call to the next, not each on a new goroutine whose stack
// presizeStack grows again (3.8 % of a GetPerson's CPU, BENCHMARKS.md,
// issue 19, eleventh pass).
func TestCallsRunOnStreamWorkers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.createPerson(anh())
	const calls = 400
	before := goroutinesCreated(t)
	for range calls {
		if _, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.GetName()}); err != nil {
			t.Fatal(err)
		}
	}
	// Other goroutines start meanwhile (the audit's flush, the
	// connection's keepalives), but nowhere near one a call.
	if n := goroutinesCreated(t) - before; n > calls/4 {
		t.Errorf("%d sequential calls started %d goroutines; want them served by the stream workers", calls, n)
	}
}
