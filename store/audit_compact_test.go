package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
)

func TestReadEventIDs(t *testing.T) {
	for _, key := range []int64{1, 2047, micros(time.Now()) << readKeyShift, maxReadKeyMicros<<readKeyShift | 2047} {
		id := readEventID(key)
		if got, ok := readEventKey(id); !ok || got != key {
			t.Errorf("%d: id %s gives %d, %v", key, id, got, ok)
		}
	}
	// Ids of audit_events (newID) and forms that are not the key's own.
	for _, id := range []string{newID(), "r", "r-", "r-0", "r--1", "r-ZZ", "r-0a", "r-" + strings.Repeat("z", 14), "abc"} {
		if key, ok := readEventKey(id); ok {
			t.Errorf("%s read as the key %d", id, key)
		}
	}

	db := openTest(t)
	ctx := context.Background()
	read := NewAuditEvent(time.Now())
	read.Principal, read.PrincipalName, read.Role, read.Method, read.Code, read.RequestID, read.ClientAddress, read.Transport, read.Read =
		"key:a", "Phòng A", "reader", "/trithuc.v1.PersonService/GetPerson", "OK", "req1", "10.0.0.1", "rest", true
	read.Resources = []string{"people/a", "people/a/qualifications/q"}
	write := NewAuditEvent(time.Now())
	write.Principal, write.Method, write.Code, write.Resources = "key:a", "/trithuc.v1.PersonService/UpdatePerson", "OK", []string{"people/a"}
	if err := db.AppendAudit(ctx, []*AuditEvent{read, write}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(read.ID, readEventPrefix) || strings.Contains(write.ID, "-") {
		t.Fatalf("ids %s (read) and %s (write)", read.ID, write.ID)
	}
	listed, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(listed) != 2 {
		t.Fatalf("listed %v, %v", listed, err)
	}
	for _, ev := range listed {
		got, err := db.GetAuditEvent(ctx, ev.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got, ev) {
			t.Errorf("GetAuditEvent(%s) = %v, listed %v", ev.Name, got, ev)
		}
	}
	got, err := db.GetAuditEvent(ctx, "auditEvents/"+read.ID)
	if err != nil || got.PrincipalName != "Phòng A" || got.RequestId != "req1" || got.Transport != "rest" ||
		strings.Join(got.Resources, ",") != "people/a,people/a/qualifications/q" || !got.EventTime.AsTime().Equal(read.Time.Truncate(time.Microsecond)) {
		t.Errorf("the read event: %v, %v", got, err)
	}
	for _, name := range []string{"auditEvents/" + readEventID(1), "auditEvents/" + newID(), "auditEvents/r-zz"} {
		if _, err := db.GetAuditEvent(ctx, name); errCode(err) != NotFound {
			t.Errorf("%s: %v, want NotFound", name, err)
		}
	}
	// An id a caller gave that looks like a key of audit_reads.
	given := NewAuditEvent(time.Now())
	given.ID, given.Principal, given.Method = "r-abc", "key:a", "/x.Y/UpdateZ"
	if err := db.AppendAudit(ctx, []*AuditEvent{given}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.GetAuditEvent(ctx, "auditEvents/r-abc"); err != nil || got.Method != "/x.Y/UpdateZ" {
		t.Errorf("auditEvents/r-abc: %v, %v", got, err)
	}
	if _, err := db.GetAuditEvent(ctx, "people/a"); errCode(err) != Invalid {
		t.Errorf("people/a: %v, want Invalid", err)
	}
}

// auditFixture stores a trail of both kinds in both tables: writes, reads
// stored compact, reads stored before 0025 (the test's SQL, as
// TestWhoReadAPerson), some in one microsecond.
func auditFixture(t *testing.T, db *DB) []*AuditEvent {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var evs []*AuditEvent
	add := func(at time.Duration, principal, method, code string, read bool, names ...string) *AuditEvent {
		ev := NewAuditEvent(t0.Add(at))
		ev.Principal, ev.PrincipalName, ev.Role, ev.Method, ev.Code, ev.Read, ev.Resources =
			principal, "Name "+principal, "reader", method, code, read, names
		ev.RequestID, ev.ClientAddress, ev.Transport = fmt.Sprintf("req%02d", len(evs)), "10.0.0."+principal[4:], "grpc"
		evs = append(evs, ev)
		return ev
	}
	const get, list, upd = "/trithuc.v1.PersonService/GetPerson", "/trithuc.v1.PersonService/ListPeople", "/trithuc.v1.PersonService/UpdatePerson"
	add(0, "key:a", get, "OK", true, "people/x")
	add(time.Second, "key:b", list, "OK", true, "people/x", "people/y", "people/z")
	add(2*time.Second, "key:a", upd, "OK", false, "people/y")
	add(3*time.Second, "key:b", get, "NOT_FOUND", true, "people/nobody")
	add(3*time.Second, "key:a", get, "OK", true, "people/y/qualifications/q1")
	add(3*time.Second, "key:c", "/trithuc.v1.OrganizationService/GetOrganization", "OK", true, "organizations/o")
	add(4*time.Second, "key:c", get, "PERMISSION_DENIED", true)
	add(5*time.Second, "key:a", upd, "FAILED_PRECONDITION", false, "people/x")
	if err := db.AppendAudit(ctx, evs); err != nil {
		t.Fatal(err)
	}
	// Before 0025, at the times of the others: two in the same
	// microseconds as compact ones.
	for i, old := range []struct {
		at              time.Duration
		principal, code string
		people          any
		names           []string
	}{
		{3 * time.Second, "key:a", "OK", "x y", nil},
		{time.Second, "key:c", "OK", nil, []string{"people/z", "organizations/o"}},
		{6 * time.Second, "key:b", "NOT_FOUND", "q", []string{"people/q/works/w"}},
	} {
		pk := 1000 + i
		ev := &AuditEvent{ID: fmt.Sprintf("old%d", i), Time: t0.Add(old.at), Principal: old.principal, PrincipalName: "Name " + old.principal,
			Role: "reader", Method: list, Code: old.code, RequestID: fmt.Sprintf("oldreq%d", i), ClientAddress: "10.0.0." + old.principal[4:],
			Transport: "grpc", Read: true}
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO audit_events (pk, id, event_time, principal, principal_name, role,
			association, method, code, request_id, client_address, transport, read, read_people)
			VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 1, ?)`, pk, ev.ID, micros(ev.Time), ev.Principal, ev.PrincipalName,
			ev.Role, ev.Method, ev.Code, ev.RequestID, ev.ClientAddress, ev.Transport, old.people); err != nil {
			t.Fatal(err)
		}
		if s, ok := old.people.(string); ok {
			for _, id := range strings.Fields(s) {
				ev.Resources = append(ev.Resources, "people/"+id)
			}
		}
		for _, n := range old.names {
			if _, err := db.writer.ExecContext(ctx, `INSERT INTO audit_event_resources (resource, event_pk) VALUES (?, ?)`, n, pk); err != nil {
				t.Fatal(err)
			}
			ev.Resources = append(ev.Resources, n)
		}
		ev.pk = int64(pk)
		evs = append(evs, ev)
	}
	return evs
}

// TestAuditListingOverBothTables checks every condition of ListAuditEvents
// against the events the fixture made, over both tables, in the trail's
// order, and paging through the merge.
func TestAuditListingOverBothTables(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	evs := auditFixture(t, db)
	compact := 0
	for _, ev := range evs {
		if ev.compact {
			compact++
		}
	}
	if compact != 6 {
		t.Fatalf("%d events in audit_reads, want the 6 reads", compact)
	}
	// The trail's order: newest first; in a microsecond, audit_reads'
	// (by storage) before audit_events' (by pk).
	order := slices.Clone(evs)
	slices.SortStableFunc(order, func(a, b *AuditEvent) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		if a.compact != b.compact {
			if a.compact {
				return -1
			}
			return 1
		}
		if a.pk > b.pk {
			return -1
		}
		return 1
	})
	t0 := evs[0].Time
	has := func(ev *AuditEvent, r string) bool {
		return slices.ContainsFunc(ev.Resources, func(n string) bool { return n == r || strings.HasPrefix(n, r+"/") })
	}
	for _, tt := range []struct {
		name string
		q    AuditQuery
		want func(*AuditEvent) bool
	}{
		{"all", AuditQuery{}, func(*AuditEvent) bool { return true }},
		{"principal", AuditQuery{Principal: "key:b"}, func(ev *AuditEvent) bool { return ev.Principal == "key:b" }},
		{"full method", AuditQuery{Method: "/trithuc.v1.PersonService/GetPerson"}, func(ev *AuditEvent) bool { return strings.HasSuffix(ev.Method, "/GetPerson") }},
		{"method", AuditQuery{Method: "ListPeople"}, func(ev *AuditEvent) bool { return strings.HasSuffix(ev.Method, "/ListPeople") }},
		{"start", AuditQuery{Start: t0.Add(3 * time.Second)}, func(ev *AuditEvent) bool { return !ev.Time.Before(t0.Add(3 * time.Second)) }},
		{"end", AuditQuery{End: t0.Add(3 * time.Second)}, func(ev *AuditEvent) bool { return ev.Time.Before(t0.Add(3 * time.Second)) }},
		{"range", AuditQuery{Start: t0.Add(time.Second), End: t0.Add(4 * time.Second)}, func(ev *AuditEvent) bool {
			return !ev.Time.Before(t0.Add(time.Second)) && ev.Time.Before(t0.Add(4*time.Second))
		}},
		{"past the times of keys", AuditQuery{Start: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
			func(*AuditEvent) bool { return true }},
		{"a person", AuditQuery{Resource: "people/x"}, func(ev *AuditEvent) bool { return has(ev, "people/x") }},
		{"under a person", AuditQuery{Resource: "people/y"}, func(ev *AuditEvent) bool { return has(ev, "people/y") }},
		{"a person's work", AuditQuery{Resource: "people/q/works"}, func(ev *AuditEvent) bool { return has(ev, "people/q/works") }},
		{"people", AuditQuery{Resource: "people"}, func(ev *AuditEvent) bool { return has(ev, "people") }},
		{"organizations", AuditQuery{Resource: "organizations/"}, func(ev *AuditEvent) bool { return has(ev, "organizations") }},
		{"nobody", AuditQuery{Resource: "people/nob"}, func(ev *AuditEvent) bool { return false }},
		{"conditions together", AuditQuery{Principal: "key:a", Resource: "people/y", Method: "GetPerson"}, func(ev *AuditEvent) bool {
			return ev.Principal == "key:a" && has(ev, "people/y") && strings.HasSuffix(ev.Method, "/GetPerson")
		}},
		{"filter code", AuditQuery{ListQuery: ListQuery{Filter: `code != "OK"`}}, func(ev *AuditEvent) bool { return ev.Code != "OK" }},
		{"filter strings", AuditQuery{ListQuery: ListQuery{Filter: `principal_name = "Name key:c" OR client_address = "10.0.0.b"`}},
			func(ev *AuditEvent) bool { return ev.Principal != "key:a" }},
		{"filter request id", AuditQuery{ListQuery: ListQuery{Filter: `request_id = "req03" OR request_id = "oldreq1"`}},
			func(ev *AuditEvent) bool { return ev.RequestID == "req03" || ev.RequestID == "oldreq1" }},
		{"filter prefix", AuditQuery{ListQuery: ListQuery{Filter: `method = "/trithuc.v1.OrganizationService/*" OR role = "nobody"`}},
			func(ev *AuditEvent) bool { return strings.Contains(ev.Method, "Organization") }},
		{"filter resources", AuditQuery{ListQuery: ListQuery{Filter: `resources:"people/z" OR resources:"people/y/qualifications/q1"`}},
			func(ev *AuditEvent) bool {
				return slices.Contains(ev.Resources, "people/z") || slices.Contains(ev.Resources, "people/y/qualifications/q1")
			}},
		{"filter time", AuditQuery{ListQuery: ListQuery{Filter: `event_time >= "2026-03-01T08:00:03Z" AND transport = "grpc"`}},
			func(ev *AuditEvent) bool { return !ev.Time.Before(t0.Add(3 * time.Second)) }},
	} {
		var want []string
		for _, ev := range order {
			if tt.want(ev) {
				names := slices.Clone(ev.Resources)
				slices.Sort(names)
				want = append(want, fmt.Sprintf("%s %s %s %s %s %s %s %s %s %v", ev.ID, ev.Time.Format(time.RFC3339Nano),
					ev.Principal, ev.PrincipalName, ev.Role, ev.Method, ev.Code, ev.RequestID, ev.ClientAddress, names))
			}
		}
		for _, size := range []int{1000, 2, 1} {
			q := tt.q
			q.PageSize = size
			var got []string
			for pages := 0; ; pages++ {
				page, p, err := db.ListAuditEvents(ctx, q)
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				if len(page) > size || pages > len(evs) {
					t.Fatalf("%s: a page of %d, or %d pages", tt.name, len(page), pages)
				}
				for _, ev := range page {
					got = append(got, fmt.Sprintf("%s %s %s %s %s %s %s %s %s %v", strings.TrimPrefix(ev.Name, "auditEvents/"),
						ev.EventTime.AsTime().Format(time.RFC3339Nano), ev.Principal, ev.PrincipalName, ev.Role, ev.Method, ev.Code,
						ev.RequestId, ev.ClientAddress, ev.Resources))
				}
				if p.NextPageToken == "" {
					break
				}
				q.PageToken = p.NextPageToken
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s, pages of %d:\n got %s\nwant %s", tt.name, size, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		}
	}
}

// Events of one microsecond get keys of their own, in the order stored;
// names learnt after a compact event was stored are appended to it.
func TestCompactReadKeysAndLaterNames(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	at := time.Now()
	var evs []*AuditEvent
	for i := range 3 {
		ev := NewAuditEvent(at)
		ev.Principal, ev.Method, ev.Code, ev.Read, ev.Resources = "key:a", "/x.Y/GetZ", "OK", true, []string{fmt.Sprintf("people/p%d", i)}
		evs = append(evs, ev)
		if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
			t.Fatal(err)
		}
	}
	listed, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(listed) != 3 {
		t.Fatalf("%v, %v", listed, err)
	}
	for i, ev := range listed {
		if want := evs[2-i]; ev.Name != "auditEvents/"+want.ID || !want.compact {
			t.Errorf("%d: %s, want %s", i, ev.Name, want.ID)
		}
	}
	ev := evs[0]
	ev.AddResources("people/later", "organizations/o", "people/p0")
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	ev.AddResources("units/u")
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetAuditEvent(ctx, "auditEvents/"+ev.ID)
	if err != nil || strings.Join(got.Resources, " ") != "organizations/o people/later people/p0 units/u" {
		t.Errorf("after names were added: %v, %v", got, err)
	}
	if byRes, _, _ := db.ListAuditEvents(ctx, AuditQuery{Resource: "people/later"}); len(byRes) != 1 || byRes[0].Name != got.Name {
		t.Errorf("by a name added later: %v", byRes)
	}
	// A read that audit_reads cannot hold (a name with a space, a time
	// before 2000) goes to audit_events.
	odd := NewAuditEvent(at)
	odd.Principal, odd.Method, odd.Read, odd.Resources = "key:a", "/x.Y/GetZ", true, []string{"people/a b"}
	early := NewAuditEvent(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC))
	early.Principal, early.Method, early.Read = "key:a", "/x.Y/GetZ", true
	if err := db.AppendAudit(ctx, []*AuditEvent{odd, early}); err != nil {
		t.Fatal(err)
	}
	if odd.compact || early.compact || !odd.Stored() || !early.Stored() {
		t.Error("a read audit_reads cannot hold was not stored in audit_events")
	}
	if all, _, _ := db.ListAuditEvents(ctx, AuditQuery{}); len(all) != 5 || all[4].Name != "auditEvents/"+early.ID {
		t.Errorf("listed %d", len(all))
	}
}

// A database with read events stored before 0025 keeps them listable,
// by their ids, beside the compact events stored after.
func TestMigrateAuditReads(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_audit_reads.sql")
	t0 := time.Now().Add(-time.Hour)
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO audit_events (pk, id, event_time, principal, principal_name,
		role, association, method, code, request_id, client_address, transport, read, read_people) VALUES
		(1, 'aaaaaaaaaaaaaaaa', ?1, 'key:a', 'A', 'reader', '', '/trithuc.v1.PersonService/ListPeople', 'OK', 'r1', '10.0.0.1', 'grpc', 1, 'x y'),
		(2, 'bbbbbbbbbbbbbbbb', ?1 + 1, 'key:a', 'A', 'reader', '', '/trithuc.v1.PersonService/GetQualification', 'OK', 'r2', '10.0.0.1', 'grpc', 1, NULL);
		INSERT INTO audit_event_resources (resource, event_pk) VALUES ('people/x/qualifications/q', 2)`, micros(t0)); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	ev := NewAuditEvent(time.Now())
	ev.Principal, ev.Method, ev.Code, ev.Read, ev.Resources = "key:a", "/trithuc.v1.PersonService/GetPerson", "OK", true, []string{"people/x"}
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	evs, _, err := db.ListAuditEvents(ctx, AuditQuery{Resource: "people/x"})
	var got []string
	for _, e := range evs {
		got = append(got, strings.TrimPrefix(e.Name, "auditEvents/")+"="+strings.Join(e.Resources, "+"))
	}
	want := []string{ev.ID + "=people/x", "bbbbbbbbbbbbbbbb=people/x/qualifications/q", "aaaaaaaaaaaaaaaa=people/x+people/y"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("who read people/x: %v, %v; want %v", got, err, want)
	}
	if e, err := db.GetAuditEvent(ctx, "auditEvents/aaaaaaaaaaaaaaaa"); err != nil || e.RequestId != "r1" ||
		strings.Join(e.Resources, "+") != "people/x+people/y" {
		t.Errorf("an event of before 0025 by its id: %v, %v", e, err)
	}
}

// Retention removes the old events of audit_reads, and the strings only
// they named, not those a newer event names.
func TestRetentionOfCompactReads(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	db.Now = func() time.Time { return clock }
	read := func(at time.Time, principal, client string) *AuditEvent {
		ev := NewAuditEvent(at)
		ev.Principal, ev.PrincipalName, ev.Method, ev.Code, ev.ClientAddress, ev.Read, ev.Resources =
			principal, "Name of "+principal, "/x.Y/GetZ", "OK", client, true, []string{"people/" + newID()}
		return ev
	}
	var evs []*AuditEvent
	for i := range 5 {
		evs = append(evs, read(t0.Add(time.Duration(i)*time.Hour), "key:gone", "10.0.0.1"))
	}
	shared := read(t0, "key:stays", "10.0.0.2")
	kept := read(t0.Add(100*24*time.Hour), "key:stays", "10.0.0.3")
	if err := db.AppendAudit(ctx, append(evs, shared, kept)); err != nil {
		t.Fatal(err)
	}
	stringsLeft := func() []string {
		var out []string
		rows, err := db.reader.QueryContext(ctx, `SELECT value FROM audit_strings ORDER BY value`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	if s := stringsLeft(); !slices.Contains(s, "key:gone") || !slices.Contains(s, "10.0.0.1") {
		t.Fatalf("strings %v", s)
	}
	clock = t0.Add(60 * 24 * time.Hour)
	run, err := db.EnforceRetention(ctx, Retention{AuditReads: 30 * 24 * time.Hour}, nil)
	if err != nil || run.AuditEvents != 6 {
		t.Fatalf("removed %+v, %v; want 6 events", run, err)
	}
	left, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(left) != 1 || left[0].Name != "auditEvents/"+kept.ID || left[0].ClientAddress != "10.0.0.3" ||
		left[0].PrincipalName != "Name of key:stays" {
		t.Errorf("left %v, %v", left, err)
	}
	want := []string{"", "/x.Y/GetZ", "10.0.0.3", "Name of key:stays", "OK", "key:stays"}
	if s := stringsLeft(); !slices.Equal(s, want) {
		t.Errorf("strings left %q, want %q", s, want)
	}
	var names int
	db.reader.QueryRowContext(ctx, `SELECT count(*) FROM audit_names`).Scan(&names)
	if names != 1 {
		t.Errorf("%d names left, want the kept event's", names)
	}
}

// A batch that fails stores none of its events, and leaves them as they
// were, to be stored by the next try: the read its first id.
func TestFailedAppendLeavesCompactReadsUnstored(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	write := NewAuditEvent(time.Now())
	write.Principal, write.Method = "key:a", "/x.Y/UpdateZ"
	if err := db.AppendAudit(ctx, []*AuditEvent{write}); err != nil {
		t.Fatal(err)
	}
	read := NewAuditEvent(time.Now())
	read.Principal, read.Method, read.Read, read.Resources = "key:new", "/x.Y/GetZ", true, []string{"people/a"}
	id := read.ID
	dup := NewAuditEvent(time.Now().Add(time.Second))
	dup.ID, dup.Principal, dup.Method = write.ID, "key:a", "/x.Y/UpdateZ" // taken: the batch fails
	if err := db.AppendAudit(ctx, []*AuditEvent{read, dup}); err == nil {
		t.Fatal("a batch with a taken id was stored")
	}
	if read.Stored() || read.compact || read.ID != id {
		t.Errorf("after the failed batch: stored %v, compact %v, id %s (was %s)", read.Stored(), read.compact, read.ID, id)
	}
	var n int
	db.reader.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM audit_reads) + (SELECT count(*) FROM audit_strings WHERE value = 'key:new')`).Scan(&n)
	if n != 0 {
		t.Errorf("the failed batch left %d rows", n)
	}
	dup.ID = newID()
	if err := db.AppendAudit(ctx, []*AuditEvent{read, dup}); err != nil || !read.compact {
		t.Fatalf("the retry: %v", err)
	}
	if evs, _, _ := db.ListAuditEvents(ctx, AuditQuery{}); len(evs) != 3 {
		t.Errorf("%d events, want 3", len(evs))
	}
}

// One append of reads from microseconds before, at and after those
// already stored, and more than a microsecond holds: each event gets a
// key of its own in its microsecond, as the keys taken are asked for only
// where some may be (readInserter.high), and the one too many goes to
// audit_events.
func TestCompactReadKeysInOneAppend(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t1 := time.Now().Truncate(time.Microsecond)
	t0, t2 := t1.Add(-time.Microsecond), t1.Add(time.Microsecond)
	read := func(at time.Time, i int) *AuditEvent {
		ev := NewAuditEvent(at)
		ev.Principal, ev.Method, ev.Code, ev.Read, ev.Resources = "key:a", "/x.Y/GetZ", "OK", true, []string{fmt.Sprintf("people/p%d", i)}
		return ev
	}
	var first, second []*AuditEvent
	for i := range 3 {
		first = append(first, read(t1, i))
	}
	if err := db.AppendAudit(ctx, first); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{t2, t0, t1, t2, t0, t1} {
		second = append(second, read(at, 10+i))
	}
	if err := db.AppendAudit(ctx, second); err != nil {
		t.Fatal(err)
	}
	full := make([]*AuditEvent, 1<<readKeyShift+1)
	for i := range full {
		full[i] = read(t2.Add(time.Millisecond), 100+i)
	}
	if err := db.AppendAudit(ctx, full); err != nil {
		t.Fatal(err)
	}
	keys := map[int64]bool{}
	for i, ev := range append(append(first, second...), full...) {
		if !ev.Stored() {
			t.Fatalf("event %d not stored", i)
		}
		if i == len(first)+len(second)+len(full)-1 {
			if ev.compact {
				t.Errorf("the %dth event of a microsecond is in audit_reads", len(full))
			}
			continue
		}
		if !ev.compact || keys[ev.pk] || micros(ev.Time) != ev.pk>>readKeyShift {
			t.Errorf("event %d at %d µs: key %d (compact %v, taken %v)", i, micros(ev.Time), ev.pk, ev.compact, keys[ev.pk])
		}
		keys[ev.pk] = true
	}
	for i, ev := range second {
		got, err := db.GetAuditEvent(ctx, "auditEvents/"+ev.ID)
		if err != nil || len(got.Resources) != 1 || got.Resources[0] != fmt.Sprintf("people/p%d", 10+i) {
			t.Errorf("event %d read back as %v, %v", i, got, err)
		}
	}
}
