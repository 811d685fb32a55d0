package server

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The trail reads newest first, or oldest first with order_by event_time,
// across both of its tables (writes and reads), page by page, without
// repeating or skipping an event; any other order is INVALID_ARGUMENT
// naming order_by.
func TestListAuditEventsOrderBy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, regToken := e.key(RoleRegistrar)
	reg := e.clientAs(regToken)
	for i := 0; i < 3; i++ {
		p, err := reg.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Người"}})
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			if _, err := reg.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name}); err != nil {
				t.Fatal(err)
			}
		}
	}
	read := func(orderBy string, size int32) []string {
		var names []string
		token := ""
		for {
			resp, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{
				Filter: `method = "/trithuc.v1.PersonService/*"`, OrderBy: orderBy, PageSize: size, PageToken: token})
			if err != nil {
				t.Fatalf("order_by %q: %v", orderBy, err)
			}
			for _, ev := range resp.AuditEvents {
				names = append(names, ev.Name)
			}
			if token = resp.NextPageToken; token == "" {
				return names
			}
		}
	}
	newest := read("", 100)
	if len(newest) != 9 {
		t.Fatalf("%d events, want 9", len(newest))
	}
	for _, c := range []struct {
		orderBy string
		size    int32
		reverse bool
	}{
		{"event_time desc", 1, false},
		{"event_time", 1, true},
		{"event_time", 2, true},
		{"event_time asc", 100, true},
	} {
		got := read(c.orderBy, c.size)
		if c.reverse {
			slices.Reverse(got)
		}
		if !slices.Equal(got, newest) {
			t.Errorf("order_by %q in pages of %d: %v, want (reversed: %v) %v", c.orderBy, c.size, got, c.reverse, newest)
		}
	}

	// A page token holds to its order.
	first, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{OrderBy: "event_time", PageSize: 1})
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("%v, %v", first, err)
	}
	_, err = e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{PageSize: 1, PageToken: first.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")

	for _, bad := range []string{"principal", "event_time, principal", "event_time desc, event_time", "event_time sideways"} {
		_, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{OrderBy: bad})
		wantCode(t, err, codes.InvalidArgument, "order_by")
	}
	// The trail is admins' alone: no filter or order tells another caller
	// anything of it, not even which fields it has.
	for _, req := range []*pb.ListAuditEventsRequest{
		{Filter: `method = "/trithuc.v1.PersonService/GetPerson"`, OrderBy: "event_time"},
		{Filter: `colour = "red"`},
		{OrderBy: "principal"},
	} {
		_, err := reg.Audit.ListAuditEvents(ctx, req)
		wantCode(t, err, codes.PermissionDenied)
	}
	code, body := e.rest("GET", "/v1/auditEvents?orderBy=event_time&pageSize=1", nil)
	if evs := items(t, body, "auditEvents"); code != http.StatusOK || len(evs) != 1 {
		t.Errorf("HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/auditEvents?orderBy=code", nil)
	wantREST(t, code, body, http.StatusBadRequest, "order_by")
}
