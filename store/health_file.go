package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// SQLite keeps writing to the file it opened, whatever its path names
// later. A database file deleted (rm trithuc.db*) or replaced under a
// running server takes every later write with it: each is acknowledged,
// then lost when the server restarts on the path (and makes a new, empty
// database there). So the store compares the path with the file it
// opened: before each group of writes (a stat costs nothing beside the
// commit's fsync) and when asked (the server's health loop, for a server
// that is not writing).

// busyTimeout is the _busy_timeout of commonParams (store.go).
const busyTimeout = 10 * time.Second

// noteFile remembers which file the path names once it is open.
func (db *DB) noteFile() error {
	fi, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	db.file = fi
	return nil
}

// CheckFile compares the file the database's path names with the one the
// store opened, and sets the state to Missing or Replaced, or back to
// Healthy once the path names the open file again. It returns the error a
// write gets now, or nil.
func (db *DB) CheckFile() error {
	if db.file == nil {
		return nil
	}
	fi, err := os.Stat(db.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		db.setHealth(Missing, fmt.Sprintf("the database file %s has been deleted or moved away while the server had it open; "+
			"writes are refused, since they would be lost at the next start: put the file back at that path (writes then resume), "+
			"or stop the server and restore the last good backup with `trithuc restore --db %s --force BACKUP_FILE`", db.path, db.path))
	case err != nil:
		// Cannot tell (a directory this process may no longer search):
		// the state stays as it is.
		return db.refuseWrite()
	case !os.SameFile(fi, db.file):
		db.setHealth(Replaced, fmt.Sprintf("the database file %s has been replaced by another file while the server had it open; "+
			"writes are refused, since they would go to the old file, which no one can open again: restart the server to serve the new file", db.path))
	default:
		db.changeHealth(Healthy, "", Missing, Replaced)
	}
	return db.refuseWrite()
}

// beginFailed is what the error of a write's BEGIN IMMEDIATE becomes. Busy
// once busy_timeout has passed means another process holds the write
// lock (the store's own writes queue in Go, never in SQLite): the state
// says so, for as long as no write commits.
func (db *DB) beginFailed(err error) error {
	if lockedOut(err) {
		db.changeHealth(Locked, fmt.Sprintf("another process holds the database's write lock: %s; "+
			"writes wait %v for it and then fail, reads still work: find the process (`fuser -v %s`) and end its transaction",
			db.path, busyTimeout, db.path), Healthy)
		return &Error{Code: Unavailable, Message: msgLocked, Err: err}
	}
	return db.observe(dbError(err))
}

// lockedOut says whether err, a BEGIN IMMEDIATE's (or what beginFailed
// made of it), is busy_timeout waited out for another process's lock.
func lockedOut(err error) bool {
	var sqe sqlite3.Error
	return errors.As(err, &sqe) && sqe.Code == sqlite3.ErrBusy
}
