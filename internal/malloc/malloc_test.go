package malloc_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"

	"trithuc.gov.vn/trithuc/internal/malloc"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// With the allocator configured, reading profiles reuses the memory SQLite
// freed rather than faulting it in again. A FULL profile's temporary
// tables took about 40 page faults a read with glibc's defaults (issue
// 19); what remains is the Go heap's and the page cache's growth.
func TestReadsReuseFreedMemory(t *testing.T) {
	ctx := context.Background()
	db, people := openPeople(t)
	read := func(n int) {
		for i := range n {
			if _, err := db.GetPerson(ctx, people[i%len(people)].Name, pb.PersonView_PERSON_VIEW_FULL); err != nil {
				t.Fatal(err)
			}
		}
	}
	read(2000) // every connection's cache and the Go heap at their size
	faults := func() int64 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return ru.Minflt
	}
	const n = 5000
	before := faults()
	read(n)
	per := float64(faults()-before) / n
	t.Logf("%.2f page faults a FULL read", per)
	if per > 4 {
		t.Errorf("%.1f page faults a FULL read, want at most 4: freed memory goes back to the kernel", per)
	}
}

// With the allocator configured, a write's savepoint journal (one block of
// 4 MiB, store/memory.go) is served from the arena and reused: mapped
// afresh for every write, as at an mmap threshold of 4 MiB, it took about
// 24 page faults a create here and 32 in the server (issue 19).
func TestWritesReuseFreedMemory(t *testing.T) {
	ctx := context.Background()
	db, _ := openPeople(t)
	const callers = 16
	create := func(n int) {
		var wg sync.WaitGroup
		for c := range callers {
			wg.Go(func() {
				for i := range n / callers {
					p := &pb.Person{FamilyName: "Trần", GivenName: fmt.Sprintf("Minh %d-%d", c, i)}
					if _, err := db.CreatePerson(ctx, p, store.CreateOptions{}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	create(320) // the caches, statements and the Go heap at their size
	const n = 800
	before := minorFaults(t)
	create(n)
	per := float64(minorFaults(t)-before) / n
	t.Logf("%.2f page faults a create", per)
	if per > 8 {
		t.Errorf("%.1f page faults a create, want at most 8: each write's journal memory is mapped afresh", per)
	}
}

// minorFaults is the process's count of minor page faults so far.
func minorFaults(t *testing.T) int64 {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return ru.Minflt
}

// Many callers at once run SQLite on as many threads, and each would take
// an arena of its own; the limit holds only if it was set before the
// runtime's first threads allocated (six arenas when main set it).
func TestCallersShareTwoArenas(t *testing.T) {
	if runtime.GOOS != "linux" || malloc.Arenas() < 0 {
		t.Skip("no glibc arenas to count")
	}
	ctx := context.Background()
	db, people := openPeople(t)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				if _, err := db.GetPerson(ctx, people[(i+g)%len(people)].Name, pb.PersonView_PERSON_VIEW_FULL); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := malloc.Arenas(); n > 2 {
		t.Errorf("%d malloc arenas after 16 callers, want at most 2: the limit was set after threads had taken arenas", n)
	}
}

// openPeople opens a database of 50 synthetic people and returns them.
func openPeople(t *testing.T) (*store.DB, []*pb.Person) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "malloc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := synth.Load(ctx, db, 1, 50); err != nil {
		t.Fatal(err)
	}
	people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 50}, 0)
	if err != nil || len(people) == 0 {
		t.Fatalf("%d people, %v", len(people), err)
	}
	return db, people
}
