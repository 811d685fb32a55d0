package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// longImportFile writes a CSV file of n new people: an import of it runs
// for seconds, long enough to be cut.
func longImportFile(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Họ;Tên;Số CCCD\n")
	for i := range n {
		fmt.Fprintf(&b, "Nguyễn;An;0010800%05d\n", i)
	}
	path := filepath.Join(dir, "ds.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importRun is `trithuc import people` running in the background.
type importRun struct {
	out, errOut syncBuffer
	done        chan error
}

func startImportCommand(args ...string) *importRun {
	r := &importRun{done: make(chan error, 1)}
	go func() {
		r.done <- run(context.Background(), append([]string{"import", "people"}, args...), &r.out, &r.errOut)
	}()
	return r
}

// waitFor waits until the command's stderr matches re, failing if it ends
// first.
func (r *importRun) waitFor(t *testing.T, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(60 * time.Second)
	for !rx.MatchString(r.errOut.String()) {
		select {
		case err := <-r.done:
			t.Fatalf("the import ended (%v) before its stderr showed %q:\n%s%s", err, re, r.out.String(), r.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("stderr never showed %q:\n%s", re, r.errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *importRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatalf("the import command did not end:\n%s", r.errOut.String())
		return nil
	}
}

// lastLine is the line of stderr a terminal shows last: after the last
// carriage return of the progress line.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// A server told to stop while an import runs cancels it: the command says
// the server stopped it and nothing was imported, exits non-zero, and its
// progress line does not claim the rows it read.
func TestImportStoppedByServer(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	file := longImportFile(t, dir, 20000)
	imp := startImportCommand(file, "--server", addr, "--token", token, "--output", "table", "--report", filepath.Join(dir, "loi.xlsx"))
	imp.waitFor(t, `[1-9]\d*/20000 rows`)
	stop() // as SIGTERM does: serve's context ends
	err := imp.wait(t)
	if err == nil || !strings.Contains(err.Error(), "stopped by the server") || !strings.Contains(err.Error(), "nothing was imported") ||
		!strings.Contains(err.Error(), "run the import again") || strings.Contains(err.Error(), "UNAVAILABLE") {
		t.Errorf("the command ended with %v, want that the server stopped the import and nothing was imported\n%s%s",
			err, imp.out.String(), imp.errOut.String())
	}
	if line := lastLine(imp.errOut.String()); !strings.HasSuffix(line, "nothing imported") {
		t.Errorf("the progress line ends as %q, want it to say nothing was imported", line)
	}
	if strings.Contains(imp.out.String(), "created") || strings.Contains(imp.errOut.String(), "no problem") {
		t.Errorf("a summary for an import that imported nothing:\n%s", imp.out.String())
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountPeople(context.Background(), false); err != nil || n != 40 {
		t.Errorf("%d people after the stopped import (%v), want the demo's 40", n, err)
	}
}

// A server killed while an import runs (kill -9): the command tries it
// again, and a server started again in time says the import was cut and
// nothing was imported. One that stays away is lost: the command says so,
// naming the operation and how to read it later, which then says how the
// import ended.
func TestImportCutByCrash(t *testing.T) {
	dir := t.TempDir()
	dbPath, key := adminDatabase(t, dir)
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	file := longImportFile(t, dir, 20000)
	c := []string{"--server", addr, "--token", key}

	// Restarted in time: the import reads as cut by the crash.
	srv := serveChild(t, dbPath, addr)
	imp := startImportCommand(append([]string{file, "--timeout", "60s"}, c...)...)
	imp.waitFor(t, `[1-9]\d*/20000 rows`)
	kill(t, srv)
	imp.waitFor(t, "lost the server; trying again")
	srv = serveChild(t, dbPath, addr)
	err = imp.wait(t)
	if err == nil || !strings.Contains(err.Error(), "stopped by the server") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("after a crash and a restart the command ended with %v\n%s", err, imp.errOut.String())
	}

	// Not back within --timeout: lost, with the operation to read later.
	imp = startImportCommand(append([]string{file, "--timeout", "2s"}, c...)...)
	imp.waitFor(t, `[1-9]\d*/20000 rows`)
	kill(t, srv)
	err = imp.wait(t)
	op := regexp.MustCompile(`operations/[a-z0-9]+`).FindString(fmt.Sprint(err))
	if err == nil || op == "" || !strings.Contains(err.Error(), "lost the server at "+addr) ||
		!strings.Contains(err.Error(), "trithuc import status "+op) {
		t.Fatalf("with the server gone the command ended with %v\n%s", err, imp.errOut.String())
	}
	serveChild(t, dbPath, addr)
	out, err := cli(t, append([]string{"import", "status", op}, c...)...)
	if err == nil || !strings.Contains(err.Error(), op+": ABORTED: the import was stopped by the server") {
		t.Errorf("import status %s: %v\n%s", op, err, out)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountPeople(ctx, false); err != nil || n != 0 {
		t.Errorf("%d people after the cut imports (%v)", n, err)
	}
}

// serveChild runs `trithuc serve` as a child process on grpcAddr, to be
// killed.
func serveChild(t *testing.T, dbPath, grpcAddr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"serve", "--db", dbPath,
		"--grpc-addr", grpcAddr, "--http-addr", "127.0.0.1:0"}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	lines := bufio.NewScanner(stderr)
	var log strings.Builder
	for lines.Scan() {
		log.WriteString(lines.Text() + "\n")
		if strings.Contains(lines.Text(), "msg=serving") {
			go func() {
				for lines.Scan() {
				}
			}()
			return cmd
		}
	}
	t.Fatalf("the server did not start:\n%s", log.String())
	return nil
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}
