//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockPartial takes the lock of a backup's copy for this process: an
// flock, which SQLite's own (POSIX) locks on the file leave alone, and
// which ends with the process however it ends. A file system without
// locks leaves the copy unlocked: a crash's copies there are then removed
// by hand.
func lockPartial(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLockPartial takes the lock of a backup's copy if no process holds
// it.
func tryLockPartial(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
