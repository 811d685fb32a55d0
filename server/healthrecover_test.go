package server

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A full disk found by a write that no call waits on (a key's use, a
// retention pass) leaves nothing to retry: once space is freed, health
// must say SERVING without any call, for a load balancer or a readiness
// probe sends none to a server that says NOT_SERVING. While the disk is
// still full it must not.
func TestDiskFullRecoversWithoutCalls(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "8m")
	e := newEnvAt(t, filepath.Join(dir, "trithuc.db"))
	filler := fill(t, dir)
	var err error
	for i := 0; i < 500 && err == nil; i++ {
		_, _, err = e.srv.db.CreateKey(ctx, strings.Repeat("a long name that takes room ", 30), "admin", time.Time{})
	}
	if h, _ := e.srv.db.Health(); err == nil || h.State != store.DiskFull {
		t.Fatalf("writes on a full disk: %v, state %v", err, h.State)
	}
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	if _, n := e.srv.audit.state(); n != 0 {
		t.Fatalf("%d audit events wait; the test wants nothing to retry", n)
	}

	time.Sleep(fileCheckEvery + fileCheckEvery/2)
	if got := e.srv.servingStatus(); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health says %v while the disk is still full", got)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)
	if !strings.Contains(e.logs.String(), "database: writes succeed again") {
		t.Errorf("the log does not say writes succeed again:\n%s", e.logs.String())
	}
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
}

// While audit events cannot be stored, the flush fails each second; the
// log says so once a minute, with the count, not each second.
func TestAuditRetryLoggedOncePerMinute(t *testing.T) {
	e := newEnv(t)
	// The file moved away: writes, the audit's too, are refused.
	if err := os.Rename(e.path, e.path+".away"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.db.CheckFile(); err == nil {
		t.Fatal("writes are not refused with the file moved away")
	}
	// A call's event, queued as the chain queues it.
	if !e.srv.audit.reserve() {
		t.Fatal("no room in the audit buffer")
	}
	e.srv.audit.add(&store.AuditEvent{ID: "retry", Time: time.Now(), Principal: "key:test", Role: RoleAdmin,
		Method: "/trithuc.v1.PersonService/CreatePerson", Code: "OK", RequestID: "retry", Transport: "grpc"})
	e.srv.audit.unreserve()
	time.Sleep(4*auditFlushInterval + auditFlushInterval/2)
	if n := strings.Count(e.logs.String(), "audit: storing events; will retry"); n != 1 {
		t.Errorf("the failing flush was logged %d times in 4 s, want once:\n%s", n, e.logs.String())
	}
	if err := os.Rename(e.path+".away", e.path); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the events stored again", func() error {
		if _, n := e.srv.audit.state(); n != 0 {
			return fmt.Errorf("%d events wait", n)
		}
		return nil
	})
	if !strings.Contains(e.logs.String(), "audit: events are stored again") {
		t.Errorf("the log does not say the events are stored again:\n%s", e.logs.String())
	}
}

// A write that fits in the log's pages already on disk commits on a full
// disk (SQLite writes the log over from its start once a checkpoint has
// copied it all); health must not turn SERVING on it, only for the next
// larger write to find the disk full again. It turns SERVING once space
// is freed.
func TestDiskFullStaysNotServingWhileSmallWritesCommit(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "8m")
	e := newEnvAt(t, filepath.Join(dir, "trithuc.db"))
	if _, _, err := e.srv.db.CreateKey(ctx, "before", "admin", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// The log copied, so that the next write starts it again from the
	// beginning of its file: what the checkpointer does within a second
	// of a commit, done here at once so that nothing rests on its pace.
	copyLog(t, filepath.Join(dir, "trithuc.db"))
	filler := fill(t, dir)
	big := strings.Repeat("a name larger than the disk ", 8<<20/28)
	if _, _, err := e.srv.db.CreateKey(ctx, big, "admin", time.Time{}); err == nil {
		t.Fatal("a write larger than the disk committed")
	}
	if h, _ := e.srv.db.Health(); h.State != store.DiskFull {
		t.Fatalf("state %v after a write larger than the disk, want disk_full", h.State)
	}
	committed := 0
	for i := 0; i < 20 && committed < 3; i++ {
		if _, _, err := e.srv.db.CreateKey(ctx, "k", "admin", time.Time{}); err != nil {
			time.Sleep(300 * time.Millisecond)
			continue
		}
		committed++
		if h, _ := e.srv.db.Health(); h.State != store.DiskFull {
			t.Fatalf("a small write committed on the still full disk and the state became %v", h.State)
		}
	}
	if committed == 0 {
		t.Fatal("no small write committed on the full disk: the test shows nothing")
	}
	if got := e.srv.servingStatus(); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health says %v while the disk is still full", got)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)
	if _, _, err := e.srv.db.CreateKey(ctx, strings.Repeat("a long name that takes room ", 30), "admin", time.Time{}); err != nil {
		t.Fatal(err)
	}
}

// copyLog copies the whole log into the database file (a PASSIVE
// checkpoint on a connection of its own, again while another is under way).
func copyLog(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var busy, log, done int
		if err := conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 && log == done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log is not copied: busy %d, %d frames, %d copied", busy, log, done)
		}
	}
}
