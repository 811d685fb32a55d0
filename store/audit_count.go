package store

import (
	"context"
	"errors"
	"time"
)

// AuditCount is how many events of the trail a query selects
// (CountAuditEvents).
type AuditCount struct {
	Events int64
	// Oldest is the time of the oldest event counted; zero for none.
	Oldest time.Time
	// Partial: the count of a table stopped before the trail's start,
	// its read's budget spent: there are at least Events.
	Partial bool
}

// CountAuditEvents counts the events q selects after its page token,
// without reading them: what a person's export says of the events older
// than those it holds. The trail has no index by person (audit_reads packs
// the people of a read in its row), so counting those that name one reads
// every row from the token back; each table is counted newest first in a
// read of its own, within the budget of a read, and a count the budget
// stops is Partial. Its cost is thus bounded, and its memory nothing,
// however large the trail.
func (db *DB) CountAuditEvents(ctx context.Context, q AuditQuery) (AuditCount, error) {
	sel, err := selectAudit(q)
	if err != nil {
		return AuditCount{}, err
	}
	var out AuditCount
	for _, reads := range []bool{false, true} {
		err := db.read(ctx, func(tx *Tx) error {
			events, readEvents, err := db.auditTables(ctx, tx, sel, q.Filter)
			if err != nil {
				return err
			}
			query, args := `SELECT e.event_time FROM audit_events e`+whereSQL(events.where)+
				` ORDER BY e.event_time DESC, e.pk DESC`, events.args
			if reads {
				query, args = `SELECT e.event_time FROM audit_read_events e`+whereSQL(readEvents.where)+
					` ORDER BY e.pk DESC`, readEvents.args
			}
			rows, err := tx.QueryContext(ctx, query, args...)
			if err != nil {
				return dbError(err)
			}
			defer rows.Close()
			for rows.Next() {
				var us int64
				if err := rows.Scan(&us); err != nil {
					return dbError(err)
				}
				out.Events++
				if t := fromMicros(us); out.Oldest.IsZero() || t.Before(out.Oldest) {
					out.Oldest = t
				}
			}
			return dbError(rows.Err())
		})
		switch {
		case errors.Is(err, ErrBudget):
			out.Partial = true
		case err != nil:
			return AuditCount{}, err
		}
	}
	return out, nil
}
