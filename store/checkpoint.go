package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
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
// So a goroutine checkpoints instead, on a connection of its own, paced
// by the frames commits write (checkpointDue). Its checkpoints are PASSIVE:
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
// pass).
//
// SQLite never shrinks the log's file: it writes over it from the start
// again, so any steady stream of writes (seeding the demo's 300 people,
// some 1,400 transactions of 30 pages each) leaves it at the backstop's
// 165 MB. So once the writer has rested for walTruncateIdle and the file
// is larger than walSizeLimit, the goroutine runs a TRUNCATE checkpoint,
// which copies what is left and empties the file. Not PRAGMA
// journal_size_limit: it cuts the file at the first commit after every
// restart of the log, under load once per backstop, and the commits
// after it then append to the file (an fsync that also writes the
// file's size, slower than writing over it) up to the backstop again; a
// file cut only at rest costs loaded writes nothing. The TRUNCATE waits
// for no one (busy_timeout 0): a write or a reader of an older snapshot
// makes it give up, and it is tried again walTruncateIdle later. While
// it runs, a write that comes waits for it (milliseconds: at rest the
// PASSIVE checkpoints have copied the log, and the file is only cut).
const (
	checkpointShare      = 2           // checkpoint every backstop/2 frames
	checkpointMargin     = 20          // and at backstop - backstop/20
	checkpointMaxWait    = time.Second // and a second after a commit
	writerAutocheckpoint = 40000       // pages, 165 MB of log at 4 KiB a page
	walSizeLimit         = 64 << 20
	walTruncateIdle      = time.Second
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
	// rest fires once the writer has rested walTruncateIdle, while the
	// log's file is larger than walSizeLimit.
	rest := time.NewTimer(walTruncateIdle)
	defer rest.Stop()
	lastCommit := time.Now()
	restIfLarge := func() {
		if fi, err := os.Stat(db.path + "-wal"); err == nil && fi.Size() > walSizeLimit {
			rest.Reset(walTruncateIdle - time.Since(lastCommit))
		} else {
			rest.Stop()
		}
	}
	// A log left large by a server that did not stop is cut too.
	restIfLarge()
	// due fires checkpointMaxWait after the last checkpoint while a
	// commit waits to be copied.
	due := time.NewTimer(checkpointMaxWait)
	due.Stop()
	defer due.Stop()
	waiting := false
	// The last checkpoint: when, the frames counted then, and the log's
	// length it found.
	var last time.Time
	var lastFrames, lastLog int64
	passive := func() {
		lastFrames, _ = walGathered()
		last = time.Now()
		var busy, log, done int64
		if err := c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
			db.observe(err)
		}
		// -1: the writer's own checkpoint holds the log, and starts it
		// afresh at the next write.
		lastLog = max(log, 0)
		c.count.Add(1)
	}
	// The pace starts from the log's length: one left by a server that
	// did not stop may be near the writer's checkpoint.
	passive()
	for {
		truncate := false
		select {
		case <-c.stop:
			return
		case <-c.wake:
			lastCommit = time.Now()
			frames, _ := walGathered()
			if !checkpointDue(frames-lastFrames, lastLog, writerAutocheckpoint, time.Since(last)) {
				if !waiting {
					waiting = true
					due.Reset(checkpointMaxWait - time.Since(last))
				}
				continue
			}
		case <-due.C:
			waiting = false
		case <-rest.C:
			if idle := time.Since(lastCommit); idle < walTruncateIdle {
				// Commits came since the timer was set: rest again.
				rest.Reset(walTruncateIdle - idle)
				continue
			}
			select {
			case <-c.wake: // a commit came after all
				lastCommit = time.Now()
			default:
				truncate = true
			}
		}
		if waiting {
			waiting = false
			due.Stop()
		}
		// An error is the file's (a full disk, damage): health hears of it,
		// and the writer's own checkpoint and the next commit try again.
		if truncate {
			lastFrames, _ = walGathered()
			last = time.Now()
			db.observe(db.truncateLog())
			lastLog = 0
			c.count.Add(1)
		} else {
			passive()
		}
		restIfLarge()
	}
}

// checkpointDue is the checkpointer's pace, asked after every commit:
// whether to copy the log now, given the frames written since the last
// checkpoint (since), the log's length that checkpoint found (log, in
// frames), the writer's own checkpoint (backstop, in frames) and the time
// since that checkpoint. It copies every backstop/checkpointShare frames,
// and once more just before the log reaches the backstop, so the writer's
// checkpoint, inside a COMMIT that every write waits for, finds no more
// than backstop/checkpointMargin frames to copy; and within
// checkpointMaxWait of a commit otherwise.
//
// The pace may be imprecise, never late. The frames are counted by the
// log's VFS for the whole process (tempvfs.go): a process with several
// databases open (tests, tools) counts every database's frames for
// each, which brings checkpoints early. A log started afresh after the
// writer's checkpoint keeps its old length here until the next
// checkpoint reads the new one, at most backstop/checkpointShare frames
// on, before the new log can near the backstop. Pages written by
// another process are copied by the clock. (Measured: BENCHMARKS.md,
// issue 19, thirty-first session; a 100 ms pace copied the pages every
// create rewrites ten times a second, and a clock pace left the writer
// several times its share of copies at a million.)
func checkpointDue(since, log, backstop int64, elapsed time.Duration) bool {
	last := backstop - backstop/checkpointMargin
	switch {
	case since >= backstop/checkpointShare:
		return true
	case log < last && log+since >= last:
		return true
	default:
		return elapsed >= checkpointMaxWait
	}
}

// truncateLog runs a TRUNCATE checkpoint that waits for no one: it gives
// up, leaving the file as it is, when a write or a read of an older
// snapshot is under way.
func (db *DB) truncateLog() error {
	ctx := context.Background()
	conn, err := db.checkpoints.conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return err
	}
	var busy, log, done int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done)
	if _, rerr := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds())); rerr != nil && err == nil {
		err = rerr
	}
	return err
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
