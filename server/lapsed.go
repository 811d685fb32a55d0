package server

import (
	"context"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// LapsedPositionsMethod is the method of the audit event of a run that
// ended positions past their end date (store.DB.EndLapsedPositions): no
// client calls it, but `auditEvents list --method` finds the runs.
const LapsedPositionsMethod = "/trithuc.server/EndLapsedPositions"

// runLapsedPositions ends lapsed positions now and every day after, so
// that what follows from a person's current positions (their unit, their
// work location) follows on the profile too. Statistics and a unit's
// scope do not wait for it: they read a position's last day
// (store/statheld.go, store/unitscope.go).
func (s *Server) runLapsedPositions() { s.everyDay(s.endLapsedPositions) }

func (s *Server) endLapsedPositions(ctx context.Context) {
	ev := store.NewAuditEvent(time.Now())
	ev.Principal, ev.Role, ev.Method, ev.Transport = "server", "server", LapsedPositionsMethod, "internal"
	ev.PrincipalName = "positions past their end date"
	n, err := s.db.EndLapsedPositions(ctx, ev)
	switch {
	case err != nil && ctx.Err() == nil:
		s.log.Error("ending positions past their end date; will retry tomorrow", "err", err)
	case err == nil && n > 0:
		s.log.Info("positions past their end date are no longer current", "positions", n)
	}
}
