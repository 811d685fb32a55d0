package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The read pool is shared fairly between principals. A read call takes a
// slot for as long as it runs; there are one fewer slots than read
// connections, so that authentication and the server's own reads always
// find a connection, and one principal may hold all but one slot, so that
// another principal always gets in. When a slot frees, it goes to the
// waiting principal with the fewest reads running, the earliest caller
// first among equals: several principals sending the costliest reads can
// keep a newcomer waiting at most until one of their reads ends, which the
// store's read budget bounds.
//
// The gate is an interceptor, not part of the store, because principals
// are the server's notion, and because a read call uses one connection at a
// time, a slot per call is a connection per call.

// DefaultMaxReadWait is how long a read call may wait for a slot unless
// configured; its deadline may make it shorter.
const DefaultMaxReadWait = 5 * time.Second

// readRetryDelay is the RetryInfo of a call that found no slot: about how
// long the costliest read may run.
const readRetryDelay = 2 * time.Second

// readVerbs begin the names of the methods that read and never write
// (AIP-131, 132, 136, and BatchGet, AIP-231). Public methods (health,
// reflection) have no principal and pass ungated.
var readVerbs = []string{"Get", "BatchGet", "List", "Search", "Compute", "Export"}

func isRead(method string) bool {
	name := method[strings.LastIndexByte(method, '/')+1:]
	for _, v := range readVerbs {
		if strings.HasPrefix(name, v) {
			return true
		}
	}
	return false
}

// fairShare admits read calls to the slots of the read pool.
type fairShare struct {
	slots, each int
	maxWait     time.Duration

	mu      sync.Mutex
	running int
	by      map[string]int // running reads per principal
	queue   []*readWaiter  // in order of arrival
}

type readWaiter struct {
	who      string
	ready    chan struct{}
	admitted bool
}

// newFairShare shares slots between principals, each taking at most all
// but one of them.
func newFairShare(slots int, maxWait time.Duration) *fairShare {
	slots = max(1, slots)
	return &fairShare{slots: slots, each: max(1, slots-1), maxWait: maxWait, by: map[string]int{}}
}

// acquire waits for a slot for who, until ctx is done or the longest wait
// has passed, and returns its release.
func (f *fairShare) acquire(ctx context.Context, who string) (func(), error) {
	w := &readWaiter{who: who, ready: make(chan struct{})}
	f.mu.Lock()
	f.queue = append(f.queue, w)
	f.dispatch()
	// Read under the lock: a release on another goroutine may admit w
	// from here on.
	admitted := w.admitted
	f.mu.Unlock()
	release := func() {
		f.mu.Lock()
		f.running--
		if f.by[who]--; f.by[who] == 0 {
			delete(f.by, who)
		}
		f.dispatch()
		f.mu.Unlock()
	}
	if admitted {
		return release, nil
	}

	timer := time.NewTimer(f.maxWait)
	defer timer.Stop()
	select {
	case <-w.ready:
		return release, nil
	case <-ctx.Done():
	case <-timer.C:
	}
	f.mu.Lock()
	if w.admitted {
		f.mu.Unlock()
		if ctx.Err() == nil {
			return release, nil
		}
		release()
	} else {
		for i, q := range f.queue {
			if q == w {
				f.queue = append(f.queue[:i], f.queue[i+1:]...)
				break
			}
		}
		f.mu.Unlock()
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil, status.Error(codes.Canceled, "the call was cancelled")
	}
	f.mu.Lock()
	mine := f.by[who]
	f.mu.Unlock()
	why := fmt.Sprintf("the server is busy with other callers' reads (%d at once at most)", f.slots)
	if mine >= f.each {
		why = fmt.Sprintf("this credential already has %d reads running, the most one caller may run at once", mine)
	}
	return nil, withDetails(codes.ResourceExhausted,
		fmt.Sprintf("no room for another read: %s; retry in %s, or make fewer calls at once", why, readRetryDelay),
		&errdetails.RetryInfo{RetryDelay: durationpb.New(readRetryDelay)})
}

// dispatch admits waiters while slots are free: each time the waiter whose
// principal runs the fewest reads, below its share. f.mu is held.
func (f *fairShare) dispatch() {
	for f.running < f.slots {
		best := -1
		for i, w := range f.queue {
			n := f.by[w.who]
			if n < f.each && (best < 0 || n < f.by[f.queue[best].who]) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		w := f.queue[best]
		f.queue = append(f.queue[:best], f.queue[best+1:]...)
		f.running++
		f.by[w.who]++
		w.admitted = true
		close(w.ready)
	}
}

// fairShare holds a read call to a slot of the read pool while it runs
// (the chain applies it to reads only).
func (s *Server) fairShare(ctx context.Context) (context.Context, func(), error) {
	p := callFrom(ctx).principal
	if p == nil {
		return ctx, func() {}, nil
	}
	release, err := s.reads.acquire(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	return ctx, release, nil
}
