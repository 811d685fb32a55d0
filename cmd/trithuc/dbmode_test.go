package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveUntilServing runs serve on db until it logs that it serves, and
// returns its log.
func serveUntilServing(t *testing.T, db string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, &out, &errOut)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve exited with %v", err)
		}
	}()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(errOut.String(), "msg=serving"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", errOut.String())
		}
	}
	return errOut.String()
}

// A database an older release made 0644 is named at start, with the
// chmod that fixes it; one readable by its owner only is not.
func TestServeWarnsOfDatabaseReadableByOthers(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	makeDatabase(t, db, "An")
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	log := serveUntilServing(t, db)
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "the database file "+db+" is readable by other users") || !strings.Contains(log, "chmod 600 "+db) {
		t.Errorf("serve on a 0644 database does not warn with the chmod:\n%s", log)
	}

	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if log := serveUntilServing(t, db); strings.Contains(log, "readable by other users") {
		t.Errorf("serve on a 0600 database warns:\n%s", log)
	}
}
