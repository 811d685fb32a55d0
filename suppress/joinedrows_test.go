package suppress

import (
	"fmt"
	"strings"
	"testing"
)

// The demo's 300 people by unit and by 2024 district: most units join
// into one group (people who moved, communes formed from parts of two
// districts), one small unit is alone in its district (4 people), and
// one unit joins two districts of its own. The small unit is the total
// less the other groups' sums; the big group's is published (every unit
// of it is shown), so a group's must not be: hiding the unit that joins
// two districts does it. Before, both answers were left without rows.
func TestLinkedKeepsRowsWhenAGroupCanBeUnpublished(t *testing.T) {
	joint := []struct {
		unit, district string
		n              int
	}{
		{"", "900", 2}, {"", "905", 1}, {"", "", 34},
		{"30307", "913", 1}, {"30307", "", 41},
		{"30742", "899", 101}, {"30742", "903", 1}, {"30742", "909", 1}, {"30742", "", 7},
		{"30760", "899", 9}, {"30760", "", 1},
		{"30766", "900", 13},
		{"30769", "900", 19}, {"30769", "914", 1},
		{"30787", "902", 15}, {"30787", "909", 1}, {"30787", "", 1},
		{"30817", "900", 1}, {"30817", "903", 15},
		{"30850", "904", 4},
		{"30880", "905", 12},
		{"30904", "906", 5}, {"30904", "912", 1},
		{"31078", "911", 11}, {"31078", "914", 1}, {"31078", "", 1},
	}
	groups := joins{}
	root := groups.root
	units, districts := map[string]*Cell{}, map[string]*Cell{}
	var fine, coarse []*Cell
	for _, j := range joint {
		groups.join("u"+j.unit, "d"+j.district)
		if units[j.unit] == nil {
			units[j.unit] = &Cell{Values: []string{j.unit}}
			fine = append(fine, units[j.unit])
		}
		if districts[j.district] == nil {
			districts[j.district] = &Cell{Values: []string{j.district}}
			coarse = append(coarse, districts[j.district])
		}
		units[j.unit].Count += j.n
		districts[j.district].Count += j.n
	}
	co := &Coarse{Cells: coarse, Dims: 1,
		Key:     func(v []string) string { return root("d" + v[0]) },
		FineKey: func(v []string) string { return root("u" + v[0]) },
		Joined:  Nesting{Dim: 0, Levels: func(d string) []string { return []string{root("d" + d)} }}}
	fine, hidden := Linked(fine, 1, 5, []Nesting{{Dim: 0, Levels: func(u string) []string { return []string{root("u" + u)} }}}, []*Coarse{co})
	var b strings.Builder
	for _, c := range fine {
		fmt.Fprintf(&b, "u%v=%d%s ", c.Values, c.Count, mark(c))
	}
	for _, c := range co.Cells {
		fmt.Fprintf(&b, "d%v=%d%s ", c.Values, c.Count, mark(c))
	}
	if hidden || co.TotalHidden {
		t.Fatalf("rows left out (units %v, districts %v): %s", hidden, co.TotalHidden, b.String())
	}
	// Units have five digits, districts three; nobody's unit and nobody's
	// district ("") are in the same group.
	key := func(v []string) string {
		if len(v[0]) == 3 {
			return root("d" + v[0])
		}
		return root("u" + v[0])
	}
	if root("u") != root("d") {
		t.Fatal("the test's groups are not the demo's")
	}
	if got := workedOutJoined(fine, co.Cells, key, 5, false); got != "" {
		t.Fatalf("%s worked out from %s", got, b.String())
	}
	shown := 0
	for _, c := range fine {
		if !c.Suppressed {
			shown++
		}
	}
	if shown < len(fine)-3 {
		t.Errorf("only %d of %d units shown: %s", shown, len(fine), b.String())
	}
}
