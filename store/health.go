package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// State is what the store has learnt of its database file's condition from
// SQLite's answers.
type State int

const (
	Healthy State = iota
	// DiskFull: the last write failed for want of space. It clears when
	// space is freed on the file system (CheckWritable, or a commit that
	// looks), not at any commit (health_space.go).
	DiskFull
	// ReadOnly: the file or its file system became read-only under the
	// server. It clears when a write commits again, a caller's or the one
	// CheckWritable tries.
	ReadOnly
	// Corrupt: SQLite found the file damaged. Writes stop for good, so
	// that nothing is built on damaged pages; the file must be restored.
	Corrupt
	// Missing: the database's path names no file any more (deleted or
	// moved away under the server); Replaced: it names another file.
	// Writes would go to a file no one can open again, so they stop; they
	// resume if the path names the open file again (health_file.go).
	Missing
	Replaced
	// Locked: a write waited out busy_timeout for the write lock, which
	// another process holds. Reads still work (WAL); it clears when a
	// write commits again.
	Locked
)

// States lists every state, for metrics.
var States = []State{Healthy, DiskFull, ReadOnly, Corrupt, Missing, Replaced, Locked}

func (s State) String() string {
	switch s {
	case DiskFull:
		return "disk_full"
	case ReadOnly:
		return "read_only"
	case Corrupt:
		return "corrupt"
	case Missing:
		return "missing"
	case Replaced:
		return "replaced"
	case Locked:
		return "locked"
	}
	return "ok"
}

// Health is the database's state, with what an operator must do about it
// (it names the file, so it is for logs and operators, not for clients).
type Health struct {
	State  State
	Action string
	Since  time.Time
}

// health holds the state; bad lets the write path skip the lock while
// all is well.
type health struct {
	bad     atomic.Bool
	mu      sync.Mutex
	h       Health
	changed chan struct{} // closed and replaced at every change
	// freeWhenFull is the free space when a write last found the disk
	// full (health_space.go).
	freeWhenFull uint64
}

// Health returns the database's state, and a channel closed when it next
// changes.
func (db *DB) Health() (Health, <-chan struct{}) {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	if db.health.changed == nil {
		db.health.changed = make(chan struct{})
	}
	return db.health.h, db.health.changed
}

func (db *DB) setHealth(state State, action string) {
	db.changeHealth(state, action)
}

// changeHealth is setHealth, only from the states from when any are given.
func (db *DB) changeHealth(state State, action string, from ...State) {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	// Nothing undoes damage but a restore.
	if db.health.h.State == state || db.health.h.State == Corrupt {
		return
	}
	if len(from) > 0 && !slices.Contains(from, db.health.h.State) {
		return
	}
	db.health.h = Health{State: state, Action: action, Since: time.Now()}
	db.health.bad.Store(state != Healthy)
	if db.health.changed != nil {
		close(db.health.changed)
	}
	db.health.changed = make(chan struct{})
}

// The messages clients get: they say what happened to their call, but not
// where the server keeps its files.
const (
	msgCorrupt  = "the database is damaged, so the server has stopped writing to it; nothing was changed: an operator must restore it from a backup"
	msgDiskFull = "the server's disk is full; nothing was changed: try again once an operator has freed space"
	msgReadOnly = "the server's database has become read-only; nothing was changed: try again once an operator has made it writable"
	msgMissing  = "the server's database file has been deleted or replaced under it, so it has stopped writing; nothing was changed: an operator must put the file back or restart the server"
	msgLocked   = "another program holds the database's write lock; nothing was changed: try again later, and if this lasts, ask an operator to find the program using the database file"
)

// observe looks at what a statement returned: an error that says the file
// is damaged, the disk full or the file read-only changes the database's
// state and becomes an error that says so; others pass unchanged.
func (db *DB) observe(err error) error {
	var sqe sqlite3.Error
	if err == nil || !errors.As(err, &sqe) {
		return err
	}
	switch {
	case sqe.Code == sqlite3.ErrCantOpen:
		// A new connection cannot open the file: gone from its path?
		if ferr := db.CheckFile(); ferr != nil {
			return ferr
		}
	case sqe.Code == sqlite3.ErrCorrupt || sqe.Code == sqlite3.ErrNotADB:
		db.setHealth(Corrupt, fmt.Sprintf("SQLite reports the database file %s damaged (%v); writes are stopped: stop the server and restore the last good backup with `trithuc restore --db %s --force BACKUP_FILE`", db.path, sqe, db.path))
		return &Error{Code: DataLoss, Message: msgCorrupt, Err: err}
	case sqe.Code == sqlite3.ErrFull || sqe.SystemErrno == syscall.ENOSPC:
		db.noteFull()
		db.setHealth(DiskFull, fmt.Sprintf("the disk holding the database file %s is full; writes fail until space is freed on it, then resume by themselves", db.path))
		return &Error{Code: Unavailable, Message: msgDiskFull, Err: err}
	case sqe.Code == sqlite3.ErrReadonly || sqe.SystemErrno == syscall.EROFS:
		db.setHealth(ReadOnly, fmt.Sprintf("the database file %s has become read-only (%v); writes fail until its file system is read-write and the file writable again "+
			"(one Linux made read-only at an error stays so until unmounted: stop the server, check the file system, mount it and start again)", db.path, sqe))
		return &Error{Code: Unavailable, Message: msgReadOnly, Err: err}
	}
	return err
}

