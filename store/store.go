// Package store keeps trithuc's data in SQLite: the schema and its migrations,
// the queries, and the transactions around them. Nothing outside this package
// speaks SQL. Its API takes and returns the contract's resources; a file or
// two per resource (DEVELOPERS.md lists them), and the shared listing
// (page.go) and soft delete (softdelete.go).
//
// Every write goes through one connection in a BEGIN IMMEDIATE transaction, so
// writers queue in Go instead of failing with SQLITE_BUSY, and a write is
// reported done only after COMMIT returned. Reads use a separate pool of
// read-only connections, which WAL lets run beside the writer.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// DB is an open trithuc database.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB

	// secret signs page tokens, so that a client can neither forge one nor
	// reuse one for a different query. It is made once per database.
	secret []byte

	// Now is the clock; tests replace it.
	Now func() time.Time

	// health is what SQLite's answers said of the file (health.go).
	health    health
	integrity string
	// file is the file opened, which the path must go on naming
	// (health_file.go).
	file os.FileInfo

	// limits bound the cost of one read (budget.go).
	limits readLimits

	// feed marks write transactions for the change feed and wakes its
	// watchers (changes.go).
	feed feed

	// queue holds the writes waiting for the writer (group.go).
	queue writeQueue

	// keys remembers live API keys for a moment (keycache.go).
	keys keyCache

	// wordSets holds the matches of common words of the search index
	// for its counts, and nameSets those of the names' words for a
	// search's names band (wordsets.go).
	wordSets, nameSets wordSets
	// nameOrder holds each person's rank in name order, for a search's
	// names band, under the same key as wordSets (nameorder.go).
	nameOrder nameOrder

	// held holds BASIC profiles, which pages of people and GetPerson
	// read, and heldFull FULL profiles, which GetPerson reads
	// (heldcache.go, heldperson.go).
	held     heldCache[*pb.Person]
	heldFull heldCache[heldFull]

	// refKnown remembers the reference codes found committed (refknown.go).
	refKnown refKnown

	// auditPeople remembers people's numbers in the trail (audit_people.go).
	auditPeople personNums

	// checkpoints copies the log into the file beside the writer
	// (checkpoint.go).
	checkpoints checkpointer

	// readOnly: opened with Options.ReadOnly, without a writer.
	readOnly bool
	// log hears of long work at open (Options.Log); may be nil.
	log *slog.Logger
}

// Options are the choices of OpenWith.
type Options struct {
	// IntegrityCheckTime bounds SQLite's quick_check at open;
	// DefaultIntegrityCheckTime when 0. Negative skips the check, to read
	// what is left of a damaged database.
	IntegrityCheckTime time.Duration
	// Log, when set, hears of long work at open: each migration, and the
	// search index rebuilt after an upgrade (minutes for a large
	// registry).
	Log *slog.Logger
	// ReadOnly opens the database for reading only, without a writer:
	// nothing is migrated or written, and the file may be on a read-only
	// mount or in use by a server of another version. A database of an
	// older schema is opened as it is, for Backup to copy (reads that the
	// older schema lacks the tables of fail); one that does not exist is
	// refused.
	ReadOnly bool
	// KeepSchema refuses a database of an older schema instead of
	// upgrading it, and leaves the rest of an upgrade (reference data,
	// the search index, statistics) to `trithuc serve`: for admin
	// commands, which may run beside a server of the older version that
	// an upgraded file would stop. A new database is made as usual.
	KeepSchema bool
}

