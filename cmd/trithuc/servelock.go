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
// second serve of the same file on this host (a manual start beside the
// systemd unit, an upgrade started before the old server stopped) is
// refused instead of serving it too. The claim is a Linux abstract socket
// named by the file's device and inode: no file is left behind, and the
// kernel drops it when the process ends, however it ends. Elsewhere, or
// where the socket cannot be made for another reason, nothing is claimed.
func holdServing(path string) (io.Closer, error) {
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