// refuseWrite is the error of a write to a damaged database, one whose
// file is gone, or one opened read-only, or nil.
func (db *DB) refuseWrite() error {
	if db.readOnly {
		return &Error{Code: FailedPrecondition, Message: "the database was opened read-only: nothing was changed"}
	}
	if !db.health.bad.Load() {
		return nil
	}
	switch h, _ := db.Health(); h.State {
	case Corrupt:
		return &Error{Code: Unavailable, Message: msgCorrupt}
	case Missing, Replaced:
		return &Error{Code: Unavailable, Message: msgMissing}
	}
	return nil
}

// wrote notes that a write committed: the file is writable, the lock was
// had. A commit says nothing of the path, nor of space: a small one fits
// in the log's pages a failed write left on a full disk (health_space.go).
func (db *DB) wrote() {
	if !db.health.bad.Load() {
		return
	}
	if h, _ := db.Health(); h.State == DiskFull {
		if freed, known := db.spaceFreed(); freed || !known {
			db.changeHealth(Healthy, "", DiskFull)
		}
		return
	}
	db.changeHealth(Healthy, "", ReadOnly, Locked)
}

// DefaultIntegrityCheckTime bounds the integrity check at Open unless
// Options say otherwise. quick_check took 2.5 s (5 s from a cold cache)
// on 100,000 people (200 MB): this checks a few hundred thousand people
// in full and keeps a larger registry's restart short.
const DefaultIntegrityCheckTime = 20 * time.Second

// quickCheck runs SQLite's quick_check before anything writes to the
// file, for at most limit: on a large database it reads every page, and a
// server must not take minutes to start. It reports whether the check
// finished. The connection only reads, but is not read-only: one that is
// would leave the -wal and -shm files of a WAL database behind, where
// closing this one removes them.
func quickCheck(ctx context.Context, path string, limit time.Duration) (finished bool, err error) {
	conn, err := sql.Open("sqlite3", dsn(path, "_busy_timeout=10000"))
	if err != nil {
		return false, fmt.Errorf("store: %s: %w", path, err)
	}
	defer conn.Close()
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// Ten problems are enough to say it is damaged.
	rows, err := conn.QueryContext(cctx, `PRAGMA quick_check(10)`)
	var problems []string
	if err == nil {
		for rows.Next() {
			var line string
			if err = rows.Scan(&line); err != nil {
				break
			}
			if line != "ok" {
				problems = append(problems, line)
			}
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		return false, nil
	}
	var sqe sqlite3.Error
	if err != nil && errors.As(err, &sqe) && (sqe.Code == sqlite3.ErrCorrupt || sqe.Code == sqlite3.ErrNotADB) {
		problems = append(problems, sqe.Error())
	} else if err != nil {
		return false, fmt.Errorf("store: checking %s: %w", path, err)
	}
	if len(problems) > 0 {
		return true, fmt.Errorf("store: the database file %s is damaged; SQLite's quick_check found: %s. "+
			"Restore the last good backup with `trithuc restore --db %s --force BACKUP_FILE`; "+
			"to read what is left of it instead, start with the integrity check off (serve --integrity-check-time=0)",
			path, strings.Join(problems, "; "), path)
	}
	return true, nil
}

// checkIntegrity runs quickCheck on an existing database as the options
// say, and tells what it did, for the log.
func checkIntegrity(ctx context.Context, path string, limit time.Duration) (string, error) {
	if limit < 0 {
		return "skipped", nil
	}
	if limit == 0 {
		limit = DefaultIntegrityCheckTime
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return "new database", nil
	}
	finished, err := quickCheck(ctx, path, limit)
	switch {
	case err != nil:
		return "", err
	case !finished:
		return fmt.Sprintf("not finished in %v, so not checked (allow it longer with --integrity-check-time)", limit), nil
	}
	return "ok", nil
}

// Integrity says what the integrity check at open found: "ok", "skipped",
// "new database", or that it did not finish in time.
func (db *DB) Integrity() string { return db.integrity }
