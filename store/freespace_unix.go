//go:build unix

package store

import "syscall"

// freeSpace is the room on the file system holding dir that this process
// may use (statfs(2): blocks available to unprivileged users).
func freeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
