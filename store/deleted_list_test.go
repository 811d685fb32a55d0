package store_test

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// With show_deleted, the filter delete_time:* lists the deleted people
// alone, as the console's "Hồ sơ đã xoá" does; without show_deleted it
// lists nobody, and NOT delete_time:* the live people.
func TestListPeopleDeletedAlone(t *testing.T) {
	ctx := context.Background()
	db := open(t, "deleted.db")
	var names []string
	for _, given := range []string{"An", "Bình", "Chi"} {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: given}, store.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	if _, err := db.DeletePerson(ctx, names[1], store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		filter      string
		showDeleted bool
		want        []string
	}{
		{"OK deleted alone", "delete_time:*", true, []string{names[1]}},
		{"OK live alone", "NOT delete_time:*", true, []string{names[0], names[2]}},
		{"OK none without show_deleted", "delete_time:*", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			people, page, err := db.ListPeople(ctx, store.ListQuery{Filter: tc.filter, ShowDeleted: tc.showDeleted}, pb.PersonView_PERSON_VIEW_BASIC)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range people {
				got = append(got, p.Name)
			}
			if len(got) != len(tc.want) || int(page.TotalSize) != len(tc.want) {
				t.Fatalf("listed %v (total %d), want %v", got, page.TotalSize, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("listed %v, want %v", got, tc.want)
				}
			}
		})
	}
}
