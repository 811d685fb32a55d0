package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveLog runs serve with args until it logs that it serves, stops it,
// and returns its log.
func serveLog(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, args...), &out, &errOut)
	}()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(errOut.String(), "msg=serving"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", errOut.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve exited with %v\n%s", err, errOut.String())
	}
	return errOut.String()
}

// serve warns when it makes a new database, so that a wrong --db after a
// restart is noticed; not when it opens one that exists.
func TestServeWarnsOfNewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	want := `level=WARN msg="no database at ` + path + `: created a new, empty one"`
	if log := serveLog(t, "--db", path); !strings.Contains(log, want) {
		t.Errorf("the log does not warn of the new database:\n%s", log)
	}
	if log := serveLog(t, "--db", path); strings.Contains(log, "no database at") {
		t.Errorf("the log warns of a new database at the second start:\n%s", log)
	}
}
