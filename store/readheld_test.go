package store

import (
	"context"
	"errors"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A read without BEGIN (readHeld) that keeps its first statement open
// reads one snapshot: what loadPersonOneRead runs after the person's
// statement (then, as GetPerson's etag for a caller that does not read
// everything) does not see a write committed in between.
func TestHeldReadIsOneSnapshot(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := p.Name[len("people/"):]
	var inside string
	err = db.readHeld(ctx, func(tx *Tx) error {
		_, err := tx.loadPersonOneRead(ctx, id, pb.PersonView_PERSON_VIEW_FULL, func(read *pb.Person) error {
			// Committed by the writer while the read is under way.
			if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error {
				p.GivenName = "Bình"
				return nil
			}); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT given_name FROM people WHERE id = ?`, id).Scan(&inside)
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside != "An" {
		t.Errorf("the held read's second statement read given_name %q, want %q: a later snapshot than its first", inside, "An")
	}
	after, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_FULL)
	if err != nil || after.GivenName != "Bình" {
		t.Fatalf("after the update: %v, %v; want given_name Bình", after, err)
	}
}

// A read without BEGIN keeps the read budget: a costly statement in it is
// stopped and refused as RESOURCE_EXHAUSTED.
func TestHeldReadKeepsTheBudget(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.SetReadBudget(5 * time.Millisecond)
	err := db.readHeld(ctx, func(tx *Tx) error {
		var n int
		return tx.QueryRowContext(ctx, `WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000000) SELECT COUNT(*) FROM r`).Scan(&n)
	})
	var se *Error
	if !errors.As(err, &se) || se.Code != ResourceExhausted || !errors.Is(err, ErrBudget) {
		t.Fatalf("a costly read without BEGIN: %v, want a ResourceExhausted store error", err)
	}
}
