package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"trithuc.gov.vn/trithuc/store"
)

// serveLogged runs `trithuc serve` as a child process on grpcAddr, as
// serveChild does, keeping its log; extra are more flags.
func serveLogged(t *testing.T, dbPath, grpcAddr string, extra ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join(append([]string{"serve", "--db", dbPath,
		"--grpc-addr", grpcAddr, "--http-addr", "127.0.0.1:0"}, extra...), "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	log := new(syncBuffer)
	serving := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		said := false
		for lines.Scan() {
			log.Write([]byte(lines.Text() + "\n"))
			if !said && strings.Contains(lines.Text(), "msg=serving") {
				said = true
				serving <- true
			}
		}
		if !said {
			serving <- false
		}
	}()
	if !<-serving {
		t.Fatalf("the server did not start:\n%s", log.String())
	}
	return cmd, log
}

// SIGTERM to the server process while an import runs (systemctl stop, a
// container stopped): the server cancels the import and exits 0 within its
// shutdown timeout, logging that it stopped; the command says the server
// stopped the import and nothing was imported; and the next start is
// clean (no warning of its own) and says the import was stopped.
func TestSIGTERMDuringImport(t *testing.T) {
	dir := t.TempDir()
	dbPath, key := adminDatabase(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	file := longImportFile(t, dir, 20000)
	c := []string{"--server", addr, "--token", key}

	srv, log := serveLogged(t, dbPath, addr)
	imp := startImportCommand(append([]string{file}, c...)...)
	imp.waitFor(t, `[1-9]\d*/20000 rows`)
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Errorf("the server exited with %v after SIGTERM, want 0:\n%s", err, log.String())
	}
	err = imp.wait(t)
	if err == nil || !strings.Contains(err.Error(), "stopped by the server") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("the import command ended with %v, want that the server stopped it and nothing was imported\n%s", err, imp.errOut.String())
	}
	op := regexp.MustCompile(`operations/[a-z0-9]+`).FindString(imp.errOut.String() + imp.out.String() + errString(err))
	// The operator reads in the log which import the stop cut, and that
	// it must be run again.
	for _, want := range []string{`msg="shutting down"`, "the shutdown stopped an import: nothing of it was imported", "operation=" + op, "msg=stopped"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the server's log lacks %s:\n%s", want, log.String())
		}
	}

	_, log = serveLogged(t, dbPath, addr)
	if strings.Contains(log.String(), "level=WARN") || strings.Contains(log.String(), "level=ERROR") {
		// Not the crash's warning: the shutdown ended the import itself.
		t.Errorf("the start after SIGTERM is not clean:\n%s", log.String())
	}
	if op != "" {
		if out, err := cli(t, append([]string{"import", "status", op}, c...)...); err == nil || !strings.Contains(err.Error(), "stopped by the server") {
			t.Errorf("import status %s after the restart: %v\n%s", op, err, out)
		}
	} else {
		t.Errorf("the import command named no operation:\n%s", imp.errOut.String())
	}
	db, err := store.OpenWith(context.Background(), dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountPeople(context.Background(), false); err != nil || n != 0 {
		t.Errorf("%d people after the import SIGTERM stopped (%v), want none", n, err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A server killed while an import runs (kill -9, the OOM killer): the
// next start names in its log the import it ends ABORTED, for the
// operator to run again.
func TestRestartAfterKillNamesCutImport(t *testing.T) {
	dir := t.TempDir()
	dbPath, key := adminDatabase(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	file := longImportFile(t, dir, 20000)
	srv, _ := serveLogged(t, dbPath, addr)
	imp := startImportCommand(file, "--server", addr, "--token", key, "--timeout", "2s")
	imp.waitFor(t, `[1-9]\d*/20000 rows`)
	kill(t, srv)
	err = imp.wait(t)
	op := regexp.MustCompile(`operations/[a-z0-9]+`).FindString(errString(err))
	if op == "" {
		t.Fatalf("the import command named no operation: %v", err)
	}
	_, log := serveLogged(t, dbPath, addr)
	for _, want := range []string{"left running (it was killed or crashed) are ended ABORTED", "operations=" + op} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the start after kill -9 does not say %q:\n%s", want, log.String())
		}
	}
}
