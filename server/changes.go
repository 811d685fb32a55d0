package server

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The change feed (store/changes.go). What a caller sees of it follows
// its role and scope, per change, in the store's query: the types it may
// read, and for a registrar key limited to an association the changes of
// the people in its scope and of its association's memberships. A change
// holds names and field paths only; the caller reads the values with its
// own credential, so that redaction and scope hold there too.
type changeService struct {
	pb.UnimplementedChangeServiceServer
	db *store.DB
	// draining ends the watches when the server shuts down: a graceful
	// stop waits for the calls in flight, and a watch never ends by itself.
	draining <-chan struct{}
	watches  *callLimit
	// shown is what of memberships and consents the caller reads: a
	// change of what it does not, alone, is left out (holdings.go).
	shown func(ctx context.Context) store.Shown
}

// A watch lives as long as its caller likes, holding a goroutine, a batch
// of changes and the audit event of what it sent. A consumer needs one; a
// principal may hold a few (a restart that overlaps the old process, a
// consumer per type), and the server a bounded number for everyone. With
// no bound, one service key's 200 watches took the server to 870 MB.
const (
	maxWatchesPerPrincipal = 8
	maxWatches             = 256
)

func newWatchLimit() *callLimit {
	return &callLimit{each: maxWatchesPerPrincipal, all: maxWatches, by: map[string]int{},
		mine: func(n int) string {
			return fmt.Sprintf("this credential has %d watches of the change feed open, as many as one may: a watch is meant to be one per consumer, "+
				"following the feed for as long as it runs; end a watch you no longer read before opening another", n)
		},
		full: func(n int) string {
			return fmt.Sprintf("the server has %d watches of the change feed open, as many as it holds: try again later, or read the feed with ListChanges", n)
		}}
}

// feedTypes are the resource types each role may see changes of: what it
// may read. Roles not listed see every type.
var feedTypes = map[string][]pb.Change_ResourceType{
	RoleService: {pb.Change_PERSON, pb.Change_ORGANIZATION},
	RoleHomeAffairs: {pb.Change_PERSON, pb.Change_QUALIFICATION, pb.Change_POSITION, pb.Change_HONOR,
		pb.Change_ORGANIZATION, pb.Change_ASSOCIATION, pb.Change_MEMBERSHIP, pb.Change_WORK},
	scopedRegistrar: {pb.Change_PERSON, pb.Change_QUALIFICATION, pb.Change_POSITION, pb.Change_HONOR,
		pb.Change_MEMBERSHIP, pb.Change_CONSENT, pb.Change_WORK},
}

func (s *changeService) changeQuery(ctx context.Context, after int64, field, filter string, size int32) store.ChangeQuery {
	q := store.ChangeQuery{After: after, CursorField: field, Filter: filter, PageSize: int(size), HideRestricted: restrictionApplies(ctx),
		Shown: s.shown(ctx)}
	if p := callFrom(ctx).principal; p != nil {
		role := p.Role
		if p.Association != "" {
			role, q.Scope = scopedRegistrar, p.Association
		}
		if p.Organization != "" {
			// The people of the unit, and what is under them (store).
			q.Scope = p.Organization
		}
		q.Types = feedTypes[role]
	}
	return q
}

func (s *changeService) ListChanges(ctx context.Context, req *pb.ListChangesRequest) (*pb.ListChangesResponse, error) {
	after, err := s.db.ParseCursor(req.GetPageToken(), "page_token")
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	page, err := s.db.ListChanges(ctx, s.changeQuery(ctx, after, "page_token", req.GetFilter(), req.GetPageSize()))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	out := &pb.ListChangesResponse{Changes: page.Changes, Cursor: s.db.EncodeCursor(page.Next)}
	if page.More {
		out.NextPageToken = out.Cursor
	}
	return out, nil
}

// What a watch holds while its caller does not read: the batch it read,
// the message it sends, and the one before, which the transport keeps
// until the caller's flow-control window takes it. gRPC encodes a message
// into a pooled buffer of the next size up, 32 KB or else 1 MB: messages of
// 1,000 changes (about 100 KB) held 2 MB a watch. A batch of 200 changes,
// sent in messages of at most 16 KB, holds about 100 KB.
const (
	watchBatch        = 200
	watchMessageBytes = 16 << 10
)

// sendChanges sends the changes of page in messages of at most
// watchMessageBytes (or one change), each with the cursor after its last
// change; the last with the page's cursor, past the changes the read
// looked at but the caller does not see.
func (s *changeService) sendChanges(stream grpc.ServerStreamingServer[pb.WatchChangesResponse], page *store.ChangePage) error {
	changes := page.Changes
	for len(changes) > 0 {
		n := messageLen(changes)
		cursor := changes[n-1].Cursor
		if n == len(changes) {
			cursor = s.db.EncodeCursor(page.Next)
		}
		if err := stream.Send(&pb.WatchChangesResponse{Changes: changes[:n], Cursor: cursor}); err != nil {
			return err
		}
		changes = changes[n:]
	}
	return nil
}

// messageLen is how many of changes the next message takes: as many as
// fit in watchMessageBytes, at least one, and never some of the changes of
// one seq (a membership's and the DELETED of the person it took out of
// the caller's scope) without the rest, since the message's cursor is
// past its last seq.
func messageLen(changes []*pb.Change) int {
	n, size := 1, proto.Size(changes[0])
	for ; n < len(changes); n++ {
		if size += proto.Size(changes[n]); size > watchMessageBytes {
			break
		}
	}
	for n < len(changes) && changes[n].Sequence == changes[n-1].Sequence {
		n++
	}
	return n
}

// WatchChanges sends what the feed holds after the cursor, then waits for
// the next commit that appends changes and sends those. A watcher costs
// one goroutine blocked on the store's shared signal while idle; each
// batch is one short read, so the call holds no read slot between them
// (chain.go leaves it out of the fair share), and how many watches one
// principal, and everyone, may hold open is bounded (newWatchLimit).
func (s *changeService) WatchChanges(req *pb.WatchChangesRequest, stream grpc.ServerStreamingServer[pb.WatchChangesResponse]) error {
	ctx := stream.Context()
	if err := store.CheckChangeFilter(req.GetFilter()); err != nil {
		return grpcError(ctx, err)
	}
	release, err := s.watches.acquire(principal(ctx).ID)
	if err != nil {
		return err
	}
	defer release()
	var after int64
	if req.GetCursor() == "" {
		after, err = s.db.ChangeHead(ctx)
		if err == nil {
			err = stream.Send(&pb.WatchChangesResponse{Cursor: s.db.EncodeCursor(after)})
		}
	} else {
		after, err = s.db.ParseCursor(req.GetCursor(), "cursor")
	}
	if err != nil {
		return grpcError(ctx, err)
	}
	q := s.changeQuery(ctx, after, "cursor", req.GetFilter(), watchBatch)
	for {
		signal := s.db.ChangeSignal()
		page, err := s.db.ListChanges(ctx, q)
		if ctx.Err() != nil {
			// The caller ended the watch: that is how a watch ends well.
			return nil
		}
		if err != nil {
			return grpcError(ctx, err)
		}
		if err := s.sendChanges(stream, page); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		q.After = page.Next
		if page.More {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.draining:
			return status.Error(codes.Unavailable, "the server is shutting down: watch again from the last cursor received")
		case <-signal:
		}
	}
}
