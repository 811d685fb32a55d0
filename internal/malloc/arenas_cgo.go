//go:build linux && cgo

package malloc

/*
#include <malloc.h>

// glibc gives every thread that meets contention a malloc arena of its own
// and keeps what it freed there: SQLite runs on as many threads as callers
// wait on it, so a server that once served 64 searches at once kept a peak
// of arenas for good (BENCHMARKS.md: 224 MiB peak with the default, 201 with
// two arenas). Two arenas, one per core here, are what MALLOC_ARENA_MAX=2
// sets, without asking the operator to know it. Other C libraries have no
// such knob and need none.
static void limit_arenas(int n) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, n);
#endif
}
*/
import "C"

// LimitArenas caps glibc's malloc arenas at n. It acts on the whole
// process, so the binaries call it in main, never a library in its init.
func LimitArenas(n int) { C.limit_arenas(C.int(n)) }
