package main

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// --etag is a precondition on what is there: offered where the request
// carries one (an update's resource, a delete, a state change), not on a
// create, where it did nothing.
func TestEtagOnlyWhereItIsAPrecondition(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"people", "create"}, false},
		{[]string{"organizations", "create"}, false},
		{[]string{"reviewCampaigns", "create"}, false},
		{[]string{"people", "update"}, true},
		{[]string{"people", "delete"}, true},
		{[]string{"memberships", "approve"}, true},
	} {
		out, err := cli(t, append(c.args, "--help")...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%s --help: %v", strings.Join(c.args, " "), err)
		}
		if got := strings.Contains(out, "\n  -etag"); got != c.want {
			t.Errorf("%s --help offers --etag: %v, want %v", strings.Join(c.args, " "), got, c.want)
		}
	}
	_, err := cli(t, "people", "create", "--family-name", "Lò", "--etag", "x", "--server", "127.0.0.1:1", "--timeout", "2s")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "etag") {
		t.Errorf("people create --etag: %v, want a usage error naming it", err)
	}
}
