package server

import (
	"context"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The answer to a person's ACCESS request holds the newest audit events
// that name them, and of the older ones their count and the time of the
// oldest: a person named in millions of events made an answer of
// gigabytes, read whole.
func TestExportPersonDataBoundsItsAuditEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.person(anh())
	// Reads of them (compact events) and writes naming them, one a
	// minute, all before the calls of this test.
	const older = 300
	start := time.Now().Add(-48 * time.Hour).Truncate(time.Microsecond)
	var events []*store.AuditEvent
	for i := range personAuditEvents + older {
		ev := store.NewAuditEvent(start.Add(time.Duration(i) * time.Minute))
		ev.Principal, ev.PrincipalName, ev.Role, ev.Code = "key:reader", "reader", "admin", "OK"
		ev.Method, ev.Read = "/trithuc.v1.PersonService/GetPerson", true
		if i%10 == 0 {
			ev.Method, ev.Read = "/trithuc.v1.PersonService/UpdatePerson", false
		}
		ev.AddResources(p.Name, "people/someone-else")
		events = append(events, ev)
	}
	if err := e.db.AppendAudit(ctx, events); err != nil {
		t.Fatal(err)
	}
	total := 0
	for token := ""; ; {
		page, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: p.Name, PageSize: 1000, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		total += len(page.AuditEvents)
		if token = page.NextPageToken; token == "" {
			break
		}
	}

	d, err := e.client.Privacy.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.AuditEvents) != personAuditEvents {
		t.Fatalf("the answer holds %d audit events, want the newest %d", len(d.AuditEvents), personAuditEvents)
	}
	if d.OlderAuditEventCount != int64(total-personAuditEvents) || d.OlderAuditEventsPartial {
		t.Errorf("the answer counts %d older events (partial %v); want %d", d.OlderAuditEventCount, d.OlderAuditEventsPartial, total-personAuditEvents)
	}
	if !d.OldestAuditEventTime.AsTime().Equal(start) {
		t.Errorf("the oldest older event is at %v, want %v", d.OldestAuditEventTime.AsTime(), start)
	}
	// The newest: the calls of this test, then the appended events from
	// the newest down.
	last := d.AuditEvents[len(d.AuditEvents)-1].EventTime.AsTime()
	if want := start.Add(time.Duration(older) * time.Minute); last.Before(want) {
		t.Errorf("the oldest event held is at %v, older than the newest %d (from %v)", last, personAuditEvents, want)
	}
	for _, ev := range d.AuditEvents {
		if len(ev.Resources) != 1 || ev.Resources[0] != p.Name {
			t.Fatalf("%s names %v in the answer", ev.Name, ev.Resources)
		}
	}
	if !strings.Contains(d.Document, "lượt cũ hơn") {
		t.Error("the document does not say that older events are not listed")
	}
}
