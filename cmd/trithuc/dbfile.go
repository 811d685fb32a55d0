package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"trithuc.gov.vn/trithuc/store"
)

// openExisting opens the database an admin command works on. A mistyped
// --db must not quietly create an empty database and act on it (a key made
// there works nowhere): unless create is set, the file must exist. Long
// work at open (the search index rebuilt after an upgrade) is said on
// stderr.
func openExisting(ctx context.Context, path string, create bool, stderr io.Writer) (*store.DB, error) {
	if !create {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, usageError(fmt.Sprintf("no database at %s: check --db (the server's database file; `trithuc serve` creates it), or add --create to make a new one", path))
		}
	}
	return store.OpenWith(ctx, path, store.Options{Log: slog.New(slog.NewTextHandler(stderr, nil))})
}
