package store

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// A page of the trail ends where its names would pass auditPageNames,
// over both tables, yet always holds one event, however many it names;
// paging on lists every event once, with all its names.
func TestAuditPageBoundedByNames(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	ids := make([]string, 60000)
	for i := range ids {
		ids[i] = "people/" + newID()
	}
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var evs []*AuditEvent
	add := func(read bool, names []string) {
		ev := NewAuditEvent(t0.Add(time.Duration(len(evs)) * time.Second))
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:a", "/trithuc.v1.TransferService/ExportPeople", "OK", read
		ev.RequestID = fmt.Sprintf("req%d", len(evs))
		ev.AddResources(names...)
		evs = append(evs, ev)
	}
	changes := make([]string, 200000)
	for i := range changes {
		changes[i] = fmt.Sprintf("changes/%d", i+1)
	}
	add(true, ids[:1])
	add(true, ids[:15000])     // audit_reads, people packed
	add(false, ids[:15000])    // audit_events
	add(true, changes[:15000]) // audit_reads, names as text
	add(false, ids[30000:45000])
	add(true, append(slices.Clone(ids), changes...)) // more than a page may carry
	add(true, ids[1:2])
	if err := db.AppendAudit(ctx, evs); err != nil {
		t.Fatal(err)
	}

	// A generous sanity check: the first page, of one small event, reads
	// no other event's names (the large one's are 2.6 MB as stored).
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, _, err := db.ListAuditEvents(ctx, AuditQuery{ListQuery: ListQuery{PageSize: 1000}}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("the first page, of one event naming one person, allocated %d KB", n>>10)
	}

	// Newest first: the last small event alone (the next would pass the
	// bound), the large one alone, three of 15,000, the rest.
	wantPages := [][]string{{"req6"}, {"req5"}, {"req4", "req3", "req2"}, {"req1", "req0"}}
	token := ""
	for i, want := range wantPages {
		page, next, err := db.ListAuditEvents(ctx, AuditQuery{ListQuery: ListQuery{PageSize: 1000, PageToken: token}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		names := 0
		for _, ev := range page {
			got = append(got, ev.RequestId)
			names += len(ev.Resources)
			var n int
			fmt.Sscanf(ev.RequestId, "req%d", &n)
			if len(ev.Resources) != len(evs[n].Resources) {
				t.Errorf("page %d: %s names %d, want %d", i, ev.RequestId, len(ev.Resources), len(evs[n].Resources))
			}
		}
		if len(page) > 1 && names > auditPageNames {
			t.Errorf("page %d holds %d events and %d names, past the bound of %d", i, len(page), names, auditPageNames)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("page %d lists %v, want %v", i, got, want)
		}
		if token = next.NextPageToken; (token == "") != (i == len(wantPages)-1) {
			t.Fatalf("page %d: next page token %q", i, token)
		}
	}
}
