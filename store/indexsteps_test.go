package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The writes that tests of what search keeps in memory (wordsets_test.go,
// nameorder_test.go) make between their checks: each moves the search
// index's generation, or changes who is listed without moving it.

// renamePeople gives each of names the names rename sets.
func renamePeople(ctx context.Context, t *testing.T, db *DB, names []string, rename func(*pb.Person)) {
	t.Helper()
	for _, n := range names {
		if _, err := db.UpdatePerson(ctx, n, WriteOptions{}, func(p *pb.Person) error {
			rename(p)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// deletePeople soft-deletes each of names.
func deletePeople(ctx context.Context, t *testing.T, db *DB, names []string) {
	t.Helper()
	for _, n := range names {
		if _, err := db.DeletePerson(ctx, n, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// restrictBySQL restricts every seventh person behind the store's back:
// the index does not change, who is listed does.
func restrictBySQL(ctx context.Context, t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.writer.ExecContext(ctx, `UPDATE people SET restricted = 1 WHERE pk % 7 = 0`); err != nil {
		t.Fatal(err)
	}
}
