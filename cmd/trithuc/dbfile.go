package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"

	"trithuc.gov.vn/trithuc/store"
)

// defaultDB is the database file of every command when neither --db nor
// $TRITHUC_DB names one.
const defaultDB = "trithuc.db"

// dbFlag adds --db to fs: the database file of an admin command. Every
// command finds it by one rule, serve's: --db, else $TRITHUC_DB (which the
// systemd unit and the container set for serve), else defaultDB. A keys
// create in a shell that exports the unit's variable must reach the
// database the server serves, not make a key in a new trithuc.db.
func dbFlag(fs *flag.FlagSet, p *string, usage string) {
	def := os.Getenv("TRITHUC_DB")
	if def == "" {
		def = defaultDB
	}
	// The default printed is the one in force: $TRITHUC_DB's when set.
	fs.StringVar(p, "db", def, usage+" ($TRITHUC_DB)")
}

// openExisting opens the database an admin command works on. A mistyped
// --db must not quietly create an empty database and act on it (a key made
// there works nowhere): unless create is set, the file must exist. An admin
// command may run beside a server of the older version, so it refuses a
// database of an older schema rather than upgrade it (store.KeepSchema);
// one that only reads opens it read-only (readOnly), which a read-only
// mount allows.
func openExisting(ctx context.Context, path string, create, readOnly bool, stderr io.Writer) (*store.DB, error) {
	if !create || readOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, usageError(fmt.Sprintf("no database at %s: check --db or $TRITHUC_DB (the server's database file; `trithuc serve` creates it), or add --create to make a new one", path))
		}
	}
	return store.OpenWith(ctx, path, store.Options{KeepSchema: true, ReadOnly: readOnly, Log: stderrLog(stderr)})
}

// stderrLog is the logger of a command's long work: plain text on stderr.
func stderrLog(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, nil))
}

// openToOthers lists the database's files (with its -wal and -shm) that
// its group or other users may read or write: this release makes them
// 0600, but a file an older one made may be 0644.
func openToOthers(path string) []string {
	if runtime.GOOS == "windows" {
		return nil // no Unix modes to judge
	}
	var open []string
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			open = append(open, p)
		}
	}
	return open
}
