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
//
// Under a steady stream of writes the goroutine never copies the whole
// log before the writer begins again, and SQLite starts the log afresh
// only at a write that finds it all copied: in practice, the one after
// the writer's own checkpoint. So that backstop ran every quarter of a
// second at 16 creating callers (36,000 pages of log a second), each
// time copying what the goroutine had not yet and syncing the file,
// while every write waited. At 40,000 pages it runs four times less
// often; creates rose 8–20 % in seven alternating pairs against 10,000
// (20,000 and 100,000 were no better; BENCHMARKS.md, issue 19, twelfth
// pass). The price is disk: the log's file keeps its largest size,
// about 165 MB, until the server stops.
const (
	checkpointEvery      = 100 * time.Millisecond
	writerAutocheckpoint = 40000 // pages, 165 MB of log at 4 KiB a page
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
