//go:build trithuc_bench

package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeIssue19 writes issue 19's targets, each from this run: the service
// against its ceilings, REST against gRPC, and the audit trail a read
// costs. (The targets against PocketBase, the stock binary and the one with
// synchronous=FULL, are in writePocketBase.)
func (r *report) writeIssue19(w io.Writer) {
	c := r.cfg.profileConc
	fmt.Fprintf(w, "#### Targets of issue 19 (set for 100,000 and 1M people, %d callers)\n\n| target | measured at %d people | |\n|---|---|---|\n", c, r.people)
	row := func(name, measured string, ok, known bool) { writeTarget(w, name, measured, ok, known) }
	vs := func(name, key, ours, ceiling string, conc int, want float64) {
		a, b := r.find(key, ours, conc), r.find(key, ceiling, conc)
		if a == nil || b == nil || b.Throughput == 0 {
			row(name, "", false, false)
			return
		}
		x := r.paired(key, ours, ceiling, conc)
		row(name, fmt.Sprintf("%.2f × (%.0f vs %.0f calls/s)", x, a.Throughput, b.Throughput), x >= want, true)
	}
	vs("GetPerson FULL ≥ 0.5 × store.Plain (gRPC)", "get", targetGRPC, targetPlain, c, 0.5)
	vs("CreatePerson ≥ 1.0 × the minimal durable insert (gRPC)", "create", targetGRPC, targetPlain, c, 1.0)
	if s := r.find("search", targetGRPC, 1); s != nil {
		row("SearchPeople p50 ≤ 20 ms at 1 caller (gRPC)", fmtDur(s.P50), s.P50 <= 20*time.Millisecond, true)
	} else {
		row("SearchPeople p50 ≤ 20 ms at 1 caller (gRPC)", "", false, false)
	}
	vs("SearchPeople ≥ 0.15 × bare gRPC", "search", targetGRPC, targetBare, c, 0.15)

	var rest []string
	restOK, restKnown := true, false
	for _, k := range []string{"get", "list", "broad", "search", "create"} {
		g, h := r.find(k, targetGRPC, c), r.find(k, targetREST, c)
		if g == nil || h == nil || g.Throughput == 0 {
			continue
		}
		restKnown = true
		x := r.paired(k, targetREST, targetGRPC, c)
		restOK = restOK && x >= 0.85
		rest = append(rest, fmt.Sprintf("%s %.2f", k, x))
	}
	row("REST ≥ 0.85 × gRPC", strings.Join(rest, ", "), restOK, restKnown)

	var audit []string
	worst := 0.0
	for _, run := range r.runs {
		if run.res.AuditBytes == 0 || run.conc != c {
			continue
		}
		audit = append(audit, fmt.Sprintf("%s %s %.0f B", run.scenario.Key, run.target, run.res.AuditBytes))
		worst = max(worst, run.res.AuditBytes)
	}
	row("audit bytes per read call ≤ 100 (database growth ÷ calls)", strings.Join(audit, ", "), worst <= 100, len(audit) > 0)
	if r.peakRSS > 0 {
		row("peak RSS < 300 MB", fmt.Sprintf("%.0f MB", float64(r.peakRSS)/1e6), r.peakRSS < 300e6, true)
	} else {
		row("peak RSS < 300 MB", "", false, false)
	}
	fmt.Fprintln(w)
	r.writeGetCPU(w, c)
}

// writeGetCPU says what a GetPerson FULL cost in CPU on each side of its
// ratio to plain SQLite: the ratio is of throughput on cores the server
// shares with its callers, while plain SQLite runs in the harness with no
// callers, transport or client of its own to pay for.
func (r *report) writeGetCPU(w io.Writer, conc int) {
	g, p := r.find("get", targetGRPC, conc), r.find("get", targetPlain, conc)
	if g == nil || p == nil || g.Ops == 0 || p.Ops == 0 || g.ServerCPU == 0 || p.HarnessCPU == 0 {
		return
	}
	server := g.ServerCPU / time.Duration(g.Ops)
	callers := g.HarnessCPU / time.Duration(g.Ops)
	plain := p.HarnessCPU / time.Duration(p.Ops)
	fmt.Fprintf(w, "GetPerson FULL in CPU a call: the server %s and its callers %s, against plain SQLite's %s (the calls and statements in one process): plain ÷ server %.2f, plain ÷ (server + callers) %.2f.\n\n",
		fmtDur(server), fmtDur(callers), fmtDur(plain), float64(plain)/float64(server), float64(plain)/float64(server+callers))
}
