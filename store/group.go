package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit. Every write waits for the one writer connection, and a
// commit costs an fsync (synchronous=FULL) that is most of a small
// write's time. So the writes waiting while a transaction commits are
// applied together in the next one, each in a SAVEPOINT of its own (a
// write that fails rolls back only itself and gets its own error), and
// share its COMMIT: one fsync for all of them. No write is answered
// before that COMMIT returned, so an acknowledged write is durable as
// before. A write alone in its group runs as it always did, without a
// savepoint. Dry runs never join a group: they run alone and roll back.
//
// One waiter leads: it takes the queue, applies and commits it, and
// hands the lead to the first write that queued meanwhile, so that no
// caller serves others for long.
//
// FTS5 writes the terms a transaction gave an index to a new segment of
// it at every SAVEPOINT once the index is part of the transaction: a
// group of n creates made n segments an index, and their merges (a fifth
// of a create's CPU at a million people, in SAVEPOINT and RELEASE). So
// the writes of a group of several queue what they write to the
// full-text indexes (Tx.execIndex), and the queue runs after the last
// savepoint, in the order the writes made it: one segment a group. Nothing reads the
// indexes inside a write. A write refused in its savepoint drops what it
// queued; a purge, which deletes from the indexes and merges them, runs
// apart, in a transaction of its own (writeApart).

// maxGroup bounds the writes of one transaction, so that one fsync does
// not hold back too many answers, nor a savepoint chain grow long.
const maxGroup = 64

// writeQueue is the DB's queue of writes waiting for the writer.
type writeQueue struct {
	mu      sync.Mutex
	waiting []*pendingWrite
	leading bool // a waiter is applying a group
	// commits counts the group transactions committed.
	commits atomic.Int64
	// limit, when set, is maxGroup instead (the benchmark sets 1 to
	// compare with a commit per write).
	limit int
	// importing counts the imports whose transactions hold, or wait for,
	// the writer (importwait.go): two dry runs may run at once.
	importing atomic.Int32
}

type pendingWrite struct {
	ctx   context.Context
	audit *AuditEvent
	fn    func(tx *Tx) error
	// done receives the write's outcome, or the lead (lead true).
	done chan writeOutcome
	// lead is set, under the queue's lock, when the lead is handed to
	// this write: it may no longer leave the queue.
	lead bool
	// apart writes run in a transaction of their own.
	apart bool

	// While its group is applied: the write's own undo of its audit
	// event, and the newest change before it (beginChanges).
	undo      func()
	feedStart int64
}

type writeOutcome struct {
	err      error
	panicked any
	lead     bool
}

// writeGrouped queues a write, and applies it (with others) when it leads.
func (db *DB) writeGrouped(ctx context.Context, audit *AuditEvent, fn func(tx *Tx) error) error {
	return db.queueWrite(&pendingWrite{ctx: ctx, audit: audit, fn: fn, done: make(chan writeOutcome, 1)})
}

// writeApart is write (never a dry run) in a transaction of its own, after
// the writes queued before it: for a write whose changes to the full-text
// indexes cannot wait for the group's (a purge).
func (db *DB) writeApart(ctx context.Context, audit *AuditEvent, fn func(tx *Tx) error) error {
	if err := db.refuseWrite(); err != nil {
		return err
	}
	return db.queueWrite(&pendingWrite{ctx: ctx, audit: audit, fn: fn, apart: true, done: make(chan writeOutcome, 1)})
}

func (db *DB) queueWrite(w *pendingWrite) error {
	ctx := w.ctx
	q := &db.queue
	q.mu.Lock()
	q.waiting = append(q.waiting, w)
	lead := !q.leading
	q.leading = true
	q.mu.Unlock()
	early, stop := q.answerEarly(ctx)
	defer stop()
	for {
		if lead {
			db.lead()
			lead = false
		}
		var out writeOutcome
		select {
		case out = <-w.done:
		case <-early:
			if q.importing.Load() > 0 && q.withdraw(w) {
				return errImportHoldsWriter
			}
			early = nil // no import now: wait on, to the deadline
			continue
		case <-ctx.Done():
			if q.withdraw(w) {
				return ctx.Err()
			}
			// Taken into a group already, or given the lead: its outcome
			// stands (it may have committed).
			out = <-w.done
		}
		if out.lead {
			lead = true
			continue
		}
		if out.panicked != nil {
			panic(out.panicked)
		}
		return out.err
	}
}

