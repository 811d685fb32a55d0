package store

import (
	lru "container/list"
	"context"
	"database/sql"
	"sync"
)

// Preparing a statement costs SQLite more than running most of ours (a
// GetPerson FULL runs six small SELECTs; preparing them was half of its
// CPU), so the queries of a transaction use statements prepared once per
// pool and kept, the most recently used first. Writes (ExecContext) are
// left to the driver's own cache of the writer's statements.
//
// A statement is prepared for the pool only between transactions: inside
// one, the transaction holds a connection, and preparing on the pool would
// wait for another, which with one writer (or every reader busy the same
// way) never comes. So a query seen for the first time runs unprepared and
// is noted; the next transaction of the pool prepares it before it begins,
// holding no connection. Inside a transaction, database/sql binds a pool's
// statement to the transaction's own connection, preparing it there once.

// stmtCacheSize bounds the statements kept per pool. Filters make SQL of
// many shapes, and IN lists one per length; the common ones stay.
const stmtCacheSize = 256

type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	lru     *lru.List // of *cachedStmt, most recently used at the front
	bySQL   map[string]*lru.Element
	pending map[string]bool
}

type cachedStmt struct {
	query string
	stmt  *sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, lru: lru.New(), bySQL: map[string]*lru.Element{}, pending: map[string]bool{}}
}

// get returns the pool's statement for query, or nil when it is not
// prepared yet.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.bySQL[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt
	}
	if len(c.pending) < stmtCacheSize {
		c.pending[query] = true
	}
	return nil
}

// prepare prepares the statements noted since the last time. It must be
// called holding no connection of the pool.
func (c *stmtCache) prepare(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	var queries []string
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.pending = map[string]bool{}
	c.mu.Unlock()
	for _, q := range queries {
		s, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			// It fails again unprepared, where the error is the caller's.
			continue
		}
		c.mu.Lock()
		if _, ok := c.bySQL[q]; ok {
			s.Close()
		} else {
			c.bySQL[q] = c.lru.PushFront(&cachedStmt{query: q, stmt: s})
		}
		for c.lru.Len() > stmtCacheSize {
			// A statement still in use by a transaction is closed by
			// database/sql when that use ends.
			old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
			delete(c.bySQL, old.query)
			old.stmt.Close()
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.bySQL {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.bySQL = map[string]*lru.Element{}
	c.lru.Init()
}

// QueryContext runs a query in the transaction with a cached statement.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = tx.stmtContext(ctx)
	if tx.stmts == nil {
		return tx.Tx.QueryContext(ctx, query, args...)
	}
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query of one row in the transaction with a cached
// statement.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.stmtContext(ctx)
	if tx.stmts == nil {
		return tx.Tx.QueryRowContext(ctx, query, args...)
	}
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction. Write statements are
// kept prepared by the driver (the writer's stmt_cache_size, store.go),
// scripts of several statements (a migration's) included.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(tx.stmtContext(ctx), query, args...)
}

// stmt is the pool's statement for query bound to the transaction, bound
// once per transaction (database/sql keeps every statement bound to a
// transaction until it ends, so binding per call would pile up in a long
// import), or nil when the pool has not prepared it yet.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := tx.bound[query]; ok {
		return s
	}
	s := tx.stmts.get(query)
	if s == nil {
		return nil
	}
	if tx.bound == nil {
		tx.bound = map[string]*sql.Stmt{}
	}
	b := tx.Tx.StmtContext(ctx, s)
	tx.bound[query] = b
	return b
}
