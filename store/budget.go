package store

/*
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

// SQLite's own progress handler, from the SQLite that
// github.com/mattn/go-sqlite3 compiles into the binary (the driver does not
// expose it).
typedef struct sqlite3 sqlite3;
void sqlite3_progress_handler(sqlite3*, int, int(*)(void*), void*);

typedef struct {
	int64_t left;     // nanoseconds of CPU left; below zero, spent
	int64_t last;     // the thread's CPU clock at the last tick
	int64_t max_tick; // the most one tick may charge
	pthread_t thread; // the thread of the last tick
	int seen;         // whether last and thread are set
	volatile int cancelled; // the read's caller went away
} trithuc_budget;

static int64_t trithuc_thread_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// trithuc_budget_tick runs every budgetStride VM instructions and charges
// the CPU time of its thread since the last tick; a nonzero answer makes
// SQLite stop the statement with SQLITE_INTERRUPT. Between two calls of
// sqlite3_step the goroutine may have changed threads (nothing is charged)
// or its thread may have run other work (a tick charges at most max_tick).
static int trithuc_budget_tick(void *p) {
	trithuc_budget *b = p;
	if (b->left < 0 || b->cancelled) {
		return 1;
	}
	int64_t now = trithuc_thread_ns();
	pthread_t self = pthread_self();
	if (b->seen && pthread_equal(self, b->thread)) {
		int64_t d = now - b->last;
		b->left -= d < b->max_tick ? d : b->max_tick;
	}
	b->last = now;
	b->thread = self;
	b->seen = 1;
	return b->left < 0;
}

static void trithuc_budget_start(void *db, trithuc_budget *b, int stride) {
	sqlite3_progress_handler((sqlite3*)db, stride, trithuc_budget_tick, b);
}

static void trithuc_budget_end(void *db) {
	sqlite3_progress_handler((sqlite3*)db, 0, 0, 0);
}
*/
import "C"

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	sqlite3 "github.com/mattn/go-sqlite3"

	"trithuc.gov.vn/trithuc/suppress"
)

// A read's cost is bounded inside SQLite: each read transaction may use at
// most a budget of CPU time in SQLite, charged by a progress handler on its
// connection, after which SQLite stops the statement it is running. The
// thread's CPU clock, unlike the wall clock, does not run while the machine
// is busy with other work, so a query is refused or not by what it costs,
// not by the load around it; and the statement stops inside SQLite,
// releasing its connection, instead of running on after its caller gave
// up. (Counting VM instructions instead would not do: an index seek is one
// instruction, and sixty OR'ed prefixes run millions of seeks.)

// DefaultReadBudget is how much SQLite CPU time one read may use unless
// SetReadBudget says otherwise: many times what the broadest listing of
// 50,000 people needs (0.2 s), a fraction of what sixty OR'ed prefix
// comparisons on qualifications cost there (9 s; see BENCHMARKS.md).
const DefaultReadBudget = 2 * time.Second

// budgetStride is how many VM instructions SQLite runs between ticks of the
// handler: a few microseconds of the cheapest, so that a tick (a read of
// the thread's clock) costs little, and a stop comes within a millisecond.
const budgetStride = 4096

// maxTick is the most CPU time one tick charges, in case its thread ran
// other work between two steps of the read.
const maxTick = 50 * time.Millisecond

// ErrBudget is the error of a read that ran out of its budget; the
// *Error it comes in says what to do instead.
var ErrBudget = errors.New("store: read budget exhausted")

// readLimits are the settings of the budget; zero values are the defaults.
type readLimits struct {
	// budget of a read: 0 DefaultReadBudget, < 0 none.
	budget atomic.Int64
	// suppression is the work allowance of a statistics answer's
	// suppression: 0 DefaultSuppressionAllowance, < 0 none.
	suppression atomic.Int64
}

// SetReadBudget bounds the SQLite CPU time of every read transaction; 0 or
// less removes the bound.
func (db *DB) SetReadBudget(d time.Duration) {
	if d <= 0 {
		d = -1
	}
	db.limits.budget.Store(int64(d))
}