// withdraw takes w out of the queue if no group has taken it.
func (q *writeQueue) withdraw(w *pendingWrite) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if w.lead {
		return false
	}
	for i, x := range q.waiting {
		if x == w {
			q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// lead applies the queue's writes as one group, then hands the lead on.
func (db *DB) lead() {
	q := &db.queue
	q.mu.Lock()
	n := min(len(q.waiting), maxGroup)
	if q.limit > 0 {
		n = min(n, q.limit)
	}
	if q.importing.Load() > 0 {
		n = min(n, 1) // its wait for the writer is its own (importwait.go)
	}
	for i, w := range q.waiting[:n] {
		if w.apart {
			n = max(i, 1)
			break
		}
	}
	group := append([]*pendingWrite(nil), q.waiting[:n]...)
	q.waiting = append(q.waiting[:0], q.waiting[n:]...)
	q.mu.Unlock()

	outs, locked := db.applyGroup(group)

	q.mu.Lock()
	var failed []*pendingWrite
	if locked != nil {
		// The writes that queued while this group waited out busy_timeout
		// for another program's lock fail with it: each would otherwise
		// wait its own busy_timeout in turn, a second write twice as long
		// as the first, for a lock that was just found held. None of them
		// began, so none is applied.
		failed, q.waiting = q.waiting, nil
	}
	var next *pendingWrite
	if len(q.waiting) > 0 {
		next = q.waiting[0]
		next.lead = true
	} else {
		q.leading = false
	}
	q.mu.Unlock()
	for i, w := range group {
		w.done <- outs[i]
	}
	for _, w := range failed {
		w.done <- writeOutcome{err: locked}
	}
	if next != nil {
		next.done <- writeOutcome{lead: true}
	}
}

// applyGroup runs the group's writes in one transaction and commits it.
// The transaction is no caller's: a caller that goes away stops only its
// own write (Tx.stmtContext), never the group's transaction. locked is
// the group's error when its BEGIN waited out busy_timeout for another
// program's lock.
func (db *DB) applyGroup(group []*pendingWrite) (outs []writeOutcome, locked error) {
	outs = make([]writeOutcome, len(group))
	fail := func(err error, ws ...int) {
		for _, i := range ws {
			if outs[i].err == nil && outs[i].panicked == nil {
				outs[i].err = err
			}
			if u := group[i].undo; u != nil {
				u()
				group[i].undo = nil
			}
		}
	}
	ctx := context.Background()
	// Writes to a file no longer at the database's path would be lost.
	err := db.CheckFile()
	var conn *sql.Conn
	var end func()
	if err == nil {
		conn, end, err = db.beginGroup(group)
		if err != nil && err != errImportHoldsWriter {
			err = db.beginFailed(err)
			if lockedOut(err) {
				locked = err
			}
		}
	}
	if err != nil {
		for i := range outs {
			outs[i].err = err
		}
		return outs, locked
	}
	defer end()
	alone := len(group) == 1
	var applied []int
	// Only savepoints make FTS5 write segments: a write alone writes to
	// the indexes at once (a reindex of every person at Open must not
	// hold its documents in memory).
	var index *indexQueue
	if !alone {
		index = &indexQueue{}
	}
	for i, w := range group {
		if err := w.ctx.Err(); err != nil {
			outs[i].err = err
			continue
		}
		queued := index.len()
		sp := fmt.Sprintf("group_write_%d", i)
		if !alone {
			if _, err := conn.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				rollback(conn)
				fail(db.observe(dbError(err)), all(group)...)
				return outs, nil
			}
		}
		tx := &Tx{conn: conn, db: db, now: db.Now().UTC().Truncate(time.Microsecond),
			audit: w.audit, writing: true, index: index}
		err, panicked := db.applyOne(tx, w)
		if err == nil && panicked == nil {
			if !alone {
				if _, err := conn.ExecContext(ctx, "RELEASE "+sp); err != nil {
					// SQLite rolled the whole transaction back (an I/O
					// error, a full disk): nothing of the group stands.
					rollback(conn)
					fail(db.observe(dbError(err)), all(group)...)
					return outs, nil
				}
			}
			applied = append(applied, i)
			continue
		}
		outs[i].err, outs[i].panicked = err, panicked
		fail(err, i)
		index.drop(queued)
		if alone {
			rollback(conn)
			return outs, nil
		}
		_, rerr := conn.ExecContext(ctx, "ROLLBACK TO "+sp)
		if rerr == nil {
			_, rerr = conn.ExecContext(ctx, "RELEASE "+sp)
		}
		if rerr != nil {
			// The failure took the whole transaction with it: the writes
			// applied before it are not committed, and are told so.
			rollback(conn)
			fail(&Error{Code: Unavailable, Message: "the write was not saved because the database could not apply it with others; try again", Err: err}, applied...)
			for _, j := range all(group)[i+1:] {
				outs[j].err = &Error{Code: Unavailable, Message: "the write was not saved; try again"}
			}
			return outs, nil
		}
	}
	if len(applied) == 0 {
		rollback(conn)
		return outs, nil
	}
	tx := &Tx{conn: conn, db: db, writing: true}
	for _, iw := range index.all() {
		if _, err := tx.ExecContext(ctx, iw.query, iw.args...); err != nil {
			rollback(conn)
			fail(&Error{Code: Unavailable, Message: "the write was not saved because the search index could not take it; try again", Err: err}, applied...)
			return outs, nil
		}
	}
	appended := tx.appendedChanges(ctx, group[applied[0]].feedStart)
	if err := commit(conn); err != nil {
		// Not acknowledged: the callers get an error, never a success for
		// data that may not be on disk.
		rollback(conn)
		fail(db.observe(dbError(err)), applied...)
		return outs, nil
	}
	db.wrote()
	db.nudgeCheckpoints()
	db.queue.commits.Add(1)
	if appended {
		db.changesCommitted()
	}
	return outs, nil
}

// applyOne runs one write's function and stores its audit event. A panic
// is caught, to be raised again in the caller's goroutine.
func (db *DB) applyOne(tx *Tx, w *pendingWrite) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	ctx := w.ctx
	if w.feedStart, err = tx.beginChanges(ctx); err != nil {
		return db.observe(err), nil
	}
	if err := w.fn(tx); err != nil {
		return db.observe(err), nil
	}
	// The call's audit event commits with its change, or neither does.
	undo, err := tx.recordAudit(ctx)
	if err != nil {
		return db.observe(err), nil
	}
	w.undo = undo
	// A caller gone by now is not answered: its write is not kept.
	if err := ctx.Err(); err != nil {
		return err, nil
	}
	return nil, nil
}

func all(group []*pendingWrite) []int {
	out := make([]int, len(group))
	for i := range out {
		out[i] = i
	}
	return out
}

// indexQueue holds a group's writes to the full-text indexes until its
// writes are applied.
type indexQueue struct{ writes []indexWrite }

type indexWrite struct {
	query string
	args  []any
}

// The queue's length, what follows n dropped, and its writes; a nil
// queue is empty.
func (q *indexQueue) len() int {
	if q == nil {
		return 0
	}
	return len(q.writes)
}

func (q *indexQueue) drop(n int) {
	if q != nil {
		q.writes = q.writes[:n]
	}
}

func (q *indexQueue) all() []indexWrite {
	if q == nil {
		return nil
	}
	return q.writes
}

// execIndex runs a write to a full-text index: in the transaction of a
// group of several writes, after the group's writes; in any other, at
// once.
func (tx *Tx) execIndex(ctx context.Context, query string, args ...any) error {
	if tx.index == nil {
		_, err := tx.ExecContext(ctx, query, args...)
		return dbError(err)
	}
	tx.index.writes = append(tx.index.writes, indexWrite{query, args})
	return nil
}
