package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// A backup that does not fit where it is written names the target, says
// how much it needs and how much room there is, and leaves no partial
// file behind: on a disk too small for it (a tmpfs, which needs root to
// mount), and on one whose writes fail midway (a file size limit,
// RLIMIT_FSIZE, set by the shell of the process that backs up).
func TestBackupThatDoesNotFit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("tmpfs and ulimit -f as Linux has them")
	}
	dir := t.TempDir()
	db := generated(t, dir, 500)
	noCopyLeft := func(t *testing.T, dir string) {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "b.db") {
				t.Errorf("a partial backup %s was left behind", filepath.Join(dir, e.Name()))
			}
		}
	}

	t.Run("ErrDiskTooSmall", func(t *testing.T) {
		small := t.TempDir()
		if err := syscall.Mount("tmpfs", small, "tmpfs", 0, "size=256k"); err != nil {
			t.Skipf("cannot mount a tmpfs (%v): this needs root or CAP_SYS_ADMIN", err)
		}
		t.Cleanup(func() { syscall.Unmount(small, syscall.MNT_DETACH) })
		target := filepath.Join(small, "b.db")
		_, err := cli(t, "backup", "--db", db, target)
		if err == nil {
			t.Fatal("a backup larger than its disk succeeded")
		}
		for _, want := range []string{target, "needs about", "has 262144 bytes free", "another disk"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("backup onto a full disk said %q, want it to say %q", err, want)
			}
		}
		noCopyLeft(t, small)
	})

	// The disk fills after the copy, when its change feed is given an id
	// of its own (which writes a journal beside it): a database as
	// compact as its copy, a backup, on a disk with one page to spare.
	t.Run("ErrDiskFullAtFeedID", func(t *testing.T) {
		compact := filepath.Join(t.TempDir(), "c.db")
		if out, err := cli(t, "backup", "--db", db, compact); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		fi, err := os.Stat(compact)
		if err != nil {
			t.Fatal(err)
		}
		small := t.TempDir()
		if err := syscall.Mount("tmpfs", small, "tmpfs", 0, fmt.Sprintf("size=%d", fi.Size()+4096)); err != nil {
			t.Skipf("cannot mount a tmpfs (%v): this needs root or CAP_SYS_ADMIN", err)
		}
		t.Cleanup(func() { syscall.Unmount(small, syscall.MNT_DETACH) })
		target := filepath.Join(small, "b.db")
		_, err = cli(t, "backup", "--db", compact, target)
		if err == nil {
			t.Fatal("a backup onto a disk that fills up succeeded")
		}
		for _, want := range []string{target, "filled up", "needs about", "another disk", "the partial copy was removed", "the database " + compact + " is untouched"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("backup onto a disk that fills up said %q, want it to say %q", err, want)
			}
		}
		noCopyLeft(t, small)
	})

	t.Run("ErrFileSizeLimit", func(t *testing.T) {
		target := filepath.Join(dir, "b.db")
		// 64 blocks (of 512 or 1024 bytes, as the shell counts them) is
		// far less than the database.
		cmd := exec.Command("/bin/sh", "-c", `ulimit -f 64 && exec "$0"`, os.Args[0])
		cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"backup", "--db", db, target}, "\x1f"))
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("a backup past the file size limit succeeded:\n%s", out)
		}
		for _, want := range []string{target, "needs about", "limit of", "ulimit -f", "partial copy was removed", "the database " + db + " is untouched"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("backup past the file size limit said %q, want it to say %q", out, want)
			}
		}
		noCopyLeft(t, dir)
		// The live database is whole: the next backup, with room, is taken.
		if out, err := cli(t, "backup", "--db", db, target); err != nil {
			t.Errorf("the backup after one past the file size limit: %v\n%s", err, out)
		}
	})
}

// A restore whose backup does not fit beside the database it replaces is
// refused before it copies anything, saying how much it needs and how
// much room there is; the database is left as it was.
func TestRestoreThatDoesNotFit(t *testing.T) {
	small := t.TempDir()
	if err := syscall.Mount("tmpfs", small, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): this needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { syscall.Unmount(small, syscall.MNT_DETACH) })
	db, _ := adminDatabase(t, small)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.db")
	if out, err := cli(t, "gen", "--db", big, "--people", "1500", "--memberships=false"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	_, err = cli(t, "restore", "--db", db, "--force", big)
	if err == nil {
		t.Fatal("a restore larger than the disk succeeded")
	}
	for _, want := range []string{big, "does not fit beside the database", "free", "the database was not changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("restore onto a full disk said %q, want it to say %q", err, want)
		}
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("the refused restore changed the database")
	}
	if _, err := os.Stat(db + ".restoring"); err == nil {
		t.Error("the refused restore left its copy behind")
	}
}

// A new database that cannot be made for want of room is told as such,
// by the command that makes it and by serve started on it next: not as
// an upgrade of a release that never ran on it, with a backup to restore
// that does not exist.
func TestNewDatabaseOnAFullDisk(t *testing.T) {
	small := t.TempDir()
	if err := syscall.Mount("tmpfs", small, "tmpfs", 0, "size=600k"); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): this needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { syscall.Unmount(small, syscall.MNT_DETACH) })
	db := filepath.Join(small, "t.db")
	for _, args := range [][]string{
		{"keys", "create", "--create", "--db", db, "--role", "admin", "--name", "a"},
		{"serve", "--db", db, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"},
	} {
		_, err := cli(t, args...)
		if err == nil {
			t.Fatalf("trithuc %s made a new database on a disk too small for it", args[0])
		}
		for _, want := range []string{"making the new database " + db + " failed", "disk is full", "free disk space on " + small} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("trithuc %s on a full disk said %q, want it to say %q", args[0], err, want)
			}
		}
		if strings.Contains(err.Error(), "upgrade") || strings.Contains(err.Error(), "restore") {
			t.Errorf("trithuc %s on a full disk speaks of an upgrade: %q", args[0], err)
		}
	}
}

// A restore whose copy of the backup fails midway, past the space check
// (a file size limit, RLIMIT_FSIZE, set by the shell of the process that
// restores), says why and what to do, removes its copy and leaves the
// database as it was.
func TestRestorePastFileSizeLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -f as Linux has it")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.db")
	if out, err := cli(t, "gen", "--db", big, "--people", "500", "--memberships=false"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", big, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	db, _ := adminDatabase(t, dir)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// 64 blocks (of 512 or 1024 bytes, as the shell counts them) is far
	// less than the backup.
	cmd := exec.Command("/bin/sh", "-c", `ulimit -f 64 && exec "$0"`, os.Args[0])
	cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"restore", "--db", db, "--force", backup}, "\x1f"))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("a restore past the file size limit succeeded:\n%s", out)
	}
	for _, want := range []string{"copying the backup " + backup, "limit of", "ulimit -f", "restore again", db + " was not changed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("restore past the file size limit said %q, want it to say %q", out, want)
		}
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("the failed restore changed the database")
	}
	if _, err := os.Stat(db + ".restoring"); err == nil {
		t.Error("the failed restore left its copy behind")
	}
}
