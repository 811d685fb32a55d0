//go:build !linux

package store

// fileSizeLimit is not asked for here: the message says where to look.
func fileSizeLimit() (uint64, bool) { return 0, false }
