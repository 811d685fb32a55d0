package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestCreateRevisionMadeBefore: the revision a create makes before its
// write queues (createRevisionOf) is the one the writer made from the
// person it answers (recordRevision): the same changed fields and bytes
// stored, for people of every form; the writer takes it for all of them
// (holds), and when its guess of the day is wrong (a write after
// midnight) the writer makes the revision itself, with the day it wrote.
func TestCreateRevisionMadeBefore(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for i, p := range variedNewPeople() {
		rev := createRevisionOf(newPersonOf(proto.Clone(p).(*pb.Person)), micros(db.Now()))
		got, err := db.CreatePerson(ctx, p, CreateOptions{})
		if err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
		if !rev.holds(got) {
			t.Errorf("person %d: the revision made before the write does not hold the person created, %v", i, got)
		}
		wantStoredRevision(t, db, got)
	}
	// Made with the day before yesterday: a registry date left to the
	// writer is the day it writes.
	for i, p := range []*pb.Person{{GivenName: "Hai"}, {GivenName: "Ba", Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101"}}}} {
		np := newPersonOf(p)
		np.revision = createRevisionOf(np, micros(db.Now().Add(-48*time.Hour)))
		var got *pb.Person
		err := db.write(ctx, false, nil, func(tx *Tx) error {
			r, err := tx.createNew(ctx, "", np)
			if r != nil {
				got = r.person
			}
			return err
		})
		if err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
		if np.revision.holds(got) {
			t.Errorf("person %d: a revision made two days before holds the person created today", i)
		}
		wantStoredRevision(t, db, got)
	}
}

// wantStoredRevision wants the revision stored for the create of p (as
// the create answered) to be what recordRevision makes of p.
func wantStoredRevision(t *testing.T, db *DB, p *pb.Person) {
	t.Helper()
	var changed string
	var before, after []byte
	err := db.reader.QueryRow(`SELECT r.changed_fields, r.before, r.after FROM person_revisions r
		JOIN people p ON p.pk = r.person_pk WHERE p.id = ?`, strings.TrimPrefix(p.Name, "people/")).Scan(&changed, &before, &after)
	if err != nil {
		t.Fatal(err)
	}
	fields, _, a := diffFields(nil, p)
	bb, ab, err := revisionBytes(nil, a)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(fields, ","); changed != want || !bytes.Equal(before, bb) || (before == nil) != (bb == nil) || !bytes.Equal(after, ab) {
		t.Errorf("%s: stored revision %q %x %x, want %q %x %x", p.Name, changed, before, after, want, bb, ab)
	}
}
