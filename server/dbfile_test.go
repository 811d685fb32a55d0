package server

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The database file under a running server: deleted, moved away or
// replaced, and locked by another process.

// A database file deleted under the server: writes, which would be
// acknowledged and then lost, are refused; health is NOT_SERVING, the
// metrics say missing, and the log says so once. Another file at the
// path is "replaced".
func TestDatabaseFileDeleted(t *testing.T) {
	ctx := context.Background()
	e := newEnvAt(t, filepath.Join(t.TempDir(), "del.db"))
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(e.path + suffix); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		in := anh()
		in.NationalId = ""
		_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in})
		wantCode(t, err, codes.Unavailable)
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "deleted or replaced") {
			t.Errorf("a write to a deleted database says %q", msg)
		}
	}
	code, _ := e.rest(http.MethodPost, "/v1/people", map[string]any{"givenName": "Bình"})
	if code != http.StatusServiceUnavailable {
		t.Errorf("REST create on a deleted database: %d, want 503", code)
	}
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	if got := e.metric(`trithuc_database_state{state="missing"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="missing"} = %q, want 1`, got)
	}
	if got := e.metric(`trithuc_database_state{state="ok"}`); got != "0" {
		t.Errorf(`trithuc_database_state{state="ok"} = %q, want 0`, got)
	}
	want := "level=ERROR msg=\"database: the database file " + e.path + " has been deleted or moved away"
	if n := strings.Count(e.logs.String(), want); n != 1 {
		t.Errorf("the log says the file is gone %d times, want once:\n%s", n, e.logs.String())
	}

	// Another file at the path: the server's writes would still go to
	// the deleted one.
	if err := os.WriteFile(e.path, []byte("another file"), 0o600); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); e.metric(`trithuc_database_state{state="replaced"}`) != "1"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the metrics do not say replaced:\n%s", e.logs.String())
		}
	}
	_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	wantCode(t, err, codes.Unavailable)
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
}

// A database file moved away and back: writes stop while it is away, and
// resume, with health SERVING, once the path names it again.
func TestDatabaseFileMovedBack(t *testing.T) {
	ctx := context.Background()
	e := newEnvAt(t, filepath.Join(t.TempDir(), "moved.db"))
	away := e.path + ".away"
	if err := os.Rename(e.path, away); err != nil {
		t.Fatal(err)
	}
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	wantCode(t, err, codes.Unavailable)
	if err := os.Rename(away, e.path); err != nil {
		t.Fatal(err)
	}
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	if got := e.metric(`trithuc_database_state{state="ok"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="ok"} = %q, want 1`, got)
	}
}

// A database whose write lock another process holds: a write waits out
// busy_timeout and fails UNAVAILABLE saying why; the metrics say locked
// and the log names the file, while health stays SERVING and reads are
// served (WAL). The first write after the lock is let go clears it.
func TestDatabaseLockedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	e := newEnvAt(t, filepath.Join(t.TempDir(), "lock.db"))
	// The key's use is noted now, not in a write queued behind the lock.
	if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite3", "file:"+e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	_, err = e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	wantCode(t, err, codes.Unavailable)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "write lock") {
		t.Errorf("a write to a locked database says %q", msg)
	}
	if got := e.metric(`trithuc_database_state{state="locked"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="locked"} = %q, want 1`, got)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if strings.Contains(e.logs.String(), "level=WARN msg=\"database: another process holds the database's write lock: "+e.path) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log does not say the database is locked:\n%s", e.logs.String())
		}
	}
	e.waitHealth(healthpb.HealthCheckResponse_SERVING)
	if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		t.Fatalf("a read of a locked database: %v", err)
	}

	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	if got := e.metric(`trithuc_database_state{state="ok"}`); got != "1" {
		t.Errorf(`trithuc_database_state{state="ok"} = %q, want 1`, got)
	}
}
