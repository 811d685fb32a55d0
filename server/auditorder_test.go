package server

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
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

	for _, bad := range []string{"code", "resources, event_time", "event_time desc, event_time", "principal, principal desc", "event_time sideways"} {
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

// An auditor reads each principal's or each method's events together:
// order_by principal or method, then event_time (newest first when not
// given), across both tables of the trail, page by page without repeating
// or skipping an event; a page token holds to its order.
func TestListAuditEventsOrderByWhoAndWhat(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var names []string
	for _, role := range []string{RoleRegistrar, RoleRegistrar, "home_affairs"} {
		_, token := e.key(role)
		c := e.clientAs(token)
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Người"}})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
		for _, n := range names {
			if _, err := c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: n}); err != nil {
				t.Fatal(err)
			}
		}
	}
	const only = `method = "/trithuc.v1.PersonService/*"`
	read := func(orderBy string, size int32) []*pb.AuditEvent {
		var out []*pb.AuditEvent
		token := ""
		for {
			resp, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{
				Filter: only, OrderBy: orderBy, PageSize: size, PageToken: token})
			if err != nil {
				t.Fatalf("order_by %q: %v", orderBy, err)
			}
			out = append(out, resp.AuditEvents...)
			if token = resp.NextPageToken; token == "" {
				return out
			}
		}
	}
	newest := read("", 100)
	if len(newest) != 9 {
		t.Fatalf("%d events, want 9", len(newest))
	}
	oldest := slices.Clone(newest)
	slices.Reverse(oldest)
	by := func(events []*pb.AuditEvent, cmp func(a, b *pb.AuditEvent) int) []string {
		events = slices.Clone(events)
		slices.SortStableFunc(events, cmp)
		var out []string
		for _, ev := range events {
			out = append(out, ev.Name)
		}
		return out
	}
	principal := func(a, b *pb.AuditEvent) int { return strings.Compare(a.Principal, b.Principal) }
	method := func(a, b *pb.AuditEvent) int { return strings.Compare(a.Method, b.Method) }
	for _, c := range []struct {
		orderBy string
		want    []string
	}{
		{"principal", by(newest, principal)},
		{"principal, event_time", by(oldest, principal)},
		{"principal desc, event_time desc", by(newest, func(a, b *pb.AuditEvent) int { return principal(b, a) })},
		{"method, event_time desc", by(newest, method)},
		{"method desc, principal, event_time", by(oldest, func(a, b *pb.AuditEvent) int { return cmp.Or(method(b, a), principal(a, b)) })},
	} {
		for _, size := range []int32{1, 2, 100} {
			var got []string
			for _, ev := range read(c.orderBy, size) {
				got = append(got, ev.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("order_by %q in pages of %d: %v, want %v", c.orderBy, size, got, c.want)
			}
		}
	}

	first, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Filter: only, OrderBy: "principal", PageSize: 1})
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("%v, %v", first, err)
	}
	for _, other := range []string{"method", "principal desc", ""} {
		_, err = e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Filter: only, OrderBy: other, PageSize: 1, PageToken: first.NextPageToken})
		wantCode(t, err, codes.InvalidArgument, "page_token")
	}
	code, body := e.rest("GET", "/v1/auditEvents?orderBy=principal%20desc,event_time&pageSize=100&filter="+url.QueryEscape(only), nil)
	if evs := items(t, body, "auditEvents"); code != http.StatusOK || len(evs) != 9 {
		t.Errorf("HTTP %d %v", code, body)
	}
}
