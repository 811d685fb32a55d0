//go:build trithuc_bench

package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// report collects a run's results and writes them as markdown.
type report struct {
	cfg     config
	machine machine
	loads   struct {
		start, end string
		during     loadStats
	}
	people      int
	dbBytes     int64
	selectivity map[string]int
	bulk        *bulkResult
	runs        []run_
	peakRSS     int64
	rss         int64
	memory      []memSample
	profiles    []string
	pbVersion   string
	pbPeakRSS   int64
}

// memSample is the server's memory after a scenario.
type memSample struct {
	after     string
	peak, rss int64
}

type bulkResult struct {
	People, Rows     int
	Elapsed, Writing time.Duration
	Plain            time.Duration
	PlainRows        int
	Load             string
}

type run_ struct {
	scenario *scenario
	target   string
	conc     int
	res      result   // the median round
	rounds   []result // every round, in order
}

// add records a round of a target; its result is then the median round.
func (r *report) add(s *scenario, target string, conc int, res result) {
	for i := range r.runs {
		if run := &r.runs[i]; run.scenario == s && run.target == target && run.conc == conc {
			run.rounds = append(run.rounds, res)
			run.res = medianRound(run.rounds)
			return
		}
	}
	r.runs = append(r.runs, run_{scenario: s, target: target, conc: conc, res: res, rounds: []result{res}})
}

// medianRound is the round with the median throughput (the upper of the
// two middle ones for an even number), whole, so that its latencies and
// CPU are of the same calls; errors count over every round, and the audit
// trail's bytes a call are over every round's calls (more calls, a finer
// measure; a short round may have none).
func medianRound(rounds []result) result {
	sorted := slices.Clone(rounds)
	slices.SortStableFunc(sorted, func(a, b result) int { return cmp.Compare(a.Throughput, b.Throughput) })
	m := sorted[len(sorted)/2]
	m.Errors = 0
	var auditBytes, auditCalls float64
	for _, r := range rounds {
		m.Errors += r.Errors
		if m.FirstError == "" {
			m.FirstError = r.FirstError
		}
		if r.AuditBytes > 0 {
			auditBytes += r.AuditBytes * float64(r.Calls)
			auditCalls += float64(r.Calls)
		}
	}
	if auditCalls > 0 {
		m.AuditBytes = auditBytes / auditCalls
	}
	return m
}

func (r *report) find(key, target string, conc int) *result {
	for i := range r.runs {
		if r.runs[i].scenario.Key == key && r.runs[i].target == target && r.runs[i].conc == conc {
			return &r.runs[i].res
		}
	}
	return nil
}