// ReadBudget is the SQLite CPU time a read may use; 0 means no bound.
func (db *DB) ReadBudget() time.Duration {
	switch d := time.Duration(db.limits.budget.Load()); {
	case d == 0:
		return DefaultReadBudget
	case d < 0:
		return 0
	default:
		return d
	}
}

// The small-cell suppression of a statistics answer runs in Go, after
// SQLite counted, so the read budget does not bound it; its work grows
// faster than the cells (each empty cell it adds makes the marginals
// again). It gets an allowance of its own, counted in steps
// (suppress.Allowance) rather than time, so that an answer is refused or
// not whatever the machine's load.

// DefaultSuppressionAllowance is how many steps of suppression one
// statistics, indicators or engagement statistics call may use unless
// SetSuppressionAllowance says otherwise: eleven times the most a table of
// the suppress tests needs (0.9 million), twice the largest table of a
// report of 5,000 people (5.5 million, which reports need not keep to);
// unit by ethnicity by organization for 20,000 people needs 24 million,
// 4.4 s of CPU. A step is some 0.2 to 0.3 µs, so the allowance is about
// the read budget's 2 s.
const DefaultSuppressionAllowance = 10_000_000

// SetSuppressionAllowance bounds the steps of suppression of every
// statistics and indicators call; 0 restores the default, less than 0
// removes the bound. Reports (MakeReport) are never bounded.
func (db *DB) SetSuppressionAllowance(steps int64) {
	db.limits.suppression.Store(steps)
}

// SuppressionAllowance is the steps of suppression one call may use; 0
// means no bound.
func (db *DB) SuppressionAllowance() int64 {
	switch n := db.limits.suppression.Load(); {
	case n == 0:
		return DefaultSuppressionAllowance
	case n < 0:
		return 0
	default:
		return n
	}
}

// suppressionWork is the allowance of one call's suppression, without a
// bound for a report's (unbounded) or when the bound is lifted; keyed by
// the database's secret (suppressionKey) either way, so that a report
// hides what the calls do.
func (db *DB) suppressionWork(unbounded bool) *suppress.Allowance {
	n := db.SuppressionAllowance()
	if unbounded {
		n = 0
	}
	return suppress.NewAllowance(n).Keyed(db.suppressionKey())
}

// suppressionKey keys the choice of the empty cells a three-way answer
// hides beside its small counts: derived from the database's secret, so
// that it lasts as the database does (the same answer to the same
// request, on every server of it) and no caller can work it out.
func (db *DB) suppressionKey() []byte {
	mac := hmac.New(sha256.New, db.secret)
	mac.Write([]byte("trithuc statistics: the empty cells hidden beside small counts"))
	return mac.Sum(nil)
}

// suppressionError turns the error of a suppression that ran out of its
// allowance into one that tells the caller what to ask instead; other
// errors pass unchanged.
func suppressionError(err error) error {
	if !errors.Is(err, suppress.ErrAllowance) {
		return err
	}
	return &Error{Code: ResourceExhausted,
		Message: "the answer has too many small counts to protect within the work one call may use; " +
			"ask for fewer dimensions, a coarser unit or field level, or a narrower filter",
		Err: err}
}

// SetReadPoolSize sets how many read connections the database keeps open
// at most (by default twice GOMAXPROCS, at least 4).
func (db *DB) SetReadPoolSize(n int) {
	n = max(1, n)
	db.reader.SetMaxOpenConns(n)
	db.reader.SetMaxIdleConns(n)
}

// ReadPoolSize is how many reads can run at once.
func (db *DB) ReadPoolSize() int { return db.reader.Stats().MaxOpenConnections }

// budget is the progress handler of one read on one connection; a nil
// *budget bounds nothing.
type budget struct {
	handle unsafe.Pointer    // the connection's sqlite3*
	c      *C.trithuc_budget // in C memory: SQLite's thread writes it
	total  time.Duration
	mu     sync.Mutex // guards c against cancel after end
}

