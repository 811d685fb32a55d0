//go:build !unix

package store

import (
	"errors"
	"io/fs"
)

// freeSpace cannot ask the system here: a full disk then clears only when
// a write commits.
func freeSpace(string) (uint64, error) { return 0, errors.ErrUnsupported }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
