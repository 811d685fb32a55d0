package server

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Running describes the calls in flight and the imports running, for the
// log of a stop that cannot wait for them (a second SIGINT during the
// graceful stop: cmd/trithuc serve), so that the operator learns what to
// check or run again.
func (s *Server) Running() (calls, imports []string) {
	now := time.Now()
	s.inflight.Range(func(k, v any) bool {
		c, r := k.(*call), v.(running)
		calls = append(calls, fmt.Sprintf("%s by %s over %s (request %s, running %s)",
			strings.TrimPrefix(c.method, "/"), r.principal, r.transport, c.id, now.Sub(c.start).Round(time.Millisecond)))
		return true
	})
	s.transfers.mu.Lock()
	for id, run := range s.transfers.runs {
		imports = append(imports, "operations/"+id+" by "+run.principal)
	}
	s.transfers.mu.Unlock()
	slices.Sort(calls)
	slices.Sort(imports)
	return calls, imports
}

// running is what Running tells of a call beyond its method, id and
// start, which do not change: kept in Server.inflight beside the call,
// whose fields the call's goroutine fills in as it goes.
type running struct{ transport, principal string }

// startRunning notes c in flight until the returned func is called.
func (s *Server) startRunning(c *call) func() {
	s.inflight.Store(c, running{transport: c.transport(), principal: "anonymous"})
	return func() { s.inflight.Delete(c) }
}

// ranBy notes who makes c, once authenticate knows.
func (s *Server) ranBy(c *call) {
	s.inflight.Store(c, running{transport: c.transport(), principal: c.principal.ID})
}
