package server

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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

func changeQuery(ctx context.Context, after int64, field, filter string, size int32) store.ChangeQuery {
	q := store.ChangeQuery{After: after, CursorField: field, Filter: filter, PageSize: int(size), HideRestricted: restrictionApplies(ctx)}
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
	after, err := store.ParseCursor(req.GetPageToken(), "page_token")
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	page, err := s.db.ListChanges(ctx, changeQuery(ctx, after, "page_token", req.GetFilter(), req.GetPageSize()))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	out := &pb.ListChangesResponse{Changes: page.Changes, Cursor: store.EncodeCursor(page.Next)}
	if page.More {
		out.NextPageToken = out.Cursor
	}
	return out, nil
}

// WatchChanges sends what the feed holds after the cursor, then waits for
// the next commit that appends changes and sends those. A watcher costs
// one goroutine blocked on the store's shared signal while idle; each
// batch is one short read, so the call holds no read slot between them
// (chain.go leaves it out of the fair share).
func (s *changeService) WatchChanges(req *pb.WatchChangesRequest, stream grpc.ServerStreamingServer[pb.WatchChangesResponse]) error {
	ctx := stream.Context()
	if err := store.CheckChangeFilter(req.GetFilter()); err != nil {
		return grpcError(ctx, err)
	}
	var after int64
	var err error
	if req.GetCursor() == "" {
		after, err = s.db.ChangeHead(ctx)
		if err == nil {
			err = stream.Send(&pb.WatchChangesResponse{Cursor: store.EncodeCursor(after)})
		}
	} else {
		after, err = store.ParseCursor(req.GetCursor(), "cursor")
	}
	if err != nil {
		return grpcError(ctx, err)
	}
	q := changeQuery(ctx, after, "cursor", req.GetFilter(), 1000)
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
		if len(page.Changes) > 0 {
			if err := stream.Send(&pb.WatchChangesResponse{Changes: page.Changes, Cursor: store.EncodeCursor(page.Next)}); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
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
