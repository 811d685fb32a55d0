package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A backup stopped midway leaves nothing at the name it was given: killed
// (kill -9, as a crash or a power cut would), its copy is found under a
// name that says it is partial; interrupted (Ctrl-C, SIGTERM), it says
// so and removes its copy. Whatever is found at the backup's name is a
// whole backup, which restore takes; the live database is unharmed.
func TestBackupStoppedMidway(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("signals as Linux has them")
	}
	dir := t.TempDir()
	db := generated(t, dir, 3000)
	for _, tt := range []struct {
		name string
		sig  syscall.Signal
	}{{"Kill", syscall.SIGKILL}, {"Interrupt", syscall.SIGINT}, {"Terminate", syscall.SIGTERM}} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			target := filepath.Join(out, "b.db")
			var stderr strings.Builder
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"backup", "--db", db, target}, "\x1f"))
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Stopped as soon as its first file shows: well before the
			// copy is complete.
			var err error
		wait:
			for {
				select {
				case err = <-done:
					break wait
				default:
				}
				if entries, _ := os.ReadDir(out); len(entries) > 0 {
					cmd.Process.Signal(tt.sig)
					err = <-done
					break
				}
			}
			var exit *exec.ExitError
			if err == nil || !errors.As(err, &exit) {
				t.Skipf("the backup finished before it could be stopped (%v)", err)
			}
			if _, serr := os.Stat(target); serr == nil {
				if rout, rerr := cli(t, "restore", "--db", filepath.Join(t.TempDir(), "r.db"), target); rerr != nil {
					t.Errorf("a backup stopped midway (%s) left at %s a file that restore refuses: %v\n%s", tt.sig, target, rerr, rout)
				}
			}
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				if tt.sig == syscall.SIGKILL && !strings.Contains(e.Name(), ".partial-") {
					t.Errorf("a backup killed midway left %s, whose name does not say it is partial", e.Name())
				}
				if tt.sig != syscall.SIGKILL {
					t.Errorf("a backup interrupted midway (%s) left %s behind", tt.sig, e.Name())
				}
			}
			if tt.sig != syscall.SIGKILL {
				for _, want := range []string{"stopped before the copy was complete", "nothing was written to " + target} {
					if !strings.Contains(stderr.String(), want) {
						t.Errorf("a backup interrupted midway (%s) said %q, want it to say %q", tt.sig, stderr.String(), want)
					}
				}
			}
			// The next backup to the same name is not in the way of the
			// one stopped, and the live database is whole.
			if out, err := cli(t, "backup", "--db", db, target); err != nil {
				t.Fatalf("the backup after one stopped midway: %v\n%s", err, out)
			}
			if out, err := cli(t, "restore", "--db", filepath.Join(t.TempDir(), "r.db"), target); err != nil {
				t.Errorf("restoring the backup after one stopped midway: %v\n%s", err, out)
			}
		})
	}
}

// The copy a restore killed midway left beside the database is not in
// the way of the next restore, which removes it and says so.
func TestRestoreAfterOneCutShort(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	makeDatabase(t, db, "Ánh")
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, suffix := range []string{".restoring", ".restoring-wal"} {
		if err := os.WriteFile(db+suffix, []byte("half a copy"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := cli(t, "restore", "--db", db, "--force", backup)
	if err != nil {
		t.Fatalf("a restore after one cut short: %v\n%s", err, out)
	}
	if want := "removed " + db + ".restoring, the copy of a restore that was cut short"; !strings.Contains(out, want) {
		t.Errorf("the restore said %q, want it to say %q", out, want)
	}
	for _, suffix := range []string{".restoring", ".restoring-wal"} {
		if _, err := os.Stat(db + suffix); err == nil {
			t.Errorf("%s is left", db+suffix)
		}
	}
	if got := givenNames(t, db); len(got) != 1 || got[0] != "Ánh" {
		t.Errorf("the restored database holds %q, want [Ánh]", got)
	}
}

// A backup of a serving database that fails midway (past the file size
// limit) or is killed leaves the server serving reads and writes.
func TestServerServesThroughFailedBackups(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -f as Linux has it")
	}
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	db := filepath.Join(dir, "t.db")
	c := []string{"--server", addr, "--token", token}
	target := filepath.Join(t.TempDir(), "b.db")
	limited := exec.Command("/bin/sh", "-c", `ulimit -f 64 && exec "$0"`, os.Args[0])
	limited.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"backup", "--db", db, target}, "\x1f"))
	if out, err := limited.CombinedOutput(); err == nil {
		t.Fatalf("a backup past the file size limit succeeded:\n%s", out)
	}
	killed := exec.Command(os.Args[0])
	killed.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"backup", "--db", db, target}, "\x1f"))
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- killed.Wait() }()
	// Killed as soon as its copy shows, or let end.
	for entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) == 0 && len(done) == 0; entries, _ = os.ReadDir(filepath.Dir(target)) {
	}
	killed.Process.Kill()
	<-done
	if out, err := cli(t, append([]string{"people", "create", "--family-name", "Lò", "--given-name", "Văn Pọm"}, c...)...); err != nil {
		t.Fatalf("a write after the failed backups: %v\n%s", err, out)
	}
	if out, err := cli(t, append([]string{"people", "list", "--filter", `given_name = "Văn Pọm"`}, c...)...); err != nil || !strings.Contains(out, "Pọm") {
		t.Errorf("a read after the failed backups: %v\n%s", err, out)
	}
}

