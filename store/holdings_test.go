package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A limited caller's etag of a person is read after the answer that read
// the person. Before, a write in between gave the answer the etag of the
// person as written: newer than the profile it came with, so an update
// made with it went through over a change the caller never saw. Now such
// an etag matches no revision, and the update is refused as stale.
func TestShownEtagOfAPersonWrittenSinceIsStale(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	read := p.GetEtag() // what the caller's answer read
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.GivenName = "Ân"; return nil }); err != nil {
		t.Fatal(err)
	}

	// The etag given with the answer read before the update.
	meta, err := db.PeopleShown(ctx, map[string]string{p.Name: read}, ShownProfile)
	if err != nil {
		t.Fatal(err)
	}
	stale := meta[p.Name].Etag
	update := func(etag string) error {
		_, err := db.UpdatePerson(ctx, p.Name, WriteOptions{Etag: etag, Shown: ShownProfile}, func(p *pb.Person) error { p.GivenName = "Anh"; return nil })
		return err
	}
	if err := update(stale); err == nil {
		t.Fatal("an update with the etag given beside a profile read before the last write went through")
	} else if se, ok := err.(*Error); !ok || se.Code != Aborted {
		t.Fatalf("an update with a stale etag: %v, want ABORTED", err)
	}

	// Read again, the caller's etag is the current one, and its update goes through.
	now, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatal(err)
	}
	meta, err = db.PeopleShown(ctx, map[string]string{p.Name: now.GetEtag()}, ShownProfile)
	if err != nil {
		t.Fatal(err)
	}
	if err := update(meta[p.Name].Etag); err != nil {
		t.Fatalf("an update with the etag read again: %v", err)
	}
}
