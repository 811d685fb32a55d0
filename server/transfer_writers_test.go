package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import holds the writer for its whole run (one transaction). A write
// made meanwhile waits in turn; one whose deadline (the caller's, or the
// server's longest call) would pass first is answered UNAVAILABLE, saying
// that an import holds the writes and when to retry, with RetryInfo,
// rather than DEADLINE_EXCEEDED with no word of why; nothing of it is
// saved.
func TestWriteBehindImportSaysWhy(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxCallDuration = 3 * time.Second })
	ctx := context.Background()
	before := e.person(&pb.Person{FamilyName: "Lê", GivenName: "Trước"})
	op := e.startLongImport()

	for _, c := range []struct {
		name  string
		write func(ctx context.Context) error
	}{
		{"CreatePerson", func(ctx context.Context) error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Khách"}})
			return err
		}},
		{"UpdatePerson", func(ctx context.Context) error {
			_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: before.Name, GivenName: "Sau"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"given_name"}}})
			return err
		}},
	} {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		st := status.Convert(c.write(cctx))
		cancel()
		var retry *errdetails.RetryInfo
		for _, d := range st.Details() {
			if r, ok := d.(*errdetails.RetryInfo); ok {
				retry = r
			}
		}
		if st.Code() != codes.Unavailable || !strings.Contains(st.Message(), "an import of a file is running") || retry == nil || retry.RetryDelay.AsDuration() <= 0 {
			t.Errorf("%s behind an import: %v %q %v", c.name, st.Code(), st.Message(), st.Details())
		}
	}
	// A REST call without a deadline of its own gets the server's.
	code, body := e.restAs(e.token, "POST", "/v1/people", map[string]any{"familyName": "Lê", "givenName": "Khách"})
	if msg := fmt.Sprint(body); code != http.StatusServiceUnavailable || !strings.Contains(msg, "an import of a file is running") || !strings.Contains(msg, "RetryInfo") {
		t.Errorf("POST /v1/people behind an import: %d %v", code, body)
	}

	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	if _, err := ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: op.Name}); err != nil {
		t.Fatal(err)
	}
	e.wait(ops, op)
	got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: before.Name})
	if err != nil || got.GivenName != "Trước" {
		t.Errorf("the person updated behind the import: %v %v", got, err)
	}
	if n := e.count(); n != 1 {
		t.Errorf("%d people, want the one made before the import", n)
	}
}

// A dry run that may not let writes in between its rows (two rows may
// name one person) holds the writer as an import does: the write that
// waits first for it, outside the queue, is answered as the others.
func TestWriteBehindDryRunSaysWhy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("Họ;Tên;Số CCCD\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "Nguyễn;An;0010800%05d\n", i)
	}
	b.WriteString("Nguyễn;An;001080000000\n") // a repeat: the dry run may not yield
	op, err := e.client.UploadImport(ctx, &pb.ImportPeopleRequest{ValidateOnly: true,
		File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	waitRowsRead(t, e, op.Name)
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err = e.client.People.CreatePerson(cctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Khách"}})
	cancel()
	if st := status.Convert(err); st.Code() != codes.Unavailable || !strings.Contains(st.Message(), "an import of a file is running") {
		t.Errorf("CreatePerson behind a dry run: %v %q", st.Code(), st.Message())
	}
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	if _, err := ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: op.Name}); err != nil {
		t.Fatal(err)
	}
	e.wait(ops, op)
	if n := e.count(); n != 0 {
		t.Errorf("%d people after the dry run", n)
	}
}
