package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A report's reads have no budget and take no slot of the read pool, so
// a home_affairs key that sent CreateReport a hundred times at once
// started a hundred operations reading for seconds each at a million
// people, holding every read connection from everyone else. Reports are
// made one at a time for each caller, two at a time in all; a report over
// that is RESOURCE_EXHAUSTED (429) and starts nothing.
func TestReportsMadeFewAtATime(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	req := &pb.CreateReportRequest{Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}}
	type caller struct {
		key    *store.Key
		secret string
	}
	callers := make([]caller, 4)
	for i := range callers {
		k, secret, err := e.db.CreateKey(ctx, "Thống kê", RoleHomeAffairs, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		callers[i] = caller{k, secret}
	}
	// making holds a report being made by c, as its operation is while
	// MakeReport reads.
	making := func(c caller) {
		t.Helper()
		op := &store.Operation{ID: store.NewOperationID(), Kind: store.ReportOperationKind, Principal: "key:" + c.key.ID}
		op.Metadata, _ = proto.Marshal(&pb.CreateReportMetadata{})
		if _, err := e.db.StartReport(ctx, op, &longrunningpb.Operation{}, store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	running := func(c caller) int {
		t.Helper()
		l, err := longrunningpb.NewOperationsClient(e.clientAs(c.secret).Conn()).ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: "operations"})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.GetOperations())
	}

	making(callers[0])
	_, err := e.clientAs(callers[0].secret).Statistics.CreateReport(ctx, req)
	wantCode(t, err, codes.ResourceExhausted)
	if n := running(callers[0]); n != 1 {
		t.Errorf("a second report of one caller started: %d operations, want the one being made", n)
	}
	code, body := e.restAs(callers[0].secret, "POST", "/v1/reports", map[string]any{"template": "YEARLY_WORKFORCE", "asOf": map[string]any{"year": 2025, "month": 12, "day": 31}})
	if code != http.StatusTooManyRequests {
		t.Errorf("over REST: HTTP %d %s, want 429", code, body)
	}

	// Another caller makes one beside it.
	op, err := e.clientAs(callers[1].secret).Statistics.CreateReport(ctx, req)
	if err != nil {
		t.Fatalf("another caller's report: %v", err)
	}
	if done := e.wait(longrunningpb.NewOperationsClient(e.clientAs(callers[1].secret).Conn()), op); done.GetError() != nil {
		t.Fatalf("its operation failed: %v", done.GetError())
	}

	// Two being made: a third caller waits for one of them.
	making(callers[2])
	_, err = e.clientAs(callers[3].secret).Statistics.CreateReport(ctx, req)
	wantCode(t, err, codes.ResourceExhausted)
	if n := running(callers[3]); n != 0 {
		t.Errorf("a third report at once started: %d operations", n)
	}
}
