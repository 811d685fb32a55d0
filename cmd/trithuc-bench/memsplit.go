//go:build trithuc_bench

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// memSplit is what the server under test's resident set is made of, as
// sampled in the child: the Go runtime's memory (mapped and not returned
// to the kernel), SQLite's (sqlite3_memory_used, which the C allocator
// holds), and the rest of the anonymous memory (the C allocator's free
// lists and arenas, thread stacks), with the file-backed pages (the
// binary's code) apart.
type memSplit struct {
	RSS, Anon, File int64 // VmRSS, RssAnon, RssFile
	Go, GoHeap      int64 // runtime total less released; live and dead heap objects
	SQLite          int64 // sqlite3_memory_used
	// The collector's CPU seconds and cycles so far (in the reply only).
	GCCPU    float64
	GCCycles uint64
}

// memSampler keeps the sample at the highest resident set since the last
// reset, and each part's own highest.
type memSampler struct {
	mu      sync.Mutex
	atPeak  memSplit
	maxPart memSplit
}

// gcSoFar is the collector's CPU seconds and cycles since the start.
func gcSoFar() (float64, uint64) {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Float64(), s[1].Value.Uint64()
}

func (m *memSampler) run(every time.Duration) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}
	for range time.Tick(every) {
		var s memSplit
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			f := strings.Fields(v)
			if len(f) != 2 {
				continue
			}
			n, _ := strconv.ParseInt(f[0], 10, 64)
			switch k {
			case "VmRSS":
				s.RSS = n << 10
			case "RssAnon":
				s.Anon = n << 10
			case "RssFile":
				s.File = n << 10
			}
		}
		metrics.Read(samples)
		s.Go = int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
		s.GoHeap = int64(samples[2].Value.Uint64())
		s.SQLite, _ = store.SQLiteMemory(false)
		m.mu.Lock()
		if s.RSS > m.atPeak.RSS {
			m.atPeak = s
		}
		mp := &m.maxPart
		mp.RSS, mp.Anon, mp.File = max(mp.RSS, s.RSS), max(mp.Anon, s.Anon), max(mp.File, s.File)
		mp.Go, mp.GoHeap, mp.SQLite = max(mp.Go, s.Go), max(mp.GoHeap, s.GoHeap), max(mp.SQLite, s.SQLite)
		m.mu.Unlock()
	}
}

// ServeHTTP answers the samples since the last reset and starts again.
func (m *memSampler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	out := []memSplit{m.atPeak, m.maxPart}
	m.atPeak, m.maxPart = memSplit{}, memSplit{}
	m.mu.Unlock()
	out[1].GCCPU, out[1].GCCycles = gcSoFar()
	json.NewEncoder(w).Encode(out)
}

// memSplit fetches the child's samples since the last call, as a line.
func (c *child) memSplit() string {
	if c.Pprof == "" {
		return ""
	}
	resp, err := http.Get("http://" + c.Pprof + "/debug/memsplit")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var out []memSplit
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out) != 2 {
		return fmt.Sprintf("memsplit: %v", err)
	}
	mb := func(n int64) string { return fmt.Sprintf("%.0f", float64(n)/(1<<20)) }
	p, x := out[0], out[1]
	gcCPU, gcCycles := x.GCCPU-c.gcCPU, x.GCCycles-c.gcCycles
	c.gcCPU, c.gcCycles = x.GCCPU, x.GCCycles
	return fmt.Sprintf("at the RSS peak %s MiB: anon %s (Go %s, heap objects %s, SQLite %s, rest %s), file %s; each part's own peak: Go %s, heap objects %s, SQLite %s, anon %s; the collector: %.2f CPU s, %d cycles",
		mb(p.RSS), mb(p.Anon), mb(p.Go), mb(p.GoHeap), mb(p.SQLite), mb(p.Anon-p.Go-p.SQLite), mb(p.File),
		mb(x.Go), mb(x.GoHeap), mb(x.SQLite), mb(x.Anon), gcCPU, gcCycles)
}