// Open opens the database file at path, creating it when it does not exist,
// and brings its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options. It refuses a file that is not a trithuc
// database, cannot be written, or is damaged, before writing to it.
func OpenWith(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if dir := filepath.Dir(abs); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("store: the directory %s of the database file %s does not exist: make it, readable by the server's user only (install -d -m 0700 %s), or give another path", dir, abs, dir)
		} else if err != nil {
			return nil, fmt.Errorf("store: database directory: %w", err)
		}
	}
	// Before anything writes to the file (recognise.go, health.go).
	if err := recognise(ctx, abs, opts.ReadOnly); err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, abs, opts)
	}
	if err := createPrivate(abs); err != nil {
		return nil, err
	}
	db := &DB{path: abs, Now: time.Now, log: opts.Log}
	db.setUpMemories()
	if db.integrity, err = checkIntegrity(ctx, abs, opts.IntegrityCheckTime); err != nil {
		return nil, err
	}

	db.writer, err = sql.Open(writerDriver, dsn(abs, writerParams))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	db.writer.SetConnMaxIdleTime(0)

	if err := db.writer.PingContext(ctx); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.noteFile(); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := checkFTS5(ctx, db.writer); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := limitMemory(ctx, db.writer); err != nil {
		db.writer.Close()
		return nil, err
	}
	from, err := schemaOf(ctx, db.writer)
	if err == nil {
		err = checkSchema(abs, from, opts.KeepSchema)
	}
	if err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.migrate(ctx, len(migrations)); err != nil {
		db.writer.Close()
		return nil, err
	}
	if err := db.stamp(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}
	// The rest of an upgrade; a new database is made whole.
	upgrade := !opts.KeepSchema || from == 0
	if upgrade {
		if err := db.seedReference(ctx); err != nil {
			db.writer.Close()
			return nil, err
		}
	}

	if db.reader, err = openReader(abs); err != nil {
		db.writer.Close()
		return nil, err
	}

	if err := db.startCheckpoints(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.secret, err = db.loadSecret(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadFeed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if !upgrade {
		return db, nil
	}
	if err := db.ensureSearchIndex(ctx, opts.Log); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: rebuilding the search index: %w", err)
	}
	if err := db.ensureStats(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openReader opens the reader pool of the database at path.
func openReader(path string) (*sql.DB, error) {
	reader, err := sql.Open(driverName, dsn(path, readParams(path)))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	reader.SetConnMaxIdleTime(0)
	reader.SetConnMaxLifetime(0)
	return reader, nil
}

// driverName is the driver of the store's reader pool: SQLite with the
// functions the audit trail's queries call on every connection
// (registerAuditFuncs), and trithuc_sort_key, the Vietnamese sort key
// (every name filters compare has its key stored since 0045; tests check
// the stored keys by it); the writer's pool has them too (writerDriver).
// The connections that never read the trail (backup, health, recognise,
// the checkpointer) open the plain "sqlite3".
const driverName = "sqlite3_trithuc"

// writerDriver is driverName for the writer's pool, whose connection
// leaves most checkpoints to the checkpointer (checkpoint.go).
const writerDriver = "sqlite3_trithuc_writer"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: registerReaderFuncs})
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// trithuc_sort_key also for migrations that backfill a sort key
		// (0035), and the search version's re-keying.
		if err := registerReaderFuncs(c); err != nil {
			return err
		}
		// For migrations that tidy stored text (0036) and key phones
		// (0037).
		if err := c.RegisterFunc("trithuc_clean", normText, true); err != nil {
			return err
		}
		if err := c.RegisterFunc("trithuc_phone_key", phoneKey, true); err != nil {
			return err
		}
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint=%d", writerAutocheckpoint), nil)
		return err
	}})
}

// registerReaderFuncs registers the functions of driverName on c.
func registerReaderFuncs(c *sqlite3.SQLiteConn) error {
	if err := registerAuditFuncs(c); err != nil {
		return err
	}
	return c.RegisterFunc("trithuc_sort_key", nameSortKey, true)
}

