package store

/*
// Declared here, as budget.go declares what it calls: the driver compiles
// SQLite into the binary without putting its header on our include path.
int sqlite3_config(int, ...);
long long sqlite3_memory_used(void);
long long sqlite3_memory_highwater(int);

// SQLITE_CONFIG_STMTJRNL_SPILL: a C variadic call, which cgo cannot make.
static int trithuc_stmt_journal_spill(int bytes) { return sqlite3_config(26, bytes); }
*/
import "C"

import (
	"context"
	"database/sql"
	"fmt"
)

// stmtJournalSpill is how much of a statement or savepoint journal SQLite
// keeps in memory before writing it to a temporary file (64 KiB by
// default). Every write of a group runs in a savepoint (group.go), which
// journals the original of each page it changes: a create at 100,000
// people journals about 130 KiB, so each went to a file, as many page
// writes again as the WAL's. The journal is emptied when the savepoint
// is released, so this bounds the memory of one write, not a group's; a
// larger statement (a migration's UPDATE) still spills beyond it. SQLite
// allocates the journal as one block of this size, which internal/malloc's
// thresholds keep in glibc's arenas from one write to the next.
//
// A journal that outgrows it is written to its file in one write, which
// SQLite's unix VFS cannot make past 128 KiB: tempvfs.go has temporary
// files write in pieces (TestLargeStatementJournalSpills).
const stmtJournalSpill = 4 << 20

// stmtJournalConfig is what SQLite answered to the setting: SQLITE_OK (0)
// unless SQLite was already initialised, which nothing does before the
// package's init.
var stmtJournalConfig = int(C.trithuc_stmt_journal_spill(stmtJournalSpill))

// sqliteSoftHeapLimit bounds the memory SQLite keeps, across every
// connection of the process: when its page caches, statements, sorts and
// full-text queries would hold more, it frees the least recently used cached
// pages first. Five connections may each cache 32 MB; with a million people
// and broad searches running on every reader at once, SQLite held over
// 300 MB (BENCHMARKS.md). It is a soft limit: a query that needs more
// memory still gets it. Measured serving searches at 16 and 64 callers on
// 1.2 million people, the server's peak resident set was 296 MiB with
// 128 MB, 229 MiB with 96 MB and 183 MiB with 64 MB, at throughputs within
// the machine's noise: every commit empties the readers' caches anyway.
// With 96 MB, SQLite held 96-100 MiB of a million people's peak of 236-257
// MiB, serving searches; with 64 MB, 77-83 MiB (issue 19, BENCHMARKS.md:
// memory at a million).
const sqliteSoftHeapLimit = 64 << 20

// limitMemory sets the limit; it holds for the whole process.
func limitMemory(ctx context.Context, db *sql.DB) error {
	var limit int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA soft_heap_limit = %d`, sqliteSoftHeapLimit)).Scan(&limit); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// SQLiteMemory is the memory SQLite holds now, across every connection of
// the process, and the most it has held since the last reset (reset, when
// true, starts the peak again from now).
func SQLiteMemory(reset bool) (used, peak int64) {
	r := C.int(0)
	if reset {
		r = 1
	}
	return int64(C.sqlite3_memory_used()), int64(C.sqlite3_memory_highwater(r))
}
