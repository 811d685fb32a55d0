package store

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReadEventBytes bounds what the read event of a GetPerson and of a
// listed page add to the database file. Before the people of a read were
// packed into its row (0022) a GetPerson took 442 bytes and a page of 100
// 7.3 KB; before read events had a table of their own (0025), 368 and
// 2,244; before people were numbered (0027), 69, and 1,024 a page of 50
// whether read before or not (4,116 a page of 200), about 19 bytes a
// person. Issue 19's target: at most about 100 bytes a read call,
// whatever the page size. With 0027: 53 a GetPerson, 57 a page of 50 or
// 200 read before, 147 a page of 50 people shown before in other pages
// (about 2 bytes a person); a person's number costs about 55 bytes once,
// the first time a read shows them (audit_people.go).
func TestReadEventBytes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		people int
		reads  readKind
		max    int64
	}{
		{"GetPerson of someone read before", 1, readAgain, 100},
		{"a page of 50 read before", 50, readAgain, 100},
		{"a page of 200 read before", 200, readAgain, 100},
		{"a page of 50 people read before in other pages", 50, readKnown, 200},
		// The numbering's one-time cost.
		{"GetPerson of someone new", 1, readNew, 100 + 60},
		{"a page of 50 new people", 50, readNew, 100 + 50*60},
	} {
		per := readEventBytes(t, tt.people, tt.reads)
		t.Logf("%s: %d bytes an event", tt.name, per)
		if per > tt.max {
			t.Errorf("%s: %d bytes an event, want at most %d", tt.name, per, tt.max)
		}
	}
}

// readKind is what people the events of readEventBytes show.
type readKind int

const (
	readNew   readKind = iota // people no read showed before
	readAgain                 // one of 20 pages read before, as it was
	readKnown                 // people read before, any of 20,000, in any order
)

func readEventBytes(t *testing.T, people int, kind readKind) int64 {
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
	event := func(names []string) *AuditEvent {
		ev := NewAuditEvent(time.Now())
		ev.Principal, ev.PrincipalName, ev.Role = "key:abcdefghijklmnop", "Phòng KH&CN", "reader"
		ev.Method, ev.Code, ev.RequestID, ev.ClientAddress, ev.Transport, ev.Read =
			"/trithuc.v1.PersonService/ListPeople", "OK", newID(), "10.0.0.7:51234", "grpc", true
		ev.Resources = names
		return ev
	}
	fresh := func(n int) []string {
		var out []string
		for range n {
			out = append(out, "people/"+newID())
		}
		return out
	}
	var pages [][]string // readAgain's
	var known []string   // readKnown's
	batch := func(evs []*AuditEvent) {
		if err := db.AppendAudit(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	switch kind {
	case readAgain:
		for range 20 {
			pages = append(pages, fresh(people))
			batch([]*AuditEvent{event(pages[len(pages)-1])})
		}
	case readKnown:
		known = fresh(20000)
		for i := 0; i < len(known); i += 500 {
			batch([]*AuditEvent{event(known[i : i+500])})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	names := func() []string {
		switch kind {
		case readAgain:
			return pages[rng.IntN(len(pages))]
		case readKnown:
			seen := map[int]bool{}
			var out []string
			for len(out) < people {
				if j := rng.IntN(len(known)); !seen[j] {
					seen[j] = true
					out = append(out, known[j])
				}
			}
			return out
		}
		return fresh(people)
	}
	events := func(n int) {
		evs := make([]*AuditEvent, n)
		for i := range evs {
			evs[i] = event(names())
		}
		batch(evs)
	}
	events(50) // past the first pages of every table and index
	before := size()
	const n = 1000
	for range n / 50 {
		events(50)
	}
	return (size() - before) / n
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
