package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A server told to stop while an import runs cancels it: it stops within
// its shutdown timeout, nothing is imported, and the operation reads as
// failed when it starts again.
func TestShutdownCancelsImports(t *testing.T) {
	e := newEnv(t)
	op := e.startLongImport()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	e.srv = nil
	e.client.Close()

	e.start(nil)
	got, err := longrunningpb.NewOperationsClient(e.clientAs(e.token).Conn()).GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: op.Name})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Done || codes.Code(got.GetError().GetCode()) != codes.Aborted || !strings.Contains(got.GetError().GetMessage(), "the server stopped") {
		t.Errorf("after the restart the import reads %v", got)
	}
	if n, err := e.db.CountPeople(context.Background(), false); err != nil || n != 0 {
		t.Errorf("%d people imported, %v", n, err)
	}
}

// A wait in flight while the server stops is answered, past its own
// timeout, with the import the stop cancelled, ended ABORTED: once the
// server has stopped, no call could learn how the import ended.
func TestWaitOperationSeesStoppedImport(t *testing.T) {
	e := newEnv(t)
	op := e.startLongImport()
	e.srv.transfers.stop()
	got, err := longrunningpb.NewOperationsClient(e.client.Conn()).WaitOperation(context.Background(),
		&longrunningpb.WaitOperationRequest{Name: op.Name, Timeout: durationpb.New(time.Nanosecond)})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Done || codes.Code(got.GetError().GetCode()) != codes.Aborted {
		t.Errorf("the wait answered %v, want the import ended ABORTED", got)
	}
}

// startLongImport starts an import of 80,000 new people and returns its
// operation once it is running: far from done (20,000 took some 4 s once
// creates got lighter, less than TestWriteBehindImportSaysWhy's writes
// wait behind it).
func (e *env) startLongImport() *longrunningpb.Operation {
	e.t.Helper()
	var b strings.Builder
	b.WriteString("Họ;Tên;Số CCCD\n")
	for i := range 80000 {
		fmt.Fprintf(&b, "Nguyễn;An;001080%06d\n", i)
	}
	conn := e.client.Conn()
	op, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{
		File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}})
	if err != nil {
		e.t.Fatal(err)
	}
	ops := longrunningpb.NewOperationsClient(conn)
	for {
		got, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: op.Name})
		if err != nil {
			e.t.Fatal(err)
		}
		meta := &pb.ImportPeopleMetadata{}
		got.Metadata.UnmarshalTo(meta)
		if got.Done {
			e.t.Fatalf("the import ended before it could be stopped: %v", got)
		}
		if meta.RowsRead > 0 {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A cancelled import's audit event says so and names no person.
func TestCancelledImportAudit(t *testing.T) {
	e := newEnv(t)
	op := e.startLongImport()
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	if _, err := ops.CancelOperation(context.Background(), &longrunningpb.CancelOperationRequest{Name: op.Name}); err != nil {
		t.Fatal(err)
	}
	op = e.wait(ops, op)
	if codes.Code(op.GetError().GetCode()) != codes.Canceled {
		t.Fatalf("the cancelled import: %v", op)
	}
	ev := e.importEvent(op.Name)
	if ev.Code != codeName(codes.Canceled) || len(ev.Resources) != 1 {
		t.Errorf("the cancelled import's audit event says %s and names %v", ev.Code, ev.Resources)
	}
}
