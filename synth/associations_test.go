package synth

import (
	"context"
	"path/filepath"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The demo's associations and memberships pass the store's checks and
// cover every state of the life cycle.
func TestLoadMemberships(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Load(ctx, db, 3, 300); err != nil {
		t.Fatal(err)
	}
	n, err := LoadMemberships(ctx, db, 3, "")
	if err != nil {
		t.Fatal(err)
	}
	ms, page, err := db.ListMemberships(ctx, "associations/-", store.ListQuery{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalSize < 60 || page.TotalSize > 150 || page.TotalSize != n {
		t.Errorf("%d memberships of 300 people, %d registered", page.TotalSize, n)
	}
	states := map[pb.Membership_State]int{}
	numbers := map[string]bool{}
	for _, m := range ms {
		states[m.State]++
		if m.MemberNumber != "" {
			if numbers[m.MemberNumber] {
				t.Errorf("member number %s twice", m.MemberNumber)
			}
			numbers[m.MemberNumber] = true
		}
	}
	for _, s := range []pb.Membership_State{pb.Membership_PENDING, pb.Membership_ACTIVE, pb.Membership_REJECTED} {
		if states[s] == 0 {
			t.Errorf("no %s memberships: %v", s, states)
		}
	}
}
