package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// importEvent is the audit event of the import that operation names
// (ImportPeople's or UploadImport's, whichever was called), waited for: an
// import that did not commit records it after the operation is done.
func (e *env) importEvent(operation string) *pb.AuditEvent {
	e.t.Helper()
	for range 250 {
		// Every page: on a loaded machine the test's polls of the
		// operation (GetOperation, newer) can fill more than one.
		token := ""
		for {
			events, err := e.client.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{Resource: operation, PageSize: 100, PageToken: token})
			if err != nil {
				e.t.Fatal(err)
			}
			for _, ev := range events.AuditEvents {
				// Not the reads of the operation (GetOperation).
				if ev.Method == importMethod || ev.Method == uploadMethod {
					return ev
				}
			}
			if token = events.NextPageToken; token == "" {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("no audit event of an import names %s", operation)
	return nil
}

// An import's audit event names what it wrote and ends with its outcome:
// a dry run or a refused import names no person, since none was written.
func TestImportAuditNamesWhatCommitted(t *testing.T) {
	e := newEnv(t)
	good := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "", "001080000001", ""})
	for _, c := range []struct {
		name   string
		req    *pb.ImportPeopleRequest
		code   string
		people int
	}{
		{"a dry run", &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: good}, ValidateOnly: true}, "OK", 0},
		{"a refused import", &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: badWorkbook(t)}}, "INVALID_ARGUMENT", 0},
		{"a dry run of refused rows", &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: badWorkbook(t)}, ValidateOnly: true}, "INVALID_ARGUMENT", 0},
		{"an import", &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: good}}, "OK", 1},
	} {
		op := e.importAs(e.token, c.req)
		ev := e.importEvent(op)
		people := 0
		for _, r := range ev.Resources {
			if strings.HasPrefix(r, "people/") {
				people++
			}
		}
		if ev.Code != c.code || people != c.people {
			t.Errorf("%s: the audit event says %s and names %v; want %s and %d people", c.name, ev.Code, ev.Resources, c.code, c.people)
		}
	}
}

// An import of more people than one audit event names is recorded in
// parts of the bound, with the call's request id, that together name
// everyone it created.
func TestImportAuditEventInParts(t *testing.T) {
	e := newEnv(t)
	n := store.AuditPartNames + 500
	rows := [][]any{peopleHeader}
	for i := range n {
		rows = append(rows, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "", fmt.Sprintf("001080%06d", i), ""})
	}
	// Through UploadImport: the file is larger than a unary call takes.
	conn := e.client.Conn()
	started, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: workbook(t, rows...)}})
	if err != nil {
		t.Fatal(err)
	}
	op := e.wait(longrunningpb.NewOperationsClient(conn), started).Name
	named := auditParts(t, e, e.importEvent(op).RequestId, n+1)
	people := 0
	for name := range named {
		if strings.HasPrefix(name, "people/") {
			people++
		}
	}
	if people != n || !named[op] {
		t.Errorf("the import's events name %d people and the operation %v; want %d and true", people, named[op], n)
	}
}

// A cell of millions of characters is quoted in part: the problems stored
// with the operation stay small whatever the file holds.
func TestImportQuotesLongCellsInPart(t *testing.T) {
	e := newEnv(t)
	csv := "Họ;Tên\n" + strings.Repeat("NguyÔn ", 200000) + ";An\nTrần;" + strings.Repeat("x", 100000) + "\n"
	conn := e.client.Conn()
	op, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{
		File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
	if err != nil {
		t.Fatal(err)
	}
	op = e.wait(longrunningpb.NewOperationsClient(conn), op)
	if op.GetError() == nil {
		t.Fatalf("imported: %v", op)
	}
	if n := proto.Size(op.GetError()); n > 8<<10 {
		t.Errorf("the operation's error is %d bytes", n)
	}
	if msg := status.FromProto(op.GetError()).Details(); !strings.Contains(protojson.Format(op.GetError()), "NguyÔn NguyÔn") || !strings.Contains(protojson.Format(op.GetError()), "…") {
		t.Errorf("the error does not quote the cell's start: %v", msg)
	}
}

// An import sent in chunks is audited as the method called: the event of
// its run, naming the people it wrote, is UploadImport's, and no event of
// ImportPeople names it.
func TestUploadImportAuditedAsCalled(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	file := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "", "001080000001", ""})
	op, err := e.client.UploadImport(ctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
	if err != nil {
		t.Fatal(err)
	}
	op = e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op)
	if op.GetError() != nil {
		t.Fatalf("the import ended with %v", status.FromProto(op.GetError()))
	}
	events := func(method string) (named, people bool) {
		list, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Method: method, Resource: op.Name, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range list.AuditEvents {
			named = true
			people = people || slices.ContainsFunc(ev.Resources, func(r string) bool { return strings.HasPrefix(r, "people/") })
		}
		return named, people
	}
	if _, people := events("UploadImport"); !people {
		t.Error("no event of UploadImport names the people the import wrote")
	}
	if named, _ := events("ImportPeople"); named {
		t.Error("an event of ImportPeople names the operation of an UploadImport")
	}
}
