package server

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The faults of the database under a running server: a damaged file, a
// full disk, and the audit events that then cannot be stored.

// newEnvAt is newEnv over the database file at path, with metrics served.
func newEnvAt(t *testing.T, path string) *env {
	t.Helper()
	e := &env{t: t, path: path, http: &http.Client{Timeout: 30 * time.Second},
		configure: func(c *Config) { c.MetricsAddr = "127.0.0.1:0" }}
	e.start(nil)
	_, e.token = e.key("admin")
	t.Cleanup(func() { e.stop() })
	e.client = e.plainClient()
	return e
}

// plainClient is an admin client that tries every call once, so that a
// refusal is seen as it is.
func (e *env) plainClient() *client.Client {
	e.t.Helper()
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// waitHealth waits until the health service says want, for at most a
// generous while (the change is pushed, not polled, so it is quick).
func (e *env) waitHealth(want healthpb.HealthCheckResponse_ServingStatus) {
	e.t.Helper()
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	var got healthpb.HealthCheckResponse_ServingStatus
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
		if err != nil {
			e.t.Fatal(err)
		}
		if got = resp.GetStatus(); got == want {
			return
		}
	}
	e.t.Fatalf("health says %v, want %v", got, want)
}

// metric is the value of one sample of the metrics, as text.
func (e *env) metric(sample string) string {
	e.t.Helper()
	resp, err := e.http.Get("http://" + e.srv.MetricsAddr() + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			return v
		}
	}
	return ""
}

// pageOf finds where a table's root page lies in a database file, as a
// damaged disk would meet it.
func pageOf(t *testing.T, path, table string) (offset, size int64) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var root int64
	if err := conn.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	return (root - 1) * size, size
}

// A database damaged under a running server: the read that meets the
// damage is DATA_LOSS, health turns NOT_SERVING, the metrics say
// corrupt, and writes are refused with what to do instead of being made
// on damaged pages.
func TestDamagedDatabaseStopsWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnvAt(t, filepath.Join(t.TempDir(), "trithuc.db"))
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	e.stop()
	off, size := pageOf(t, e.path, "people")
	e.start(nil)
	e.client = e.plainClient()
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)

	f, err := os.OpenFile(e.path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", int(size))), off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// A commit makes the readers drop the pages they cached.
	e.key("service")

	_, err = e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	wantCode(t, err, codes.DataLoss)
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	if got := e.metric(`trithuc_database_state{state="corrupt"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="corrupt"} = %q, want 1`, got)
	}
	in := anh()
	in.NationalId = "091185000999"
	_, err = e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in})
	wantCode(t, err, codes.Unavailable)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "restore it from a backup") {
		t.Errorf("a refused write says %q; it should say what an operator must do", msg)
	}
	if !strings.Contains(e.logs.String(), "trithuc restore --db "+e.path) {
		t.Errorf("the log does not tell the operator how to restore:\n%s", e.logs.String())
	}
	if code, _ := e.rest("GET", "/healthz", nil); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz: HTTP %d, want 503", code)
	}
}

// mountTmpfs mounts a small tmpfs at a new directory, or skips the test
// where this process may not mount (it needs root or CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v): this test needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file until the disk holding dir is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// A full disk: writes say so (UNAVAILABLE, not INTERNAL) and health and
// metrics too; reads go on until the audit events that cannot be stored
// fill their bounded buffer, and then are refused at once rather than
// served unrecorded or left waiting; once space is freed all resume.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	// Room for a filler of more than the 1 MiB that health waits to see
	// freed (store/health_space.go).
	dir := mountTmpfs(t, "8m")
	e := newEnvAt(t, filepath.Join(dir, "trithuc.db"))
	filler := fill(t, dir)

	var err error
	for i := 0; i < 200 && err == nil; i++ {
		in := anh()
		in.NationalId = ""
		_, err = e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in})
	}
	wantCode(t, err, codes.Unavailable)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "disk is full") {
		t.Errorf("a write on a full disk says %q", msg)
	}
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	if got := e.metric(`trithuc_database_state{state="disk_full"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="disk_full"} = %q, want 1`, got)
	}
	if got := e.metric("trithuc_database_disk_free_bytes"); got != "0" {
		t.Errorf("trithuc_database_disk_free_bytes = %q on a full disk, want 0", got)
	}
	if !strings.Contains(e.logs.String(), "the disk holding the database file "+e.path+" is full") {
		t.Errorf("the log does not say the disk is full:\n%s", e.logs.String())
	}

	// Reads are served while their events fit in the buffer, then refused.
	const max = 30
	e.srv.audit.mu.Lock()
	e.srv.audit.max = max
	e.srv.audit.mu.Unlock()
	refused := -1
	for i := 0; i < 3*max && refused < 0; i++ {
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		_, err := e.client.People.ListPeople(cctx, &pb.ListPeopleRequest{})
		cancel()
		switch status.Code(err) {
		case codes.OK:
		case codes.Unavailable:
			refused = i
			if msg := status.Convert(err).Message(); !strings.Contains(msg, "audit trail") {
				t.Errorf("a refused read says %q", msg)
			}
		default:
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if refused < 0 || refused > max {
		t.Fatalf("reads that could not be audited were served (refused at %d, buffer %d)", refused, max)
	}
	if _, n := e.srv.audit.state(); n > max {
		t.Errorf("%d audit events wait, over the bound of %d", n, max)
	}
	if got := e.metric("trithuc_audit_refused_calls_total"); got == "" || got == "0" {
		t.Errorf("trithuc_audit_refused_calls_total = %q", got)
	}

	// Space again: the events are stored, and calls served.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)
	if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
}
