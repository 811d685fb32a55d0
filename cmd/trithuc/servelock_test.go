package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// A second serve of a database is refused even where the abstract socket
// of the first cannot be seen: from another network namespace (a
// container beside the host's unit, on the same file system), by the lock
// on the file beside the database. Its refusal names the lock file and
// who holds it; once the first stops, the database serves again.
func TestServeRefusedFromAnotherNetworkNamespace(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("network namespaces are Linux's")
	}
	dir := t.TempDir()
	db, _ := adminDatabase(t, dir)
	first := serveChild(t, db, "127.0.0.1:0")

	second := exec.Command(os.Args[0])
	second.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	second.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"serve", "--db", db,
		"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, "\x1f"))
	stderr, err := second.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(); errors.Is(err, syscall.EPERM) {
		t.Skipf("cannot make a network namespace (%v): this test needs root or CAP_SYS_ADMIN", err)
	} else if err != nil {
		t.Fatal(err)
	}
	defer second.Process.Kill()
	var out strings.Builder
	for lines := bufio.NewScanner(stderr); lines.Scan(); {
		fmt.Fprintln(&out, lines.Text())
		if strings.Contains(lines.Text(), "msg=serving") {
			t.Fatalf("a second serve in another network namespace served:\n%s", out.String())
		}
	}
	if err := second.Wait(); err == nil {
		t.Errorf("a second serve in another network namespace exited 0:\n%s", out.String())
	}
	for _, want := range []string{db + " is in use: trithuc serve, pid " + fmt.Sprint(first.Process.Pid), "holds " + db + ".lock"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the second serve said %q, want it to say %q", out.String(), want)
		}
	}

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	if log := serveLog(t, "--db", db); !strings.Contains(log, "msg=serving") {
		t.Errorf("the database did not serve again once the first stopped:\n%s", log)
	}
}

// A restore onto a database a server serves is refused before it reads the
// backup, naming the server's process, and leaves the database as it was;
// with the server stopped it restores.
func TestRestoreOntoARunningServer(t *testing.T) {
	dir := t.TempDir()
	db, _ := adminDatabase(t, dir)
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	srv := serveChild(t, db, "127.0.0.1:0")
	_, err := cli(t, "restore", "--db", db, "--force", backup)
	if want := db + " is in use: trithuc serve, pid " + fmt.Sprint(srv.Process.Pid); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("restore onto a running server: %v, want %q", err, want)
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	if out, err := cli(t, "restore", "--db", db, "--force", backup); err != nil {
		t.Errorf("restore with the server stopped: %v\n%s", err, out)
	}
}

// The lock file a restore run as root makes belongs to the database's
// owner, so that the server's own user can open it and take it.
func TestLockFileOfRootBelongsToDatabaseOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give files away")
	}
	dir := t.TempDir()
	db, _ := adminDatabase(t, dir)
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	const nobody = 65534
	if err := os.Chown(db, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if out, err := cli(t, "restore", "--db", db, "--force", backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	fi, err := os.Stat(db + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobody || st.Gid != nobody {
		t.Errorf("the lock file a root restore made belongs to %d:%d, want the database's owner %d:%d", st.Uid, st.Gid, nobody, nobody)
	}
}

// A restore to a new path that another command holds is refused and leaves
// that command's lock file in place: a refused restore removes only the
// lock file it made itself (TestRestoreDamagedBackup).
func TestRestoreRefusedKeepsAnothersLock(t *testing.T) {
	dir := t.TempDir()
	db, _ := adminDatabase(t, dir)
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	target := filepath.Join(dir, "new.db")
	held, err := lockServing(target, "trithuc serve")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := cli(t, "restore", "--db", target, "--force", backup); err == nil || !strings.Contains(err.Error(), "is in use") {
		t.Fatalf("restore to a path another command holds: %v, want it refused as in use", err)
	}
	if _, err := os.Stat(target + ".lock"); err != nil {
		t.Errorf("the refused restore removed the lock file another command holds: %v", err)
	}
}
