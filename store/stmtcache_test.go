package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Queries are prepared once and reused, by many readers and the one writer
// at once, without waiting on each other's connections; the cache keeps
// its size when more shapes of query come than it holds.
func TestStatementCache(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("Ánh %d", i), Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}}}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.Name)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 20 { // more than the reader pool's connections
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				if g%5 == 0 {
					if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Bình"}, CreateOptions{}); err != nil {
						errs <- err
						return
					}
					continue
				}
				p, err := db.GetPerson(ctx, ids[i%len(ids)], pb.PersonView_PERSON_VIEW_FULL)
				if err != nil || len(p.Fields) != 1 {
					errs <- fmt.Errorf("%v: %v", p, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := db.readerStmts.lru.Len(); n == 0 {
		t.Error("no reader statement was kept")
	}
	if n := db.writerStmts.lru.Len(); n == 0 {
		t.Error("no writer statement was kept")
	}

	// More shapes than the cache holds: every one still answers.
	const people = 5 + 4*30
	for i := range stmtCacheSize + 50 {
		q := fmt.Sprintf("SELECT COUNT(*) + %d FROM people", i)
		for range 2 {
			var n int
			err := db.read(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, q).Scan(&n) })
			if err != nil || n != people+i {
				t.Fatalf("%s = %d, %v", q, n, err)
			}
		}
	}
	if n := db.readerStmts.lru.Len(); n > stmtCacheSize {
		t.Errorf("%d statements kept, more than %d", n, stmtCacheSize)
	}
	// A bad query's error is the query's, prepared or not.
	for range 2 {
		err := db.read(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, "SELECT nope FROM people").Scan(new(int)) })
		if err == nil {
			t.Fatal("a bad query answered")
		}
	}
}
