package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// A filter's range of event_time bounds the keys of the reads, as
// start_time and end_time do: the page's statement reads that range of
// audit_reads' keys instead of every read of the year (its condition on
// event_time, key >> 11, can use no index); and it lists what the typed
// range lists. Before, `filter=event_time >= ...` read every read event.
func TestAuditFilterTimeBoundsReads(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var evs []*AuditEvent
	at := map[string]time.Time{}
	for i := range 240 {
		ev := NewAuditEvent(t0.Add(time.Duration(i) * time.Hour))
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:a", "/trithuc.v1.PersonService/GetPerson", "OK", i%3 != 0
		ev.RequestID = fmt.Sprintf("req%d", i)
		ev.AddResources("people/" + newID())
		evs = append(evs, ev)
		at[ev.RequestID] = t0.Add(time.Duration(i) * time.Hour)
	}
	if err := db.AppendAudit(ctx, evs); err != nil {
		t.Fatal(err)
	}
	from, to := t0.Add(50*time.Hour), t0.Add(100*time.Hour)
	hcm := time.FixedZone("ICT", 7*3600)
	ts := func(t time.Time) string { return t.Format(time.RFC3339Nano) }
	within := func(lo, hi time.Time) []string { // lo inclusive, hi exclusive
		var want []string
		for id, t := range at {
			if !t.Before(lo) && t.Before(hi) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		return want
	}
	tests := []struct {
		name       string
		q          AuditQuery
		want       []string
		bounded    bool // the reads' statement reads a range of keys
		lower      bool // ... from a key on only
		notBounded bool
	}{
		{name: "start_time and end_time", q: AuditQuery{Start: from, End: to}, want: within(from, to), bounded: true},
		{name: "filter", q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`event_time >= %q AND event_time < %q`, ts(from), ts(to))}},
			want: within(from, to), bounded: true},
		{name: "filter in another zone, nested, strict and not",
			q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`method = "/trithuc.v1.PersonService/GetPerson" AND (event_time > %q AND event_time <= %q)`,
				ts(from.Add(-time.Microsecond).In(hcm)), ts(to.In(hcm)))}},
			want: within(from, to.Add(time.Microsecond)), bounded: true},
		{name: "filter, one time", q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`event_time = %q`, ts(from))}},
			want: within(from, from.Add(time.Microsecond)), bounded: true},
		{name: "filter, from a time on", q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`event_time >= %q`, ts(to))}},
			want: within(to, t0.Add(1000*time.Hour)), lower: true},
		{name: "filter with OR: no bound", q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`event_time >= %q OR principal = "key:b"`, ts(to))}},
			want: within(to, t0.Add(1000*time.Hour)), notBounded: true},
		{name: "filter with NOT: no bound", q: AuditQuery{ListQuery: ListQuery{Filter: fmt.Sprintf(`NOT event_time < %q`, ts(to))}},
			want: within(to, t0.Add(1000*time.Hour)), notBounded: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.PageSize = 1000
			got, _, err := db.ListAuditEvents(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.GetRequestId())
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("listed %d events %v, want %d %v", len(ids), ids, len(tt.want), tt.want)
			}
			sel, err := selectAudit(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			err = db.read(ctx, func(tx *Tx) error {
				_, reads, err := db.auditTables(ctx, tx, sel, tt.q.Filter)
				if err != nil {
					return err
				}
				plan := queryPlan(t, tx, readPageSQL(reads, "e.pk DESC", 51), reads.args...)
				switch {
				case tt.bounded && !strings.Contains(plan, "SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"):
					t.Errorf("the reads' page does not read a range of keys: %s", plan)
				case tt.lower && !strings.Contains(plan, "SEARCH r USING INTEGER PRIMARY KEY (rowid>?)"):
					t.Errorf("the reads' page does not read from a key on: %s", plan)
				case tt.notBounded && !strings.HasPrefix(plan, "SCAN r"):
					t.Errorf("the reads' page reads a range of keys for a filter that does not bound them: %s", plan)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A listing of the trail that runs out of its read's budget says what
// bounds it: a time range, and an order by time where it asked for
// another. Before, it got the listings' general advice (fewer ORs, a
// more selective filter), which a principal already is.
func TestAuditBudgetSaysTimeRange(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var evs []*AuditEvent
	for i := range 3000 {
		ev := NewAuditEvent(t0.Add(time.Duration(i) * time.Second))
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:a", "/trithuc.v1.PersonService/GetPerson", "OK", true
		ev.RequestID = fmt.Sprintf("req%d", i)
		ev.AddResources("people/" + newID())
		evs = append(evs, ev)
	}
	if err := db.AppendAudit(ctx, evs); err != nil {
		t.Fatal(err)
	}
	db.SetReadBudget(time.Nanosecond) // any read that runs long enough to be measured
	for _, tt := range []struct {
		orderBy   string
		wantOrder bool
	}{{"", false}, {"principal", true}, {"method desc", true}} {
		_, _, err := db.ListAuditEvents(ctx, AuditQuery{Principal: "key:b", ListQuery: ListQuery{OrderBy: tt.orderBy}})
		var se *Error
		if !errors.As(err, &se) || se.Code != ResourceExhausted {
			t.Fatalf("order by %q: %v, want ResourceExhausted", tt.orderBy, err)
		}
		if !strings.Contains(se.Message, "start_time and end_time") || !strings.Contains(se.Message, "event_time") {
			t.Errorf("order by %q: the message does not say to give a time range: %s", tt.orderBy, se.Message)
		}
		if got := strings.Contains(se.Message, "order by event_time"); got != tt.wantOrder {
			t.Errorf("order by %q: the message says to order by time: %v, want %v: %s", tt.orderBy, got, tt.wantOrder, se.Message)
		}
	}
}
