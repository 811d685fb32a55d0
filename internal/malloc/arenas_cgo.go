//go:build linux && cgo

package malloc

/*
#include <malloc.h>

// glibc gives every thread that meets contention a malloc arena of its own
// and keeps what it freed there: SQLite runs on as many threads as callers
// wait on it, so a server that once served 64 searches at once kept a peak
// of arenas for good (BENCHMARKS.md: 224 MiB peak with the default, 201 with
// two arenas). Two arenas, one per core here, are what MALLOC_ARENA_MAX=2
// sets, without asking the operator to know it.
static void limit_arenas(int n) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, n);
#endif
}

// SQLite gives each temporary table of a statement (a one-read profile's
// JSON lists, a sort) page-cache pages of its own and frees them when the
// statement ends. glibc returned the freed top of the arena to the kernel
// at once, and the next statement faulted the same memory in again: about
// 40 page faults a GetPerson, over half of its CPU in the store (issue 19).
// Keeping up to n bytes free at the top of each arena, and serving blocks
// of up to n bytes from the arenas rather than from mappings of their own,
// reuses that memory instead. Setting the trim threshold turns off glibc's
// sliding mmap threshold, so both are set.
static void keep_freed(int n) {
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
	mallopt(M_TRIM_THRESHOLD, n);
	mallopt(M_MMAP_THRESHOLD, n);
#endif
}
*/
import "C"

// keptFree is how much freed memory each arena keeps for reuse: the two
// arenas and the main heap together hold at most about 12 MiB more than
// they would have.
const keptFree = 4 << 20

// Configure applies the process's allocator settings: two arenas, each
// keeping keptFree bytes for reuse. It acts on the whole process, so the
// binaries call it first in main, never a library in its init.
func Configure() {
	C.limit_arenas(2)
	C.keep_freed(keptFree)
}
