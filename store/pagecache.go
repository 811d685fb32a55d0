package store

/*
#include <stdlib.h>

// SQLite's page cache interface, as its public header declares it (the
// driver compiles SQLite into the binary without putting the header on
// our include path; budget.go and memory.go declare what they call too).
typedef struct sqlite3_pcache sqlite3_pcache;
typedef struct sqlite3_pcache_page { void *pBuf; void *pExtra; } sqlite3_pcache_page;
typedef struct sqlite3_pcache_methods2 {
	int iVersion;
	void *pArg;
	int (*xInit)(void*);
	void (*xShutdown)(void*);
	sqlite3_pcache *(*xCreate)(int szPage, int szExtra, int bPurgeable);
	void (*xCachesize)(sqlite3_pcache*, int nCachesize);
	int (*xPagecount)(sqlite3_pcache*);
	sqlite3_pcache_page *(*xFetch)(sqlite3_pcache*, unsigned key, int createFlag);
	void (*xUnpin)(sqlite3_pcache*, sqlite3_pcache_page*, int discard);
	void (*xRekey)(sqlite3_pcache*, sqlite3_pcache_page*, unsigned oldKey, unsigned newKey);
	void (*xTruncate)(sqlite3_pcache*, unsigned iLimit);
	void (*xDestroy)(sqlite3_pcache*);
	void (*xShrink)(sqlite3_pcache*);
} sqlite3_pcache_methods2;
int sqlite3_config(int, ...);

// The byte SQLite locks a database file at (PENDING_BYTE): the page that
// holds it, the lock page, never holds data.
#define TRITHUC_PENDING_BYTE 0x40000000

// A cache of SQLite's own (pcache1) with the largest key it may hold kept
// here, exactly: pcache1 keeps the largest key seen, and a commit's
// truncation scans its whole hash table when that is far beyond the end of
// the file.
typedef struct {
	sqlite3_pcache *inner;
	unsigned lock_page; // the lock page's number at this page size
	unsigned max_key;   // every page held but one at lock_page is at most this
	int lock_keyed;     // a page may be held at lock_page
} trithuc_pcache;

// What the caches did, for tests: pages numbered as the lock page, and
// truncations spared or passed on to pcache1.
static long long tp_lock_rekeys, tp_spared, tp_passed;
static void tp_count(long long *n) { __atomic_add_fetch(n, 1, __ATOMIC_RELAXED); }
static long long tp_load(long long *n) { return __atomic_load_n(n, __ATOMIC_RELAXED); }
static long long tp_lock_rekeys_n(void) { return tp_load(&tp_lock_rekeys); }
static long long tp_spared_n(void) { return tp_load(&tp_spared); }
static long long tp_passed_n(void) { return tp_load(&tp_passed); }

static sqlite3_pcache_methods2 trithuc_pcache1;

static int tp_init(void *arg) { return trithuc_pcache1.xInit(arg); }
static void tp_shutdown(void *arg) { trithuc_pcache1.xShutdown(arg); }

static sqlite3_pcache *tp_create(int page, int extra, int purgeable) {
	trithuc_pcache *c = calloc(1, sizeof *c);
	if (c == 0) return 0;
	c->inner = trithuc_pcache1.xCreate(page, extra, purgeable);
	if (c->inner == 0) {
		free(c);
		return 0;
	}
	c->lock_page = TRITHUC_PENDING_BYTE / (unsigned)page + 1;
	return (sqlite3_pcache *)c;
}

static void tp_cachesize(sqlite3_pcache *p, int n) {
	trithuc_pcache1.xCachesize(((trithuc_pcache *)p)->inner, n);
}

static int tp_pagecount(sqlite3_pcache *p) {
	return trithuc_pcache1.xPagecount(((trithuc_pcache *)p)->inner);
}

static sqlite3_pcache_page *tp_fetch(sqlite3_pcache *p, unsigned key, int create) {
	trithuc_pcache *c = (trithuc_pcache *)p;
	if (create && key > c->max_key) c->max_key = key;
	return trithuc_pcache1.xFetch(c->inner, key, create);
}

static void tp_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard) {
	trithuc_pcache1.xUnpin(((trithuc_pcache *)p)->inner, page, discard);
}

// balance_nonroot (btree.c) swaps the numbers of two pages through the
// lock page's, which is past the end of a file under 1 GiB at 4 KiB pages;
// the page leaves that number at once, so it does not raise max_key.
static void tp_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned from, unsigned to) {
	trithuc_pcache *c = (trithuc_pcache *)p;
	if (to == c->lock_page) {
		c->lock_keyed = 1;
		tp_count(&tp_lock_rekeys);
	} else {
		if (from == c->lock_page) c->lock_keyed = 0;
		if (to > c->max_key) c->max_key = to;
	}
	trithuc_pcache1.xRekey(c->inner, page, from, to);
}

// tp_truncate drops the pages at limit and beyond; when none can be held,
// pcache1 is not asked, and does not scan its hash table for them.
static void tp_truncate(sqlite3_pcache *p, unsigned limit) {
	trithuc_pcache *c = (trithuc_pcache *)p;
	if (c->max_key < limit && !(c->lock_keyed && c->lock_page >= limit)) {
		tp_count(&tp_spared);
		return;
	}
	tp_count(&tp_passed);
	trithuc_pcache1.xTruncate(c->inner, limit);
	if (c->max_key >= limit) c->max_key = limit > 0 ? limit - 1 : 0;
	if (c->lock_page >= limit) c->lock_keyed = 0;
}

static void tp_destroy(sqlite3_pcache *p) {
	trithuc_pcache *c = (trithuc_pcache *)p;
	trithuc_pcache1.xDestroy(c->inner);
	free(c);
}

static void tp_shrink(sqlite3_pcache *p) {
	trithuc_pcache1.xShrink(((trithuc_pcache *)p)->inner);
}

// SQLITE_CONFIG_GETPCACHE2 (19) and SQLITE_CONFIG_PCACHE2 (18): variadic
// calls, which cgo cannot make.
static int trithuc_pcache_install(void) {
	int rc = sqlite3_config(19, &trithuc_pcache1);
	if (rc != 0) return rc;
	static sqlite3_pcache_methods2 m;
	m = trithuc_pcache1;
	m.xInit = tp_init;
	m.xShutdown = tp_shutdown;
	m.xCreate = tp_create;
	m.xCachesize = tp_cachesize;
	m.xPagecount = tp_pagecount;
	m.xFetch = tp_fetch;
	m.xUnpin = tp_unpin;
	m.xRekey = tp_rekey;
	m.xTruncate = tp_truncate;
	m.xDestroy = tp_destroy;
	m.xShrink = tp_shrink;
	return sqlite3_config(18, &m);
}
*/
import "C"

