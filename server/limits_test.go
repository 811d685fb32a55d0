package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestRateLimit(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.RateLimit = 0.001 // a token every 1000 s: none comes back during the test
		c.RateBurst = 3
	})
	ctx := context.Background()
	_, other := e.key(RoleService)
	// Without retries: the client would wait out the RetryInfo (30 s at
	// most) before giving up.
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 3; i++ {
		if _, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
	}
	_, err = c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	wantCode(t, err, codes.ResourceExhausted)
	st := status.Convert(err)
	if !strings.Contains(st.Message(), "retry in") {
		t.Errorf("the message does not say when to retry: %q", st.Message())
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
	code, body := e.rest("GET", "/v1/people", nil)
	wantREST(t, code, body, http.StatusTooManyRequests)
	// Another principal has its own bucket; health checks have none.
	if _, err := e.clientAs(other).People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("another principal: %v", err)
	}
	resp, err := e.http.Get(e.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: HTTP %d", resp.StatusCode)
	}

	// The trail shows the refusals, the first of each second: a flood of
	// refused calls does not fill it.
	start := time.Now()
	for i := 0; i < 50; i++ {
		_, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		wantCode(t, err, codes.ResourceExhausted)
	}
	seconds := int(time.Since(start)/time.Second) + 1
	_, admin := e.key(RoleAdmin)
	events, err := e.clientAs(admin).Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{
		Method: "ListPeople", Filter: `code = "RESOURCE_EXHAUSTED"`, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Two refusals before the loop (gRPC, REST) and fifty in it, within
	// 1 + seconds windows of a second.
	if n := len(events.AuditEvents); n < 1 || n > 1+seconds {
		t.Errorf("%d refused calls in the trail, want one a second (1 to %d)", n, 1+seconds)
	}
	for _, ev := range events.AuditEvents {
		if ev.Principal != events.AuditEvents[0].Principal {
			t.Errorf("refusals recorded for %s and %s, want the one limited key", ev.Principal, events.AuditEvents[0].Principal)
		}
	}

	// The log has one line for the 52 refusals this minute: the first.
	var refusals []string
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, "code=ResourceExhausted") && strings.Contains(line, "method=/trithuc.v1.PersonService/ListPeople") {
			refusals = append(refusals, line)
		}
	}
	if len(refusals) != 1 || !strings.Contains(refusals[0], "not_logged=0") {
		t.Errorf("%d log lines for 52 calls refused by the rate limit, want 1 saying not_logged=0:\n%s", len(refusals), strings.Join(refusals, "\n"))
	}
}

func TestRateLimitQuietLog(t *testing.T) {
	// The next line after a minute of quiet says how many were left out.
	e := newEnvWith(t, func(c *Config) { c.RateLimit = 0.001; c.RateBurst = 1 })
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for range 5 {
		c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	}
	e.srv.limits.mu.Lock()
	for _, lim := range e.srv.limits.m {
		lim.log.last = lim.log.last.Add(-quietInterval)
	}
	e.srv.limits.mu.Unlock()
	c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	if n := strings.Count(e.logs.String(), "code=ResourceExhausted"); n != 2 {
		t.Errorf("%d lines for 5 refused calls a minute apart from the first, want 2:\n%s", n, e.logs.String())
	}
	if !strings.Contains(e.logs.String(), "not_logged=3") {
		t.Errorf("the line after a minute does not count the 3 not logged:\n%s", e.logs.String())
	}
}

func TestMaxCallDuration(t *testing.T) {
	const limit = 5 * time.Second
	e := newEnvWith(t, func(c *Config) { c.MaxCallDuration = limit })
	e.startWithProbe(nil)
	conn := e.clientAs(e.token).Conn()
	for _, tt := range []struct {
		deadline time.Duration // 0: none
		most     time.Duration
	}{
		{0, limit},
		{time.Hour, limit},
		{2 * time.Second, 2 * time.Second},
	} {
		ctx := context.Background()
		if tt.deadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, tt.deadline)
			defer cancel()
		}
		left := new(durationpb.Duration)
		if err := conn.Invoke(ctx, "/trithuc.test.Probe/Deadline", &emptypb.Empty{}, left); err != nil {
			t.Fatal(err)
		}
		if d := left.AsDuration(); d <= 0 || d > tt.most {
			t.Errorf("deadline %v: the handler had %v, want at most %v", tt.deadline, d, tt.most)
		}
	}
}

func TestExpiredAndRevokedKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, expired, err := e.db.CreateKey(ctx, "expired", RoleAdmin, time.Now().Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.clientAs(expired).People.ListPeople(ctx, &pb.ListPeopleRequest{})
	wantCode(t, err, codes.Unauthenticated)
	code, body := e.restAs(expired, "GET", "/v1/people", nil)
	wantREST(t, code, body, http.StatusUnauthorized)

	k, live := e.key(RoleRegistrar)
	c := e.clientAs(live)
	if _, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	wantCode(t, err, codes.Unauthenticated)
	code, body = e.restAs(live, "GET", "/v1/people", nil)
	wantREST(t, code, body, http.StatusUnauthorized)
}
