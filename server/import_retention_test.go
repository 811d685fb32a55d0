package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The problems of an import quote the uploaded file's rows (names,
// national IDs, the people they matched) and its report is a copy of the
// file: they were kept for good. Retention removes them once the import
// ended longer ago than Retention.ImportResults, as it removes old read
// events: the operation stays, with its counts, its problems replaced by
// a note saying why, and its report is NOT_FOUND saying so.
func TestImportResultsRemovedAfterRetention(t *testing.T) {
	const day = 24 * time.Hour
	e := newEnvWith(t, func(c *Config) {
		c.Retention = store.Retention{ImportResults: 90 * day}
	})
	ctx := context.Background()
	_, regTok := e.key(RoleRegistrar)
	const id = "001080000009"
	name := e.importAs(regTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, peopleHeader,
		[]any{"Phạm", "", "Minh", "Nam", "15/03/1980", "", id, ""},
		[]any{"Phạm", "", "Minh", "Nam", "15/03/1980", "", id, ""},
		[]any{"Trần", "", "", "Nam", "32/01/1980", "", "", ""})}})
	read := func() (*longrunningpb.Operation, *pb.ImportPeopleResponse) {
		t.Helper()
		op, err := longrunningpb.NewOperationsClient(e.clientAs(regTok).Conn()).GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		resp := &pb.ImportPeopleResponse{}
		a := op.GetResponse()
		if a == nil && len(op.GetError().GetDetails()) > 0 {
			for _, d := range op.GetError().GetDetails() {
				if d.MessageIs(resp) {
					a = d
				}
			}
		}
		if a == nil || a.UnmarshalTo(resp) != nil {
			t.Fatalf("no response in %v", op)
		}
		return op, resp
	}
	_, before := read()
	const quoted = "32/01/1980" // a bad birth date, quoted by its problem
	if len(before.Problems) < 2 || !strings.Contains(protojson.Format(before), quoted) {
		t.Fatalf("the import's problems do not quote the file: %v", before)
	}
	e.reportOf(regTok, name)

	restart := func(ahead time.Duration, runs int) {
		t.Helper()
		e.stop()
		e.start(func(s *Server) {
			now := time.Now().Add(ahead)
			s.db.Now = func() time.Time { return now }
		})
		e.client = e.clientAs(e.token)
		waitFor(t, func() bool { return len(e.auditEvents(RetentionMethod)) == runs })
	}
	waitFor(t, func() bool { return len(e.auditEvents(RetentionMethod)) == 1 })

	// Within the period, all stays.
	restart(89*day, 2)
	if _, r := read(); len(r.Problems) != len(before.Problems) {
		t.Errorf("89 days on, %d problems, want %d", len(r.Problems), len(before.Problems))
	}
	e.reportOf(regTok, name)

	// After it, the problems and the report go; the counts stay.
	restart(91*day, 3)
	op, after := read()
	if text := protojson.Format(op); strings.Contains(text, quoted) {
		t.Errorf("91 days on, the operation still quotes the file:\n%s", text)
	}
	if len(after.Problems) != 1 || after.Problems[0].Row != 0 || !strings.Contains(after.Problems[0].Message, "retention") {
		t.Errorf("91 days on, the problems are %v, want the note alone", after.Problems)
	}
	if after.ProblemsFound != before.ProblemsFound || after.Refused != before.Refused || after.Created != before.Created {
		t.Errorf("91 days on, the counts changed: %v, were %v", after, before)
	}
	_, err := e.clientAs(regTok).Transfer.GetImportReport(ctx, &pb.GetImportReportRequest{Name: name})
	wantCode(t, err, codes.NotFound)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "retention") {
		t.Errorf("the report's refusal says %q", msg)
	}
}
