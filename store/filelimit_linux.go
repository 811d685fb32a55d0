package store

import "syscall"

// fileSizeLimit is the largest file this process may write (RLIMIT_FSIZE),
// when it has one.
func fileSizeLimit() (uint64, bool) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil || rl.Cur == ^uint64(0) {
		return 0, false
	}
	return rl.Cur, true
}
