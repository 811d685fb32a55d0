package synth

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// The demo's pools, members, engagements and works pass the store's
// checks, and the finder answers from them. It runs at 18:00 UTC on 31
// December, when the province is already in the new year, as the store
// checks the campaign's deadline: the demo's campaign must be that year's.
func TestLoadExperts(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if err := Load(ctx, db, 3, 300); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMemberships(ctx, db, 3, ""); err != nil {
		t.Fatal(err)
	}
	if err := LoadExperts(ctx, db, 3, now); err != nil {
		t.Fatal(err)
	}
	pools, _, err := db.ListExpertPools(ctx, "associations/lien-hiep-hoi", store.ListQuery{}, true)
	if err != nil || len(pools) != len(demoPools) {
		t.Fatalf("pools: %v %v", pools, err)
	}
	members, engagements, busiest := 0, 0, ""
	for _, p := range pools {
		_, page, err := db.ListExpertPoolMembers(ctx, p.Name, store.ListQuery{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalSize > 0 {
			busiest = p.Name
		}
		members += page.TotalSize
		_, page, err = db.ListEngagements(ctx, p.Name, store.ListQuery{}, true)
		if err != nil {
			t.Fatal(err)
		}
		engagements += page.TotalSize
	}
	_, works, err := db.ListWorks(ctx, "people/-", store.ListQuery{Filter: "kind = PATENT"})
	if err != nil {
		t.Fatal(err)
	}
	found, err := db.SearchExperts(ctx, busiest, store.ExpertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// Synthetic experts are few: about one in forty people is AVAILABLE.
	noms, _, err := db.ListNominations(ctx, "honorCampaigns/tieu-bieu-2027", store.ListQuery{Filter: "state = SELECTED"}, true)
	if err != nil || len(noms) != 1 {
		t.Errorf("the demo campaign's selection: %v %v", noms, err)
	}
	if members < 5 || engagements < 5 || works.TotalSize == 0 || len(found) == 0 {
		t.Errorf("%d members, %d engagements, %d patents, %d found", members, engagements, works.TotalSize, len(found))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