// SQLite's page cache (pcache1) remembers the largest page number it has
// seen, and at every commit drops the pages past the end of the file:
// when that number is more than its hash table's size beyond the end, it
// scans the whole table. balance_nonroot numbers a page with the lock
// page's number (262,145 at 4 KiB pages) for a moment while it orders
// siblings, so once a write has split an index page, every later commit of
// a database under 1 GiB scanned the writer's whole cache: 4.8 % of the
// server's CPU serving creates at 100,000 people, in the one writer that
// every write waits for (perf probe on pcache1TruncateUnsafe: 262,145 as
// its largest key at each commit; BENCHMARKS.md, issue 19, eleventh pass).
//
// So the store installs, for the whole process, SQLite's own cache with the
// largest number it holds kept exactly (a page at the lock page's number
// is not counted while it is in transit), and asks it to drop pages only
// when some can be past the end. What the cache holds, how much memory it
// takes and the soft heap limit are pcache1's, unchanged.

// pageCacheConfig is what SQLite answered to the setting: SQLITE_OK (0)
// unless SQLite was already initialised, which nothing does before the
// package's init.
var pageCacheConfig = int(C.trithuc_pcache_install())

// pageCacheCounts is what every cache of the process did so far: pages
// numbered as the lock page, and truncations spared or passed on.
func pageCacheCounts() (lockRekeys, spared, passed int64) {
	return int64(C.tp_lock_rekeys_n()), int64(C.tp_spared_n()), int64(C.tp_passed_n())
}
