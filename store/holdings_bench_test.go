package store

import (
	"context"
	"fmt"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What the etag and update_time a caller sees cost a read of people: none
// for one who reads all; for the others a statement in the same read (and
// for a key limited to an association, one for its associations).
func BenchmarkShownReads(b *testing.B) {
	db := openTest(b)
	ctx := context.Background()
	var assocs []*pb.Association
	for i, id := range []string{"hoi-a", "hoi-b"} {
		a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: id, Code: []string{"HA", "HB"}[i]}, CreateOptions{ID: id})
		if err != nil {
			b.Fatal(err)
		}
		assocs = append(assocs, a)
	}
	var names []string
	for i := range 200 {
		reg, err := db.RegisterMember(ctx, assocs[i%2].Name, Registration{NewPerson: &pb.Person{FamilyName: "Nguyễn", GivenName: fmt.Sprintf("Người %d", i)},
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ApproveMembership(ctx, reg.Membership.Name, Transition{}); err != nil {
			b.Fatal(err)
		}
		names = append(names, reg.Person.Name)
	}
	for _, c := range []struct {
		name  string
		shown Shown
	}{{"all", ShownAll}, {"profile", ShownProfile}, {"association", ShownAssociation(assocs[0].Name)}} {
		b.Run("get/"+c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := db.GetPersonShown(ctx, names[i%len(names)], pb.PersonView_PERSON_VIEW_BASIC, c.shown); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run("list/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.ListPeople(ctx, ListQuery{PageSize: 50, Shown: c.shown}, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
