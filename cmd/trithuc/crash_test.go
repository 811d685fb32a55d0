package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestMain lets a test run this binary's main as a child process: with
// TRITHUC_TEST_MAIN set, the test binary is trithuc.
func TestMain(m *testing.M) {
	if args := os.Getenv("TRITHUC_TEST_MAIN"); args != "" {
		os.Args = append([]string{"trithuc"}, strings.Split(args, "\x1f")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// An acknowledged write survives kill -9 of the server: every create that
// returned OK before the kill is in the database after it.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	dbPath, key := adminDatabase(t, dir)
	ctx := context.Background()

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"serve", "--db", dbPath,
		"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rate-limit", "0"}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addrRE := regexp.MustCompile(`msg=serving .*grpc=(\S+)`)
	lines := bufio.NewScanner(stderr)
	var addr string
	for lines.Scan() {
		if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		t.Fatal("the server did not say where it listens")
	}
	go func() {
		for lines.Scan() {
		}
	}()

	c, err := client.Dial(addr, client.Options{Token: key, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p, err := c.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{
					FamilyName: "Nguyễn", GivenName: fmt.Sprintf("Ánh %d-%d", w, i)}})
				if err != nil {
					return
				}
				mu.Lock()
				acked = append(acked, p.Name)
				mu.Unlock()
			}
		}()
	}
	// Let writes flow, then kill the server mid-stream.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()

	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("reopening after kill -9: %v", err)
	}
	defer db.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	for _, name := range acked {
		if _, err := db.GetPerson(ctx, name, 0); err != nil {
			t.Errorf("acknowledged %s is lost: %v", name, err)
		}
	}
	t.Logf("%d acknowledged creates, all kept", len(acked))
}

// adminDatabase makes a database t.db in dir with an admin key, closed
// again, for a server started as a child process: its path and the key.
func adminDatabase(t *testing.T, dir string) (path, key string) {
	t.Helper()
	path = filepath.Join(dir, "t.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err = db.CreateKey(context.Background(), "test", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path, key
}
