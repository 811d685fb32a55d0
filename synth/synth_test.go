package synth

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestDeterministic(t *testing.T) {
	orgs := Organizations(5)
	a, b := New(7), New(7)
	for range 50 {
		p1, p2 := a.Profile(orgs), b.Profile(orgs)
		if p1.Person.GetNationalId() != p2.Person.GetNationalId() || p1.Person.GetGivenName() != p2.Person.GetGivenName() || len(p1.Qualifications) != len(p2.Qualifications) {
			t.Fatal("the same seed made different people")
		}
	}
}

// Every generated profile passes the store's checks.
func TestLoadPassesValidation(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Load(ctx, db, 3, 400); err != nil {
		t.Fatal(err)
	}
	people, page, err := db.ListPeople(ctx, store.ListQuery{PageSize: 1000}, pb.PersonView_PERSON_VIEW_FULL)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalSize != 400 {
		t.Fatalf("%d people, want 400", page.TotalSize)
	}
	levels := map[string]int{}
	ethnic := map[string]int{}
	women, current := 0, 0
	for _, p := range people {
		levels[p.HighestQualificationLevel]++
		ethnic[p.Ethnicity]++
		if p.Gender == pb.Person_FEMALE {
			women++
		}
		if len(p.CurrentPositions) > 0 {
			current++
		}
	}
	// The shares are those of a real workforce, give or take.
	if levels["DAI_HOC"] < 250 || levels["THAC_SI"] < 30 || levels["TIEN_SI"] == 0 || levels["TIEN_SI"] > 40 {
		t.Errorf("highest levels %v", levels)
	}
	if ethnic["05"] < 10 || ethnic["01"] < 300 {
		t.Errorf("ethnic groups %v", ethnic)
	}
	if women < 150 || women > 250 {
		t.Errorf("%d women of 400", women)
	}
	if current < 380 {
		t.Errorf("%d of 400 hold a current position", current)
	}
}

// National IDs do not repeat past a million people, and ids follow the seed.
func TestNationalIDsAndIDs(t *testing.T) {
	g := New(1).StartAt(999_990)
	seen := map[string]bool{}
	for range 20 {
		p := g.Person()
		if seen[p.NationalId] || len(p.NationalId) != 12 {
			t.Fatalf("national ID %q repeats or is not 12 digits", p.NationalId)
		}
		seen[p.NationalId] = true
	}
	// The first million's serials, with the next province code.
	h := New(1)
	for range 10 {
		if p := h.Person(); seen[p.NationalId] {
			t.Fatalf("national ID %q of the first million repeats past it", p.NationalId)
		}
	}
	a, b := New(9), New(9)
	a.Profile(Organizations(3))
	b.Person()
	if x, y := a.ID(), b.ID(); x != y || len(x) != 16 {
		t.Errorf("ids %q and %q of the same seed and number", x, y)
	}
	ids := map[string]bool{}
	for n := range 100000 {
		id := a.StartAt(n).ID()
		if ids[id] {
			t.Fatalf("id %s repeats", id)
		}
		ids[id] = true
	}
}

func BenchmarkProfile(b *testing.B) {
	g, orgs := New(1), Organizations(5000)
	for b.Loop() {
		g.Profile(orgs)
	}
}

// A generator started after LastNumber of a database's national IDs makes
// none of them again, across the millions too.
func TestLastNumber(t *testing.T) {
	for _, start := range []int{0, 41, 999_998, 6_204_017} {
		g := New(3).StartAt(start)
		serials := map[string]int{}
		for range 5 {
			id := g.Person().NationalId
			n, _ := strconv.Atoi(id[6:])
			serials[id[:3]] = max(serials[id[:3]], n)
		}
		if got := LastNumber(serials); got != start+5 {
			t.Errorf("started at %d, made 5: LastNumber %d, want %d", start, got, start+5)
		}
	}
	if got := LastNumber(map[string]int{"001": 5}); got != 0 {
		t.Errorf("national IDs of no generated province: %d, want 0", got)
	}
}