// paired is the ratio of target a's calls/s over b's: the median over the
// rounds of the ratio within each round, whose targets ran back to back
// (a burst of load elsewhere moves both of a round, and one round's
// ratio); with one round, the plain ratio. 0 when either is missing.
func (r *report) paired(key, a, b string, conc int) float64 {
	var ra, rb *run_
	for i := range r.runs {
		run := &r.runs[i]
		if run.scenario.Key != key || run.conc != conc {
			continue
		}
		switch run.target {
		case a:
			ra = run
		case b:
			rb = run
		}
	}
	if ra == nil || rb == nil {
		return 0
	}
	var xs []float64
	for i := range min(len(ra.rounds), len(rb.rounds)) {
		if rb.rounds[i].Throughput > 0 {
			xs = append(xs, ra.rounds[i].Throughput/rb.rounds[i].Throughput)
		}
	}
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// pairedText is paired as the tables print it.
func (r *report) pairedText(key, a, b string, conc int) string {
	if x := r.paired(key, a, b, conc); x > 0 {
		return fmt.Sprintf("%.2f", x)
	}
	return "-"
}

func ratio(a, b float64) string {
	if b == 0 || a == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func (r *report) write(w io.Writer) {
	m := r.machine
	fmt.Fprintf(w, "### Results: %d people (database %s), %s\n\n", r.people, mib(r.dbBytes), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "Machine: %s, %d cores (GOMAXPROCS %d), %s memory; %s; %s.  \n", m.CPU, m.Cores, m.GOMAXPROCS, m.MemTotal, m.Go, m.OS)
	fmt.Fprintf(w, "Load average (1, 5, 15 min): %s at the start, %s at the end; the 1-minute one during the run: min %.2f, mean %.2f, max %.2f.  \n",
		r.loads.start, r.loads.end, r.loads.during.Min, r.loads.during.Mean, r.loads.during.Max)
	fmt.Fprintf(w, "Each run: the database's log copied into its file and the machine's pending writes flushed (sync), %s warm-up, then %s measured, closed loop (each caller calls again when its call returns).", r.cfg.warmup, r.cfg.duration)
	if r.cfg.rounds > 1 {
		fmt.Fprintf(w, " The targets of a scenario ran back to back %d times; each row is a target's median round by calls/s (errors over every round), and each ratio the median of the rounds' ratios, each within one round.", r.cfg.rounds)
	}
	fmt.Fprint(w, "\n\n")

	if b := r.bulk; b != nil {
		fmt.Fprintf(w, "#### Bulk load\n\n")
		fmt.Fprintf(w, "| load | people | rows | seconds | people/s | × plain SQLite |\n|---|---:|---:|---:|---:|---:|\n")
		plainRate := rate(b.People, b.Plain)
		fmt.Fprintf(w, "| bulk path, end to end (generate, prepare, write; `trithuc gen`) | %d | %d | %.1f | %.0f | %s |\n",
			b.People, b.Rows, b.Elapsed.Seconds(), rate(b.People, b.Elapsed), ratio(rate(b.People, b.Elapsed), plainRate))
		fmt.Fprintf(w, "| bulk path, its write transactions alone | %d | %d | %.1f | %.0f | %s |\n",
			b.People, b.Rows, b.Writing.Seconds(), rate(b.People, b.Writing), ratio(rate(b.People, b.Writing), plainRate))
		if b.Plain > 0 {
			fmt.Fprintf(w, "| plain SQLite inserting the same rows, same schema and indexes (storage ceiling) | %d | %d | %.1f | %.0f | 1 |\n",
				b.People, b.PlainRows, b.Plain.Seconds(), plainRate)
		}
		fmt.Fprintf(w, "\nBatches of %d profiles, one transaction each. Load average after the bulk load: %s.\n\n", r.cfg.batch, b.Load)
	}

	fmt.Fprintf(w, "#### Calls\n\n")
	fmt.Fprintf(w, "Ratios are calls/s against the ceiling measured at the same concurrency, in the same run: the transport ceiling is a bare gRPC server answering the same message from memory; the storage ceiling is plain SQLite running the store's statements on the same file. Harness CPU is this process's over the window: the callers' for the service, and for the two ceilings, which run in it, theirs as well.\n\n")
	fmt.Fprintf(w, "| scenario | callers | target | calls/s | p50 | p99 | × transport | × storage | server CPU/call | harness CPU/call | errors |\n")
	fmt.Fprintf(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	seen := map[string]bool{}
	for _, run := range r.runs {
		k := fmt.Sprintf("%s/%d", run.scenario.Key, run.conc)
		if seen[k] {
			continue
		}
		seen[k] = true
		bare := r.find(run.scenario.Key, targetBare, run.conc)
		plain := r.find(run.scenario.Key, targetPlain, run.conc)
		for _, t := range []string{targetGRPC, targetREST, targetBare, targetPlain} {
			res := r.find(run.scenario.Key, t, run.conc)
			if res == nil {
				continue
			}
			tr, st := "", ""
			if t == targetGRPC || t == targetREST {
				if bare != nil {
					tr = r.pairedText(run.scenario.Key, t, targetBare, run.conc)
				}
				if plain != nil {
					st = r.pairedText(run.scenario.Key, t, targetPlain, run.conc)
				}
			}
			cpu, ccpu := "", ""
			if res.ServerCPU > 0 && res.Ops > 0 {
				cpu = fmtDur(res.ServerCPU / time.Duration(res.Ops))
			}
			if res.HarnessCPU > 0 && res.Ops > 0 {
				ccpu = fmtDur(res.HarnessCPU / time.Duration(res.Ops))
			}
			errs := fmt.Sprint(res.Errors)
			if res.Errors > 0 {
				errs += ": " + strings.ReplaceAll(firstN(res.FirstError, 80), "|", "/")
			}
			name := ""
			if t == targetGRPC || (t == targetREST && r.find(run.scenario.Key, targetGRPC, run.conc) == nil) {
				name = run.scenario.Name
			}
			fmt.Fprintf(w, "| %s | %d | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n", name, run.conc, t,
				res.Throughput, fmtDur(res.P50), fmtDur(res.P99), tr, st, cpu, ccpu, errs)
		}
	}
	fmt.Fprintln(w)

	if r.peakRSS > 0 {
		fmt.Fprintf(w, "#### Memory\n\nServer peak resident set (VmHWM) over the whole run: **%s**; resident at the end: %s.", mib(r.peakRSS), mib(r.rss))
		for _, m := range r.memory {
			fmt.Fprintf(w, " After %s: peak %s, resident %s.", m.after, mib(m.peak), mib(m.rss))
		}
		fmt.Fprintf(w, "\n\n")
	}

	fmt.Fprintf(w, "#### Targets (issue 7; they are set for 1M people)\n\n| target | measured at %d people | |\n|---|---|---|\n", r.people)
	check := func(name, measured string, ok bool, known bool) { writeTarget(w, name, measured, ok, known) }
	c := r.cfg.profileConc
	getName := fmt.Sprintf("GetPerson throughput at %d callers ≥ 0.5 × bare gRPC", c)
	if g, b := r.find("get", targetGRPC, c), r.find("get", targetBare, c); g != nil && b != nil {
		x := r.paired("get", targetGRPC, targetBare, c)
		check(getName, fmt.Sprintf("%.2f × (%.0f vs %.0f calls/s)", x, g.Throughput, b.Throughput), x >= 0.5, true)
	} else {
		check(getName, "", false, false)
	}
	const bulkName = "bulk load rate ≥ 0.5 × plain SQLite batched insert"
	if b := r.bulk; b != nil && b.Plain > 0 {
		x := rate(b.People, b.Elapsed) / rate(b.People, b.Plain)
		check(bulkName, fmt.Sprintf("%.2f × (%.0f vs %.0f people/s)", x, rate(b.People, b.Elapsed), rate(b.People, b.Plain)), x >= 0.5, true)
	} else {
		check(bulkName, "", false, false)
	}
	lat := func(key, name string, p99 bool, limit time.Duration) {
		res := r.find(key, targetGRPC, c)
		if res == nil {
			check(name, "", false, false)
			return
		}
		v := res.P50
		if p99 {
			v = res.P99
		}
		check(name, fmtDur(v), v < limit, true)
	}
	lat("list", fmt.Sprintf("filtered ListPeople p50 < 10 ms (gRPC, %d callers)", c), false, 10*time.Millisecond)
	lat("search", fmt.Sprintf("SearchPeople p50 < 20 ms (gRPC, %d callers)", c), false, 20*time.Millisecond)
	lat("get", fmt.Sprintf("GetPerson p99 < 5 ms (gRPC, %d callers)", c), true, 5*time.Millisecond)
	const rssName = "peak RSS < 300 MB serving the data"
	if r.peakRSS > 0 {
		check(rssName, fmt.Sprintf("%.0f MB", float64(r.peakRSS)/1e6), r.peakRSS < 300e6, true)
	} else {
		check(rssName, "", false, false)
	}
	fmt.Fprintln(w)

	r.writePocketBase(w)
	r.writeIssue19(w)

	if len(r.selectivity) > 0 {
		fmt.Fprintf(w, "#### The calls' data\n\nGetPerson reads random people of a sample of 10,000 spread over the table. ListPeople and SearchPeople take these at random, first page (50), default view; matches:\n\n")
		var keys []string
		for k := range r.selectivity {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "- %s: %d\n", strings.ReplaceAll(k, "|", "/"), r.selectivity[k])
		}
		fmt.Fprintln(w)
	}
	if len(r.profiles) > 0 {
		fmt.Fprintf(w, "CPU profiles of the server: %s (`go tool pprof -top FILE`).\n\n", strings.Join(r.profiles, ", "))
	}
}

// writeTarget writes a target's row: met, missed or not measured.
func writeTarget(w io.Writer, name, measured string, ok, known bool) {
	verdict := "met"
	switch {
	case !known:
		verdict = "not measured"
	case !ok:
		verdict = "**missed**"
	}
	fmt.Fprintf(w, "| %s | %s | %s |\n", name, measured, verdict)
}

func firstN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
