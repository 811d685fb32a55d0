package store

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestRetentionRemovesOldReadsAndRequestsOnly(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	db.Now = func() time.Time { return clock }

	event := func(at time.Time, method string, read bool) *AuditEvent {
		ev := NewAuditEvent(at)
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:a", method, "OK", read
		ev.Resources = []string{"people/p" + ev.ID}
		return ev
	}
	oldRead := event(t0, "/trithuc.v1.PersonService/GetPerson", true)
	oldWrite := event(t0, "/trithuc.v1.PersonService/UpdatePerson", false)
	newRead := event(t0.Add(300*24*time.Hour), "/trithuc.v1.PersonService/ListPeople", true)
	if err := db.AppendAudit(ctx, []*AuditEvent{oldRead, oldWrite, newRead}); err != nil {
		t.Fatal(err)
	}
	// An idempotency record made at t0, and one made 360 days on.
	for i, at := range []time.Time{t0, t0.Add(360 * 24 * time.Hour)} {
		clock = at
		id := []string{"old", "new"}[i]
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A", FamilyName: id},
			CreateOptions{Request: &RequestKey{Principal: "key:a", Method: "CreatePerson", RequestID: id, Payload: []byte(id)}}); err != nil {
			t.Fatal(err)
		}
	}

	policy := Retention{AuditReads: 365 * 24 * time.Hour, Idempotency: 7 * 24 * time.Hour}
	run := func(at time.Time) RetentionRun {
		t.Helper()
		clock = at
		ev := event(at, "/trithuc.server/EnforceRetention", false)
		r, err := db.EnforceRetention(ctx, policy, ev)
		if err != nil {
			t.Fatal(err)
		}
		if !ev.Stored() {
			t.Error("the run's own event was not stored")
		}
		return r
	}
	// A day short of a year: no event is old enough; the first record is,
	// not the second, 4 days old.
	if r := run(t0.Add(364 * 24 * time.Hour)); r != (RetentionRun{AuditEvents: 0, IdempotencyRecords: 1}) {
		t.Errorf("at 364 days removed %+v, want one idempotency record", r)
	}
	// A day past a year: the old read goes; the old write and the new read
	// stay, and the record of 6 days ago.
	if r := run(t0.Add(366 * 24 * time.Hour)); r != (RetentionRun{AuditEvents: 1}) {
		t.Errorf("at 366 days removed %+v, want one event", r)
	}
	evs, _, err := db.ListAuditEvents(ctx, AuditQuery{ListQuery: ListQuery{PageSize: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		got = append(got, strings.TrimPrefix(ev.Name, "auditEvents/"))
	}
	for _, want := range []*AuditEvent{oldWrite, newRead} {
		if !strings.Contains(strings.Join(got, ","), want.ID) {
			t.Errorf("%s (%s) was removed", want.Method, want.ID)
		}
	}
	if strings.Contains(strings.Join(got, ","), oldRead.ID) {
		t.Error("the read event older than a year stayed")
	}
	if len(evs) != 4 { // the old write, the new read, two runs
		t.Errorf("%d events left, want 4", len(evs))
	}
	var names int
	if err := db.writer.QueryRowContext(ctx, `SELECT count(*) FROM audit_names WHERE resource = ?`,
		oldRead.Resources[0]).Scan(&names); err != nil || names != 0 {
		t.Errorf("the removed event's names: %d left (%v)", names, err)
	}
}

func TestRetentionIsTheOnlyWayToDeleteEvents(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	now := time.Now()
	read := NewAuditEvent(now.Add(-400 * 24 * time.Hour))
	read.Principal, read.Method, read.Code, read.Read = "key:a", "/x.Y/GetZ", "OK", true
	// The person is packed into the event's row (read_people), the
	// qualification a row of audit_event_resources.
	read.Resources = []string{"people/a", "people/a/qualifications/q"}
	write := NewAuditEvent(now.Add(-400 * 24 * time.Hour))
	write.Principal, write.Method, write.Code = "key:a", "/x.Y/UpdateZ", "OK"
	if err := db.AppendAudit(ctx, []*AuditEvent{read, write}); err != nil {
		t.Fatal(err)
	}
	if !read.compact {
		t.Fatal("the read event was not stored in audit_reads")
	}
	// A read event stored before 0025, in audit_events, the person
	// packed, the qualification a row of audit_event_resources.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO audit_events (pk, id, event_time, principal, principal_name,
		role, association, method, code, request_id, client_address, transport, read, read_people)
		VALUES (100, 'old', ?, 'key:a', '', '', '', '/x.Y/GetZ', 'OK', '', '', 'grpc', 1, 'a');
		INSERT INTO audit_event_resources (resource, event_pk) VALUES ('people/a/qualifications/q', 100)`,
		micros(now.Add(-400*24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	refused := func(stmts ...string) {
		t.Helper()
		tx, err := db.writer.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, stmt := range stmts[:len(stmts)-1] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		last := stmts[len(stmts)-1]
		if _, err := tx.ExecContext(ctx, last); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want it refused", last, err)
		}
	}
	cutoff := "INSERT INTO audit_retention VALUES (1, " + strconv.FormatInt(micros(now), 10) + ")"
	// Without a run's cutoff, an old read event cannot go.
	refused(`DELETE FROM audit_event_resources`)
	refused(`DELETE FROM audit_events WHERE read = 1`)
	// With one, a write's event still cannot, nor a read newer than it.
	refused(cutoff, `DELETE FROM audit_events WHERE read = 0`)
	refused("INSERT INTO audit_retention VALUES (1, "+strconv.FormatInt(micros(now.Add(-500*24*time.Hour)), 10)+")",
		`DELETE FROM audit_event_resources`)
	// Nor is an event turned into a read to let it go.
	refused(`UPDATE audit_events SET read = 1`)
	// Nor are the people a read showed taken out of it.
	refused(`UPDATE audit_events SET read_people = NULL`)
	// The same of audit_reads: no deletion without a cutoff, nor of a
	// read newer than it; no change but names appended.
	refused(`DELETE FROM audit_reads`)
	refused("INSERT INTO audit_retention VALUES (1, "+strconv.FormatInt(micros(now.Add(-500*24*time.Hour)), 10)+")",
		`DELETE FROM audit_reads`)
	refused(`UPDATE audit_reads SET people = NULL`)
	refused(`UPDATE audit_reads SET names = 'people/b'`)
	refused(`UPDATE audit_reads SET names = names || 'x'`)
	refused(`UPDATE audit_reads SET code = code + 1`)
	refused(`UPDATE audit_reads SET key = key + 1`)
	// Nor a string that events name, or its value.
	refused(`UPDATE audit_strings SET value = 'key:b' WHERE value = 'key:a'`)
	refused(`DELETE FROM audit_strings`)
	refused(cutoff, `DELETE FROM audit_strings WHERE value = 'key:a'`)
	if _, err := db.EnforceRetention(ctx, Retention{AuditReads: 10 * 24 * time.Hour}, nil); err == nil {
		t.Error("a retention shorter than the minimum was accepted")
	}
	evs, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(evs) != 3 {
		t.Fatalf("events after the refused deletions: %d, %v", len(evs), err)
	}
	var marks int
	db.writer.QueryRowContext(ctx, `SELECT count(*) FROM audit_retention`).Scan(&marks)
	if marks != 0 {
		t.Error("a cutoff outlived its transaction")
	}
}

// TestExpiredRequestIsForgotten: a create's request_id is answered from its
// record only for the retention the key carries, even before a retention
// run removes the record; after that the id may make a new create, with the
// same payload or another.
func TestExpiredRequestIsForgotten(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	db.Now = func() time.Time { return clock }
	create := func(family string) *pb.Person {
		t.Helper()
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", FamilyName: family}, CreateOptions{Request: &RequestKey{
			Principal: "key:a", Method: "CreatePerson", RequestID: "r1", Payload: []byte(family), KeptFor: 7 * 24 * time.Hour}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := create("Lê")
	clock = t0.Add(6 * 24 * time.Hour)
	if again := create("Lê"); again.Name != first.Name {
		t.Errorf("six days on, a retry made %s, want the first answer %s", again.Name, first.Name)
	}
	clock = t0.Add(8 * 24 * time.Hour)
	second := create("Trần")
	if second.Name == first.Name || second.FamilyName != "Trần" {
		t.Errorf("eight days on, the id answered %s %s, want a new person", second.Name, second.FamilyName)
	}
	clock = clock.Add(time.Hour)
	if again := create("Trần"); again.Name != second.Name {
		t.Errorf("a retry of the new create made %s, want %s", again.Name, second.Name)
	}
}
