//go:build !unix

package main

import "io"

// lockServing claims nothing where flock(2) is not.
func lockServing(string, string) (io.Closer, error) { return io.NopCloser(nil), nil }

// removeLockFile has no lock file to remove where flock(2) is not.
func removeLockFile(io.Closer, string) {}
