package store

import (
	"context"
	"fmt"
	"time"
)

// Retention: the events of reads in the audit trail and the idempotency
// records are kept for a time the server is configured with, then removed
// (Law 91/2025/QH15 asks that personal data be kept no longer than its
// purpose needs; who read a profile is personal data of the reader and of
// the person read). Events of writes stay for good: they are the history of
// the registry. The audit trail is append-only by triggers; migration 0013
// makes one exception, read events older than a cutoff that a retention run
// sets in its own transaction (the table audit_retention), so no other
// statement can delete an event.

// Retention is how long what EnforceRetention removes is kept; 0 keeps it
// for good.
type Retention struct {
	AuditReads  time.Duration
	Idempotency time.Duration
	// ImportResults is how long after an import ended its problems and
	// its report, which quote the uploaded file, are kept
	// (pruneImportResults).
	ImportResults time.Duration
}

// The shortest periods allowed: read events answer a data subject's access
// request (who read my profile), and a client may retry a create for a day.
// An import's caller needs a few days to read its problems and fix the file.
const (
	MinAuditReadRetention    = 30 * 24 * time.Hour
	MinIdempotencyRetention  = 24 * time.Hour
	MinImportResultRetention = 7 * 24 * time.Hour
)

// Check reports a period shorter than its minimum.
func (r Retention) Check() error {
	var v Invalids
	if r.AuditReads < 0 || (r.AuditReads > 0 && r.AuditReads < MinAuditReadRetention) {
		v.add("audit_read_retention", "must be 0 (keep for good) or at least %s, not %s", MinAuditReadRetention, r.AuditReads)
	}
	if r.Idempotency < 0 || (r.Idempotency > 0 && r.Idempotency < MinIdempotencyRetention) {
		v.add("idempotency_retention", "must be 0 (keep for good) or at least %s, not %s", MinIdempotencyRetention, r.Idempotency)
	}
	if r.ImportResults < 0 || (r.ImportResults > 0 && r.ImportResults < MinImportResultRetention) {
		v.add("import_result_retention", "must be 0 (keep for good) or at least %s, not %s", MinImportResultRetention, r.ImportResults)
	}
	return v.err()
}

// RetentionRun is what a run removed.
type RetentionRun struct {
	AuditEvents, IdempotencyRecords, ImportResults int64
}

// retentionChunk bounds the read events one transaction removes, so that a
// first run over a long trail does not hold the writer for long.
const retentionChunk = 5000

// EnforceRetention removes the read events, idempotency records and
// imports' problems and reports older than r allows at db.Now(). The run's audit event, if any, is stored with
// the first transaction: every run that removes anything is in the trail.
func (db *DB) EnforceRetention(ctx context.Context, r Retention, audit *AuditEvent) (RetentionRun, error) {
	var run RetentionRun
	if err := r.Check(); err != nil {
		return run, err
	}
	now := db.Now().UTC()
	for first := true; ; first = false {
		var n int64
		ev := audit
		if !first {
			ev = nil
		}
		err := db.write(ctx, false, ev, func(tx *Tx) error {
			if first && r.Idempotency > 0 {
				res, err := tx.ExecContext(ctx, `DELETE FROM requests WHERE create_time < ?`, micros(now.Add(-r.Idempotency)))
				if err != nil {
					return dbError(err)
				}
				if run.IdempotencyRecords, err = res.RowsAffected(); err != nil {
					return dbError(err)
				}
			}
			if first && r.ImportResults > 0 {
				var err error
				if run.ImportResults, err = tx.pruneImportResults(ctx, micros(now.Add(-r.ImportResults))); err != nil {
					return err
				}
			}
			if r.AuditReads == 0 {
				return nil
			}
			var err error
			n, err = tx.removeReadEvents(ctx, micros(now.Add(-r.AuditReads)))
			return err
		})
		if err != nil {
			return run, err
		}
		run.AuditEvents += n
		if n < retentionChunk {
			return run, nil
		}
	}
}

// removeReadEvents removes up to retentionChunk read events older than
// before, with the names they hold, under the cutoff the triggers check:
// those of audit_events, then those of audit_reads (migration 0025). The
// last chunk, once no older event is left, removes the strings only older
// events named.
func (tx *Tx) removeReadEvents(ctx context.Context, before int64) (int64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_retention (one, read_before) VALUES (1, ?)`, before); err != nil {
		return 0, dbError(err)
	}
	chunk := fmt.Sprintf(`SELECT pk FROM audit_events INDEXED BY audit_events_read_time
		WHERE read = 1 AND event_time < ?1 ORDER BY event_time LIMIT %d`, retentionChunk)
	if _, err := tx.ExecContext(ctx, `DELETE FROM audit_event_resources WHERE event_pk IN (`+chunk+`)`, before); err != nil {
		return 0, dbError(err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM audit_events WHERE pk IN (`+chunk+`)`, before)
	if err != nil {
		return 0, dbError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, dbError(err)
	}
	if n < retentionChunk {
		// The key of audit_reads is its time: the oldest come first.
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_reads WHERE key IN (SELECT key FROM audit_reads
			WHERE key < ? ORDER BY key LIMIT ?)`, min(max(before, 0), maxReadKeyMicros)<<readKeyShift, retentionChunk-n)
		if err != nil {
			return 0, dbError(err)
		}
		reads, err := res.RowsAffected()
		if err != nil {
			return 0, dbError(err)
		}
		if n += reads; n < retentionChunk {
			if _, err := tx.ExecContext(ctx, `DELETE FROM audit_strings WHERE last_time < ?`, before); err != nil {
				return 0, dbError(err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM audit_retention`)
	return n, dbError(err)
}
