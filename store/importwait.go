package store

import (
	"context"
	"time"
)

// A real import applies its every row in one write transaction, which
// holds the writer for the import's whole run (minutes for a large
// file): the writes made meanwhile wait in the queue. One whose deadline
// would pass while it waits is answered, a little before that deadline,
// that an import holds the writes and when to try again, rather than
// with a deadline that says nothing of why.

// importRetryAfter is when a write refused behind an import is told to
// try again.
const importRetryAfter = 10 * time.Second

var errImportHoldsWriter = &Error{Code: Unavailable, RetryAfter: importRetryAfter,
	Message: "an import of a file is running and holds the registry's writes until it ends (it applies the file at once); nothing was saved: try again in 10s"}

// answerEarly returns a channel that fires shortly before ctx's deadline
// (nil without one), so that the answer reaches the caller before its
// own deadline does; and its stop.
func (q *writeQueue) answerEarly(ctx context.Context) (<-chan time.Time, func()) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil, func() {}
	}
	left := time.Until(deadline)
	margin := min(max(left/10, 100*time.Millisecond), time.Second)
	t := time.NewTimer(max(left-margin, 0))
	return t.C, func() { t.Stop() }
}

// holdWriter marks the writer held by an import until the returned func.
func (q *writeQueue) holdWriter() func() {
	q.importing.Store(true)
	return func() { q.importing.Store(false) }
}
