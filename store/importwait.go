package store

import (
	"context"
	"database/sql"
	"time"
)

// A real import applies its every row in one write transaction, which
// holds the writer for the import's whole run (minutes for a large
// file), and so does a dry run that may not yield (Yields): the writes
// made meanwhile wait. One whose deadline
// would pass while it waits is answered, a little before that deadline,
// that an import holds the writes and when to try again, rather than
// with a deadline that says nothing of why.

// importRetryAfter is when a write refused behind an import is told to
// try again.
const importRetryAfter = 10 * time.Second

var errImportHoldsWriter = &Error{Code: Unavailable, RetryAfter: importRetryAfter,
	Message: "an import of a file is running and holds the registry's writes until it ends (it applies the file at once); nothing was saved: try again in 10s"}

// A dry run that may not yield holds the writer outside the queue: the
// write leading the queue then waits for the connection itself. While an
// import runs it leads alone, and gives up its wait as a queued write
// does.

// earlyDeadline is shortly before ctx's deadline, so that an answer
// reaches the caller before its own deadline does.
func earlyDeadline(ctx context.Context) (time.Time, bool) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return time.Time{}, false
	}
	margin := min(max(time.Until(deadline)/10, 100*time.Millisecond), time.Second)
	return deadline.Add(-margin), true
}

// answerEarly returns a channel that fires at ctx's earlyDeadline (nil
// without one), and its stop.
func (q *writeQueue) answerEarly(ctx context.Context) (<-chan time.Time, func()) {
	early, ok := earlyDeadline(ctx)
	if !ok {
		return nil, func() {}
	}
	t := time.NewTimer(max(time.Until(early), 0))
	return t.C, func() { t.Stop() }
}

// beginGroup begins the transaction of group. A write alone while an
// import holds the writer waits for it until its earlyDeadline.
func (db *DB) beginGroup(group []*pendingWrite) (*sql.Conn, func(), error) {
	ctx := context.Background()
	if early, ok := earlyDeadline(group[0].ctx); ok && len(group) == 1 && db.queue.importing.Load() > 0 {
		var cancel func()
		ctx, cancel = context.WithDeadline(ctx, early)
		defer cancel()
	}
	conn, end, err := beginTx(ctx, db.writer, "BEGIN IMMEDIATE")
	if err != nil && ctx.Err() != nil {
		return nil, nil, errImportHoldsWriter
	}
	return conn, end, err
}

// holdWriter marks the writer held by an import until the returned func.
func (q *writeQueue) holdWriter() func() {
	q.importing.Add(1)
	return func() { q.importing.Add(-1) }
}

// ImportsHoldingWriter is how many imports (and dry runs that may not
// yield) hold the writer or wait for it: while one does, writes wait, and
// those whose deadline would pass first are answered UNAVAILABLE.
func (db *DB) ImportsHoldingWriter() int { return int(db.queue.importing.Load()) }