// cancel stops the read's statement at the handler's next tick: the read's
// cancellation goes through the handler rather than the driver, which
// watches a cancellable context with a goroutine per statement and per row.
func (b *budget) cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c != nil {
		b.c.cancelled = 1
	}
}

// startBudget installs a budget of d on conn, which the caller holds until
// end.
func startBudget(conn *sql.Conn, d time.Duration) (*budget, error) {
	if d <= 0 {
		return nil, nil
	}
	b := &budget{total: d}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("store: read connection is a %T", dc)
		}
		h, err := sqliteHandle(c)
		if err != nil {
			return err
		}
		b.handle = h
		b.c = (*C.trithuc_budget)(C.calloc(1, C.size_t(unsafe.Sizeof(C.trithuc_budget{}))))
		b.c.left = C.int64_t(d)
		b.c.max_tick = C.int64_t(maxTick)
		C.trithuc_budget_start(h, b.c, budgetStride)
		return nil
	})
	if err != nil {
		return nil, &Error{Code: Internal, Message: "read budget", Err: err}
	}
	return b, nil
}

// end removes the handler, before conn goes back to the pool.
func (b *budget) end(conn *sql.Conn) {
	if b == nil {
		return
	}
	conn.Raw(func(any) error {
		C.trithuc_budget_end(b.handle)
		return nil
	})
	b.mu.Lock()
	C.free(unsafe.Pointer(b.c))
	b.c = nil
	b.mu.Unlock()
}

func (b *budget) exhausted() bool { return b != nil && b.c.left < 0 }

// within runs fn on at most d of what is left of the budget. finished is
// false when fn ran out of d but the read as a whole did not: fn's error is
// then dropped, and the read goes on with what is left.
func (b *budget) within(d time.Duration, fn func() error) (finished bool, err error) {
	if b == nil {
		return true, fn()
	}
	left := int64(b.c.left)
	part := min(left, int64(d))
	b.c.left = C.int64_t(part)
	err = fn()
	switch after := int64(b.c.left); {
	case after >= 0:
		b.c.left = C.int64_t(left - (part - after))
	case part < left:
		b.c.left = C.int64_t(left - part)
		return false, nil
	}
	// Out of the whole budget, left stays below zero.
	return true, err
}

// countShare is the part of a read's budget that counting total_size may
// use: half, so that a count that stops early leaves the page its part.
func (b *budget) countShare() time.Duration {
	if b == nil {
		return 0
	}
	return b.total / 2
}

// check turns the error of a read that ran out of its budget into one
// that tells the caller what to do; other errors pass unchanged.
func (b *budget) check(ctx context.Context, err error) error {
	if err == nil || !b.exhausted() || ctx.Err() != nil {
		return err
	}
	return &Error{Code: ResourceExhausted,
		Message: fmt.Sprintf("the query needs more than %s of database time, the most one call may use; narrow it: fewer OR'ed comparisons or prefixes, a more selective filter, or a smaller page", b.total),
		Err:     ErrBudget}
}

// connField is the driver's handle of a connection. The driver keeps it
// unexported; reading it by reflection is checked once here, and a driver
// without it makes every read fail loudly instead of running unbounded.
var connField, connFieldOK = func() (reflect.StructField, bool) {
	f, ok := reflect.TypeFor[sqlite3.SQLiteConn]().FieldByName("db")
	return f, ok && f.Type.Kind() == reflect.Pointer
}()

func sqliteHandle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	if !connFieldOK {
		return nil, errors.New("store: this github.com/mattn/go-sqlite3 has no connection handle to bound reads with; SetReadBudget(0) runs them unbounded")
	}
	h := reflect.ValueOf(c).Elem().FieldByIndex(connField.Index).UnsafePointer()
	if h == nil {
		return nil, errors.New("store: read connection is closed")
	}
	return h, nil
}
