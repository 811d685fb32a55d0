//go:build trithuc_bench

package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/internal/malloc"
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
		"--duration", "150ms", "--warmup", "50ms", "--rounds", "3", "--concurrency", "2", "--profile-concurrency", "2", "--out", out, "--pocketbase", ""}, &stdout, &stderr)
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
		"GetPerson FULL", "ListPeople, selective filter", "ListPeople, no filter", "SearchPeople, unaccented", "CreatePerson",
		"Server peak resident set", "#### Targets", "Machine: ", "ran back to back 3 times"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	// Issue 19's targets, the audit trail of reads measured for each read
	// scenario over both transports.
	audit := regexp.MustCompile(`(?m)^\| audit bytes per read call[^|]*\| get gRPC \d+ B, get REST \d+ B, list gRPC \d+ B, list REST \d+ B, broad gRPC \d+ B, broad REST \d+ B, search gRPC \d+ B, search REST \d+ B \|`)
	// The CPU a get cost on each side of its ratio to plain SQLite: the
	// harness's own CPU is plain SQLite's in its rows.
	if !regexp.MustCompile(`GetPerson FULL in CPU a call: the server \S+ and its callers \S+, against plain SQLite's \S+ `).MatchString(report) ||
		!strings.Contains(report, "| server CPU/call | harness CPU/call | errors |") {
		t.Errorf("the report lacks the CPU a get of the server, its callers and plain SQLite:\n%s", report)
	}
	if !strings.Contains(report, "#### Targets of issue 19") || !audit.MatchString(report) {
		t.Errorf("the report lacks issue 19's targets or the audit bytes of each read:\n%s", report)
	}
	// Every scenario ran against each target, one row for both rounds, and
	// no call failed.
	row := regexp.MustCompile(`(?m)^\|[^|\n]*\| 2 \| (gRPC|REST|bare gRPC|plain SQLite) \|.*\| (\S+) \|$`)
	rows := row.FindAllStringSubmatch(report, -1)
	if len(rows) != 5*4 {
		t.Errorf("%d result rows, want 20:\n%s", len(rows), report)
	}
	for _, r := range rows {
		if r[2] != "0" {
			t.Errorf("errors: %s", r[0])
		}
	}
	if !strings.Contains(stderr.String(), "no PocketBase peer: give --pocketbase PATH or $TRITHUC_POCKETBASE") {
		t.Errorf("the run without PocketBase does not say how to add it:\n%s", stderr.String())
	}
	if strings.Contains(report, "PocketBase, same rows") {
		t.Errorf("a PocketBase section without PocketBase:\n%s", report)
	}
}

// With PocketBase (its examples/base binary in $TRITHUC_POCKETBASE), the
// harness loads it with the same people and runs every scenario against it
// without an error; a second run reuses its data. (No timing is checked.)
func TestHarnessPocketBase(t *testing.T) {
	bin := os.Getenv("TRITHUC_POCKETBASE")
	if bin == "" {
		t.Skip("set $TRITHUC_POCKETBASE to PocketBase's examples/base binary (" + pbInstallHint + ")")
	}
	// The durable build (bench/pocketbase-durable), when given, runs too.
	durable := os.Getenv("TRITHUC_POCKETBASE_DURABLE")
	dir := t.TempDir()
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"--db", filepath.Join(dir, "bench.db"), "--people", "300", "--batch", "100",
			"--duration", "150ms", "--warmup", "50ms", "--concurrency", "2", "--profile-concurrency", "2", "--transports", "rest",
			"--pocketbase", bin, "--pocketbase-durable", durable}, &stdout, &stderr)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, stderr.String())
		}
		report := stdout.String()
		row := regexp.MustCompile(`(?m)^\| [^|\n]+ \| [^|\n]+ \| 2 \| .* \|$`)
		if section := report[strings.Index(report, "#### PocketBase, same rows, same run"):]; len(row.FindAllString(section, -1)) != 5 {
			t.Errorf("run %d: want 5 scenarios beside PocketBase:\n%s", i, section)
		}
		wants := []string{"GetPerson FULL ≥ 1.2 × PocketBase", "CreatePerson ≥ PocketBase"}
		if durable != "" {
			wants = append(wants, targetPBD, "CreatePerson ≥ PocketBase (synchronous=FULL)")
		}
		for _, want := range wants {
			if !strings.Contains(report, want) {
				t.Errorf("run %d: the report lacks %q", i, want)
			}
		}
		loaded := strings.Contains(stderr.String(), "seeding 300 people into PocketBase")
		if loaded != (i == 0) {
			t.Errorf("run %d: loaded PocketBase: %v\n%s", i, loaded, stderr.String())
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(line, targetPB) && strings.Contains(line, "errors") && !strings.Contains(line, "errors 0") { // the durable peer's too
				t.Errorf("run %d: %s", i, line)
			}
		}
	}
}

