package suppress

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The flow network's verdict is the enumeration's: in random answers by
// unit and by district with random cells hidden, a small count has one
// possible value (every filling of the hidden counts that agrees with
// both answers tried) exactly when pinned says so.
func TestPinnedAgreesWithEnumeration(t *testing.T) {
	const threshold = 3
	r := rand.New(rand.NewPCG(5, 6))
	agreed := map[bool]int{}
	for trial := range 3000 {
		nUnits, nDistricts := 2+r.IntN(3), 1+r.IntN(3)
		type pair struct{ unit, district int }
		counts := map[pair]int{}
		groups := joins{}
		for u := range nUnits {
			ds := []int{r.IntN(nDistricts)}
			if r.IntN(2) == 0 {
				ds = append(ds, r.IntN(nDistricts))
			}
			for _, d := range ds {
				counts[pair{u, d}] += 1 + r.IntN(4)
				groups.join(fmt.Sprint("u", u), fmt.Sprint("d", d))
			}
		}
		units, districts := map[int]*Cell{}, map[int]*Cell{}
		var fine, coarse []*Cell
		for u := range nUnits {
			for d := range nDistricts {
				n := counts[pair{u, d}]
				if n == 0 {
					continue
				}
				if units[u] == nil {
					units[u] = &Cell{Values: []string{fmt.Sprint("u", u)}}
					fine = append(fine, units[u])
				}
				if districts[d] == nil {
					districts[d] = &Cell{Values: []string{fmt.Sprint("d", d)}}
					coarse = append(coarse, districts[d])
				}
				units[u].Count += n
				districts[d].Count += n
			}
		}
		total := 0
		for _, c := range fine {
			total += c.Count
		}
		if total < threshold {
			continue // hidden, and the rows with it: nothing to audit
		}
		for _, c := range append(append([]*Cell(nil), fine...), coarse...) {
			c.Suppressed = c.Count < threshold || r.IntN(3) == 0
			c.Primary = c.Count < threshold
		}
		key := func(v []string) string { return groups.root(v[0]) }
		co := &Coarse{Cells: coarse, Dims: 1, Key: key, FineKey: key}
		got := pinned(fine, co)
		want := workedOutJoined(fine, coarse, key, threshold, true) != ""
		if got != want {
			var b strings.Builder
			for _, c := range append(append([]*Cell(nil), fine...), coarse...) {
				fmt.Fprintf(&b, "%v[%s]=%d%s ", c.Values, key(c.Values), c.Count, mark(c))
			}
			t.Fatalf("trial %d: pinned %v, enumeration %v: %s", trial, got, want, b.String())
		}
		agreed[got]++
	}
	t.Logf("pinned in %d trials, not in %d", agreed[true], agreed[false])
	if agreed[true] == 0 || agreed[false] == 0 {
		t.Errorf("the trials tell nothing: pinned %d times, not %d times", agreed[true], agreed[false])
	}
}
