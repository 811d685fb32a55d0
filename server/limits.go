package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Abuse limits: a longest call, and a rate of calls per principal. (The
// size of a request is limited by Config.MaxRequestBytes.)

// DefaultMaxCallDuration is how long a call may run unless configured.
const DefaultMaxCallDuration = 60 * time.Second

// capDeadline gives a call without a deadline, or with a later one than
// the maximum, the maximum.
func (s *Server) capDeadline(ctx context.Context) (context.Context, func(), error) {
	limit := s.cfg.MaxCallDuration
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= limit {
		return ctx, func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	return ctx, cancel, nil
}

// limiters hold a token bucket per principal.
type limiters struct {
	mu sync.Mutex
	m  map[string]*limiter
}

// limiter is a principal's bucket, when a refused call of the principal
// (by the bucket, or for want of an import slot) was last recorded in the
// audit trail, and the log lines of its refusals: the first a minute, with
// the number not logged since (one key's flood of refused calls was 51,000
// lines in 14 s).
type limiter struct {
	*rate.Limiter
	recorded time.Time
	log      quietLog
}

// refusalsRecorded is how often a principal's calls refused by the rate
// limit or for want of an import slot are recorded in the audit trail: the
// first of each second, so that the trail shows who was held back, and
// when, without a flood of refused calls filling it (and the writer)
// faster than allowed calls could.
const refusalsRecorded = time.Second

// limiterOf is the bucket of the principal id, made at its first use.
func (s *Server) limiterOf(id string) *limiter {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	lim := s.limits.m[id]
	if lim == nil {
		lim = &limiter{Limiter: rate.NewLimiter(rate.Limit(s.cfg.RateLimit), max(1, s.cfg.RateBurst))}
		s.limits.m[id] = lim
	}
	return lim
}

// chargeCalls takes n tokens from the bucket of the principal id, as n
// calls would, waiting for them a few at a time (its calls meanwhile share
// what comes back): the rows of an import that each ask what a call asks
// are held to the rate those calls would be. Nil at once without a limit.
func (s *Server) chargeCalls(ctx context.Context, id string, n int) error {
	if s.cfg.RateLimit <= 0 || n <= 0 {
		return nil
	}
	lim := s.limiterOf(id)
	for n > 0 {
		k := min(n, 10, lim.Burst())
		if err := lim.WaitN(ctx, k); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// rateLimit takes a token from the bucket of the call's principal, or
// answers RESOURCE_EXHAUSTED saying when to try again. Calls that need no
// credential are not limited here.
func (s *Server) rateLimit(ctx context.Context) error {
	p := callFrom(ctx).principal
	if s.cfg.RateLimit <= 0 || p == nil {
		return nil
	}
	lim := s.limiterOf(p.ID)
	now := time.Now()
	r := lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	r.CancelAt(now)
	delay = delay.Round(time.Millisecond) + time.Millisecond
	err := withDetails(codes.ResourceExhausted,
		fmt.Sprintf("too many calls: this credential may make %g calls a second (bursts of %d); retry in %s", s.cfg.RateLimit, max(1, s.cfg.RateBurst), delay),
		&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	c := callFrom(ctx)
	s.limits.mu.Lock()
	c.limited = true
	c.quiet, c.suppressed = lim.log.skip(now)
	s.limits.mu.Unlock()
	s.auditRefusalEachSecond(lim, c, err, now)
	return err
}

// auditRefusalEachSecond records c, refused before the audit interceptor
// saw it and held back rather than denied, when it is the first refused
// call of its principal (whose bucket lim is) this second
// (refusalsRecorded).
func (s *Server) auditRefusalEachSecond(lim *limiter, c *call, err error, now time.Time) {
	s.limits.mu.Lock()
	record := now.Sub(lim.recorded) >= refusalsRecorded
	if record {
		lim.recorded = now
	}
	s.limits.mu.Unlock()
	if record {
		s.auditRefusal(c, err)
	}
}

// auditRefusal records in the audit trail a call refused before the audit
// interceptor saw it, when its method is audited and the trail has room.
func (s *Server) auditRefusal(c *call, err error) {
	if s.audited(c.method) && s.audit.reserve() {
		s.finishAudit(s.newAuditEvent(c), err)
		s.audit.unreserve()
	}
}

// callLimit counts the calls of a kind that may last long while holding
// little (watches of the change feed, WaitOperation), per principal and in
// all, and refuses one over either bound with mine's or full's message.
type callLimit struct {
	mu         sync.Mutex
	each, all  int
	open       int
	by         map[string]int
	mine, full func(n int) string
}

// acquire counts a call of who, or refuses it RESOURCE_EXHAUSTED, and
// returns its release.
func (l *callLimit) acquire(who string) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.by[who]; n >= l.each {
		return nil, status.Error(codes.ResourceExhausted, l.mine(n))
	}
	if l.open >= l.all {
		return nil, status.Error(codes.ResourceExhausted, l.full(l.open))
	}
	l.open++
	l.by[who]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.open--
		if l.by[who]--; l.by[who] == 0 {
			delete(l.by, who)
		}
	}, nil
}
