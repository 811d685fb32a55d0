//go:build trithuc_bench

package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// machine is where the benchmark ran.
type machine struct {
	CPU        string
	Cores      int
	GOMAXPROCS int
	Go         string
	OS         string
	MemTotal   string
}

func machineInfo() machine {
	m := machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
				f := strings.Fields(v)
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					m.MemTotal = fmt.Sprintf("%.0f GiB", float64(n)/(1<<20))
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// loadSampler samples the 1-minute load average while the benchmark runs.
type loadSampler struct {
	stopc chan struct{}
	done  chan loadStats
}

type loadStats struct {
	Min, Mean, Max float64
}

func startLoadSampler() *loadSampler {
	s := &loadSampler{stopc: make(chan struct{}), done: make(chan loadStats, 1)}
	go func() {
		var st loadStats
		n := 0
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		sample := func() {
			f := strings.Fields(loadAvg())
			if len(f) == 0 {
				return
			}
			v, err := strconv.ParseFloat(f[0], 64)
			if err != nil {
				return
			}
			if n == 0 || v < st.Min {
				st.Min = v
			}
			st.Max = max(st.Max, v)
			st.Mean = (st.Mean*float64(n) + v) / float64(n+1)
			n++
		}
		sample()
		for {
			select {
			case <-t.C:
				sample()
			case <-s.stopc:
				sample()
				s.done <- st
				return
			}
		}
	}()
	return s
}

func (s *loadSampler) stop() loadStats {
	close(s.stopc)
	return <-s.done
}

// settle waits, at most 10 s, until the process pid uses less than 5 % of
// a core.
func settle(pid int) {
	for range 20 {
		before := cpuTime(pid)
		time.Sleep(500 * time.Millisecond)
		if cpuTime(pid)-before < 25*time.Millisecond {
			return
		}
	}
}

// flushWrites has the kernel write every dirty page to disk before a run,
// so that no run pays for another's deferred writes. PocketBase commits
// without an fsync (synchronous=NORMAL): its pages reach the disk when
// the kernel writes them back, seconds later, during the next target's
// run, and so do the pages of a database file just copied; an fsync of
// trithuc's (synchronous=FULL) on ext4 commits the file system's journal,
// which may wait for them.
func flushWrites() { syscall.Sync() }
