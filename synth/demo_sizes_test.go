package synth

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// The demo seeds at any size and seed, as `serve --demo --demo-people N`
// does: the works of the young experts among more people once fell before
// the store's earliest year for them.
func TestDemoSeedsAtAnySize(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds thousands of people")
	}
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		seed uint64
		n    int
	}{{1, 2000}, {2, 3000}} {
		t.Run(fmt.Sprintf("seed%d/%d", c.seed, c.n), func(t *testing.T) {
			db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Now = func() time.Time { return now }
			if err := Load(ctx, db, c.seed, c.n); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadMemberships(ctx, db, c.seed, ""); err != nil {
				t.Fatal(err)
			}
			if err := LoadExperts(ctx, db, c.seed, now); err != nil {
				t.Fatal(err)
			}
		})
	}
}
