//go:build trithuc_bench

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Plain is the storage ceiling that benchmarks compare the service with:
// plain SQLite on a trithuc database file, through database/sql and the same
// driver and pragmas, running the statements the store runs for a read or a
// write (reads prepared once; inserts prepared per transaction, as the
// store's writes are), with nothing around them: no service, no validation,
// no protobuf, results scanned into plain Go values.
type Plain struct {
	reader *sql.DB
	writer *sql.DB

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// OpenPlain opens the database file at path, which must exist with the
// current schema (store.Open makes it), for plain statements.
func OpenPlain(ctx context.Context, path string) (*Plain, error) {
	p := &Plain{stmts: map[string]*sql.Stmt{}}
	var err error
	// txlock: its *sql.Tx BEGINs IMMEDIATE, as the store's writes do.
	if p.writer, err = sql.Open("sqlite3", dsn(path, writerParams+"&_txlock=immediate")); err != nil {
		return nil, err
	}
	p.writer.SetMaxOpenConns(1)
	if p.reader, err = sql.Open("sqlite3", dsn(path, readerParams)); err != nil {
		p.writer.Close()
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0)) // as Open sizes the store's pool
	p.reader.SetMaxOpenConns(n)
	p.reader.SetMaxIdleConns(n)
	var version int
	if err := p.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil || version != SchemaVersion() {
		p.Close()
		return nil, fmt.Errorf("store: plain: %s has schema version %d, want %d (open it with store.Open first): %v", path, version, SchemaVersion(), err)
	}
	return p, nil
}

// Close closes the connections.
func (p *Plain) Close() error {
	for _, s := range p.stmts {
		s.Close()
	}
	return errors.Join(p.reader.Close(), p.writer.Close())
}

// stmt returns the reader's statement for query, prepared once.
func (p *Plain) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts[query]; ok {
		return s, nil
	}
	s, err := p.reader.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = s
	return s, nil
}

// query runs a read and scans every row into plain values; it returns the
// number of rows, and the first column of each when firstInts is set.
func (p *Plain) query(ctx context.Context, query string, firstInts bool, args ...any) (int, []int64, error) {
	s, err := p.stmt(ctx, query)
	if err != nil {
		return 0, nil, err
	}
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	var firsts []int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		n++
		if firstInts {
			v, _ := vals[0].(int64)
			firsts = append(firsts, v)
		}
	}
	return n, firsts, rows.Err()
}

// attachSQL is what attach runs for n people. (For people who hold
// memberships, attach reads their consents and possible duplicates too;
// the benchmark's people hold none.)
func attachSQL(n int, full bool) []string {
	qs := []string{identifiersOfSQL(n), fieldsOfSQL(n), rolesOfSQL(n)}
	if !full {
		return append(qs, currentPositionsOfSQL(n))
	}
	return append(qs, positionKind.ofSQL(n, ""), qualificationKind.ofSQL(n, ""), honorKind.ofSQL(n, ""), workKind.ofSQL(n, ""), membershipsOfSQL(n))
}

