package main

import (
	"context"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// gen --api makes more calls than the server's burst allows: the client
// waits as the server's RetryInfo says and every person arrives, whole.
func TestGenAPIPacesItselfUnderTheRateLimit(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir(), "--rate-limit", "40", "--rate-burst", "5")
	defer stop()
	out, err := cli(t, "gen", "--api", "--server", addr, "--token", token, "--people", "12", "--workers", "4")
	if err != nil {
		t.Fatalf("gen --api under a rate limit: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Added 12 people") {
		t.Errorf("gen said:\n%s", out)
	}
	c, err := client.Dial(addr, client.Options{Token: token, MaxAttempts: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Every person, through the page iterator, three to a page.
	n := 0
	for p, err := range client.All(context.Background(), &pb.ListPeopleRequest{PageSize: 3}, c.People.ListPeople, (*pb.ListPeopleResponse).GetPeople) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Name == "" {
			t.Fatal("an empty person")
		}
		n++
	}
	if n != 40+12 {
		t.Errorf("iterated over %d people, want %d", n, 40+12)
	}
}
