package server

import (
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Calls without a valid credential have no principal for rateLimit to hold
// back, and each was a log line: one client guessing keys made 20,000
// calls a second and 14 GB of log an hour. They are counted per client
// address instead: past a burst the refusals become RESOURCE_EXHAUSTED
// with a RetryInfo, and only the first refusal a minute from an address is
// logged, with the number not logged since. A valid credential from the
// same address is never held back (behind a proxy that is not trusted,
// clientaddr.go, every client has the proxy's address): the credential is
// checked first. But once an address
// is throttled, a key is checked only when it was found live within the
// last day (store.DB.KeyKnown): a made-up one would cost a lookup each, so
// it is refused unchecked, and so is a valid key not used for a day (its
// client retries after the RetryInfo's delay).

// Failed authentications one address may make: a burst, refilled at a
// rate a second.
const (
	authFailureBurst = 50
	authFailureRate  = 5
	// maxFailingAddresses bounds the addresses remembered; an address is
	// forgotten once idle for failureIdle, its bucket full again and its
	// minute of quiet over.
	maxFailingAddresses = 10000
	failureIdle         = time.Minute
)

// authFailures are the failed authentications of each client address.
type authFailures struct {
	mu    sync.Mutex
	addrs map[string]*addressFailures
	max   int
	swept time.Time
	// overflow is shared by the addresses that find the map full of
	// active ones (many addresses of one IPv6 block are one already).
	overflow *addressFailures
}

type addressFailures struct {
	lim  *rate.Limiter
	log  quietLog
	used time.Time
}

func newAuthFailures(max int) *authFailures {
	return &authFailures{addrs: map[string]*addressFailures{}, max: max, overflow: newAddressFailures()}
}

func newAddressFailures() *addressFailures {
	return &addressFailures{lim: rate.NewLimiter(authFailureRate, authFailureBurst)}
}

// refuse counts a failed authentication of c against its address and
// returns the error to answer: err, or RESOURCE_EXHAUSTED once the address
// has failed too often. It marks c refused, and quiet unless its refusal is
// the address's first this minute. Errors other than UNAUTHENTICATED (a
// busy database) are returned as they are.
func (a *authFailures) refuse(c *call, err error) error {
	if status.Code(err) != codes.Unauthenticated {
		return err
	}
	now := time.Now()
	a.mu.Lock()
	f := a.get(c.client, now)
	f.used = now
	r := f.lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now)
	}
	c.refused = true
	c.quiet, c.suppressed = f.log.skip(now)
	a.mu.Unlock()
	if delay == 0 {
		return err
	}
	delay = delay.Round(time.Millisecond) + time.Millisecond
	return withDetails(codes.ResourceExhausted,
		fmt.Sprintf("%s; too many calls without a valid credential came from this address (%d, then %d a second): retry in %s",
			status.Convert(err).Message(), authFailureBurst, authFailureRate, delay),
		&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
}

// throttled reports whether client's address has failed too often for
// now: its next failure would be refused RESOURCE_EXHAUSTED.
func (a *authFailures) throttled(client string) bool {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.addrs[addressKey(client)]
	if f == nil && len(a.addrs) >= a.max {
		f = a.overflow
	}
	return f != nil && f.lim.TokensAt(now) < 1
}

// get is the failures of client's address; a.mu is held.
func (a *authFailures) get(client string, now time.Time) *addressFailures {
	key := addressKey(client)
	if f := a.addrs[key]; f != nil {
		return f
	}
	if len(a.addrs) >= a.max && now.Sub(a.swept) >= time.Second {
		// At most a sweep a second, so that a flood from new addresses
		// does not make every refusal walk the map.
		a.swept = now
		for k, f := range a.addrs {
			if now.Sub(f.used) >= failureIdle {
				delete(a.addrs, k)
			}
		}
	}
	if len(a.addrs) >= a.max {
		return a.overflow
	}
	f := newAddressFailures()
	a.addrs[key] = f
	return f
}

// addressKey is what an address is counted by: an IPv4 address, or the
// /64 block of an IPv6 one (one host usually has the whole block).
func addressKey(client string) string {
	ip := net.ParseIP(client)
	if ip == nil || ip.To4() != nil {
		return client
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// quietInterval is how often a quietLog lets a line through.
const quietInterval = time.Minute

// quietLog lets the first of a kind of log line through each minute and
// counts the others, so that a flood of refusals (of calls, of
// connections) does not become a flood of log lines. Its owner locks it.
type quietLog struct {
	last    time.Time
	skipped int
}

// skip reports whether a line at now is to be left out; when it is not,
// skipped is how many were left out since the last one.
func (q *quietLog) skip(now time.Time) (skip bool, skipped int) {
	if !q.last.IsZero() && now.Sub(q.last) < quietInterval {
		q.skipped++
		return true, 0
	}
	skipped, q.last, q.skipped = q.skipped, now, 0
	return false, skipped
}
