package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"syscall"
)

// holdServing claims the database file at path for this serve, so that a
// second serve of the same file (a manual start beside the systemd unit,
// an upgrade started before the old server stopped) is refused instead of
// serving it too. Two guards claim it. A Linux abstract socket named by the
// file's device and inode: no file is left behind and the kernel drops it
// when the process ends, however it ends; but it is per network namespace,
// so a serve in a container does not see one on the host. And a lock
// (flock) on a file beside the database (lockFile), which every process
// that opens the file on this file system sees, whatever its namespace.
// Where a guard cannot be set up for another reason than a serve holding
// it, that guard claims nothing.
func holdServing(path string) (io.Closer, error) {
	sock, err := holdSocket(path)
	if err != nil {
		return nil, err
	}
	lock, err := lockServing(path, "trithuc serve")
	if err != nil {
		sock.Close()
		return nil, err
	}
	return closers{lock, sock}, nil
}

// closers closes each in turn.
type closers []io.Closer

func (cs closers) Close() error {
	var errs []error
	for _, c := range cs {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// holdSocket is the abstract socket's guard.
func holdSocket(path string) (io.Closer, error) {
	none := io.NopCloser(nil)
	if runtime.GOOS != "linux" {
		return none, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return none, nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return none, nil
	}
	l, err := net.Listen("unix", fmt.Sprintf("@trithuc-serve-%x-%x", st.Dev, st.Ino))
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("another trithuc serve on this host serves %s: stop it first (systemctl stop trithuc), or give this one another --db", path)
	}
	if err != nil {
		return none, nil
	}
	return l, nil
}

// lockFile is the file beside a database that a serve of it holds locked.
// Not the database file itself: SQLite's locks are fcntl locks, which a
// process loses on closing any descriptor of the file, and which flock
// becomes on NFS.
func lockFile(path string) string { return path + ".lock" }
