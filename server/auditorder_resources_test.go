package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The trail has no order by its resources, as an event names several:
// asking for one is INVALID_ARGUMENT naming order_by, saying why and
// the orders there are, and how to keep to one resource's events. Before,
// it said only "cannot order by "resources"; possible fields: ...".
func TestListAuditEventsByResourcesSaysWhyNot(t *testing.T) {
	e := newEnv(t)
	for _, orderBy := range []string{"resources", "resources desc, event_time", "event_time, resource"} {
		_, err := e.client.Audit.ListAuditEvents(context.Background(), &pb.ListAuditEventsRequest{OrderBy: orderBy})
		wantCode(t, err, codes.InvalidArgument, "order_by")
		msg := status.Convert(err).Message()
		for _, w := range []string{"several resources", "event_time", "principal", "method", `resources:"people/`} {
			if !strings.Contains(msg, w) {
				t.Errorf("order_by %q: the message %q does not say %q", orderBy, msg, w)
			}
		}
	}
	code, body := e.rest("GET", "/v1/auditEvents?orderBy=resources", nil)
	wantREST(t, code, body, 400, "order_by")
	if msg, _ := body["message"].(string); !strings.Contains(msg, "several resources") {
		t.Errorf("over REST: %q", msg)
	}
}
