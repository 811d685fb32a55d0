package store

/*
#include <pthread.h>
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

static int trithuc_temp_open(trithuc_vfs *vfs, const char *name, trithuc_file *f, int flags, int *out) {
	int rc = trithuc_base_vfs->xOpen(trithuc_base_vfs, name, f, flags, out);
	// Only files without a name are SQLite's temporary files (statement
	// journals, temporary tables, sorters); databases, their journals and
	// logs keep the base's methods untouched.
	if (rc || name || !f->pMethods) return rc;
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
// Registering initialises SQLite, so it follows the journal's setting.
var tempVFSRegistered = int(registerTempVFS(stmtJournalConfig))

func registerTempVFS(after int) C.int {
	_ = after // sqlite3_config must come before SQLite initialises
	return C.trithuc_register_temp_vfs()
}