// GetPersonFull reads what GetPerson reads for the FULL view: the person's
// row, fields, roles, positions, qualifications, honours and memberships. It returns the
// number of rows read.
func (p *Plain) GetPersonFull(ctx context.Context, id string) (int, error) {
	n, pks, err := p.query(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = ?`, true, id)
	if err != nil || n == 0 {
		return 0, err
	}
	for _, q := range attachSQL(1, true) {
		m, _, err := p.query(ctx, q, false, pks[0])
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// PlainListing is a listing of people resolved to the statements the store
// runs for its first page.
type PlainListing struct {
	p          *Plain
	count      string
	countArgs  []any
	pages      []string // the page query, one per band
	pageArgs   [][]any
	full       bool
	countFirst bool
	size       string
	// fetch reads the columns of the page's rows when the page query
	// selects only their keys; n is the page size.
	fetch func(n int) string
	n     int
}

// PeopleListing resolves a ListPeople query as the store does.
func (p *Plain) PeopleListing(ctx context.Context, db *DB, q ListQuery, full bool) (*PlainListing, error) {
	return p.listing(ctx, db, full, func(tx *Tx) (listing, error) { return tx.peopleListing(ctx, q) })
}

// SearchListing resolves a SearchPeople query as the store does.
func (p *Plain) SearchListing(ctx context.Context, db *DB, q SearchQuery, full bool) (*PlainListing, error) {
	return p.listing(ctx, db, full, func(tx *Tx) (listing, error) { return tx.searchListing(ctx, q) })
}

func (p *Plain) listing(ctx context.Context, db *DB, full bool, resolve func(*Tx) (listing, error)) (*PlainListing, error) {
	var pl *PlainListing
	err := db.read(ctx, func(tx *Tx) error {
		l, err := resolve(tx)
		if err != nil {
			return err
		}
		count, countArgs := l.countSQL()
		pl = &PlainListing{p: p, count: count, countArgs: countArgs, full: full, countFirst: l.token == "", n: l.size}
		for _, b := range l.pageBands() {
			query, withArgs, _ := l.bandSQL(b, l.where, nil)
			pl.pages = append(pl.pages, query)
			pl.pageArgs = append(pl.pageArgs, append(append([]any(nil), withArgs...), l.args...))
		}
		if l.fetchKey != "" {
			pl.fetch = l.fetchSQL
		}
		if l.sizeSQL != "" && l.token == "" {
			// As list: the size is measured, and beyond the limit the
			// matches are not counted.
			pl.size = l.sizeSQL
			var n int64
			if err := tx.QueryRowContext(ctx, l.sizeSQL).Scan(&n); err != nil {
				return err
			}
			pl.countFirst = n <= exactCountLimit
		}
		return nil
	})
	return pl, err
}

// Count counts every match.
func (l *PlainListing) Count(ctx context.Context) (int, error) {
	var n int
	s, err := l.p.stmt(ctx, l.count)
	if err != nil {
		return 0, err
	}
	err = s.QueryRowContext(ctx, l.countArgs...).Scan(&n)
	return n, err
}

// Run reads the first page as the store does: the count, the page, and what
// its people hold. It returns the number of people on the page.
func (l *PlainListing) Run(ctx context.Context) (int, error) {
	if l.size != "" {
		if _, _, err := l.p.query(ctx, l.size, false); err != nil {
			return 0, err
		}
	}
	if l.countFirst {
		if _, _, err := l.p.query(ctx, l.count, false, l.countArgs...); err != nil {
			return 0, err
		}
	}
	// The bands in turn, as fetchPage reads them, until the page is full.
	var pks []int64
	for i, q := range l.pages {
		if len(pks) > l.n {
			break
		}
		_, more, err := l.p.query(ctx, q, true, l.pageArgs[i]...)
		if err != nil {
			return 0, err
		}
		pks = append(pks, more...)
	}
	if len(pks) == 0 {
		return 0, nil
	}
	if len(pks) > l.n {
		pks = pks[:l.n]
	}
	args := int64sToAny(pks)
	if l.fetch != nil {
		if _, _, err := l.p.query(ctx, l.fetch(len(pks)), false, args...); err != nil {
			return 0, err
		}
	}
	for _, q := range attachSQL(len(pks), l.full) {
		if _, _, err := l.p.query(ctx, q, false, args...); err != nil {
			return 0, err
		}
	}
	return len(pks), nil
}

// Checkpoint copies the log into the database file, so that every target
// of a benchmark starts from the same file: without it, a reader's page
// lookups search the log the target before left (up to 40,000 pages
// after the server's writes), and the targets' order decides who pays.
func (p *Plain) Checkpoint(ctx context.Context) error {
	_, err := p.writer.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// UsedBytes is the size of the database's pages in use, committed writes
// in the WAL included: the benchmarks measure what the audit trail of a
// read costs by its growth.
func (p *Plain) UsedBytes(ctx context.Context) (int64, error) {
	var n int64
	err := p.reader.QueryRowContext(ctx, `SELECT (c.page_count - f.freelist_count) * s.page_size
		FROM pragma_page_count() c, pragma_freelist_count() f, pragma_page_size() s`).Scan(&n)
	return n, err
}

// SampleIDs returns up to n ids of live people, spread over the table.
func (p *Plain) SampleIDs(ctx context.Context, n int) ([]string, error) {
	var total int64
	if err := p.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(pk), 0) FROM people`).Scan(&total); err != nil {
		return nil, err
	}
	step := max(1, total/int64(max(1, n)))
	rows, err := p.reader.QueryContext(ctx, `SELECT id FROM people WHERE pk % ? = 0 AND delete_time IS NULL LIMIT ?`, step, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// NationalIDSerials returns, for each first three digits of the national
// IDs held (a province code), the highest of their last six digits.
func (p *Plain) NationalIDSerials(ctx context.Context) (map[string]int, error) {
	rows, err := p.reader.QueryContext(ctx, `SELECT substr(national_id, 1, 3), MAX(CAST(substr(national_id, 7) AS INTEGER))
		FROM people WHERE length(national_id) = 12 GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var prefix string
		var serial int
		if err := rows.Scan(&prefix, &serial); err != nil {
			return nil, err
		}
		out[prefix] = serial
	}
	return out, rows.Err()
}

// GrowWriterCache gives the writer's connection the page cache and memory
// a bulk load's writer has (DB.GrowWriterCache), so that InsertBulkRows
// stays the storage ceiling of the same load; restore puts both back.
func (p *Plain) GrowWriterCache(ctx context.Context, bytes int64) (restore func() error, err error) {
	return growCache(ctx, p.writer, bytes)
}

// InsertBulkRows inserts rows that PrepareBulk made in one BEGIN IMMEDIATE
// transaction, a prepared statement per table, as WriteBulk does.
func (p *Plain) InsertBulkRows(ctx context.Context, rows *BulkRows) error {
	tx, err := p.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := insertBulk(ctx, tx, rows); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
