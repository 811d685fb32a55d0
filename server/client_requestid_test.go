package server

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The Go client gives a create without a request_id one (AIP-155) in a
// copy of the request: the caller's request is left as it was, so that
// the same value, changed and sent again, is a second create, not a
// repeat of the first (answered the first person, or refused for a
// request_id reused with another body).
func TestClientLeavesCallersRequestAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req := &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Trần", GivenName: "Một"}}
	first, err := e.client.People.CreatePerson(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if req.GetRequestId() != "" {
		t.Errorf("the client wrote request_id %q into the caller's request", req.GetRequestId())
	}
	req.Person.GivenName = "Hai"
	second, err := e.client.People.CreatePerson(ctx, req)
	if err != nil {
		t.Fatalf("the request sent again, changed: %v", err)
	}
	if second.GetName() == first.GetName() || second.GetGivenName() != "Hai" {
		t.Errorf("the second create answered %s %q; want a new person Hai beside %s", second.GetName(), second.GetGivenName(), first.GetName())
	}
	// The same request sent again unchanged is another create too.
	third, err := e.client.People.CreatePerson(ctx, req)
	if err != nil || third.GetName() == second.GetName() {
		t.Errorf("the request sent again: %v, %v; want a third person", third.GetName(), err)
	}
}
