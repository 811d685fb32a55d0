package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints. A commit appends pages to the WAL; a checkpoint copies them
// back into the database file and syncs it. SQLite checkpoints in the
// connection that commits, once the log passes wal_autocheckpoint pages
// (1000 by default): the one writer then waits for a thousand scattered
// page writes and an fsync of the whole file, and so does every write
// queued behind it. A create at 100,000 people puts about twenty pages in
// the log, so that was every few groups: with the checkpoints moved out,
// 16 goroutines created a quarter more people a second.
//
// So a goroutine checkpoints instead, on a connection of its own, after
// commits and at most every checkpointEvery. Its checkpoints are PASSIVE:
// they wait for no reader and block neither the writer nor the readers.
// The writer keeps SQLite's own checkpoint, at writerAutocheckpoint pages,
// for when the goroutine falls behind (a burst of bulk writes): the log
// then stops near writerAutocheckpoint pages (readers that never let it
// start afresh keep it growing, as they did before). A commit is as
// durable as before:
// a checkpoint syncs the log first, and a crash during one is recovered
// from the log.
const (
	checkpointEvery      = 100 * time.Millisecond
	writerAutocheckpoint = 10000 // pages, 40 MB of log at 4 KiB a page
)

// checkpointer runs the checkpoints (start, nudge, stop).
type checkpointer struct {
	conn  *sql.DB
	wake  chan struct{}
	stop  chan struct{}
	done  sync.WaitGroup
	count atomic.Int64 // checkpoints run, for tests
}

// startCheckpoints opens the checkpointer's connection and starts its
// goroutine.
func (db *DB) startCheckpoints(ctx context.Context) error {
	conn, err := sql.Open("sqlite3", dsn(db.path, commonParams))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	conn.SetConnMaxIdleTime(0)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return fmt.Errorf("store: open %s for checkpoints: %w", db.path, err)
	}
	c := &db.checkpoints
	c.conn = conn
	c.wake = make(chan struct{}, 1)
	c.stop = make(chan struct{})
	c.done.Add(1)
	go db.runCheckpoints()
	return nil
}

// nudgeCheckpoints tells the checkpointer that a transaction committed.
func (db *DB) nudgeCheckpoints() {
	select {
	case db.checkpoints.wake <- struct{}{}:
	default:
	}
}

func (db *DB) runCheckpoints() {
	c := &db.checkpoints
	defer c.done.Done()
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		// An error is the file's (a full disk, damage): health hears of it,
		// and the writer's own checkpoint and the next commit try again.
		var busy, log, done int
		if err := c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
			db.observe(err)
		}
		c.count.Add(1)
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// stopCheckpoints stops the goroutine and closes its connection; Close's
// own checkpoint copies what is left.
func (db *DB) stopCheckpoints() error {
	c := &db.checkpoints
	if c.conn == nil {
		return nil
	}
	close(c.stop)
	c.done.Wait()
	err := c.conn.Close()
	c.conn = nil
	return err
}
