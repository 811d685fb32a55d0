package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// TestCurrentPositionsOfAsChildKind wants the current positions a page of
// BASIC profiles reads without the join to people the same, in the same
// order, as the positions' own read with that join: on a registry where
// people hold none, one, several current and past positions, at
// organizations and by name, edited (a later revision, another etag), of
// people deleted, in pages of several sizes.
func TestCurrentPositionsOfAsChildKind(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 7, 90); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var made []*pb.Position
	for _, pos := range []*pb.Position{
		{OrganizationName: "Sở Y tế", Title: "Phó giám đốc", Current: true},
		{OrganizationName: "Trường Đại học An Giang", Title: "Giảng viên", Department: "Khoa Sư phạm", Current: true},
		{OrganizationName: "Bệnh viện Đa khoa", Title: "Bác sĩ"},
	} {
		got, err := db.CreatePosition(ctx, p.Name, pos, store.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, got)
	}
	if _, err := db.UpdatePosition(ctx, made[1].Name, store.WriteOptions{}, func(p *pb.Position) error {
		p.Title = "Trưởng khoa"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 5}, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeletePerson(ctx, people[len(people)-1].Name, store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}

	for _, size := range []int{1, 7, 50} {
		got, want, err := db.CurrentPositionsBothWays(ctx, size)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 91 || len(got) != len(want) {
			t.Fatalf("size %d: %d people, want %d", size, len(got), len(want))
		}
		several, atOrg, edited := 0, 0, 0
		for name, w := range want {
			g := got[name]
			if len(g) != len(w) {
				t.Errorf("size %d, %s: %d current positions, want %d", size, name, len(g), len(w))
				continue
			}
			for i := range w {
				if !proto.Equal(g[i], w[i]) {
					t.Errorf("size %d, %s, position %d:\n got  %v\n want %v", size, name, i, g[i], w[i])
				}
				if w[i].Organization != "" {
					atOrg++
				}
				if w[i].Name == made[1].Name && w[i].Title == "Trưởng khoa" {
					edited++
				}
			}
			if len(w) > 1 {
				several++
			}
		}
		if several == 0 || atOrg == 0 || edited != 1 {
			t.Errorf("size %d: %d people with several current positions, %d at an organization, %d edited; want some of each",
				size, several, atOrg, edited)
		}
	}
}