// The copy a backup killed midway left (kill -9: nothing of it runs to
// clean up) is removed by the next backup into its directory, whatever
// name that one is given, which says so; the copy of a backup still
// running (here stopped with SIGSTOP while it writes, holding its lock)
// is left to it, and that backup completes.
func TestBackupRemovesCopiesCutShort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("signals and flock as Linux has them")
	}
	db := generated(t, t.TempDir(), 3000)
	out := t.TempDir()
	// start runs a backup to name in out and waits for its copy to show.
	start := func(name string) (cmd *exec.Cmd, done chan error, partial string) {
		t.Helper()
		cmd = exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"backup", "--db", db, filepath.Join(out, name)}, "\x1f"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done = make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		for partial == "" && len(done) == 0 {
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				// The copy itself, not its journal, which comes and goes;
				// once the backup holds its lock: between making the file
				// and locking it, the copy is one no backup writes yet,
				// which the next backup may remove (and the first then
				// makes again).
				if p := filepath.Join(out, e.Name()); strings.HasPrefix(e.Name(), name+".partial-") &&
					!strings.Contains(e.Name(), "-journal") && flockedBy(p, cmd.Process.Pid) {
					partial = p
				}
			}
		}
		return cmd, done, partial
	}
	// The running one first: a backup begins by removing the copies no
	// one writes, and that one's is written.
	running, done, live := start("tuesday.db")
	running.Process.Signal(syscall.SIGSTOP)
	defer running.Process.Kill()
	// The backup may finish (its copy renamed) between the copy showing
	// and the signal, before Wait has said so: only a copy still there
	// once the process is stopped is a running backup's.
	stopped(t, running.Process.Pid)
	if _, err := os.Stat(live); len(done) > 0 || live == "" || err != nil {
		t.Skip("the backup finished before it could be stopped")
	}
	killed, killedDone, dead := start("monday.db")
	killed.Process.Kill()
	if err := <-killedDone; err == nil || dead == "" {
		t.Skipf("the backup finished before it could be killed (%v)", err)
	}
	if _, err := os.Stat(dead); err != nil {
		t.Fatalf("the killed backup left no copy: %v", err)
	}

	got, err := cli(t, "backup", "--db", db, filepath.Join(out, "wednesday.db"))
	if err != nil {
		t.Fatalf("the backup after one killed: %v\n%s", err, got)
	}
	if want := "removed " + dead + ", the copy of a backup that was cut short"; !strings.Contains(got, want) {
		t.Errorf("the backup said %q, want it to say %q", got, want)
	}
	if strings.Contains(got, live) {
		t.Errorf("the backup spoke of %s, the copy of a backup still running: %q", live, got)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), filepath.Base(dead)) {
			t.Errorf("%s, of the killed backup, is left", e.Name())
		}
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the copy of the backup still running was removed: %v", err)
	}

	running.Process.Signal(syscall.SIGCONT)
	if err := <-done; err != nil {
		t.Errorf("the backup stopped while the next one ran failed: %v", err)
	}
	for _, name := range []string{"tuesday.db", "wednesday.db"} {
		if rout, err := cli(t, "restore", "--db", filepath.Join(t.TempDir(), "r.db"), filepath.Join(out, name)); err != nil {
			t.Errorf("restoring %s: %v\n%s", name, err, rout)
		}
	}
	entries, _ = os.ReadDir(out)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".partial-") {
			t.Errorf("%s is left", e.Name())
		}
	}
}

// stopped waits until the process pid is stopped (state T in
// /proc/pid/stat) or gone.
// flockedBy reports whether process pid holds an flock on the file at
// path, as /proc/locks lists it, without taking the lock: a backup takes
// its copy's lock without waiting, and would go on without it.
func flockedBy(path string, pid int) bool {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return false
	}
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		return false
	}
	// "1: FLOCK  ADVISORY  WRITE 1234 00:2a:5678 0 EOF": the pid, then
	// the device and the inode.
	for line := range strings.SplitSeq(string(locks), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && f[1] == "FLOCK" && f[4] == fmt.Sprint(pid) && strings.HasSuffix(f[5], fmt.Sprintf(":%d", st.Ino)) {
			return true
		}
	}
	return false
}

func stopped(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 500; i++ {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		// The state follows the command's name in parentheses.
		if f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:])); len(f) > 0 && (f[0] == "T" || f[0] == "t" || f[0] == "Z") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("process %d did not stop", pid)
}
