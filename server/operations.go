package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// operationsService serves google.longrunning.Operations for the imports
// that transferService runs. A caller sees the operations it started;
// an admin sees everyone's.
type operationsService struct {
	longrunningpb.UnimplementedOperationsServer
	t     *transferService
	waits *callLimit
}

// A WaitOperation holds a goroutine and reads the operation ten times a
// second for up to 30 s, outside the read pool's fair share (Wait is no
// read verb, and a wait is idle most of its time). A client needs one per
// operation it follows; with no bound, one key's rate of calls let it keep
// thousands polling at once. These bound them, as watches are.
const (
	maxWaitsPerPrincipal = 4
	maxWaits             = 64
)

func newWaitLimit() *callLimit {
	return &callLimit{each: maxWaitsPerPrincipal, all: maxWaits, by: map[string]int{},
		mine: func(n int) string {
			return fmt.Sprintf("this credential has %d waits for operations running, as many as one may: wait for one operation at a time, "+
				"or poll with GetOperation", n)
		},
		full: func(n int) string {
			return fmt.Sprintf("the server has %d waits for operations running, as many as it holds: try again in a few seconds, or poll with GetOperation", n)
		}}
}

// operationID is the {id} of operations/{id}, or an error naming field.
// The server makes the ids, all of the form of a resource's id.
func operationID(name, field string) (string, error) {
	id, ok := strings.CutPrefix(name, "operations/")
	if !ok || !names.ValidID(id) {
		return "", fieldError(field, "want an operation's name, operations/{id}, with an id of lower-case letters and digits")
	}
	return id, nil
}

func (o *operationsService) get(ctx context.Context, name string) (*longrunningpb.Operation, error) {
	id, err := operationID(name, "name")
	if err != nil {
		return nil, err
	}
	op, err := o.t.db.GetOperation(ctx, id)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	if p := principal(ctx); p.Role != RoleAdmin && p.ID != op.Principal {
		// Another caller's operation is answered as one that does not
		// exist (https://google.aip.dev/211).
		return nil, status.Errorf(codes.NotFound, "%s does not exist", name)
	}
	var meta *pb.ImportPeopleMetadata
	o.t.mu.Lock()
	run := o.t.runs[id]
	o.t.mu.Unlock()
	if run != nil && !op.Done {
		meta = run.metadata()
	}
	out := o.t.operation(op, meta)
	if restrictionApplies(ctx) {
		withheld, err := o.t.db.ImportWithholds(ctx, op, nil)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		if withheld {
			withholdProblems(out)
		}
	}
	return out, nil
}

// withheldNote stands for the problems of an import that name or quote a
// person the caller may no longer read (store.ImportWithholds).
const withheldNote = "the problems of this import are withheld: they name or quote a person whose data is now restricted, or whose contact details are withheld; only an admin may read them"

// withholdProblems replaces the problems of an import's answer, in its
// response or its error's details, by withheldNote; the counts stay.
func withholdProblems(op *longrunningpb.Operation) {
	note := []*pb.ImportProblem{{Message: withheldNote}}
	replace := func(a *anypb.Any) *anypb.Any {
		resp := &pb.ImportPeopleResponse{}
		if !a.MessageIs(resp) || a.UnmarshalTo(resp) != nil {
			return a
		}
		resp.Problems = note
		for _, c := range resp.ProblemCounts {
			c.FirstMessage = "" // it may quote the person too
		}
		out, err := anypb.New(resp)
		if err != nil {
			return &anypb.Any{}
		}
		return out
	}
	switch r := op.Result.(type) {
	case *longrunningpb.Operation_Response:
		r.Response = replace(r.Response)
	case *longrunningpb.Operation_Error:
		for i, d := range r.Error.GetDetails() {
			r.Error.Details[i] = replace(d)
		}
	}
}

func (o *operationsService) GetOperation(ctx context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	return o.get(ctx, req.GetName())
}

func (o *operationsService) ListOperations(ctx context.Context, req *longrunningpb.ListOperationsRequest) (*longrunningpb.ListOperationsResponse, error) {
	if req.GetFilter() != "" {
		return nil, fieldError("filter", "operations take no filter")
	}
	size := int(req.GetPageSize())
	switch {
	case size < 0:
		return nil, fieldError("page_size", "must not be negative")
	case size == 0:
		size = 50
	case size > 1000:
		size = 1000
	}
	after := req.GetPageToken()
	if after != "" && !strings.HasPrefix(after, "op:") {
		return nil, fieldError("page_token", "not a page token of this listing; start again without it")
	}
	p := principal(ctx)
	who := p.ID
	if p.Role == RoleAdmin {
		who = ""
	}
	ops, err := o.t.db.ListOperations(ctx, who, size+1, strings.TrimPrefix(after, "op:"))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	out := &longrunningpb.ListOperationsResponse{}
	for i, op := range ops {
		if i == size {
			out.NextPageToken = "op:" + ops[i-1].ID
			break
		}
		got, err := o.get(ctx, "operations/"+op.ID)
		if err != nil {
			return nil, err
		}
		out.Operations = append(out.Operations, got)
	}
	return out, nil
}

func (o *operationsService) CancelOperation(ctx context.Context, req *longrunningpb.CancelOperationRequest) (*emptypb.Empty, error) {
	op, err := o.get(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	id := strings.TrimPrefix(op.Name, "operations/")
	o.t.mu.Lock()
	run := o.t.runs[id]
	o.t.mu.Unlock()
	if run != nil {
		run.cancel(nil)
	}
	return &emptypb.Empty{}, nil
}

// WaitOperation polls until the operation is done or the wait ends. An
// import that the server's stop has cancelled is waited for past the wait:
// its caller learns that it ended ABORTED, which a call made after the
// stop could not (Shutdown lets the calls in flight finish). How many waits
// run at once is bounded (newWaitLimit).
func (o *operationsService) WaitOperation(ctx context.Context, req *longrunningpb.WaitOperationRequest) (*longrunningpb.Operation, error) {
	release, err := o.waits.acquire(principal(ctx).ID)
	if err != nil {
		return nil, err
	}
	defer release()
	wait := 30 * time.Second
	if d := req.GetTimeout(); d != nil && d.AsDuration() > 0 && d.AsDuration() < wait {
		wait = d.AsDuration()
	}
	deadline := time.Now().Add(wait)
	for {
		op, err := o.get(ctx, req.GetName())
		if err != nil || op.Done || time.Now().After(deadline) && !o.t.stopping(strings.TrimPrefix(op.Name, "operations/")) {
			return op, err
		}
		select {
		case <-ctx.Done():
			return op, nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// interruptedMessage ends an import the server's stop cut short.
const interruptedMessage = "the server stopped while the import ran; nothing of it was imported; start it again"

// failInterrupted ends the operations a previous run of the server left
// running: their work was one transaction that never committed. The log
// names them: an operator restarting a server that was killed learns which
// imports to run again, not only their callers.
func failInterrupted(ctx context.Context, db *store.DB, log *slog.Logger) error {
	st := status.New(codes.Aborted, interruptedMessage)
	blob, err := proto.Marshal(st.Proto())
	if err != nil {
		return err
	}
	ids, err := db.FailInterruptedOperations(ctx, blob)
	if err != nil {
		return err
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = "operations/" + id
	}
	if len(names) > 0 {
		log.Warn("operations the last run of the server left running (it was killed or crashed) are ended ABORTED: nothing of them was kept; run them again",
			"operations", strings.Join(names, " "))
	}
	return nil
}
