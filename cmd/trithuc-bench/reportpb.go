//go:build trithuc_bench

package main

import (
	"fmt"
	"io"
	"time"
)

// pbCalls says what the peer answers for each scenario.
var pbCalls = map[string]string{
	"get":    "`GET /api/collections/people/records/{id}?expand=qualifications_via_person`",
	"list":   "`GET …/records?perPage=50&filter=` the same conditions, on indexed columns",
	"broad":  "`GET …/records?perPage=50`",
	"search": "`GET …/records?perPage=50&filter=search ~ \"…\"` (a folded name, LIKE)",
	"create": "`POST /api/collections/people/records`",
}

// writePocketBase writes the service over REST beside PocketBase, when the
// peer ran.
func (r *report) writePocketBase(w io.Writer) {
	var keys []string
	seen := map[string]bool{}
	for _, run := range r.runs {
		if run.target == targetPB && !seen[run.scenario.Key] {
			seen[run.scenario.Key] = true
			keys = append(keys, run.scenario.Key)
		}
	}
	if len(keys) == 0 {
		return
	}
	v := r.pbVersion
	if v == "" {
		v = pocketBaseVersion
	}
	fmt.Fprintf(w, "#### PocketBase, same rows, same run\n\n")
	fmt.Fprintf(w, "PocketBase %s (examples/base, defaults but for dev mode off; a superuser's token) holds the same %d synthetic people in a `people` collection and their qualifications in a related one (the collections made through its API, the records written into its data.db while it was stopped, as its API stores them); both are called over REST (JSON over HTTP/1.1), right after each other at each concurrency. Ratio: trithuc's calls/s over PocketBase's.", v, r.cfg.people)
	if r.pbPeakRSS > 0 {
		fmt.Fprintf(w, " PocketBase's peak resident set: %s.", mib(r.pbPeakRSS))
	}
	durable := false
	for _, run := range r.runs {
		durable = durable || run.target == targetPBD
	}
	if durable {
		fmt.Fprintf(w, "\n\n%s is the same release built from bench/pocketbase-durable: examples/base opening its records' database (data.db) with PocketBase's pragmas but synchronous=FULL for NORMAL, checked on its connections at the start. In WAL mode NORMAL returns from a commit before the log reaches the disk, so a power cut can lose creates PocketBase acknowledged; with FULL an acknowledged create is on disk, as trithuc's (synchronous=FULL). It runs GetPerson and CreatePerson on a copy of the same data, right after the stock binary at each concurrency.", targetPBD)
	}
	perCall := func(res *result) string {
		if res != nil && res.ServerCPU > 0 && res.Ops > 0 {
			return fmtDur(res.ServerCPU / time.Duration(res.Ops))
		}
		return ""
	}
	// The durable peer's columns beside the stock one's, so that a row
	// reads NORMAL against FULL.
	head, rule := "| scenario | PocketBase call | callers | trithuc REST calls/s | p50 | PocketBase calls/s | p50 | × PocketBase |", "|---|---|---:|---:|---:|---:|---:|---:|"
	if durable {
		head += fmt.Sprintf(" %[1]s calls/s | p50 | × %[1]s |", targetPBD)
		rule += "---:|---:|---:|"
	}
	head += " CPU/call trithuc | CPU/call PocketBase |"
	rule += "---:|---:|"
	if durable {
		head += fmt.Sprintf(" CPU/call %s |", targetPBD)
		rule += "---:|"
	}
	fmt.Fprintf(w, "\n\n%s\n%s\n", head, rule)
	for _, k := range keys {
		for _, n := range r.cfg.conc {
			ours, theirs := r.find(k, targetREST, n), r.find(k, targetPB, n)
			if ours == nil || theirs == nil {
				continue
			}
			name := ""
			for _, run := range r.runs {
				if run.scenario.Key == k {
					name = run.scenario.Name
					break
				}
			}
			fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %.0f | %s | %s |", name, pbCalls[k], n,
				ours.Throughput, fmtDur(ours.P50), theirs.Throughput, fmtDur(theirs.P50), r.pairedText(k, targetREST, targetPB, n))
			full := r.find(k, targetPBD, n)
			if durable && full != nil {
				fmt.Fprintf(w, " %.0f | %s | %s |", full.Throughput, fmtDur(full.P50), r.pairedText(k, targetREST, targetPBD, n))
			} else if durable {
				fmt.Fprintf(w, " | | |")
			}
			fmt.Fprintf(w, " %s | %s |", perCall(ours), perCall(theirs))
			if durable {
				fmt.Fprintf(w, " %s |", perCall(full))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
	c := r.cfg.profileConc
	fmt.Fprintf(w, "| target (issue 19) | measured | |\n|---|---|---|\n")
	target := func(name, key, peer string, want float64) {
		ours, theirs := r.find(key, targetREST, c), r.find(key, peer, c)
		if ours == nil || theirs == nil {
			fmt.Fprintf(w, "| %s | | not measured |\n", name)
			return
		}
		x := r.paired(key, targetREST, peer, c)
		verdict := "met"
		if x < want {
			verdict = "**missed**"
		}
		fmt.Fprintf(w, "| %s | %.2f × (%.0f vs %.0f calls/s) | %s |\n", name, x, ours.Throughput, theirs.Throughput, verdict)
	}
	target(fmt.Sprintf("GetPerson FULL ≥ 1.2 × PocketBase's get by id over REST, %d callers", c), "get", targetPB, 1.2)
	target(fmt.Sprintf("CreatePerson ≥ PocketBase's create rate, %d callers", c), "create", targetPB, 1.0)
	// The same promise on both sides: an acknowledged create is on disk.
	target(fmt.Sprintf("CreatePerson ≥ %s create rate, %d callers", targetPBD, c), "create", targetPBD, 1.0)
	fmt.Fprintln(w)
}
