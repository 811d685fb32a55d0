package store

/*
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// SQLite's VFS structures (sqlite3.h, version 3 of each), declared here as
// memory.go declares sqlite3_config: the driver compiles SQLite into the
// binary without putting its header on our include path. Their layout is
// part of SQLite's stable interface.
typedef long long trithuc_int64;
typedef struct trithuc_file trithuc_file;
typedef struct trithuc_io_methods trithuc_io_methods;
struct trithuc_file { const trithuc_io_methods *pMethods; };
struct trithuc_io_methods {
	int iVersion;
	int (*xClose)(trithuc_file*);
	int (*xRead)(trithuc_file*, void*, int, trithuc_int64);
	int (*xWrite)(trithuc_file*, const void*, int, trithuc_int64);
	int (*xTruncate)(trithuc_file*, trithuc_int64);
	int (*xSync)(trithuc_file*, int);
	int (*xFileSize)(trithuc_file*, trithuc_int64*);
	int (*xLock)(trithuc_file*, int);
	int (*xUnlock)(trithuc_file*, int);
	int (*xCheckReservedLock)(trithuc_file*, int*);
	int (*xFileControl)(trithuc_file*, int, void*);
	int (*xSectorSize)(trithuc_file*);
	int (*xDeviceCharacteristics)(trithuc_file*);
	int (*xShmMap)(trithuc_file*, int, int, int, void volatile**);
	int (*xShmLock)(trithuc_file*, int, int, int);
	void (*xShmBarrier)(trithuc_file*);
	int (*xShmUnmap)(trithuc_file*, int);
	int (*xFetch)(trithuc_file*, trithuc_int64, int, void**);
	int (*xUnfetch)(trithuc_file*, trithuc_int64, void*);
};
typedef struct trithuc_vfs trithuc_vfs;
struct trithuc_vfs {
	int iVersion;
	int szOsFile;
	int mxPathname;
	trithuc_vfs *pNext;
	const char *zName;
	void *pAppData;
	int (*xOpen)(trithuc_vfs*, const char*, trithuc_file*, int, int*);
	int (*xDelete)(trithuc_vfs*, const char*, int);
	int (*xAccess)(trithuc_vfs*, const char*, int, int*);
	int (*xFullPathname)(trithuc_vfs*, const char*, int, char*);
	void *(*xDlOpen)(trithuc_vfs*, const char*);
	void (*xDlError)(trithuc_vfs*, int, char*);
	void (*(*xDlSym)(trithuc_vfs*, void*, const char*))(void);
	void (*xDlClose)(trithuc_vfs*, void*);
	int (*xRandomness)(trithuc_vfs*, int, char*);
	int (*xSleep)(trithuc_vfs*, int);
	int (*xCurrentTime)(trithuc_vfs*, double*);
	int (*xGetLastError)(trithuc_vfs*, int, char*);
	int (*xCurrentTimeInt64)(trithuc_vfs*, trithuc_int64*);
	int (*xSetSystemCall)(trithuc_vfs*, const char*, void (*)(void));
	void (*(*xGetSystemCall)(trithuc_vfs*, const char*))(void);
	const char *(*xNextSystemCall)(trithuc_vfs*, const char*);
};
trithuc_vfs *sqlite3_vfs_find(const char*);
int sqlite3_vfs_register(trithuc_vfs*, int);

// The unix VFS writes at most 128 KiB - 1 bytes at once (it masks the
// length); a temporary file's writes go in pieces of this size.
#define TRITHUC_WRITE_PIECE (64 * 1024)

static trithuc_vfs trithuc_temp_vfs;
static trithuc_vfs *trithuc_base_vfs;
static pthread_mutex_t trithuc_methods_mu = PTHREAD_MUTEX_INITIALIZER;
// The io methods of the base VFS's temporary files, each with a copy whose
// xWrite writes in pieces. A handful at most (the unix VFS has a few
// tables); entries are filled before trithuc_nmethods counts them.
static struct { const trithuc_io_methods *orig; trithuc_io_methods copy; } trithuc_methods[8];
static int trithuc_nmethods;

static int trithuc_write_pieces(trithuc_file *f, const void *buf, int amt, trithuc_int64 off) {
	const trithuc_io_methods *orig = 0;
	int n = __atomic_load_n(&trithuc_nmethods, __ATOMIC_ACQUIRE);
	for (int i = 0; i < n; i++) {
		if (&trithuc_methods[i].copy == f->pMethods) {
			orig = trithuc_methods[i].orig;
			break;
		}
	}
	if (!orig) return 10; // SQLITE_IOERR: cannot happen
	const char *p = buf;
	while (amt > 0) {
		int piece = amt < TRITHUC_WRITE_PIECE ? amt : TRITHUC_WRITE_PIECE;
		int rc = orig->xWrite(f, p, piece, off);
		if (rc) return rc;
		p += piece;
		off += piece;
		amt -= piece;
	}
	return 0;
}

// A log's frame is a 24-byte header then its page, which SQLite writes
// as two writes (walWriteOneFrame): two pwrite calls a frame, each taking
// the file's locks and updating its times, some twenty frames a create
// in the writer's commit, one after another in the file. A log's file
// (SQLITE_OPEN_WAL) gets methods that gather the frames a transaction
// appends and write them in one pwrite, the same bytes at the same
// places: a frame header starts the gathering, the writes that follow it
// in the file join it, and the gathered bytes are written when a commit's
// frame (a header with the database's size) has its page, when they reach
// TRITHUC_WAL_GATHER (in pieces of TRITHUC_WRITE_PIECE, as temporary
// files), at any other write, and before any other use of the
// file (read, sync, truncate, size, file control, close). So once a
// commit's frames are written, as SQLite then publishes them to other
// connections (synchronous=FULL syncs first, which also writes them),
// nothing is held back; and what a read of the file sees is what SQLite
// wrote.
#define TRITHUC_OPEN_WAL 0x00080000
#define TRITHUC_FRAME_HEADER 24
#define TRITHUC_WAL_GATHER (1 << 20)

struct trithuc_wal_state {
	const trithuc_io_methods *orig;
	unsigned char *buf; // gathered bytes, for the file from off
	int len, cap;
	trithuc_int64 off;
	int want_page; // the last gathered write was a frame header
	int commit;    // and that header is a commit's
};

static int trithuc_state_off; // where a file's wal state begins, past the base's
static trithuc_io_methods trithuc_wal_copies[4];
static const trithuc_io_methods *trithuc_wal_origs[4];
static int trithuc_nwal;
// Frames gathered, and pwrite calls that wrote them, for tests.
static long long trithuc_wal_frames, trithuc_wal_writes;

static struct trithuc_wal_state *trithuc_wal(trithuc_file *f) {
	return (struct trithuc_wal_state *)((char *)f + trithuc_state_off);
}

static int trithuc_wal_flush(trithuc_file *f) {
	struct trithuc_wal_state *w = trithuc_wal(f);
	if (!w->len) return 0;
	int n = w->len;
	w->len = 0;
	w->want_page = 0;
	// In pieces, as the unix VFS writes at most 128 KiB - 1 bytes at once.
	for (int done = 0; done < n;) {
		int piece = n - done < TRITHUC_WRITE_PIECE ? n - done : TRITHUC_WRITE_PIECE;
		__atomic_add_fetch(&trithuc_wal_writes, 1, __ATOMIC_RELAXED);
		int rc = w->orig->xWrite(f, w->buf + done, piece, w->off + done);
		if (rc) return rc;
		done += piece;
	}
	return 0;
}

// trithuc_wal_gather appends a write to the gathered bytes, making room;
// it answers 0 when there is none to make (the caller writes directly).
static int trithuc_wal_gather(struct trithuc_wal_state *w, const void *p, int amt) {
	if (w->len + amt > w->cap) {
		int cap = w->cap ? w->cap : 64 * 1024;
		while (cap < w->len + amt) cap *= 2;
		if (cap > TRITHUC_WAL_GATHER + 65536 + TRITHUC_FRAME_HEADER) return 0;
		unsigned char *b = realloc(w->buf, cap);
		if (!b) return 0;
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, amt);
	w->len += amt;
	return 1;
}

static int trithuc_wal_write(trithuc_file *f, const void *buf, int amt, trithuc_int64 off) {
	struct trithuc_wal_state *w = trithuc_wal(f);
	const unsigned char *h = buf;
	// A frame's page, after its header.
	if (w->len && w->want_page && off == w->off + w->len && amt > TRITHUC_FRAME_HEADER &&
	    trithuc_wal_gather(w, buf, amt)) {
		w->want_page = 0;
		__atomic_add_fetch(&trithuc_wal_frames, 1, __ATOMIC_RELAXED);
		return w->commit || w->len >= TRITHUC_WAL_GATHER ? trithuc_wal_flush(f) : 0;
	}
	if (amt == TRITHUC_FRAME_HEADER) {
		// A frame's header: after the last frame gathered, or the first.
		if (!(w->len && !w->want_page && off == w->off + w->len)) {
			int rc = trithuc_wal_flush(f);
			if (rc) return rc;
			w->off = off;
		}
		if (trithuc_wal_gather(w, buf, amt)) {
			w->want_page = 1;
			w->commit = h[4] | h[5] | h[6] | h[7];
			return 0;
		}
	}
	int rc = trithuc_wal_flush(f);
	return rc ? rc : w->orig->xWrite(f, buf, amt, off);
}

static int trithuc_wal_close(trithuc_file *f) {
	struct trithuc_wal_state *w = trithuc_wal(f);
	const trithuc_io_methods *orig = w->orig;
	int rc = trithuc_wal_flush(f);
	free(w->buf);
	w->buf = 0;
	w->cap = 0;
	int rc2 = orig->xClose(f);
	return rc ? rc : rc2;
}

static int trithuc_wal_read(trithuc_file *f, void *buf, int amt, trithuc_int64 off) {
	int rc = trithuc_wal_flush(f);
	return rc ? rc : trithuc_wal(f)->orig->xRead(f, buf, amt, off);
}

static int trithuc_wal_truncate(trithuc_file *f, trithuc_int64 size) {
	int rc = trithuc_wal_flush(f);
	return rc ? rc : trithuc_wal(f)->orig->xTruncate(f, size);
}

static int trithuc_wal_sync(trithuc_file *f, int flags) {
	int rc = trithuc_wal_flush(f);
	return rc ? rc : trithuc_wal(f)->orig->xSync(f, flags);
}

static int trithuc_wal_size(trithuc_file *f, trithuc_int64 *size) {
	int rc = trithuc_wal_flush(f);
	return rc ? rc : trithuc_wal(f)->orig->xFileSize(f, size);
}

static int trithuc_wal_control(trithuc_file *f, int op, void *arg) {
	int rc = trithuc_wal_flush(f);
	return rc ? rc : trithuc_wal(f)->orig->xFileControl(f, op, arg);
}

// trithuc_wal_methods returns m's copy that joins frames, or 0 when the
// table is full (the file then keeps m).
static const trithuc_io_methods *trithuc_wal_methods(const trithuc_io_methods *m) {
	const trithuc_io_methods *out = 0;
	pthread_mutex_lock(&trithuc_methods_mu);
	int i;
	for (i = 0; i < trithuc_nwal && trithuc_wal_origs[i] != m; i++) {
	}
	if (i < trithuc_nwal) {
		out = &trithuc_wal_copies[i];
	} else if (i < (int)(sizeof trithuc_wal_origs / sizeof trithuc_wal_origs[0])) {
		trithuc_io_methods c = *m;
		c.xClose = trithuc_wal_close;
		c.xRead = trithuc_wal_read;
		c.xWrite = trithuc_wal_write;
		c.xTruncate = trithuc_wal_truncate;
		c.xSync = trithuc_wal_sync;
		c.xFileSize = trithuc_wal_size;
		c.xFileControl = trithuc_wal_control;
		// Memory-mapped reads (xFetch) would bypass a held header; the
		// store does not map files, and a copy without them never does.
		if (c.iVersion > 2) c.iVersion = 2;
		c.xFetch = 0;
		c.xUnfetch = 0;
		trithuc_wal_copies[i] = c;
		trithuc_wal_origs[i] = m;
		trithuc_nwal = i + 1;
		out = &trithuc_wal_copies[i];
	}
	pthread_mutex_unlock(&trithuc_methods_mu);
	return out;
}

static int trithuc_temp_open(trithuc_vfs *vfs, const char *name, trithuc_file *f, int flags, int *out) {
	int rc = trithuc_base_vfs->xOpen(trithuc_base_vfs, name, f, flags, out);
	if (rc || !f->pMethods) return rc;
	if (name && (flags & TRITHUC_OPEN_WAL)) {
		const trithuc_io_methods *m = trithuc_wal_methods(f->pMethods);
		if (m) {
			struct trithuc_wal_state *w = trithuc_wal(f);
			memset(w, 0, sizeof *w);
			w->orig = f->pMethods;
			f->pMethods = m;
		}
		return rc;
	}
	// Only files without a name are SQLite's temporary files (statement
	// journals, temporary tables, sorters); databases and their journals
	// keep the base's methods untouched.
	if (name) return rc;
	const trithuc_io_methods *m = f->pMethods;
	pthread_mutex_lock(&trithuc_methods_mu);
	int i, n = trithuc_nmethods;
	for (i = 0; i < n && trithuc_methods[i].orig != m; i++) {
	}
	if (i == n) {
		if (n == (int)(sizeof trithuc_methods / sizeof trithuc_methods[0])) {
			pthread_mutex_unlock(&trithuc_methods_mu);
			return rc;
		}
		trithuc_methods[n].orig = m;
		trithuc_methods[n].copy = *m;
		trithuc_methods[n].copy.xWrite = trithuc_write_pieces;
		__atomic_store_n(&trithuc_nmethods, n + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&trithuc_methods_mu);
	f->pMethods = &trithuc_methods[i].copy;
	return rc;
}

static long long trithuc_wal_frames_gathered(void) {
	return __atomic_load_n(&trithuc_wal_frames, __ATOMIC_RELAXED);
}

static long long trithuc_wal_gathered_writes(void) {
	return __atomic_load_n(&trithuc_wal_writes, __ATOMIC_RELAXED);
}

// trithuc_register_temp_vfs registers a copy of the default VFS whose
// temporary files write in pieces, as the new default. It initialises
// SQLite, so it runs after sqlite3_config.
static int trithuc_register_temp_vfs(void) {
	trithuc_base_vfs = sqlite3_vfs_find(0);
	if (!trithuc_base_vfs) return 1;
	trithuc_temp_vfs = *trithuc_base_vfs;
	if (trithuc_temp_vfs.iVersion > 3) trithuc_temp_vfs.iVersion = 3;
	trithuc_temp_vfs.pNext = 0;
	trithuc_temp_vfs.zName = "trithuc";
	trithuc_state_off = (trithuc_base_vfs->szOsFile + 7) & ~7;
	trithuc_temp_vfs.szOsFile = trithuc_state_off + (int)sizeof(struct trithuc_wal_state);
	trithuc_temp_vfs.xOpen = trithuc_temp_open;
	return sqlite3_vfs_register(&trithuc_temp_vfs, 1);
}
*/
import "C"

// tempVFSRegistered is what SQLite answered to registering the VFS of
// temporary files: SQLITE_OK (0). When a statement or savepoint journal
// outgrows stmtJournalSpill in memory, SQLite writes its in-memory block
// to a temporary file in one write, which the unix VFS cannot make past
// 128 KiB (it answered SQLITE_FULL, "the disk is full": every migration
// that changed every person failed). The default VFS is now the unix one
// but for its temporary files, which write in pieces of 64 KiB; so the
// journals can stay in memory up to stmtJournalSpill and still spill.
// Its logs (-wal) write a transaction's frames in one pwrite
// (trithuc_wal_write above; BENCHMARKS.md, "CreatePerson's write path").
// Registering initialises SQLite, so it follows the journal's setting.
var tempVFSRegistered = int(registerTempVFS(stmtJournalConfig))

func registerTempVFS(after int) C.int {
	_ = after // sqlite3_config must come before SQLite initialises
	return C.trithuc_register_temp_vfs()
}

// walGathered counts the log's frames gathered and the pwrite calls that
// wrote them, in the whole process: the checkpointer's pace, and tests.
func walGathered() (frames, writes int64) {
	return int64(C.trithuc_wal_frames_gathered()), int64(C.trithuc_wal_gathered_writes())
}
