package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestAuditEventsAreAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	ev := NewAuditEvent(time.Now())
	ev.Principal, ev.Method, ev.Code, ev.Resources = "key:a", "/x.Y/Z", "OK", []string{"people/a"}
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE audit_events SET code = 'NOT_FOUND'`,
		`DELETE FROM audit_events`,
		`UPDATE audit_event_resources SET resource = 'people/b'`,
		`DELETE FROM audit_event_resources`,
	} {
		_, err := db.writer.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want it refused", stmt, err)
		}
	}
	evs, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(evs) != 1 || evs[0].Code != "OK" || strings.Join(evs[0].Resources, ",") != "people/a" {
		t.Errorf("after the refused changes: %+v %v", evs, err)
	}
}

func TestWriteRecordsItsAuditEvent(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	count := func() int {
		evs, _, err := db.ListAuditEvents(ctx, AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}

	// A failed write stores neither its change nor its event.
	ev := NewAuditEvent(time.Now())
	ev.Principal, ev.Method = "key:a", "/trithuc.v1.PersonService/CreatePerson"
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A", BirthDate: nil, NationalId: "1"}, CreateOptions{ID: "Bad ID", Audit: ev}); err == nil {
		t.Fatal("a bad create succeeded")
	}
	if ev.Stored() || count() != 0 {
		t.Fatal("a failed write stored its audit event")
	}
	// Nor does a dry run.
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A"}, CreateOptions{ValidateOnly: true, Audit: ev}); err != nil {
		t.Fatal(err)
	}
	if ev.Stored() || count() != 0 {
		t.Fatal("a dry run stored its audit event")
	}
	// A committed one does, once, with the code OK.
	ev = NewAuditEvent(time.Now())
	ev.Principal, ev.Method = "key:a", "/trithuc.v1.PersonService/CreatePerson"
	p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A"}, CreateOptions{Audit: ev})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Stored() || count() != 1 {
		t.Fatal("a committed write did not store its audit event")
	}
	if evs, _, _ := db.ListAuditEvents(ctx, AuditQuery{Resource: p.Name}); len(evs) != 1 {
		t.Errorf("the create's event does not name %s: %+v", p.Name, evs)
	}
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{Audit: ev}, func(p *pb.Person) error { p.FamilyName = "B"; return nil }); err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Error("a second write under the same call stored the event again")
	}
	// Resources learnt later are appended to the stored event, once.
	ev.AddResources(p.Name, "people/other", "people/other")
	if !ev.Unsaved() || len(ev.Resources) != 2 {
		t.Errorf("resources %v, want the new one unsaved", ev.Resources)
	}
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	evs, _, _ := db.ListAuditEvents(ctx, AuditQuery{Resource: "people/other"})
	// Resources come back sorted by name, and the person's id is random.
	want := []string{p.Name, "people/other"}
	slices.Sort(want)
	if len(evs) != 1 || evs[0].Code != "OK" || evs[0].Name != "auditEvents/"+ev.ID || strings.Join(evs[0].Resources, ",") != strings.Join(want, ",") {
		t.Errorf("events naming people/other: %+v", evs)
	}

	// A write that fails after fn (here: the audit insert itself) is not
	// acknowledged and leaves nothing.
	bad := NewAuditEvent(time.Now())
	bad.ID = ev.ID // taken: the insert fails
	err = db.write(ctx, false, bad, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('x', 1)`)
		return err
	})
	if err == nil {
		t.Fatal("a write whose audit event could not be stored was acknowledged")
	}
	var n int
	db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE key = 'x'`).Scan(&n)
	if n != 0 || bad.Stored() {
		t.Error("the change of a write whose audit event failed was kept")
	}
	var se *Error
	if !errors.As(err, &se) {
		t.Errorf("error %v is not a store error", err)
	}
}

// Event ids sort as their times do, so that a new event's id goes at the
// end of the index of ids; they stay valid ids of auditEvents/{event}.
func TestEventIDsInTimeOrder(t *testing.T) {
	times := []time.Time{
		time.Unix(0, 0),
		time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 3, 17, 0, 0, 1000, time.UTC),
		time.Date(2026, 12, 3, 17, 0, 1, 0, time.UTC),
		time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var ids []string
	for _, at := range times {
		id := NewAuditEvent(at).ID
		if !validID(id) || len(id) != 27 {
			t.Errorf("the event id %q at %v is not a valid id of 27 characters", id, at)
		}
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("event ids in time order do not sort: %q", ids)
	}
	if a, b := NewAuditEvent(times[2]).ID, NewAuditEvent(times[2]).ID; a == b {
		t.Errorf("two events at the same time got one id %q", a)
	}
}
