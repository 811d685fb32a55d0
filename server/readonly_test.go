package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// mountExt4 mounts a small ext4 file system, made in a file, on a loop
// device, as a disk that Linux turns read-only at an error (the mount
// option errors=remount-ro, ext4's default). It returns the directory and
// the file system's trigger_fs_error, which makes such an error.
func mountExt4(t *testing.T) (dir, trigger string) {
	t.Helper()
	img := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 32<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", "-O", "^has_journal", img).CombinedOutput(); err != nil {
		t.Skipf("cannot make an ext4 file system (%v): %s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).Output()
	if err != nil {
		t.Skipf("cannot attach a loop device (%v): this test needs root and /dev/loop*", err)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if err := exec.Command("losetup", "--detach", dev).Run(); err != nil {
			t.Errorf("detaching %s: %v", dev, err)
		}
	})
	dir = t.TempDir()
	if err := syscall.Mount(dev, dir, "ext4", 0, "errors=remount-ro"); err != nil {
		t.Skipf("cannot mount %s: %v", dev, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	trigger = filepath.Join("/sys/fs/ext4", filepath.Base(dev), "trigger_fs_error")
	if _, err := os.Stat(trigger); err != nil {
		t.Skipf("no %s: %v", trigger, err)
	}
	return dir, trigger
}

// A file system that Linux made read-only under the server at an error
// fails every write with EROFS, while access(2) still says the file and
// its directory are writable (ext4's emergency read-only, which only an
// unmount ends). Health must say NOT_SERVING for as long as writes fail,
// not turn SERVING at the next look of the health loop.
func TestReadOnlyFileSystemStaysNotServing(t *testing.T) {
	ctx := context.Background()
	dir, trigger := mountExt4(t)
	e := newEnvAt(t, filepath.Join(dir, "trithuc.db"))
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(trigger, []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	in := anh()
	in.NationalId = ""
	_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in})
	wantCode(t, err, codes.Unavailable)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "read-only") {
		t.Errorf("a write on a read-only file system says %q", msg)
	}
	e.waitHealth(healthpb.HealthCheckResponse_NOT_SERVING)
	if h, _ := e.srv.db.Health(); h.State != store.ReadOnly {
		t.Errorf("state %v, want read_only", h.State)
	}

	time.Sleep(2*fileCheckEvery + fileCheckEvery/2)
	if h, _ := e.srv.db.Health(); h.State != store.ReadOnly {
		t.Errorf("state %v while writes still fail, want read_only", h.State)
	}
	if got := e.srv.servingStatus(); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health says %v while writes still fail", got)
	}
	if strings.Contains(e.logs.String(), "database: writes succeed again") {
		t.Errorf("the log says writes succeed again while they fail:\n%s", e.logs.String())
	}

	// Stopped here: closing cannot checkpoint into a read-only file.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	e.srv.Shutdown(sctx)
	e.db.Close()
	e.srv = nil
}
