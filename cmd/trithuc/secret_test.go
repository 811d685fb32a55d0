package main

import (
	"strings"
	"testing"
)

// No help or usage text prints the API key held in $TRITHUC_TOKEN: a flag's
// default is printed there, and a key must never be.
func TestHelpNeverPrintsTheToken(t *testing.T) {
	const secret = "tt_secret_never_printed_1234567890"
	t.Setenv("TRITHUC_TOKEN", secret)
	for _, args := range [][]string{
		{"people", "--help"},
		{"people", "list", "--help"},
		{"people", "list", "--no-such-flag"},
		{"qualifications", "create", "--help"},
		{"stats", "--help"},
		{"memberships", "--help"},
		{"help"},
	} {
		out, _ := cli(t, args...)
		if strings.Contains(out, secret) {
			t.Errorf("trithuc %s printed the API key:\n%s", strings.Join(args, " "), out)
		}
	}
}
