package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The change feed is a collection of the command line, derived from the
// contract as the others are: `changes list` reads it by pages (its watch
// is TestChangesWatch).
func TestChangesListReadsTheFeed(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}

	out, errOut, err := cliApart(t, append([]string{"changes", "list", "--page-size", "10"}, c...)...)
	if err != nil {
		t.Fatalf("changes list: %v\n%s", err, errOut)
	}
	var page struct {
		Changes []struct {
			Name, Resource, Kind string
		}
		NextPageToken string `json:"next_page_token"`
		Cursor        string
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("changes list printed %s (%v)", out, err)
	}
	if len(page.Changes) != 10 || page.NextPageToken == "" || page.Cursor == "" {
		t.Fatalf("changes list --page-size 10: %d changes, next %q, cursor %q:\n%s", len(page.Changes), page.NextPageToken, page.Cursor, out)
	}
	if p := page.Changes[0]; !strings.HasPrefix(p.Name, "changes/") || p.Resource == "" || p.Kind == "" {
		t.Errorf("first change: %+v", p)
	}

	// A person made now is in the feed, after the cursor.
	out, errOut, err = cliApart(t, append([]string{"people", "create", "--family-name", "Lò", "--given-name", "Văn Pọm",
		"--gender", "male", "--birth-date", "1979", "--person-id", "lo-van-pom"}, c...)...)
	var made struct{ Etag string }
	if err != nil || json.Unmarshal([]byte(out), &made) != nil || made.Etag == "" {
		t.Fatalf("create: %v\n%s%s", err, out, errOut)
	}
	// An update's --etag is its precondition, not a field to change.
	if out, err := cli(t, append([]string{"people", "update", "lo-van-pom", "--email", "pom@example.vn", "--etag", made.Etag}, c...)...); err != nil {
		t.Fatalf("update --etag: %v\n%s", err, out)
	}
	if _, err := cli(t, append([]string{"people", "update", "lo-van-pom", "--email", "pom2@example.vn", "--etag", made.Etag}, c...)...); err == nil ||
		!strings.Contains(err.Error(), "ABORTED") {
		t.Errorf("update with a stale --etag: %v", err)
	}
	out, err = cli(t, append([]string{"changes", "list", "--all", "--filter", "resource_type = PERSON", "--output", "csv",
		"--columns", "resource,kind"}, c...)...)
	if err != nil || !strings.Contains(out, "people/lo-van-pom,CREATED") || !strings.Contains(out, "people/lo-van-pom,UPDATED") {
		t.Errorf("changes list --all: %v\n%s", err, out)
	}

	out, _ = cli(t, "changes", "--help")
	if !strings.Contains(out, "Verbs: list, watch") {
		t.Errorf("changes --help lists not list and watch (TestChangesWatch):\n%s", out)
	}
}
