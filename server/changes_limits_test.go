package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// openWatch opens a watch from the feed's head and waits for its first
// message, the cursor; cancel ends it.
func openWatch(c *client.Client) (cancel func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := c.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{})
	if err == nil {
		_, err = st.Recv()
	}
	if err != nil {
		cancel()
		return nil, err
	}
	return cancel, nil
}

// One credential may hold maxWatchesPerPrincipal watches at once, the
// server a bounded number in all; beyond them a watch is
// RESOURCE_EXHAUSTED, saying how many are open, and a watch ended makes
// room again.
func TestWatchesBoundedPerPrincipalAndInAll(t *testing.T) {
	e := newEnv(t)
	_, tok := e.key(RoleService)
	svc := e.clientAs(tok)
	var first []func()
	for range maxWatchesPerPrincipal {
		cancel, err := openWatch(svc)
		if err != nil {
			t.Fatal(err)
		}
		defer cancel()
		first = append(first, cancel)
	}
	_, err := openWatch(svc)
	wantCode(t, err, codes.ResourceExhausted)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, fmt.Sprintf("%d watches", maxWatchesPerPrincipal)) ||
		!strings.Contains(msg, "one per consumer") {
		t.Errorf("the refusal says %q", msg)
	}

	// Another credential is not held back by the first.
	_, tok2 := e.key(RoleService)
	other := e.clientAs(tok2)
	cancel, err := openWatch(other)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()

	// Ending a watch gives its place back.
	first[0]()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cancel, err := openWatch(svc)
		if err == nil {
			defer cancel()
			break
		}
		if status.Code(err) != codes.ResourceExhausted || time.Now().After(deadline) {
			t.Fatalf("after a watch ended: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The server's bound holds for everyone together.
	e.srv.watches.mu.Lock()
	e.srv.watches.all = e.srv.watches.open + 1
	all := e.srv.watches.all
	e.srv.watches.mu.Unlock()
	if cancel, err = openWatch(other); err != nil {
		t.Fatal(err)
	}
	defer cancel()
	_, err = openWatch(other)
	wantCode(t, err, codes.ResourceExhausted)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, fmt.Sprintf("server has %d watches", all)) {
		t.Errorf("the refusal says %q", msg)
	}
}

// A watch sends what it has to catch up in small messages, and records
// what it showed in audit events of bounded size that share its request
// id: together they name every change it sent, the last has the call's
// outcome. An export's event is split the same way.
func TestLongStreamsAuditedInParts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 5000
	profiles := make([]store.BulkProfile, n)
	for i := range profiles {
		profiles[i] = store.BulkProfile{Person: &pb.Person{FamilyName: "Nguyễn", GivenName: fmt.Sprintf("An %d", i)}}
	}
	if err := e.db.BulkCreatePeople(ctx, profiles); err != nil {
		t.Fatal(err)
	}

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := e.client.Changes.WatchChanges(wctx, &pb.WatchChangesRequest{Cursor: e.db.EncodeCursor(0)})
	if err != nil {
		t.Fatal(err)
	}
	md, err := st.Header()
	if err != nil {
		t.Fatal(err)
	}
	watch := requestID(t, md)
	var sent []string
	for len(sent) < n {
		m, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if size := proto.Size(m); size > watchMessageBytes+1024 {
			t.Fatalf("a message of %d changes is %d bytes", len(m.Changes), size)
		}
		for _, c := range m.Changes {
			sent = append(sent, c.Name)
		}
	}
	// While the watch is open, what it sent is in the trail already, but
	// for the part under way: the server does not hold it all.
	stored := 0
	for _, ev := range callEvents(t, e, watch) {
		stored += len(ev.Resources)
	}
	if stored < n-store.AuditPartNames {
		t.Errorf("the open watch sent %d changes, and its stored audit events name %d", n, stored)
	}
	cancel()
	parts := auditParts(t, e, watch, len(sent))
	for _, name := range sent {
		if !parts[name] {
			t.Fatalf("no audit event of the watch names %s", name)
		}
	}

	var emd metadata.MD
	ex, err := e.client.Transfer.ExportPeople(ctx, &pb.ExportPeopleRequest{}, grpc.Header(&emd))
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := ex.Recv(); err != nil {
			break
		}
	}
	people, _, err := e.db.ListPeople(ctx, store.ListQuery{PageSize: 1000}, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatal(err)
	}
	parts = auditParts(t, e, requestID(t, emd), n)
	for _, p := range people {
		if !parts[p.Name] {
			t.Fatalf("no audit event of the export names %s", p.Name)
		}
	}
}

// callEvents lists the audit events of the call id.
func callEvents(t *testing.T, e *env, id string) []*pb.AuditEvent {
	t.Helper()
	var evs []*pb.AuditEvent
	token := ""
	for {
		r, err := e.client.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{
			Filter: fmt.Sprintf("request_id = %q", id), PageSize: 1000, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, r.AuditEvents...)
		if token = r.NextPageToken; token == "" {
			return evs
		}
	}
}

// auditParts checks the audit events of the call id, which showed at least
// names: more than one, each of bounded size, all OK; and returns the names
// they hold.
func auditParts(t *testing.T, e *env, id string, names int) map[string]bool {
	t.Helper()
	var evs []*pb.AuditEvent
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs = callEvents(t, e, id)
		// The call's last part is stored once its handler returned.
		total := 0
		for _, ev := range evs {
			total += len(ev.Resources)
		}
		if total >= names || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(evs) < 2 {
		t.Fatalf("the call of %d names has %d audit events", names, len(evs))
	}
	out := map[string]bool{}
	for _, ev := range evs {
		if len(ev.Resources) > store.AuditPartNames || ev.Code != "OK" || ev.RequestId != id {
			t.Errorf("%s: %d names, %s, request %s", ev.Name, len(ev.Resources), ev.Code, ev.RequestId)
		}
		for _, r := range ev.Resources {
			out[r] = true
		}
	}
	if !slices.ContainsFunc(evs, func(ev *pb.AuditEvent) bool { return len(ev.Resources) > 0 }) {
		t.Error("no part names anything")
	}
	return out
}
