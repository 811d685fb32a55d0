package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A WaitOperation takes no read slot and polls the store for up to 30 s,
// so a limited key sending many at once (its rate allows 100 a second)
// held as many goroutines polling the store, each ten times a second.
// Waits are bounded like watches: maxWaitsPerPrincipal at once for each
// caller, maxWaits in all; one over is RESOURCE_EXHAUSTED saying why, and
// a wait that ends gives its place back.
func TestWaitsBoundedPerCallerAndInAll(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	running := func(role string) (longrunningpb.OperationsClient, string) {
		t.Helper()
		k, tok := e.key(role)
		op := &store.Operation{ID: store.NewOperationID(), Kind: store.ImportOperationKind, Principal: "key:" + k.ID}
		op.Metadata, _ = proto.Marshal(&pb.ImportPeopleMetadata{})
		if err := e.db.CreateOperation(ctx, op, nil); err != nil {
			t.Fatal(err)
		}
		return longrunningpb.NewOperationsClient(e.clientAs(tok).Conn()), "operations/" + op.ID
	}
	brief := func(ops longrunningpb.OperationsClient, name string) error {
		_, err := ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(time.Millisecond)})
		return err
	}
	// refused waits until a brief wait is refused, or fails once the
	// long waits would have ended.
	refused := func(ops longrunningpb.OperationsClient, name, what string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			err := brief(ops, name)
			if status.Code(err) == codes.ResourceExhausted {
				return status.Convert(err).Message()
			}
			if err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s, and another wait still answered", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	ops, name := running(RoleRegistrar)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	// wait holds a long wait, taking the place again of one refused while
	// a brief wait held it.
	wait := func(ops longrunningpb.OperationsClient, name string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for wctx.Err() == nil {
				_, err := ops.WaitOperation(wctx, &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(25 * time.Second)})
				if status.Code(err) != codes.ResourceExhausted {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	for range maxWaitsPerPrincipal {
		wait(ops, name)
	}
	msg := refused(ops, name, fmt.Sprintf("%d waits of one key are running", maxWaitsPerPrincipal))
	if !strings.Contains(msg, fmt.Sprintf("%d waits", maxWaitsPerPrincipal)) || !strings.Contains(msg, "GetOperation") {
		t.Errorf("the refusal says %q", msg)
	}

	// Another caller is not held back by the first.
	other, otherName := running(RoleHomeAffairs)
	if err := brief(other, otherName); err != nil {
		t.Fatalf("another caller's wait: %v", err)
	}

	// The server's bound holds for everyone together.
	e.srv.waits.mu.Lock()
	e.srv.waits.all = e.srv.waits.open + 1
	all := e.srv.waits.all
	e.srv.waits.mu.Unlock()
	wait(other, otherName)
	msg = refused(other, otherName, "the server holds as many waits as it may")
	if !strings.Contains(msg, fmt.Sprintf("server has %d waits", all)) {
		t.Errorf("the refusal says %q", msg)
	}

	// Waits that end give their places back.
	cancel()
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := brief(ops, name)
		if err == nil {
			break
		}
		if status.Code(err) != codes.ResourceExhausted || time.Now().After(deadline) {
			t.Fatalf("after the waits ended: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
