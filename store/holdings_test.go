package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A limited caller's etag of a person is read with the person, in the
// same transaction: an update made with it goes through until the profile
// changes, and is refused as stale after.
func TestShownEtagOfAPersonWrittenSinceIsStale(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	read, err := db.GetPersonShown(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC, ShownProfile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.GivenName = "Ân"; return nil }); err != nil {
		t.Fatal(err)
	}
	update := func(etag string) error {
		_, err := db.UpdatePerson(ctx, p.Name, WriteOptions{Etag: etag, Shown: ShownProfile}, func(p *pb.Person) error { p.GivenName = "Anh"; return nil })
		return err
	}
	if err := update(read.GetEtag()); err == nil {
		t.Fatal("an update with the etag of a profile read before the last write went through")
	} else if se, ok := err.(*Error); !ok || se.Code != Aborted {
		t.Fatalf("an update with a stale etag: %v, want ABORTED", err)
	}

	// Read again, the caller's etag is the current one, and its update goes through.
	now, err := db.GetPersonShown(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC, ShownProfile)
	if err != nil {
		t.Fatal(err)
	}
	if err := update(now.GetEtag()); err != nil {
		t.Fatalf("an update with the etag read again: %v", err)
	}
}
