package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveDemo runs `trithuc serve --demo` on free ports, as the README says,
// and returns its gRPC address and demo key.
func serveDemo(t *testing.T, dir string, extra ...string) (addr, token string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--demo", "--demo-people", "40", "--db", filepath.Join(dir, "t.db"),
			"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, extra...), &out, &errOut)
	}()
	deadline := time.Now().Add(60 * time.Second)
	re := regexp.MustCompile(`TRITHUC_TOKEN=(\S+)[\s\S]*?-d '\{"page_size": 3\}' (\S+) `)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			token, addr = m[1], m[2]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no demo output:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, token, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve exited with %v", err)
		}
		if !strings.Contains(errOut.String(), "stopped") {
			t.Errorf("serve did not log a clean stop:\n%s", errOut.String())
		}
	}
}

func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, errOut, err := cliApart(t, args...)
	return out + errOut, err
}

// cliApart is cli with stdout and stderr apart.
func cliApart(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestDemoAndPeopleCommands(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token}

	out, err := cli(t, append([]string{"people", "list", "--page-size", "5", "--output", "table"}, c...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if lines := strings.Count(out, "people/"); lines != 5 {
		t.Errorf("table lists %d people, want 5:\n%s", lines, out)
	}

	out, err = cli(t, append([]string{"people", "create", "--family-name", "Thạch", "--given-name", "Sa Rươl",
		"--gender", "male", "--birth-date", "1988-09", "--person-id", "thach-sa-ruol"}, c...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(out), &p); err != nil || p["display_name"] != "Thạch Sa Rươl" {
		t.Fatalf("create printed %s (%v)", out, err)
	}

	// Flags may follow the name; update sends only the flags given.
	out, err = cli(t, append([]string{"people", "update", "thach-sa-ruol", "--email", "sa.ruol@example.vn"}, c...)...)
	if err != nil || !strings.Contains(out, `"email": "sa.ruol@example.vn"`) || !strings.Contains(out, `"given_name": "Sa Rươl"`) {
		t.Fatalf("update: %v\n%s", err, out)
	}
	out, err = cli(t, append([]string{"people", "get", "people/thach-sa-ruol", "--view", "full"}, c...)...)
	if err != nil || !strings.Contains(out, "sa.ruol@example.vn") {
		t.Fatalf("get: %v\n%s", err, out)
	}
	if out, err := cli(t, append([]string{"people", "delete", "thach-sa-ruol"}, c...)...); err != nil {
		t.Fatalf("delete: %v\n%s", err, out)
	}
	_, err = cli(t, append([]string{"people", "delete", "thach-sa-ruol"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("second delete: %v", err)
	}
	if out, err := cli(t, append([]string{"people", "undelete", "thach-sa-ruol"}, c...)...); err != nil {
		t.Fatalf("undelete: %v\n%s", err, out)
	}

	out, err = cli(t, append([]string{"people", "list", "--all", "--page-size", "7"}, c...)...)
	if err != nil {
		t.Fatal(err)
	}
	var all struct{ People []map[string]any }
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.People) != 41 {
		t.Errorf("--all listed %d people, want 41", len(all.People))
	}

	_, err = cli(t, append([]string{"people", "create", "--given-name", "X", "--national-id", "12"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "INVALID_ARGUMENT") || !strings.Contains(err.Error(), "national_id") {
		t.Errorf("bad national ID: %v", err)
	}
	_, err = cli(t, append([]string{"people", "create", "--gender", "sideways"}, c...)...)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("a bad enum value: %v, want a usage error", err)
	}
	_, err = cli(t, "people", "list", "--server", addr, "--token", "tt_bad_key")
	if err == nil || !strings.Contains(err.Error(), "UNAUTHENTICATED") {
		t.Errorf("a bad key: %v", err)
	}
	// TLS to a plaintext server says the server does not serve TLS.
	for _, args := range [][]string{{"people", "list", "--tls"}, {"health", "--tls"}} {
		_, err = cli(t, append(args, "--server", addr, "--token", token, "--timeout", "5s")...)
		if err == nil || !strings.Contains(err.Error(), "the server does not serve TLS: connect without --tls") {
			t.Errorf("trithuc %s to a plaintext server: %v", strings.Join(args, " "), err)
		}
	}
	// A server without a port is refused, not dialled on port 443.
	for _, server := range []string{"localhost", "127.0.0.1", "localhost:"} {
		_, err = cli(t, "health", "--server", server)
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "want HOST:PORT") {
			t.Errorf("health --server %s: %v, want a usage error asking for HOST:PORT", server, err)
		}
	}
	// A timeout that would end every call before it starts is refused.
	for _, timeout := range []string{"0s", "-1s"} {
		_, err = cli(t, append([]string{"people", "list", "--timeout", timeout}, c...)...)
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--timeout must be positive") {
			t.Errorf("--timeout %s: %v, want a usage error", timeout, err)
		}
	}
	// A gRPC target with a scheme is gRPC's to read, and is dialled.
	for _, server := range []string{"dns:///" + addr, "passthrough:///" + addr} {
		if out, err := cli(t, "health", "--server", server); err != nil || !strings.Contains(out, "SERVING") {
			t.Errorf("health --server %s: %v\n%s", server, err, out)
		}
	}
}

func TestKeysCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	// A mistyped --db is a mistake, not a new database.
	_, err := cli(t, "keys", "create", "--db", db, "--role", "home_affairs", "--name", "Sở Nội vụ")
	var missing usageError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "--create") {
		t.Errorf("keys create on a missing database: %v, want a usage error pointing at --create", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("keys create made %s without --create (%v)", db, err)
	}
	out, err := cli(t, "keys", "create", "--create", "--db", db, "--role", "home_affairs", "--name", "Sở Nội vụ")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "tt_") {
		t.Fatalf("the last line is %q, want the key", key)
	}
	id := strings.Split(key, "_")[1]
	out, err = cli(t, "keys", "list", "--db", db)
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "home_affairs") || strings.Contains(out, key) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	// A key pasted whole, not its id, is told how keys are named.
	if _, err := cli(t, "keys", "revoke", "--db", db, key); err == nil || !strings.Contains(err.Error(), "give an ID of trithuc keys list (the key tt_ID_... has the id ID)") {
		t.Errorf("revoking by the whole key: %v", err)
	}
	if _, err := cli(t, "keys", "revoke", "--db", db, id); err != nil {
		t.Fatal(err)
	}
	if out, _ := cli(t, "keys", "list", "--db", db); !strings.Contains(out, "revoked") {
		t.Errorf("list after revoke:\n%s", out)
	}
	for _, args := range [][]string{
		{"keys", "create", "--db", db, "--role", "king", "--name", "x"},
		{"keys", "create", "--db", db, "--role", "admin"},
		{"keys", "revoke", "--db", db},
		{"keys", "shred"},
		{"nonsense"},
		{},
	} {
		_, err := cli(t, args...)
		var ue usageError
		if !errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if _, err := cli(t, "keys", "create", "--create", "--db", db, "--role", "admin", "--name", "a"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := cli(t, "backup", "--db", db, backup); err == nil {
		t.Error("a second backup overwrote the first")
	}
	// A directory, as a cron line may give it, is asked a file name in.
	if _, err := cli(t, "backup", "--db", db, dir); err == nil || !strings.Contains(err.Error(), dir+" is a directory; give the name of a new file in it, e.g. "+filepath.Join(dir, "trithuc-")) {
		t.Errorf("a backup to a directory: %v", err)
	}
	if _, err := cli(t, "restore", "--db", db, backup); err == nil {
		t.Error("restore replaced a database without --force")
	}
	if out, err := cli(t, "restore", "--db", db, "--force", backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, _ := cli(t, "keys", "list", "--db", db); !strings.Contains(out, "admin") {
		t.Errorf("the restored database lost its keys:\n%s", out)
	}
	for _, args := range [][]string{{"backup"}, {"restore", "--db", db}} {
		var ue usageError
		if _, err := cli(t, args...); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// Flags may follow the positional argument in the admin commands as in
// the API's verbs (`trithuc people get abc --view full`).
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "t.db")
	out, err := cli(t, "keys", "create", "--create", "--db", db, "--role", "admin", "--name", "a")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	id := strings.Split(lines[len(lines)-1], "_")[1]
	if out, err := cli(t, "users", "create", "--db", db, "--email", "ten@example.vn", "--name", "Tên", "--role", "admin"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	backup := filepath.Join(dir, "b.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"OKUsersReset", []string{"users", "reset", "ten@example.vn", "--db", db, "--url", "http://console.example"}, "http://console.example/"},
		{"OKUsersDisable", []string{"users", "disable", "ten@example.vn", "--db", db}, "Disabled account ten@example.vn"},
		{"OKKeysRevoke", []string{"keys", "revoke", id, "--db", db}, "Revoked key " + id},
		{"OKBackup", []string{"backup", backup, "--db", db}, "Backed up"},
		{"OKRestore", []string{"restore", backup, "--db", db, "--force"}, "Restored " + db},
		// After --, an argument that starts with a dash is a file name.
		{"OKDashedFile", []string{"backup", "--db", db, "--", "-b.db"}, "to -b.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cli(t, tt.args...)
			if err != nil || !strings.Contains(out, tt.want) {
				t.Errorf("trithuc %s: %v\n%s\nwant %q", strings.Join(tt.args, " "), err, out, tt.want)
			}
		})
	}
}

// generated makes t.db in dir with `trithuc gen` (people people, no
// memberships) and returns its path.
func generated(t *testing.T, dir string, people int) string {
	t.Helper()
	db := filepath.Join(dir, "t.db")
	if out, err := cli(t, "gen", "--db", db, "--people", strconv.Itoa(people), "--memberships=false"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return db
}
