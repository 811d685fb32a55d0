package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// importPeople imports n new people under ev, and fails at the end when
// fail is set.
func importPeople(db *DB, ev *AuditEvent, n int, fail error) error {
	ctx := context.Background()
	return db.Import(ctx, ImportOptions{Audit: ev, Admin: true}, func(im *Importer) error {
		for i := range n {
			if _, err := im.Person(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "An",
				NationalId: fmt.Sprintf("001080%06d", i)}); err != nil {
				return err
			}
		}
		return fail
	})
}

func importEvent() *AuditEvent {
	ev := NewAuditEvent(time.Now())
	ev.Principal, ev.Method, ev.RequestID = "key:test", "/trithuc.v1.TransferService/ImportPeople", "req-import"
	ev.AddResources("operations/op-1")
	return ev
}

// An import that writes more people than an event names is recorded in
// parts of AuditPartNames, stored with it, with the call's request id,
// that together name everyone it wrote.
func TestImportAuditEventInParts(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	n := AuditPartNames*2 + 100
	if err := importPeople(db, importEvent(), n, nil); err != nil {
		t.Fatal(err)
	}
	var parts []*pb.AuditEvent
	for token := ""; ; {
		page, next, err := db.ListAuditEvents(ctx, AuditQuery{ListQuery: ListQuery{PageSize: 100, PageToken: token, Filter: `request_id = "req-import"`}})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, page...)
		if token = next.NextPageToken; token == "" {
			break
		}
	}
	if len(parts) != 3 {
		t.Errorf("%d events, want 3", len(parts))
	}
	named := map[string]bool{}
	for _, ev := range parts {
		if len(ev.Resources) > AuditPartNames || ev.Code != "OK" {
			t.Errorf("%s: %d names, %s", ev.Name, len(ev.Resources), ev.Code)
		}
		for _, r := range ev.Resources {
			named[r] = true
		}
	}
	if len(named) != n+1 || !named["operations/op-1"] {
		t.Errorf("the parts name %d resources, want the operation and %d people", len(named), n)
	}
}

// An import that does not commit stores none of its parts, and its event
// is as it was before: the server stores it with the import's outcome,
// naming the operation only.
func TestImportAuditPartsRollBack(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	ev := importEvent()
	id := ev.ID
	refused := errors.New("rows refused")
	if err := importPeople(db, ev, AuditPartNames+100, refused); !errors.Is(err, refused) {
		t.Fatalf("import: %v", err)
	}
	if ev.Stored() || ev.ID != id || !slices.Equal(ev.Resources, []string{"operations/op-1"}) {
		t.Errorf("after the rollback the event is %s (was %s), stored %v, naming %d", ev.ID, id, ev.Stored(), len(ev.Resources))
	}
	evs, _, err := db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(evs) != 0 {
		t.Errorf("the trail holds %d events (%v)", len(evs), err)
	}
	ev.Code = "INVALID_ARGUMENT"
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	evs, _, err = db.ListAuditEvents(ctx, AuditQuery{})
	if err != nil || len(evs) != 1 || strings.Join(evs[0].Resources, " ") != "operations/op-1" {
		t.Errorf("the import's event: %v (%v)", evs, err)
	}
}
