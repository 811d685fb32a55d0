//go:build unix

package store

import "syscall"

// writable reports why this process may not write to path, or nil. It asks
// the kernel (access(2)), which also knows a read-only file system: root may
// write a file whose mode says read-only, but not one on a read-only mount.
func writable(path string) error {
	const wOK = 0x2 // W_OK
	return syscall.Access(path, wOK)
}
