package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
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
	op, err := e.client.UploadImport(ctx, &pb.ImportPeopleRequest{ValidateOnly: true, File: unyieldingDryRunFile()})
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

// Two dry runs that may not let writes in run at once (two clerks send
// their files together, and both start before either holds the writer):
// the second waits for the writer while the first holds it, and holds it
// after. The first's end does not forget the second: a write behind it is
// answered UNAVAILABLE, as behind one alone, not left waiting to its
// deadline.
func TestWriteBehindSecondDryRunSaysWhy(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
	ctx := context.Background()
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	file := unyieldingDryRunFile()
	// One upload at a time per caller: two clerks.
	var clerks [2]*client.Client
	for i := range clerks {
		_, token := e.key("registrar")
		clerks[i] = e.clientAs(token)
	}
	var started [2]*longrunningpb.Operation
	for attempt := 0; ; attempt++ {
		var wg sync.WaitGroup
		var errs [2]error
		for i, c := range clerks {
			wg.Go(func() {
				started[i], errs[i] = c.UploadImport(ctx, &pb.ImportPeopleRequest{ValidateOnly: true, File: file})
			})
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		// Both are counted when both started before either held the
		// writer (an operation is stored with it); else one ran first.
		if holding(t, e, 2, 5*time.Second) {
			break
		}
		if attempt == 3 {
			t.Fatal("the two dry runs were never counted together: the metrics never said trithuc_imports_holding_writer 2")
		}
		for _, op := range started {
			ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: op.Name})
			e.wait(ops, op)
		}
	}
	first, second := started[0], started[1]
	for rowsRead(t, ops, first.Name) == 0 {
		if rowsRead(t, ops, second.Name) > 0 {
			first, second = second, first
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The first ends (its operation is stored when the writer is free
	// again: after the second).
	if _, err := ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: first.Name}); err != nil {
		t.Fatal(err)
	}
	waitRowsRead(t, e, second.Name)
	waitHolding(t, e, 1)

	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := e.client.People.CreatePerson(cctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Khách"}})
	cancel()
	if st := status.Convert(err); st.Code() != codes.Unavailable || !strings.Contains(st.Message(), "an import of a file is running") {
		t.Errorf("CreatePerson behind the second dry run: %v %q", st.Code(), st.Message())
	}
	if _, err := ops.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: second.Name}); err != nil {
		t.Fatal(err)
	}
	e.wait(ops, second)
	e.wait(ops, first)
	waitHolding(t, e, 0)
	if n := e.count(); n != 0 {
		t.Errorf("%d people after the dry runs", n)
	}
}

// unyieldingDryRunFile is a file whose dry run may not let writes in
// between its rows (its last row repeats its first person), and lasts: a
// write sent with a deadline of 2 s while it runs is answered at 1.8 s
// (earlyDeadline), so the dry run must still hold the writer then. 20,000
// rows did not on a machine that read them in 1.5 s (the write waited and
// was saved); 100,000 take about five times as long, and each test cancels
// its dry run once the write is answered.
func unyieldingDryRunFile() *httpbody.HttpBody {
	var b strings.Builder
	b.WriteString("Họ;Tên;Số CCCD\n")
	for i := range 100000 {
		fmt.Fprintf(&b, "Nguyễn;An;001080%06d\n", i)
	}
	b.WriteString("Nguyễn;An;001080000000\n") // a repeat: the dry run may not yield
	return &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}
}

// rowsRead is how many rows the import has read.
func rowsRead(t *testing.T, ops longrunningpb.OperationsClient, name string) int64 {
	t.Helper()
	got, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	meta := &pb.ImportPeopleMetadata{}
	if err := got.Metadata.UnmarshalTo(meta); err != nil {
		t.Fatal(err)
	}
	return meta.RowsRead
}

// waitHolding waits until the server's metrics count n imports holding
// (or waiting for) the writer.
func waitHolding(t *testing.T, e *env, n int) {
	t.Helper()
	if !holding(t, e, n, 20*time.Second) {
		t.Fatalf("the metrics never said trithuc_imports_holding_writer %d", n)
	}
}

// holding says whether the server's metrics count n imports holding (or
// waiting for) the writer within d.
func holding(t *testing.T, e *env, n int, d time.Duration) bool {
	t.Helper()
	want := fmt.Sprintf("\ntrithuc_imports_holding_writer %d\n", n)
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		resp, err := e.http.Get("http://" + e.srv.MetricsAddr() + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), want) {
			return true
		}
	}
	return false
}
