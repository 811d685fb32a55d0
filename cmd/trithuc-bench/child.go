//go:build trithuc_bench

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"trithuc.gov.vn/trithuc/internal/malloc"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

// The server under test runs in a child process of its own, so that its
// memory is its own and its CPU can be profiled: `trithuc-bench
// serve-child` sets up the store and the server exactly as `trithuc serve`
// does (same store.Open, same server.New and Config, logs formatted by the
// same text handler), and adds a pprof endpoint on a port of its own.

// childInfo is what the child prints when it serves.
type childInfo struct {
	GRPC  string `json:"grpc"`
	HTTP  string `json:"http"`
	Pprof string `json:"pprof"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

func runChild(args []string) error {
	fs := flag.NewFlagSet("serve-child", flag.ContinueOnError)
	dbPath := fs.String("db", "", "database file")
	logPath := fs.String("log", os.DevNull, "where the server's call log goes")
	unguarded := fs.Bool("unguarded", false, "no read budget and no fair share of the read pool, as before issue 12")
	if err := fs.Parse(args); err != nil {
		return err
	}
	malloc.ConfigureServerGC() // as trithuc serve does
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logFile, err := os.OpenFile(*logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, nil))
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	_, token, err := db.CreateKey(ctx, "trithuc-bench "+time.Now().Format(time.DateTime), "admin", time.Now().Add(24*time.Hour))
	if err != nil {
		return err
	}
	cfg := server.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Logger: log}
	if *unguarded {
		db.SetReadBudget(0)
		cfg.ReadSlots = 1 << 20
	}
	srv, err := server.New(db, cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	sampler := &memSampler{}
	go sampler.run(20 * time.Millisecond)
	mux.Handle("/debug/memsplit", sampler)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(lis, mux)

	info := childInfo{GRPC: srv.GRPCAddr(), HTTP: srv.HTTPAddr(), Pprof: lis.Addr().String(), Token: token, PID: os.Getpid()}
	b, _ := json.Marshal(info)
	fmt.Println(string(b))

	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	return db.Close()
}

// child is a running server under test.
type child struct {
	childInfo
	cmd *exec.Cmd
	// the collector's CPU seconds and cycles at the last memSplit
	gcCPU    float64
	gcCycles uint64
}

// startChild starts the server under test on db and waits until it serves.
func startChild(db, logPath string, flags ...string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"serve-child", "--db", db, "--log", logPath}, flags...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("the server under test did not start: %w", err)
	}
	c := &child{cmd: cmd}
	if err := json.Unmarshal([]byte(line), &c.childInfo); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("the server under test said %q: %w", line, err)
	}
	go io.Copy(io.Discard, out)
	return c, nil
}

// stop stops the server gracefully.
func (c *child) stop() error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		return errors.New("the server under test did not stop in 30s; killed")
	}
}

// profile fetches a CPU profile of the server over the next d into path.
func (c *child) profile(d time.Duration, path string) error {
	secs := int(d.Seconds())
	if c.Pprof == "" || secs < 1 {
		return nil
	}
	return c.pprof("profile?seconds="+strconv.Itoa(secs), path)
}

// heap fetches a profile of the server's live Go heap into path.
func (c *child) heap(path string) error {
	if c.Pprof == "" {
		return nil
	}
	return c.pprof("heap?gc=1", path)
}

func (c *child) pprof(query, path string) error {
	resp, err := http.Get("http://" + c.Pprof + "/debug/pprof/" + query)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// memory reads a process's peak and current resident set size, in bytes,
// from /proc/PID/status (VmHWM and VmRSS).
func memory(pid int) (peak, current int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmHWM":
			peak = n << 10
		case "VmRSS":
			current = n << 10
		}
	}
	return peak, current, nil
}

// cpuTime is a process's user and system CPU time so far, from
// /proc/PID/stat.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	// Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s on
	// Linux; f[0] is field 3.
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
