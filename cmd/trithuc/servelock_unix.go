//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// lockServing takes the lock of lockFile(path) for the command named by
// what ("trithuc serve", "trithuc restore"), which the kernel releases when
// the process ends however it ends, and writes in it who holds it, for the
// message of a command refused. A lock held is an error naming its holder;
// a lock file that cannot be made or locked for another reason (a
// directory this user may not write, a file system without locks) claims
// nothing.
func lockServing(path, what string) (io.Closer, error) {
	none := io.NopCloser(nil)
	name := lockFile(path)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return none, nil
	}
	giveToDatabaseOwner(f, path)
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another trithuc command"
			}
			return nil, fmt.Errorf("%s is in use: %s holds %s (perhaps from another container or host sharing the file system); "+
				"stop it first (systemctl stop trithuc), or give this command another --db", path, who, name)
		}
		return none, nil
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%s, pid %d on %s\n", what, os.Getpid(), host)
	}
	return f, nil
}

// removeLockFile removes the lock file held, which lockServing(path)
// returned, while it is still held: a command that made it and then did
// not make the database (a refused restore to a new path) leaves nothing
// behind. Only a file this process holds locked, still the one at the
// path, is removed, never one another process holds or made since.
func removeLockFile(held io.Closer, path string) {
	f, ok := held.(*os.File)
	if !ok {
		return
	}
	mine, err1 := f.Stat()
	there, err2 := os.Stat(lockFile(path))
	if err1 == nil && err2 == nil && os.SameFile(mine, there) {
		os.Remove(lockFile(path))
	}
}

// giveToDatabaseOwner gives the lock file the owner and group of the
// database (or, for one not made yet, of its directory) when root made
// it, as SQLite does its -wal and -shm: a lock file a `sudo trithuc
// restore` made must still open for the server's own user, or its serve
// would run unguarded.
func giveToDatabaseOwner(f *os.File, path string) {
	if os.Geteuid() != 0 {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		fi, err = os.Stat(filepath.Dir(path))
	}
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}
