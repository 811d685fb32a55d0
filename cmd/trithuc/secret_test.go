package main

import (
	"path/filepath"
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

// A second --demo start on the same database uses the first one's key
// instead of making another admin key that never expires.
func TestDemoReusesItsKey(t *testing.T) {
	dir := t.TempDir()
	_, first, stop := serveDemo(t, dir)
	stop()
	_, second, stop := serveDemo(t, dir)
	stop()
	if first != second {
		t.Errorf("the second --demo start made another key")
	}
	out, err := cli(t, "keys", "list", "--db", filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "demo on"); n != 1 {
		t.Errorf("%d demo keys after two starts, want 1:\n%s", n, out)
	}
}

// trithuc health asks a running server without a key, as probes do.
func TestHealthCommand(t *testing.T) {
	addr, _, stop := serveDemo(t, t.TempDir())
	t.Setenv("TRITHUC_TOKEN", "tt_not_a_key")
	out, err := cli(t, "health", "--server", addr)
	if err != nil || !strings.Contains(out, "SERVING") {
		t.Errorf("health of a serving server: %v\n%s", err, out)
	}
	stop()
	if _, err := cli(t, "health", "--server", addr, "--timeout", "2s"); err == nil {
		t.Error("health of a stopped server succeeded")
	}
}
