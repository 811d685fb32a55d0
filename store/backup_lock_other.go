//go:build !unix

package store

import "os"

// lockPartial does nothing here: without flock, no copy is known to be
// dead, and a crash's copies are removed by hand.
func lockPartial(*os.File) {}

// tryLockPartial never claims a copy.
func tryLockPartial(*os.File) bool { return false }