// Pragmas go in the DSN because they are per connection: the driver runs
// them on every connection it opens, including ones the pool reopens.
//
//	journal_mode=WAL   readers do not block the writer, nor it them
//	synchronous=FULL   a COMMIT that returned survives a crash or power cut
//	foreign_keys=on    references are checked by SQLite too
//	busy_timeout       wait for another process's lock instead of failing
//	secure_delete=on   deleted rows are overwritten, so that a purged
//	                   person's data is gone from the file (purge.go)
//
// mode=ro makes the reader pool unable to write even by mistake. Write
// transactions BEGIN IMMEDIATE (tx.go): they take the write lock at once,
// so that one never fails half-way with SQLITE_BUSY.
//
// stmt_cache_size (the driver's) keeps each connection's statements
// prepared: preparing costs SQLite more than running most of ours (a
// GetPerson FULL's one SELECT, an INSERT INTO people with the change
// feed's triggers), and a filter makes SQL of many shapes, the common
// ones kept.
const (
	commonParams = "_synchronous=FULL&_foreign_keys=on&_busy_timeout=10000&_cache_size=-32000&_stmt_cache_size=256"
	writerParams = "_journal_mode=WAL&_secure_delete=on&" + commonParams
	readerParams = "mode=ro&" + commonParams
)

// dsn makes a SQLite URI filename for path; the driver passes parameters
// without a leading underscore on to SQLite. A relative path is made
// absolute first: in a URI it would read as the authority.
func dsn(path, params string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path
	}
	return u.String() + "?" + params
}

