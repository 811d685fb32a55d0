//go:build !unix

package store

import (
	"errors"
)

// freeSpace cannot ask the system here: a full disk then clears only when
// a write commits.
func freeSpace(string) (uint64, error) { return 0, errors.ErrUnsupported }
