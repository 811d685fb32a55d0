package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestRetentionAtStart: the server enforces its retention policy when it
// starts (and daily), on the database's clock: read events older than the
// policy go, the events of writes stay, idempotency records go after theirs,
// and every run is an event of the trail.
func TestRetentionAtStart(t *testing.T) {
	const day = 24 * time.Hour
	e := newEnvWith(t, func(c *Config) {
		c.Retention = store.Retention{AuditReads: 365 * day, Idempotency: 7 * day}
	})
	ctx := context.Background()
	_, regTok := e.key(RoleRegistrar)
	create := &pb.CreatePersonRequest{Person: anh(), RequestId: "0b5e2f4c-1d3a-4e8b-9c7d-6a5f4e3d2c1b"}
	var created *pb.Person
	// restart serves again with the database's clock moved by ahead, and
	// waits for the run at start (the runs counted so far, plus one).
	runs := 0
	restart := func(ahead time.Duration) {
		t.Helper()
		e.stop()
		e.start(func(s *Server) {
			now := time.Now().Add(ahead)
			s.db.Now = func() time.Time { return now }
		})
		e.client = e.clientAs(e.token)
		runs++
		waitFor(t, func() bool { return len(e.auditEvents(RetentionMethod)) == runs })
	}
	runs = 1
	waitFor(t, func() bool { return len(e.auditEvents(RetentionMethod)) == 1 })

	reg := e.clientAs(regTok)
	var err error
	if created, err = reg.People.CreatePerson(ctx, create); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: created.Name}); err != nil {
		t.Fatal(err)
	}
	if code, body := e.restAs(regTok, "GET", "/v1/"+created.Name, nil); code != http.StatusOK {
		t.Fatalf("REST GetPerson: %d %v", code, body)
	}
	if n := len(e.auditEvents("GetPerson")); n != 2 {
		t.Fatalf("%d GetPerson events, want 2", n)
	}

	// Six days on: everything stays, and a retry still answers the first
	// create.
	restart(6 * day)
	if n := len(e.auditEvents("GetPerson")); n != 2 {
		t.Errorf("six days on, %d GetPerson events, want 2", n)
	}
	again, err := e.clientAs(regTok).People.CreatePerson(ctx, create)
	if err != nil || again.Name != created.Name {
		t.Errorf("six days on, a retry made %v (%v), want %s", again.GetName(), err, created.Name)
	}

	// A year and a day on: the reads' events and the idempotency record are
	// gone; the create's event and the earlier runs stay.
	restart(366 * day)
	if n := len(e.auditEvents("GetPerson")); n != 0 {
		t.Errorf("a year on, %d GetPerson events, want 0", n)
	}
	creates := e.auditEvents("CreatePerson")
	if len(creates) != 2 { // the create and the retry (a write: kept)
		t.Errorf("a year on, %d CreatePerson events, want 2", len(creates))
	}
	code, body := e.rest("GET", "/v1/auditEvents?method=EnforceRetention", nil)
	if code != http.StatusOK || len(body["auditEvents"].([]any)) != 3 {
		t.Errorf("REST: the runs in the trail: %d %v, want 3", code, body)
	}
	// The retry is a new create now, which finds the first person's
	// national ID taken, instead of the first answer.
	_, err = e.clientAs(regTok).People.CreatePerson(ctx, create)
	wantCode(t, err, codes.AlreadyExists)
}

// auditEvents lists, as the admin, the events of a method.
func (e *env) auditEvents(method string) []*pb.AuditEvent {
	e.t.Helper()
	resp, err := e.client.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{Method: method, PageSize: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.AuditEvents
}

// waitFor polls cond until it holds, for work the server does in the
// background; it fails the test after a minute.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server's background work did not happen within a minute")
		}
	}
}

func TestRetentionConfigChecked(t *testing.T) {
	e := newEnv(t)
	_, err := New(e.db, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Retention: store.Retention{AuditReads: 24 * time.Hour}})
	if err == nil || !strings.Contains(err.Error(), "audit_read_retention") {
		t.Errorf("a day's retention of read events: %v, want it refused", err)
	}
}

// TestReadMethodsAreTheMigrationsReads: migration 0013 marked the events
// stored before it as reads by their method's name; that rule and the one
// the server applies (a GET route) agree for every served method.
func TestReadMethodsAreTheMigrationsReads(t *testing.T) {
	e := newEnv(t)
	for service, info := range e.srv.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			full := "/" + service + "/" + m.Name
			byName := false
			for _, prefix := range []string{"Get", "List", "Search", "Export", "Compute"} {
				byName = byName || strings.HasPrefix(m.Name, prefix)
			}
			// Methods added after migration 0013 had no events before it;
			// their reads are marked by the server's rule alone.
			for _, prefix := range []string{"BatchGet", "Watch"} {
				byName = byName || strings.HasPrefix(m.Name, prefix)
			}
			if !strings.HasPrefix(service, "trithuc.") {
				continue
			}
			if readMethod(full) != byName {
				t.Errorf("%s: read by its route %v, by its name %v", full, readMethod(full), byName)
			}
		}
	}
}

// TestIdempotencyRetentionBetweenRuns: a request_id older than the
// idempotency retention is not answered from its record even before the
// daily run removes it; the retry makes a new create.
func TestIdempotencyRetentionBetweenRuns(t *testing.T) {
	const day = 24 * time.Hour
	e := newEnvWith(t, func(c *Config) {
		c.Retention = store.Retention{Idempotency: 7 * day}
	})
	waitFor(t, func() bool { return len(e.auditEvents(RetentionMethod)) == 1 })
	ctx := context.Background()
	create := &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "An", FamilyName: "Lê"}, RequestId: "5d0c1e2a-7b3f-4c9d-8e6a-2f1b0c9d8e7a"}
	first, err := e.client.People.CreatePerson(ctx, create)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(8 * day)
	e.db.Now = func() time.Time { return now }
	again, err := e.client.People.CreatePerson(ctx, create)
	if err != nil {
		t.Fatal(err)
	}
	if again.Name == first.Name {
		t.Errorf("eight days on, the retry answered the first create, %s, want a new person", first.Name)
	}
}
