package malloc_test

import (
	"context"
	"path/filepath"
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
	malloc.Configure()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "malloc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 1, 50); err != nil {
		t.Fatal(err)
	}
	people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 50}, 0)
	if err != nil || len(people) == 0 {
		t.Fatalf("%d people, %v", len(people), err)
	}
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
