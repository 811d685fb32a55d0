//go:build linux && cgo

package malloc

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// glibc gives every thread that meets contention a malloc arena of its own
// and keeps what it freed there: SQLite runs on as many threads as callers
// wait on it, so a server that once served 64 searches at once kept a peak
// of arenas for good (BENCHMARKS.md: 224 MiB peak with the default, 201 with
// two arenas). Two arenas, one per core here, are what MALLOC_ARENA_MAX=2
// sets, without asking the operator to know it.
//
// It runs as the program is loaded, before Go starts a thread: each thread
// the runtime starts allocates (pthread_getattr_np) and so takes an arena
// of its own, and a limit set later stops only the arenas still to come.
// Set from main, it left six arenas where the variable leaves two, and
// 25-40 MiB more resident (issue 19).
static void limit_arenas(void) __attribute__((constructor));
static void limit_arenas(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 2);
#endif
}

// SQLite gives each temporary table of a statement (a one-read profile's
// JSON lists, a sort) page-cache pages of its own and frees them when the
// statement ends. glibc returned the freed top of the arena to the kernel
// at once, and the next statement faulted the same memory in again: about
// 40 page faults a GetPerson, over half of its CPU in the store (issue 19).
// A write's savepoint journal is one block of SQLite's statement-journal
// spill (4 MiB, store/memory.go); at an mmap threshold of 4 MiB glibc
// mapped that block afresh for every write, and the single writer faulted
// in each page it journaled: 32 faults a create in the server at 100,000
// people, 5 with the block served from the arena (issue 19, tenth pass).
// So blocks of up to 8 MiB come from the arenas rather than mappings of
// their own, and up to 16 MiB free at the top of an arena stays there
// (twice the mmap threshold, as glibc sets it when it slides the
// threshold itself). Only memory already touched stays resident. Setting
// the trim threshold turns off glibc's sliding mmap threshold, so both
// are set.
static void keep_freed(void) __attribute__((constructor));
static void keep_freed(void) {
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
#endif
}

// count_arenas counts the arenas malloc_info reports, -1 when it cannot
// (a C library other than glibc has no malloc_info).
static int count_arenas(void) {
#ifndef __GLIBC__
	return -1;
#else
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) {
		return -1;
	}
	int ok = malloc_info(0, f) == 0;
	fclose(f);
	int n = 0;
	for (char *p = buf; ok && (p = strstr(p, "<heap nr=")) != NULL; p++) {
		n++;
	}
	free(buf);
	return ok ? n : -1;
#endif
}
*/
import "C"

// Arenas is the number of arenas glibc's allocator holds now, or -1 where
// it cannot be told.
func Arenas() int {
	return int(C.count_arenas())
}
