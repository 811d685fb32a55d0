package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// costlyFilter is the costliest kind of filter the contract allows, as
// issue 12 found it: sixty OR'ed prefix comparisons on qualifications (1.9
// KB), matching nobody, so that a listing searches every person's
// qualifications sixty times.
func costlyFilter() string {
	parts := make([]string, 60)
	for i := range parts {
		parts[i] = fmt.Sprintf(`qualifications.major = "z%02d*"`, i)
	}
	return strings.Join(parts, " OR ")
}

// A listing that costs more than a read's budget is refused with
// RESOURCE_EXHAUSTED (HTTP 429) saying how to narrow it, not run to the end
// and not INTERNAL; cheap reads go on.
func TestCostlyFilterIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := synth.BulkLoad(ctx, e.db, synth.BulkOptions{Seed: 3, People: 200}); err != nil {
		t.Fatal(err)
	}
	e.db.SetReadBudget(time.Nanosecond) // any read that runs long enough to be measured
	f := costlyFilter()
	_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1, Filter: f})
	wantCode(t, err, codes.ResourceExhausted)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "narrow it") {
		t.Errorf("the message does not say what to do: %q", msg)
	}
	code, body := e.rest("GET", "/v1/people?pageSize=1&filter="+url.QueryEscape(f), nil)
	wantREST(t, code, body, http.StatusTooManyRequests)
	if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1}); err != nil {
		t.Errorf("a cheap listing under the same budget: %v", err)
	}
}

// hold is a read method of the tests that runs until released, holding its
// slot of the read pool as a costly read would.
type hold struct {
	started chan struct{}
	release chan struct{}
}

var holdDesc = grpc.ServiceDesc{
	ServiceName: "trithuc.test.Hold",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "GetHold",
		Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			in := new(emptypb.Empty)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, _ any) (any, error) {
				hd := srv.(*hold)
				hd.started <- struct{}{}
				select {
				case <-hd.release:
					return &emptypb.Empty{}, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/trithuc.test.Hold/GetHold"}, h)
		},
	}},
}

// One principal cannot take the whole read pool: while it runs all the
// reads it may, its next read is refused with RESOURCE_EXHAUSTED and a
// RetryInfo, and another principal's GetPerson is admitted and answered.
func TestReadPoolIsSharedBetweenPrincipals(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.ReadSlots = 2 // one principal may run one read at once
		c.MaxReadWait = 200 * time.Millisecond
	})
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	h := &hold{started: make(chan struct{}), release: make(chan struct{})}
	e.stop()
	e.start(func(s *Server) {
		s.grpc.RegisterService(&holdDesc, h)
		s.allow("/trithuc.test.Hold/GetHold", RoleHomeAffairs)
	})
	_, hostileKey := e.key(RoleHomeAffairs)
	_, otherKey := e.key(RoleService)
	hostile, other := e.clientAs(hostileKey), e.clientAs(otherKey)

	released := false
	t.Cleanup(func() {
		if !released {
			close(h.release)
		}
	})
	held := make(chan error, 1)
	go func() {
		held <- hostile.Conn().Invoke(ctx, "/trithuc.test.Hold/GetHold", &emptypb.Empty{}, &emptypb.Empty{})
	}()
	<-h.started

	// Six more reads from the same key find no room.
	errs := make(chan error, 6)
	for range 6 {
		go func() {
			_, err := hostile.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1, Filter: costlyFilter()})
			errs <- err
		}()
	}
	for range 6 {
		err := <-errs
		wantCode(t, err, codes.ResourceExhausted)
		st := status.Convert(err)
		if !strings.Contains(st.Message(), "this credential already has 1 reads running") {
			t.Errorf("the message does not say why: %q", st.Message())
		}
		var retry *errdetails.RetryInfo
		for _, d := range st.Details() {
			if r, ok := d.(*errdetails.RetryInfo); ok {
				retry = r
			}
		}
		if retry == nil || retry.RetryDelay.AsDuration() <= 0 {
			t.Errorf("no RetryInfo: %v", st.Details())
		}
	}
	// Another principal's read is admitted meanwhile.
	if _, err := other.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name}); err != nil {
		t.Fatalf("another principal's GetPerson while the first holds its share: %v", err)
	}

	close(h.release)
	released = true
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if _, err := hostile.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1}); err != nil {
		t.Errorf("the first principal's read after its hold ended: %v", err)
	}
}

// A freed slot goes to the waiting principal with the fewest reads
// running, not to the one that asked first.
func TestFreedSlotGoesToTheLeastServed(t *testing.T) {
	f := newFairShare(3, time.Minute) // each principal at most 2
	ctx := context.Background()
	releaseA, _ := f.acquire(ctx, "a")
	f.acquire(ctx, "a")
	f.acquire(ctx, "c")

	queued := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			f.mu.Lock()
			got := len(f.queue)
			f.mu.Unlock()
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d calls queued, want %d", got, n)
			}
		}
	}
	admitted := make(chan string, 2)
	go func() { f.acquire(ctx, "c"); admitted <- "c" }()
	queued(1)
	go func() { f.acquire(ctx, "b"); admitted <- "b" }()
	queued(2)

	releaseA()
	if who := <-admitted; who != "b" {
		t.Fatalf("the freed slot went to %s, which runs a read already; want b, which runs none", who)
	}
	queued(1)
}
