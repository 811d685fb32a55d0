package server

import (
	"context"
	"fmt"
	"time"
)

// The change feed's retention: changes older than Config.ChangesRetention
// are pruned when the server starts and every retentionInterval after
// (store.DB.PruneChanges), so that the feed does not grow for ever. A
// consumer whose cursor is older is told so (FAILED_PRECONDITION naming
// the oldest cursor held) and reads the registry in full again.

// DefaultChangesRetention is the serve default: a quarter and some, so
// that a consumer down over a long holiday, or a quarterly job, resumes.
const DefaultChangesRetention = 90 * 24 * time.Hour

// MinChangesRetention is the shortest allowed: a consumer down over a
// weekend must still resume.
const MinChangesRetention = 7 * 24 * time.Hour

func checkChangesRetention(d time.Duration) error {
	if d < 0 || (d > 0 && d < MinChangesRetention) {
		return fmt.Errorf("changes_retention must be 0 (keep for good) or at least %s, not %s", MinChangesRetention, d)
	}
	return nil
}

// runChangesRetention prunes the feed now and every day after, until the
// server shuts down.
func (s *Server) runChangesRetention() { s.everyDay(s.pruneChanges) }

func (s *Server) pruneChanges(ctx context.Context) {
	// On the database's clock, as the other retention is, so that a test
	// can move it.
	n, err := s.db.PruneChanges(ctx, s.db.Now().Add(-s.cfg.ChangesRetention))
	switch {
	case err != nil && ctx.Err() == nil:
		s.log.Error("retention: pruning the change feed; will retry tomorrow", "err", err)
	case err == nil:
		s.log.Info("retention", "changes_pruned", n, "changes_kept", keptFor(s.cfg.ChangesRetention))
	}
}