// A target's row is its median round, whole; errors add up over rounds.
func TestMedianRound(t *testing.T) {
	for _, c := range []struct {
		name   string
		rounds []float64
		want   float64
	}{
		{"one", []float64{5}, 5},
		{"odd", []float64{9, 1, 5}, 5},
		{"even takes the upper middle", []float64{4, 1, 3, 2}, 3},
		{"ties", []float64{7, 7, 1}, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rounds []result
			for i, tp := range c.rounds {
				rounds = append(rounds, result{Throughput: tp, P50: time.Duration(tp), Errors: i})
			}
			m := medianRound(rounds)
			// Audit bytes: 10 a call in the first round (1 call), 40 in
			// the second (3 calls), none measured after.
			rounds[0].AuditBytes, rounds[0].Calls = 10, 1
			if len(rounds) > 1 {
				rounds[1].AuditBytes, rounds[1].Calls = 40, 3
				if got := medianRound(rounds).AuditBytes; got != (10+40*3)/4.0 {
					t.Errorf("audit bytes a call %v, want %v over every round's calls", got, (10+40*3)/4.0)
				}
			}
			if m.Throughput != c.want || m.P50 != time.Duration(c.want) {
				t.Errorf("median of %v: %v calls/s, p50 %v; want %v of the same round", c.rounds, m.Throughput, m.P50, c.want)
			}
			if want := len(c.rounds) * (len(c.rounds) - 1) / 2; m.Errors != want {
				t.Errorf("errors %d, want %d over every round", m.Errors, want)
			}
		})
	}
}

// A ratio is the median of the rounds' ratios, each within its round: a
// round slowed for both targets moves neither.
func TestPairedRatio(t *testing.T) {
	s := &scenario{Key: "get"}
	var r report
	for _, tp := range [][2]float64{{100, 200}, {50, 60}, {300, 400}} { // ratios 0.5, 0.83, 0.75
		r.add(s, targetREST, 16, result{Throughput: tp[0]})
		r.add(s, targetGRPC, 16, result{Throughput: tp[1]})
	}
	if got := r.paired("get", targetREST, targetGRPC, 16); got != 0.75 {
		t.Errorf("paired ratio %v, want 0.75 (the medians of each alone give 100/200)", got)
	}
	if got := r.paired("get", targetREST, targetBare, 16); got != 0 {
		t.Errorf("a target not run: %v, want 0", got)
	}
	r.add(s, targetREST, 16, result{Throughput: 10}) // a fourth round of one target only
	if got := r.paired("get", targetREST, targetGRPC, 16); got != 0.75 {
		t.Errorf("rounds of one target only count: %v", got)
	}
}

// A database that earlier runs' creates grew past --people is used as it
// is, and the run says so: its lists and searches are not those of
// --people.
func TestGrownDatabaseSaid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grown.db")
	for _, tt := range []struct {
		people int
		said   bool
	}{
		{30, false}, // made
		{30, false}, // as asked
		{20, true},  // ten more than asked
	} {
		var stderr bytes.Buffer
		c := &config{db: path, people: tt.people, seed: 1, batch: 10}
		if _, err := prepareDB(context.Background(), c, &report{}, &stderr); err != nil {
			t.Fatal(err)
		}
		if said := strings.Contains(stderr.String(), "10 more than --people asks for"); said != tt.said {
			t.Errorf("--people %d: said %v, want %v:\n%s", tt.people, said, tt.said, stderr.String())
		}
	}
}

// The harness's own collector runs with the server's GOGC but without its
// soft memory limit, which the plain target's prepared inserts alone
// exceed: at it, the collector ran back to back through every run.
func TestHarnessGCHasNoServerMemoryLimit(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}()
	configureGC()
	got := debug.SetGCPercent(100)
	if serverPercent, _ := malloc.ConfigureServerGC(); got != serverPercent {
		t.Errorf("GOGC %d, want the server's %d", got, serverPercent)
	}
	configureGC()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("soft memory limit %d MiB, want none: the prepared inserts alone exceed the server's", got>>20)
	}
}
