package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// importOperations counts the import operations started.
func (e *env) importOperations() int {
	e.t.Helper()
	ops, err := e.db.ListOperations(context.Background(), "", 1000, "")
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, op := range ops {
		if op.Kind == store.ImportOperationKind {
			n++
		}
	}
	return n
}

// ImportPeople with a request_id (AIP-155): a repeat, over gRPC whole or
// in chunks, or over REST, while the import runs or after, answers the
// first operation and starts no second import; the same id with another
// file or other options is refused, naming request_id, and starts none. A
// dry run is not remembered: a later import with its id imports.
func TestImportPeopleIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tr := pb.NewTransferServiceClient(e.client.Conn())
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	file := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01", "001080000001", ""})
	req := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: file}, RequestId: "nhap-ds:1"}

	first, err := tr.ImportPeople(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := tr.ImportPeople(ctx, req)
	if err != nil || again.GetName() != first.GetName() {
		t.Fatalf("a repeat while the import runs: %v, %v; want %s", again, err, first.GetName())
	}
	if done := e.wait(ops, first); done.GetError() != nil {
		t.Fatalf("the import failed: %v", done.GetError())
	}
	if again, err = tr.ImportPeople(ctx, req); err != nil || again.GetName() != first.GetName() {
		t.Fatalf("a repeat once imported: %v, %v; want %s", again, err, first.GetName())
	}
	// In chunks: the same import.
	if again, err = e.client.UploadImport(ctx, proto.Clone(req).(*pb.ImportPeopleRequest)); err != nil || again.GetName() != first.GetName() {
		t.Fatalf("the repeat in chunks: %v, %v; want %s", again, err, first.GetName())
	}
	// Over REST, the id a query parameter.
	post := func(query string, body []byte) (int, map[string]any) {
		t.Helper()
		r, _ := http.NewRequest("POST", e.base+"/v1/people:import?"+query, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+e.token)
		r.Header.Set("Content-Type", transfer.ContentTypeXLSX)
		res, err := e.http.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		return res.StatusCode, out
	}
	var rest []string
	for range 2 {
		code, body := post("requestId=nhap-ds:2", file)
		if code != 200 {
			t.Fatalf("REST import: %d %v", code, body)
		}
		name, _ := body["name"].(string)
		rest = append(rest, name)
	}
	if rest[0] == "" || rest[1] != rest[0] || rest[0] == first.GetName() {
		t.Fatalf("REST import sent twice answered %v; want one new operation", rest)
	}
	e.wait(ops, &longrunningpb.Operation{Name: rest[0]})
	if n := e.importOperations(); n != 2 {
		t.Errorf("%d imports started, want 2: one per request_id", n)
	}

	// The same id with another file, or other options: refused.
	other := workbook(t, peopleHeader, []any{"Trần", "", "Bình", "Nam", "1981", "", "001081000002", ""})
	_, err = tr.ImportPeople(ctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: other}, RequestId: "nhap-ds:1"})
	wantCode(t, err, codes.InvalidArgument, "request_id")
	_, err = tr.ImportPeople(ctx, &pb.ImportPeopleRequest{File: req.File, RequestId: "nhap-ds:1", Overwrite: true})
	wantCode(t, err, codes.InvalidArgument, "request_id")
	code, body := post("requestId=nhap-ds:1", other)
	wantREST(t, code, body, http.StatusBadRequest, "request_id")
	if n := e.importOperations(); n != 2 {
		t.Errorf("a reused request_id started an import: %d imports", n)
	}

	// A dry run is not remembered: run again it runs again, and the
	// import with its id then imports.
	dry := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: other}, RequestId: "nhap-ds:3", ValidateOnly: true}
	d1, err := tr.ImportPeople(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := tr.ImportPeople(ctx, dry)
	if err != nil || d2.GetName() == d1.GetName() {
		t.Fatalf("a dry run sent twice: %v, %v; want a second run", d2, err)
	}
	e.wait(ops, d1)
	e.wait(ops, d2)
	real := proto.Clone(dry).(*pb.ImportPeopleRequest)
	real.ValidateOnly = false
	op, err := tr.ImportPeople(ctx, real)
	if err != nil || op.GetName() == d1.GetName() || op.GetName() == d2.GetName() {
		t.Fatalf("the import after the dry runs: %v, %v; want its own operation", op, err)
	}
	resp := &pb.ImportPeopleResponse{}
	if done := e.wait(ops, op); done.GetResponse().UnmarshalTo(resp) != nil || resp.Created != 1 {
		t.Fatalf("the import after the dry runs: %v", done)
	}

	for _, c := range []struct{ name, requestID string }{
		{"ErrTooLong", strings.Repeat("a", 65)},
		{"ErrSpace", "nhap ds"},
		{"ErrDiacritics", "nhập"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.importOperations()
			_, err := tr.ImportPeople(ctx, &pb.ImportPeopleRequest{File: req.File, RequestId: c.requestID})
			wantCode(t, err, codes.InvalidArgument, "request_id")
			_, err = e.client.UploadImport(ctx, &pb.ImportPeopleRequest{File: req.File, RequestId: c.requestID})
			wantCode(t, err, codes.InvalidArgument, "request.request_id")
			if e.importOperations() != before {
				t.Error("a bad request_id started an import")
			}
		})
	}
}

// The Go client's UploadImport gives a request without a request_id one,
// for its own retries, but leaves the caller's request as it was: the same
// request sent again is another import. With a request_id of the
// caller's, it is answered the first import.
func TestUploadImportGetsARequestID(t *testing.T) {
	e := newEnv(t)
	file := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01", "001080000001", ""})
	req := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: file}, ValidateOnly: true}
	first, err := e.client.UploadImport(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if req.GetRequestId() != "" {
		t.Fatalf("UploadImport wrote request_id %q into the caller's request", req.GetRequestId())
	}
	again, err := e.client.UploadImport(context.Background(), req)
	if err != nil || again.GetName() == first.GetName() {
		t.Fatalf("the request sent again: %v, %v; want another import than %s", again, err, first.GetName())
	}
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	e.wait(ops, first)
	e.wait(ops, again)
	req.ValidateOnly = false
	req.RequestId = "7d1c2f6e-0b4a-4c8e-9f3d-2a5b6c7d8e9f"
	first, err = e.client.UploadImport(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	again, err = e.client.UploadImport(context.Background(), req)
	if err != nil || again.GetName() != first.GetName() {
		t.Fatalf("the request sent again with its request_id: %v, %v; want %s", again, err, first.GetName())
	}
	if n := e.importOperations(); n != 3 {
		t.Errorf("%d imports started, want 3", n)
	}
	e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), first)
}
