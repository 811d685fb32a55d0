package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// CostlyFilter is the costliest kind of filter the contract allows, as
// issue 12 found it: sixty OR'ed prefix comparisons on qualifications (1.9
// KB), each its own search of every person's qualifications; these match
// nobody, so that a listing reads every person. last, when set, is ORed
// after them.
func costlyFilter(last string) string {
	parts := make([]string, 0, 61)
	for i := range 60 {
		parts = append(parts, fmt.Sprintf(`qualifications.major = "z%02d*"`, i))
	}
	if last != "" {
		parts[59] = last
	}
	return strings.Join(parts, " OR ")
}

func loadedDB(t *testing.T, people int) *store.DB {
	t.Helper()
	db := open(t, "budget.db")
	if _, err := synth.BulkLoad(context.Background(), db, synth.BulkOptions{Seed: 7, People: people}); err != nil {
		t.Fatal(err)
	}
	return db
}

// A read that runs out of its budget is stopped inside SQLite and refused
// as RESOURCE_EXHAUSTED, saying what to change; its connection then serves
// the next read as before.
func TestReadBudgetStopsACostlyRead(t *testing.T) {
	ctx := context.Background()
	db := loadedDB(t, 300)
	db.SetReadPoolSize(1) // the next read reuses the stopped read's connection
	db.SetReadBudget(time.Nanosecond)
	q := store.ListQuery{PageSize: 1, Filter: costlyFilter("")}
	_, _, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
	var se *store.Error
	if !errors.As(err, &se) || se.Code != store.ResourceExhausted || !errors.Is(err, store.ErrBudget) {
		t.Fatalf("ListPeople over its budget: %v, want a ResourceExhausted store error", err)
	}
	if !strings.Contains(se.Message, "narrow it") {
		t.Errorf("message %q does not say what to do", se.Message)
	}

	db.SetReadBudget(0)
	people, _, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil || len(people) != 0 {
		t.Fatalf("the same listing without a budget: %d people, %v; want none and no error", len(people), err)
	}
}

// Counting total_size takes at most half of a read's budget: a count that
// would take more stops, total_size is left out, and the page is served.
func TestCountStopsEarly(t *testing.T) {
	ctx := context.Background()
	db := loadedDB(t, 500)
	// Everyone with a dated qualification matches, but only after the
	// sixty comparisons: counting costs ~60 searches a person, the first
	// page of one a few.
	q := store.ListQuery{PageSize: 1, Filter: costlyFilter("qualifications.year > 0")}

	db.SetReadBudget(0)
	_, page, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil || page.TotalSize < 2 {
		t.Fatalf("without a budget: total_size %d, %v; want the count of matches", page.TotalSize, err)
	}

	db.SetReadBudget(2 * time.Millisecond)
	people, page, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatalf("with a budget the count exceeds: %v; want the page without total_size", err)
	}
	if len(people) != 1 || page.NextPageToken == "" || page.TotalSize != 0 {
		t.Fatalf("got %d people, next page %t, total_size %d; want 1, a next page and total_size left out",
			len(people), page.NextPageToken != "", page.TotalSize)
	}
}
