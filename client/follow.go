package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Follower keeps a replica in sync with the change feed: it watches the
// feed from a stored cursor, calls Handle for each change in order (or
// HandleBatch for the changes of each message), then Save with the cursor
// after them, and reconnects with backoff when the connection or the
// server goes away. A change is handled at least once: after a crash
// between Handle and Save the same changes come again, so Handle must be
// idempotent (read the resource and upsert, or delete).
// With Resync set, it also mends a copy that the feed cannot bring up to
// date, reading the registry in full (a new copy, a restore, a cursor
// older than what the feed keeps).
type Follower struct {
	Changes pb.ChangeServiceClient
	// Cursor is where to start; "" starts at the newest change, after
	// Resync when that is set.
	Cursor string
	// Filter is a filter on resource_type, as ListChanges takes.
	Filter string
	// Handle is called for each change, in commit order.
	Handle func(ctx context.Context, c *pb.Change) error
	// HandleBatch, when set, is called instead of Handle with the changes
	// of each message of the feed (up to 16 KB of them when catching up),
	// in commit order, so that a consumer can read their resources in one
	// call (BatchGetPeople) and store them in one transaction.
	HandleBatch func(ctx context.Context, changes []*pb.Change) error
	// Save, when set, stores the cursor after each batch handled.
	Save func(ctx context.Context, cursor string) error
	// Resync, when set, is called when there is no cursor to start from
	// and when the server refuses the cursor (FAILED_PRECONDITION: the
	// feed no longer holds the changes after it, or it is of another
	// feed, as after a restore from a backup). It is given the cursor of
	// the newest change, taken before it runs: it reads what the copy
	// holds in full, replaces the copy with it and stores the cursor with
	// it, and the follower goes on from that cursor, so that what is
	// committed during the read comes again as changes. Without it, such
	// a cursor ends Run.
	Resync func(ctx context.Context, cursor string) error
	// MinBackoff and MaxBackoff bound the wait before a reconnection;
	// 100 ms and 30 s when 0.
	MinBackoff, MaxBackoff time.Duration

	// resync is whether Resync is due, at the next watch's first message.
	resync bool
}

// Run follows the feed until ctx ends (it then returns nil) or an error
// retrying cannot mend: the cursor is no longer held or is not this
// feed's (FAILED_PRECONDITION without Resync, INVALID_ARGUMENT), the
// credential may not read the feed, or Handle, Save or Resync failed.
func (f *Follower) Run(ctx context.Context) error {
	wait := cmpOr(f.MinBackoff, 100*time.Millisecond)
	limit := cmpOr(f.MaxBackoff, 30*time.Second)
	backoff := wait
	f.resync = f.Resync != nil && f.Cursor == ""
	for {
		progressed, err := f.watch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var fatal *handlerError
		if errors.As(err, &fatal) {
			// A read the handler made may fail while the server restarts;
			// the changes come again from the saved cursor.
			switch status.Code(fatal.err) {
			case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
			default:
				return fatal.err
			}
		}
		switch status.Code(err) {
		case codes.FailedPrecondition:
			if f.Resync == nil || f.resync {
				return err
			}
			// Watching without a cursor, the next watch first sends the
			// newest change's cursor: Resync runs from there.
			f.resync, f.Cursor = true, ""
		case codes.InvalidArgument, codes.PermissionDenied, codes.Unauthenticated:
			return err
		}
		if progressed {
			backoff = wait
		}
		// Full jitter, so that watchers cut off together do not come back
		// together.
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(rand.Int64N(int64(backoff)) + 1)):
		}
		backoff = min(2*backoff, limit)
	}
}

type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

// watch runs one WatchChanges call; it reports whether it received
// anything, so that a connection that worked resets the backoff.
func (f *Follower) watch(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := f.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Cursor: f.Cursor, Filter: f.Filter})
	if err != nil {
		return false, err
	}
	progressed := false
	for {
		m, err := stream.Recv()
		if err != nil {
			return progressed, err
		}
		progressed = true
		if f.resync {
			// A watch without a cursor sends the newest change's cursor
			// first, alone.
			if err := f.Resync(ctx, m.Cursor); err != nil {
				return progressed, &handlerError{err}
			}
			f.resync, f.Cursor = false, m.Cursor
			continue
		}
		if err := f.handle(ctx, m.Changes); err != nil {
			return progressed, &handlerError{err}
		}
		if f.Save != nil {
			if err := f.Save(ctx, m.Cursor); err != nil {
				return progressed, &handlerError{err}
			}
		}
		f.Cursor = m.Cursor
	}
}

func (f *Follower) handle(ctx context.Context, changes []*pb.Change) error {
	if f.HandleBatch != nil {
		if len(changes) == 0 {
			return nil
		}
		return f.HandleBatch(ctx, changes)
	}
	for _, c := range changes {
		if err := f.Handle(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
