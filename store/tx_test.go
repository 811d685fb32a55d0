package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A connection goes back to its pool with no transaction open, however the
// transaction ended: otherwise the next read on it would answer from an
// old snapshot, or fail to begin.
func TestConnectionsLeaveNoTransactionOpen(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	create := func(given string) {
		t.Helper()
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: given}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	create("An")
	count := func(tx *Tx) (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&n)
		return n, err
	}
	errEnd := errors.New("the caller's error")

	// Every read connection at once, each ending its read one way.
	ends := []struct {
		name string
		end  func(tx *Tx) error
	}{
		{"an error", func(tx *Tx) error { count(tx); return errEnd }},
		{"a panic", func(tx *Tx) error { count(tx); panic(errEnd) }},
		{"a budget spent", func(tx *Tx) error {
			// A read of a second or more: the budget is a few milliseconds.
			_, err := tx.QueryContext(ctx, `WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000000) SELECT COUNT(*) FROM r`)
			return err
		}},
		{"rows left open", func(tx *Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM people`)
			if err == nil && rows.Next() {
				// Not closed: the transaction's end must not wait for it.
				go func() { time.Sleep(50 * time.Millisecond); rows.Close() }()
			}
			return err
		}},
		{"success", func(tx *Tx) error { _, err := count(tx); return err }},
	}
	db.SetReadBudget(5 * time.Millisecond)
	// Reads in a transaction, and without BEGIN (readHeld).
	for _, read := range []func(context.Context, func(*Tx) error) error{db.read, db.readHeld} {
		for _, e := range ends {
			for _, err := range onEveryReader(db, read, e.end) {
				if errors.Is(err, errNotBegun) {
					t.Errorf("before ending reads by %s: %v", e.name, err)
				}
			}
		}
	}
	db.SetReadBudget(0)

	// The writer, ending a write each way.
	for _, dry := range []bool{false, true} {
		for _, e := range ends[:2] {
			func() {
				defer func() { recover() }()
				db.write(ctx, dry, nil, func(tx *Tx) error { return e.end(tx) })
			}()
		}
	}

	create("Bình")
	for _, err := range onEveryReader(db, db.read, func(tx *Tx) error {
		n, err := count(tx)
		if err == nil && n != 2 {
			err = fmt.Errorf("%d people, want 2: an old snapshot", n)
		}
		return err
	}) {
		t.Error(err)
	}
}

// onEveryReader runs fn in a read (read: db.read or db.readHeld) on every
// connection of db's read pool at once (each read holds its connection until all do), and returns the
// reads' errors: those of reads that could not begin wrap errNotBegun. A
// panic in fn ends its read.
func onEveryReader(db *DB, read func(context.Context, func(*Tx) error) error, fn func(tx *Tx) error) []error {
	pool := db.ReadPoolSize()
	var ready, wg sync.WaitGroup
	ready.Add(pool)
	errs := make(chan error, pool)
	for range pool {
		wg.Add(1)
		go func() {
			defer wg.Done()
			began := false
			defer func() {
				recover()
				if !began {
					ready.Done()
				}
			}()
			err := read(context.Background(), func(tx *Tx) error {
				began = true
				ready.Done()
				ready.Wait()
				return fn(tx)
			})
			switch {
			case !began:
				errs <- fmt.Errorf("%w: %w", errNotBegun, err)
			case err != nil:
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

var errNotBegun = errors.New("the read did not begin")
