package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReadEventBytes bounds what the read event of a GetPerson and of a
// listed page of 100 people add to the database file: 442 bytes and 7.3 KB
// before the people of a read were packed into its row (0022), 368 and
// 2,244 before read events had a table of their own (0025, issue 19's
// target: at most 100 bytes a read call).
func TestReadEventBytes(t *testing.T) {
	for _, tt := range []struct{ people, max int64 }{{1, 100}, {100, 2100}} {
		if per := readEventBytes(t, int(tt.people)); per > tt.max {
			t.Errorf("a read event of %d people costs %d bytes, want at most %d", tt.people, per, tt.max)
		}
	}
}

func readEventBytes(t *testing.T, people int) int64 {
	db := openTest(t)
	ctx := context.Background()
	size := func() int64 {
		var pages, pageSize int64
		if err := db.writer.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count, pragma_page_size`).
			Scan(&pages, &pageSize); err != nil {
			t.Fatal(err)
		}
		return pages * pageSize
	}
	page := func() *AuditEvent {
		ev := NewAuditEvent(time.Now())
		ev.Principal, ev.PrincipalName, ev.Role = "key:abcdefghijklmnop", "Phòng KH&CN", "reader"
		ev.Method, ev.Code, ev.RequestID, ev.ClientAddress, ev.Transport, ev.Read =
			"/trithuc.v1.PersonService/ListPeople", "OK", newID(), "10.0.0.7:51234", "grpc", true
		for range people {
			ev.Resources = append(ev.Resources, "people/"+newID())
		}
		return ev
	}
	batch := func(n int) {
		evs := make([]*AuditEvent, n)
		for i := range evs {
			evs[i] = page()
		}
		if err := db.AppendAudit(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	batch(50) // past the first pages of every table and index
	before := size()
	const events = 500
	for range events / 50 {
		batch(50)
	}
	per := (size() - before) / events
	t.Logf("%d bytes a read event of %d people", per, people)
	return per
}

// TestWhoReadAPerson asks the trail who read a person, whose name some read
// events hold packed, a write's event and a read of something under them
// hold as rows, and an event stored before the packing held as a row too:
// the answer is exactly those events, by resource and by filter.
func TestWhoReadAPerson(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour)
	n := 0
	event := func(method string, read bool, names ...string) *AuditEvent {
		n++
		ev := NewAuditEvent(t0.Add(time.Duration(n) * time.Second))
		ev.Principal, ev.Method, ev.Code, ev.Read, ev.Resources = "key:a", method, "OK", read, names
		return ev
	}
	page := event("/trithuc.v1.PersonService/ListPeople", true, "people/bob", "people/x", "people/carol")
	get := event("/trithuc.v1.PersonService/GetPerson", true, "people/x")
	other := event("/trithuc.v1.PersonService/GetPerson", true, "people/xy")
	write := event("/trithuc.v1.PersonService/UpdatePerson", false, "people/x")
	under := event("/trithuc.v1.PersonService/GetQualification", true, "people/x/qualifications/q")
	if err := db.AppendAudit(ctx, []*AuditEvent{page, get, other, write, under}); err != nil {
		t.Fatal(err)
	}
	// Stored as every event was before 0022: its names as rows.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO audit_events (pk, id, event_time, principal, principal_name,
		role, association, method, code, request_id, client_address, transport, read)
		VALUES (100, 'old', ?, 'key:a', '', '', '', '/trithuc.v1.PersonService/GetPerson', 'OK', '', '', 'grpc', 1);
		INSERT INTO audit_event_resources (resource, event_pk) VALUES ('people/x', 100)`, micros(t0)); err != nil {
		t.Fatal(err)
	}
	ids := func(q AuditQuery) string {
		t.Helper()
		evs, _, err := db.ListAuditEvents(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ev := range evs {
			out = append(out, strings.TrimPrefix(ev.Name, "auditEvents/")+"="+strings.Join(ev.Resources, "+"))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	want := func(evs ...*AuditEvent) string {
		var out []string
		for _, ev := range evs {
			names := slices.Clone(ev.Resources)
			slices.Sort(names)
			out = append(out, ev.ID+"="+strings.Join(names, "+"))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	old := &AuditEvent{ID: "old", Resources: []string{"people/x"}}
	for _, tt := range []struct {
		name string
		q    AuditQuery
		want string
	}{
		{"by resource", AuditQuery{Resource: "people/x"}, want(page, get, write, under, old)},
		{"by filter", AuditQuery{ListQuery: ListQuery{Filter: `resources:"people/x"`}}, want(page, get, write, old)},
		{"reads by filter", AuditQuery{ListQuery: ListQuery{Filter: `resources:"people/x" AND method = "/trithuc.v1.PersonService/GetPerson"`}}, want(get, old)},
		{"all people", AuditQuery{Resource: "people"}, want(page, get, other, write, under, old)},
		{"under a person", AuditQuery{Resource: "people/x/qualifications/q"}, want(under)},
		{"nobody", AuditQuery{Resource: "people/bo"}, ""},
	} {
		if got := ids(tt.q); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}