// checkFTS5 fails with an actionable message when the binary was built without
// the sqlite_fts5 tag, instead of failing later on the first search.
func checkFTS5(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n == 0 {
		return errors.New("store: this binary's SQLite has no FTS5; build with `-tags sqlite_fts5` (make build, make test)")
	}
	return nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close closes the database. Writes in flight finish first; the WAL is
// checkpointed into the main file so that it can be copied on its own.
func (db *DB) Close() error {
	errs := []error{db.stopCheckpoints()}
	// A read of name order's ranks under way ends first (nameorder.go).
	db.nameOrder.wg.Wait()
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		if _, err := db.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// write runs fn in a write transaction and commits it; when dryRun is set it
// rolls back instead, so that validate_only requests see every check a real
// write would make and change nothing. audit, when not nil and not stored
// yet, is stored with the code OK in the same transaction: an acknowledged
// write always has its audit event, and a write that fails leaves none.
// Writes that wait together share a transaction and its commit (group.go).
func (db *DB) write(ctx context.Context, dryRun bool, audit *AuditEvent, fn func(tx *Tx) error) error {
	if err := db.refuseWrite(); err != nil {
		return err
	}
	if audit != nil {
		// What the write names is kept only if it commits.
		m := audit.mark()
		defer func() {
			if !audit.Stored() {
				audit.rewind(m)
			}
		}()
	}
	if !dryRun {
		return db.writeGrouped(ctx, audit, fn)
	}
	conn, end, err := beginTx(ctx, db.writer, "BEGIN IMMEDIATE")
	if err != nil {
		return db.beginFailed(err)
	}
	defer end()
	tx := &Tx{conn: conn, db: db, now: db.Now().UTC().Truncate(time.Microsecond), audit: audit, writing: true}
	if _, err := tx.beginChanges(ctx); err != nil {
		return db.observe(err)
	}
	return db.observe(fn(tx))
}

// stmtContext is the context a statement of tx runs with. In SQLite a
// write statement interrupted by a cancellation rolls back the whole
// transaction, which writes share (group.go): so once begun, a write's
// statement runs to its end, and a cancelled caller's write stops before
// its next statement instead.
//
// A read with a budget is cancelled through the budget's handler instead
// (budget.cancel): the driver would watch the context with a goroutine for
// every statement and every row.
func (tx *Tx) stmtContext(ctx context.Context) context.Context {
	if !tx.writing && tx.budget == nil || ctx.Err() != nil {
		// database/sql refuses a done context before reaching SQLite.
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// read runs fn in a read-only transaction, which sees one snapshot of the
// database throughout.
// It runs on one connection held throughout, so that its budget of SQLite
// steps (budget.go) bounds the whole read.
func (db *DB) read(ctx context.Context, fn func(tx *Tx) error) error {
	return db.readWithin(ctx, db.ReadBudget(), fn)
}

// readWithin is read with a budget of its own (0: none), for work no
// caller waits on (a report made in an operation).
func (db *DB) readWithin(ctx context.Context, budget time.Duration, fn func(tx *Tx) error) error {
	return db.readOn(ctx, budget, true, fn)
}

// readHeld is read without BEGIN and ROLLBACK, for fn that keeps its first
// statement open (not reset) until its last has run: SQLite's implicit
// transaction lasts until the connection's last active statement ends, so
// every statement of fn reads the first one's snapshot, as in a
// transaction. A statement fn begins after its first ended reads a later
// snapshot. BEGIN and ROLLBACK were 6 % of a GetPerson's CPU in the
// server (BENCHMARKS.md, issue 19, twenty-ninth session).
func (db *DB) readHeld(ctx context.Context, fn func(tx *Tx) error) error {
	return db.readOn(ctx, db.ReadBudget(), false, fn)
}

// readOn is readWithin, in a transaction of its own when begin is set.
func (db *DB) readOn(ctx context.Context, budget time.Duration, begin bool, fn func(tx *Tx) error) error {
	conn, end, err := readConn(ctx, db.reader, begin)
	if err != nil {
		return db.observe(dbError(err))
	}
	// Ends the transaction and gives the connection back once the
	// budget's handler is removed (b.end, deferred after).
	defer end()
	b, err := startBudget(conn, budget)
	if err != nil {
		return err
	}
	defer b.end(conn)
	if b != nil {
		defer context.AfterFunc(ctx, b.cancel)()
	}
	tx := &Tx{conn: conn, db: db, now: db.Now().UTC().Truncate(time.Microsecond), budget: b}
	err = fn(tx)
	if err != nil && ctx.Err() != nil {
		// Stopped by its budget's handler because the caller went away.
		return ctx.Err()
	}
	return db.observe(b.check(ctx, err))
}

// readConn takes a connection of pool for a read, in a transaction when
// begin is set; end ends whatever transaction is still open and gives the
// connection back.
func readConn(ctx context.Context, pool *sql.DB, begin bool) (conn *sql.Conn, end func(), err error) {
	if begin {
		return beginTx(ctx, pool, "BEGIN")
	}
	if conn, err = pool.Conn(ctx); err != nil {
		return nil, nil, err
	}
	return conn, func() {
		rollback(conn)
		conn.Close()
	}, nil
}

// readRow runs a query of one row on the reader pool outside any
// transaction (SQLite gives the statement a snapshot of its own). Its
// callers pass their errors to observe, as read does: a new connection
// that cannot open the file says why.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.reader.QueryRowContext(ctx, query, args...)
}

// dbError wraps an error from SQLite as an internal error, keeping
// cancellations recognisable.
func dbError(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var sqe sqlite3.Error
	if errors.As(err, &sqe) && (sqe.Code == sqlite3.ErrBusy || sqe.Code == sqlite3.ErrLocked) {
		return &Error{Code: Unavailable, Message: "the database is busy; try again", Err: err}
	}
	return &Error{Code: Internal, Message: "database error", Err: err}
}

func (db *DB) loadSecret(ctx context.Context) ([]byte, error) {
	var secret []byte
	conn := db.writer
	if db.readOnly {
		conn = db.reader
	}
	err := conn.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'page_token_secret'`).Scan(&secret)
	if err == nil && len(secret) >= 32 {
		return secret, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) && !db.readOnly {
		return nil, fmt.Errorf("store: %w", err)
	}
	secret = make([]byte, 32)
	rand.Read(secret)
	if db.readOnly {
		// Not kept: its page tokens last as long as this process, and
		// an older schema's settings may lack it.
		return secret, nil
	}
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('page_token_secret', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, secret)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return secret, nil
}

// micros is how times are stored: microseconds since the Unix epoch, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
