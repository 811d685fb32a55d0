//go:build trithuc_bench

package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one call of a scenario, made by worker w with its own random source.
type op func(ctx context.Context, w int, r *rand.Rand) error

// errExhausted stops a worker whose scenario has no more work prepared.
var errExhausted = errors.New("the prepared rows ran out before the end of the run (plain SQLite committed more than 1,500 a second; enlarge the pool in main.go)")

// result is what a run of one scenario at one concurrency measured.
type result struct {
	Ops, Errors int
	FirstError  string
	Elapsed     time.Duration
	// Throughput is calls per second over the measured window.
	Throughput float64
	P50, P99   time.Duration
	// ServerCPU is the CPU time the server under test used over the run,
	// when it is a process of its own.
	ServerCPU time.Duration
	// HarnessCPU is the CPU time this process used over the measured
	// window: the callers', and for the ceilings that run in it (bare gRPC,
	// plain SQLite) theirs too. On a machine whose cores the server shares
	// with its callers, a client that costs more leaves the server less.
	HarnessCPU time.Duration
	// Calls counts every call, the warm-up's included.
	Calls int
	// AuditBytes is how much the database grew a call over the whole run,
	// warm-up included: for reads, the audit trail's cost (0: not
	// measured).
	AuditBytes float64
}

// runLoad runs op on conc workers: for warmup, unmeasured, then for d. Each
// worker calls op again as soon as a call returns (a closed loop); calls in
// flight at the end finish, and count. measuring, when set, is called as
// the measured window begins.
func runLoad(ctx context.Context, conc int, warmup, d time.Duration, do op, measuring func()) result {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		lats      []time.Duration
		errs      int
		firstErr  error
		start     = time.Now()
		measureAt = start.Add(warmup)
		end       = measureAt.Add(d)
		lastEnd   time.Time
		calls     atomic.Int64
	)
	if measuring != nil {
		defer time.AfterFunc(warmup, measuring).Stop()
	}
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var mine []time.Duration
			myErrs := 0
			var myFirst error
			var last time.Time
			for {
				t := time.Now()
				if !t.Before(end) {
					break
				}
				err := do(ctx, w, r)
				now := time.Now()
				calls.Add(1)
				if errors.Is(err, errExhausted) {
					// A window cut short shows: the rates stay right,
					// the samples are fewer.
					if !t.Before(measureAt) {
						myErrs++
						if myFirst == nil {
							myFirst = err
						}
					}
					break
				}
				if t.Before(measureAt) {
					continue
				}
				last = now
				if err != nil {
					myErrs++
					if myFirst == nil {
						myFirst = err
					}
					continue
				}
				mine = append(mine, now.Sub(t))
			}
			mu.Lock()
			lats = append(lats, mine...)
			errs += myErrs
			if firstErr == nil {
				firstErr = myFirst
			}
			if last.After(lastEnd) {
				lastEnd = last
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := result{Ops: len(lats), Errors: errs, Calls: int(calls.Load())}
	if firstErr != nil {
		res.FirstError = firstErr.Error()
	}
	if lastEnd.After(measureAt) {
		res.Elapsed = lastEnd.Sub(measureAt)
		res.Throughput = float64(res.Ops) / res.Elapsed.Seconds()
	}
	slices.Sort(lats)
	res.P50, res.P99 = quantile(lats, 0.50), quantile(lats, 0.99)
	return res
}

// quantile of sorted latencies, by the nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
