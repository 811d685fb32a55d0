package store

import (
	"context"
	"testing"
	"time"
)

// CountAuditEvents counts what a listing would list after its page
// token, over both tables of the trail, and says when its budget stopped
// it before the trail's start.
func TestCountAuditEvents(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	var events []*AuditEvent
	for i := range 2000 {
		ev := NewAuditEvent(start.Add(time.Duration(i) * time.Millisecond))
		ev.Principal, ev.Method, ev.Code, ev.Read = "key:a", "/trithuc.v1.PersonService/GetPerson", "OK", i%5 != 0
		ev.AddResources("people/an")
		if i%2 == 0 {
			ev.AddResources("people/binh")
		}
		events = append(events, ev)
	}
	if err := db.AppendAudit(ctx, events); err != nil {
		t.Fatal(err)
	}
	q := AuditQuery{Resource: "people/binh"}
	got, err := db.CountAuditEvents(ctx, q)
	if err != nil || got.Events != 1000 || !got.Oldest.Equal(start) || got.Partial {
		t.Errorf("all of Bình's: %+v, %v; want 1000 from %v", got, err, start)
	}
	q.PageSize = 10
	_, page, err := db.ListAuditEvents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.PageToken = page.NextPageToken
	if got, err := db.CountAuditEvents(ctx, q); err != nil || got.Events != 990 || !got.Oldest.Equal(start) || got.Partial {
		t.Errorf("after a page of 10: %+v, %v; want 990", got, err)
	}
	db.SetReadBudget(time.Nanosecond)
	if got, err := db.CountAuditEvents(ctx, AuditQuery{Resource: "people/an"}); err != nil || !got.Partial || got.Events >= 2000 {
		t.Errorf("on a spent budget: %+v, %v; want a partial count", got, err)
	}
}
