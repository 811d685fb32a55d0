package main

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

// `changes watch` prints each change as it commits, one JSON object a
// line; when the server goes away it says so on stderr and watches again
// from the last cursor once the server is back, printing nothing twice;
// Ctrl-C (its context ending) stops it cleanly, naming the cursor to go on
// from. An error that would come again ends it.
func TestChangesWatch(t *testing.T) {
	defer func(old struct{ first, most time.Duration }) { watchRetry = old }(watchRetry)
	watchRetry.first, watchRetry.most = 100*time.Millisecond, time.Second

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	grpcAddr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir, "--grpc-addr", grpcAddr)
	c := []string{"--server", addr, "--token", token}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"changes", "watch", "--filter", "resource_type = PERSON"}, c...), &out, &errOut)
	}()
	waitFor := func(what string, buf *syncBuffer, s string) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !strings.Contains(buf.String(), s); time.Sleep(20 * time.Millisecond) {
			select {
			case err := <-done:
				t.Fatalf("watch ended (%v) before %s:\n%s\n%s", err, what, out.String(), errOut.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s:\n%s\n%s", what, out.String(), errOut.String())
			}
		}
	}
	create := func(id string) {
		t.Helper()
		if out, err := cli(t, append([]string{"people", "create", "--family-name", "Lò", "--given-name", "Văn Pọm",
			"--gender", "male", "--birth-date", "1979", "--person-id", id}, c...)...); err != nil {
			t.Fatalf("create %s: %v\n%s", id, err, out)
		}
	}
	waitFor("start", &errOut, "Watching from the newest change, cursor ")
	create("watch-a")
	waitFor("first change", &out, `"people/watch-a"`)

	stop()
	waitFor("word of the break", &errOut, "The watch broke")
	_, _, stop = serveDemo(t, dir, "--grpc-addr", grpcAddr)
	defer func() { stop() }()
	create("watch-b")
	waitFor("change after the break", &out, `"people/watch-b"`)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("watch ended with %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "Stopped. To go on from here: --cursor ") {
		t.Errorf("no cursor to go on from:\n%s", errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	seen := map[string]int{}
	for _, line := range lines {
		var ch struct{ Name, Resource, Kind, ResourceType string }
		if err := json.Unmarshal([]byte(line), &ch); err != nil || !strings.HasPrefix(ch.Name, "changes/") {
			t.Fatalf("a line that is not a change (%v): %q", err, line)
		}
		seen[ch.Resource+" "+ch.Kind]++
	}
	if seen["people/watch-a CREATED"] != 1 || seen["people/watch-b CREATED"] != 1 {
		t.Errorf("each creation once, got %v:\n%s", seen, out.String())
	}

	// Mistakes end it at once, naming what is wrong.
	for _, bad := range [][]string{
		{"--filter", "colour = 1"},
		{"--cursor", "not-a-cursor"},
		{"--timeout", "5s"},
	} {
		_, errOut, err := cliApart(t, append(append([]string{"changes", "watch"}, bad...), c...)...)
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("changes watch %q: %v\n%s", bad, err, errOut)
		}
	}
}
