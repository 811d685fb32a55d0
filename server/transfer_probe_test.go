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
	"trithuc.gov.vn/trithuc/transfer"
)

// A key limited to an association learns from a membership row by
// national ID what RegisterMember tells it: whether a registered person
// holds the ID (a row with no name is then a link, else it lacks the
// name). An import is that question asked of every row, and a dry run,
// or an import refused whole, named only its operation: the person's
// trail and export did not show who had asked. The import's event names
// the people its rows met, whatever became of them, as RegisterMember's
// does.
func TestImportProbeNamesThePeopleItMet(t *testing.T) {
	f := newScopeFixture(t)
	e := f.e
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{"", f.outsiderNationlID, "", "", "", f.hyh.Name, "Chờ duyệt", "", "2025-01"},
		{"", "091090000977", "", "", "", f.hyh.Name, "Chờ duyệt", "", "2025-01"}}})
	resp, st, err := e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true, SkipInvalid: true})
	if err != nil || st != nil {
		t.Fatalf("dry run: %v %v", err, st)
	}
	// The rows answer as RegisterMember would: the first is a link, the
	// second a new person without a name.
	errs := problemsBySheet(resp, pb.ImportProblem_ERROR)
	if errs[transfer.MembershipsSheet+"/2"] != "" || errs[transfer.MembershipsSheet+"/3"] == "" {
		t.Fatalf("the rows' problems: %v", errs)
	}
	f.noLeak(t, "the probe's answer", resp)
	// Refused whole: nothing commits.
	_, st, err = e.importScoped(f.medicalTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
	if err != nil || st == nil || st.Code() != codes.InvalidArgument {
		t.Fatalf("all or nothing: %v %v", err, st)
	}
	if ms := e.memberships(f.hyh.Name, `person = "`+f.outsider.Name+`"`); len(ms) != 0 {
		t.Fatalf("the refused imports linked the outsider: %v", ms)
	}
	waitFor(t, func() bool { return len(e.auditEvents("ImportPeople")) >= 2 })
	evs, err := e.client.Audit.ListAuditEvents(f.ctx, &pb.ListAuditEventsRequest{Resource: f.outsider.Name, Method: "ImportPeople", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(evs.AuditEvents); n != 2 {
		t.Errorf("the outsider's trail holds %d ImportPeople events, want 2 (the dry run and the refused import): %v", n, evs.AuditEvents)
	}
	for _, ev := range evs.AuditEvents {
		if !strings.HasPrefix(ev.Principal, "key:") || len(ev.Resources) != 2 {
			t.Errorf("the event: %v", ev)
		}
	}
}

// Each such row asks what a RegisterMember call asks, and the calls are
// held to the key's rate: an import of a thousand rows asked it a
// thousand times for one call's token. The run now takes a token for each
// row by national ID alone, as the calls would.
func TestImportProbeRowsTakeTheKeysCalls(t *testing.T) {
	const burst, rows = 60, 50
	// A token every 1000 s: none comes back during the test.
	f := newScopeFixtureWith(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, burst })
	e := f.e
	sheet := [][]any{membershipHeader}
	for i := range rows {
		sheet = append(sheet, []any{"", fmt.Sprintf("0910900%05d", i), "Lê", "An", "1990", f.hyh.Name, "Chờ duyệt", "", "2025-01"})
	}
	file := sheets(t, []string{transfer.MembershipsSheet}, map[string][][]any{transfer.MembershipsSheet: sheet})
	op, err := pb.NewTransferServiceClient(f.medical.Conn()).ImportPeople(f.ctx, &pb.ImportPeopleRequest{
		File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// Waited for by the admin, whose calls are its own, in few calls.
	for !op.Done {
		if op, err = longrunningpb.NewOperationsClient(e.client.Conn()).WaitOperation(f.ctx, &longrunningpb.WaitOperationRequest{
			Name: op.Name, Timeout: durationpb.New(time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	if op.GetError() != nil {
		t.Fatalf("the dry run: %v", op.GetError())
	}
	// The key had burst tokens: one went on the call, rows on its rows.
	// A deadline short of the retry delay: the client does not retry.
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	allowed := 0
	for range burst {
		if _, err := f.medical.Memberships.GetAssociation(ctx, &pb.GetAssociationRequest{Name: f.hyh.Name}); err == nil {
			allowed++
		} else {
			wantCode(t, err, codes.ResourceExhausted)
		}
	}
	if want := burst - 1 - rows; allowed != want {
		t.Errorf("after the import the key made %d calls, want %d", allowed, want)
	}
}
