//go:build trithuc_bench

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The test binary is also the server under test that the harness starts.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve-child" {
		if err := runChild(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The whole harness at a tiny scale: it makes the data, times the bulk load
// against plain SQLite, runs every scenario against the server and both
// ceilings without an error, and reports all of it. (No timing is checked.)
func TestHarness(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results.md")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--db", filepath.Join(dir, "bench.db"), "--people", "300", "--batch", "100",
		"--duration", "150ms", "--warmup", "50ms", "--concurrency", "2", "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	if report != stdout.String() {
		t.Error("the markdown file and the printed results differ")
	}
	for _, want := range []string{"#### Bulk load", "plain SQLite inserting the same rows", "| 300 |",
		"GetPerson FULL", "ListPeople, selective filter", "SearchPeople, unaccented", "CreatePerson",
		"Server peak resident set", "#### Targets", "Machine: "} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	// Every scenario ran against each target, and no call failed.
	row := regexp.MustCompile(`(?m)^\|[^|\n]*\| 2 \| (gRPC|REST|bare gRPC|plain SQLite) \|.*\| (\S+) \|$`)
	rows := row.FindAllStringSubmatch(report, -1)
	if len(rows) != 4*4 {
		t.Errorf("%d result rows, want 16:\n%s", len(rows), report)
	}
	for _, r := range rows {
		if r[2] != "0" {
			t.Errorf("errors: %s", r[0])
		}
	}
}
