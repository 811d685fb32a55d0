package store

/*
typedef struct sqlite3 sqlite3;
int sqlite3_get_autocommit(sqlite3*);
*/
import "C"

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Tx is a transaction. now is fixed when it begins, so that every time it
// writes is the same.
//
// It runs on a connection the store holds, with BEGIN, COMMIT and
// ROLLBACK of its own, not in a database/sql *sql.Tx: a *sql.Tx watches
// its context with a goroutine, and so does every query run in it (Rows
// awaitDone), even when nothing can cancel them, and woke a thread for
// every statement: a create cost a quarter to a half more CPU
// (BenchmarkCreateConcurrent, issue 19). Inside
// a transaction the store's statements are never cancelled by a context
// (stmtContext), so there is nothing to watch. Statements stay prepared in
// the driver's cache of each connection (stmt_cache_size, store.go).
type Tx struct {
	conn *sql.Conn
	db   *DB
	now  time.Time
	// budget bounds a read's SQLite steps; nil in writes.
	budget *budget
	// audit is the event of the call a write transaction makes, nil for
	// none: it commits with the change (recordAudit) and names what the
	// write creates (auditResource).
	audit *AuditEvent
	// writing is set in write transactions, whose statements are not
	// interrupted once begun (stmtContext).
	writing bool
	// index, in the transaction of a group of several writes, holds
	// their writes to the full-text indexes until the group's writes are
	// applied (group.go); nil: they run at once.
	index *indexQueue
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.conn.QueryContext(tx.stmtContext(ctx), query, args...)
}

// QueryRowContext runs a query of one row in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.conn.QueryRowContext(tx.stmtContext(ctx), query, args...)
}

// ExecContext runs a statement in the transaction; scripts of several
// statements (a migration's) too.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.conn.ExecContext(tx.stmtContext(ctx), query, args...)
}

// PrepareContext prepares a statement for the rest of the transaction,
// for the many rows of a bulk write.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.conn.PrepareContext(ctx, query)
}

// beginTx takes a connection of pool and begins a transaction on it with
// begin ("BEGIN" or "BEGIN IMMEDIATE"). end rolls back what is still open
// and gives the connection back.
func beginTx(ctx context.Context, pool *sql.DB, begin string) (conn *sql.Conn, end func(), err error) {
	if conn, err = pool.Conn(ctx); err != nil {
		return nil, nil, err
	}
	// Not cancelled once asked for: BEGIN takes no time worth stopping
	// (a write's waits for another process's lock at most busy_timeout),
	// and a cancellable context costs the driver a goroutine.
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), begin); err != nil {
		rollback(conn)
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		rollback(conn)
		conn.Close()
	}, nil
}

// commit commits the transaction on conn.
func commit(conn *sql.Conn) error {
	_, err := conn.ExecContext(context.Background(), "COMMIT")
	return err
}

// rollback ends whatever transaction conn still has open. A connection
// that cannot end it is discarded: back in the pool it would answer every
// later read from the old snapshot.
func rollback(conn *sql.Conn) {
	if !inTransaction(conn) {
		return
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err == nil && !inTransaction(conn) {
		return
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
}

// inTransaction reports whether conn is inside a transaction (or cannot
// tell).
func inTransaction(conn *sql.Conn) bool {
	open := true
	conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return nil
		}
		h, err := sqliteHandle(c)
		if err != nil {
			return nil
		}
		open = C.sqlite3_get_autocommit((*C.sqlite3)(h)) == 0
		return nil
	})
	return open
}
