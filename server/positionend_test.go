package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A position sent as current over REST stays current through the last day
// its end covers: an end of this year, this month or today leaves it
// current today, on create and on update; yesterday's does not.
func TestServerPositionCurrentThroughItsEnd(t *testing.T) {
	e := newEnv(t)
	e.db.Now = clockAt(2026, 12, 5)
	p := e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: "An"})
	for _, c := range []struct {
		name string
		end  map[string]any
		want bool
	}{
		{"CurrentYearOnly", map[string]any{"year": 2026}, true},
		{"CurrentMonthOnly", map[string]any{"year": 2026, "month": 12}, true},
		{"CurrentToday", map[string]any{"year": 2026, "month": 12, "day": 5}, true},
		{"CurrentEndOfMonth", map[string]any{"year": 2026, "month": 12, "day": 31}, true},
		{"EndedYesterday", map[string]any{"year": 2026, "month": 12, "day": 4}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest("POST", "/v1/"+p.Name+"/positions", map[string]any{
				"organizationName": "Viện Lúa", "start": map[string]any{"year": 2020}, "end": c.end, "current": true})
			if code != 200 {
				t.Fatalf("POST: %d %v", code, body)
			}
			if got := body["current"] == true; got != c.want {
				t.Errorf("created with end %v: current %v, want %v", c.end, got, c.want)
			}
			code, body = e.rest("POST", "/v1/"+p.Name+"/positions", map[string]any{
				"organizationName": "Viện Lúa", "start": map[string]any{"year": 2020}, "current": true})
			if code != 200 {
				t.Fatalf("POST: %d %v", code, body)
			}
			code, body = e.rest("PATCH", "/v1/"+body["name"].(string)+"?updateMask=end", map[string]any{"end": c.end})
			if code != 200 {
				t.Fatalf("PATCH: %d %v", code, body)
			}
			if got := body["current"] == true; got != c.want {
				t.Errorf("updated to end %v: current %v, want %v", c.end, got, c.want)
			}
		})
	}
}

// The daily run started on 2026-12-05 ends the position that ended the day
// before, and leaves those whose end is this year, this month or today.
func TestServerEndsLapsedPositionsAfterTheirLastDay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.db.Now = clockAt(2025, 6, 1)
	p := e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: "An"})
	want := map[string]bool{}
	for _, c := range []struct {
		end  map[string]any
		want bool
	}{
		{map[string]any{"year": 2026}, true},
		{map[string]any{"year": 2026, "month": 12}, true},
		{map[string]any{"year": 2026, "month": 12, "day": 5}, true},
		{map[string]any{"year": 2026, "month": 12, "day": 4}, false},
	} {
		code, body := e.rest("POST", "/v1/"+p.Name+"/positions", map[string]any{
			"organizationName": "Viện Lúa", "title": fmt.Sprint(c.end), "start": map[string]any{"year": 2020}, "end": c.end, "current": true})
		if code != 200 || body["current"] != true {
			t.Fatalf("POST: %d %v", code, body)
		}
		want[body["name"].(string)] = c.want
	}
	e.stop()
	e.start(func(s *Server) { s.db.Now = clockAt(2026, 12, 5) })
	e.client = e.clientAs(e.token)
	waitFor(t, func() bool { return strings.Contains(e.logs.String(), "no longer current") })
	if !strings.Contains(e.logs.String(), "positions=1") {
		t.Errorf("the run's log: %s; want one position ended", e.logs.String())
	}
	for name, current := range want {
		got, err := e.client.People.GetPosition(ctx, &pb.GetPositionRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if got.GetCurrent() != current {
			t.Errorf("%s (end %v): current %v after the run, want %v", name, got.GetEnd(), got.GetCurrent(), current)
		}
	}
}
