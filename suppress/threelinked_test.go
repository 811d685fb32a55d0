package suppress

import (
	"bufio"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// jointRow is a count of people by two dimensions, their unit and the
// 2024 district of it, as statlinked counts an answer by three dimensions
// (the unit the third).
type jointRow struct {
	v     [4]string
	count int
}

// linkedSet is an answer by some of the dimensions of joint rows, the unit
// among them (last), and the one with the district for the unit.
type linkedSet struct {
	fine []*Cell
	co   *Coarse
	ns   []Nesting
}

// linkedBy builds, as statlinked does, the answers by the dimensions keep
// (indexes of jointRow.v, the unit, 2, last).
func linkedBy(rows []jointRow, keep []int) linkedSet {
	groups := joins{}
	for _, j := range rows {
		groups.join("u"+j.v[2], "d"+j.v[3])
	}
	by := func(district bool) []*Cell {
		cells := map[string]*Cell{}
		var out []*Cell
		for _, j := range rows {
			var v []string
			for _, i := range keep {
				v = append(v, j.v[i])
			}
			if district {
				v[len(v)-1] = j.v[3]
			}
			k := strings.Join(v, "\x00")
			if cells[k] == nil {
				cells[k] = &Cell{Values: v}
				out = append(out, cells[k])
			}
			cells[k].Count += j.count
		}
		slices.SortFunc(out, func(a, b *Cell) int { return slices.Compare(a.Values, b.Values) })
		return out
	}
	u := len(keep) - 1
	key := func(prefix string) func([]string) string {
		return func(v []string) string {
			k := slices.Clone(v)
			k[u] = groups.root(prefix + k[u])
			return strings.Join(k, "\x00")
		}
	}
	co := &Coarse{Cells: by(true), Dims: len(keep), Key: key("d"), FineKey: key("u"),
		Joined: Nesting{Dim: u, Levels: func(d string) []string { return []string{groups.root("d" + d)} }}}
	return linkedSet{by(false), co, []Nesting{{Dim: u, Levels: func(x string) []string { return []string{groups.root("u" + x)} }}}}
}

// hiddenValues are the first values of the hidden cells.
func hiddenValues(cells []*Cell) map[string]bool {
	out := map[string]bool{}
	for _, c := range cells {
		if c.Suppressed {
			out[c.Values[0]] = true
		}
	}
	return out
}

// threeLinked suppresses the answers by the two dimensions and unit of
// rows (and by district) as statlinked does: the answers by one and by two
// of the dimensions first, as those requests make them, then the three
// knowing what they hide. It returns the answers by three, and those by
// fewer, as cells of three dimensions (the others blank) of each table
// (0 by unit, 1 by district), by mask; ok is false when one by one
// dimension leaves its rows out.
func threeLinked(rows []jointRow, threshold int) (three linkedSet, hidden bool, fewer [2]map[int][]*Cell, ok bool) {
	return threeLinkedKeyed(rows, threshold, nil)
}

// threeLinkedKeyed is threeLinked whose answer by three dimensions
// chooses its hidden empty cells by key (nil: in the values' order).
func threeLinkedKeyed(rows []jointRow, threshold int, key []byte) (three linkedSet, hidden bool, fewer [2]map[int][]*Cell, ok bool) {
	// The answers by one dimension.
	oneWay, coOneWay := make([]map[string]bool, 3), make([]map[string]bool, 3)
	for d := range 2 {
		var one []*Cell
		for _, g := range groupBy(linkedBy(rows, []int{d, 2}).fine, func(v []string) string { return v[0] }) {
			c := &Cell{Values: []string{g[0].Values[0]}}
			for _, f := range g {
				c.Count += f.Count
			}
			one = append(one, c)
		}
		one, hidden := Table(one, 1, threshold)
		if hidden {
			return three, false, fewer, false
		}
		oneWay[d], coOneWay[d] = hiddenValues(one), hiddenValues(one)
		for side := range 2 {
			if fewer[side] == nil {
				fewer[side] = map[int][]*Cell{}
			}
			for _, c := range one {
				w := []string{"", "", ""}
				w[d] = c.Values[0]
				fewer[side][1<<d] = append(fewer[side][1<<d], &Cell{Values: w, Count: c.Count, Suppressed: c.Suppressed})
			}
		}
	}
	units := linkedBy(rows, []int{2})
	units.fine, hidden = Linked(units.fine, 1, threshold, units.ns, []*Coarse{units.co})
	if hidden || units.co.TotalHidden {
		return three, false, fewer, false
	}
	oneWay[2], coOneWay[2] = hiddenValues(units.fine), hiddenValues(units.co.Cells)
	for side, cells := range [][]*Cell{units.fine, units.co.Cells} {
		for _, c := range cells {
			fewer[side][4] = append(fewer[side][4], &Cell{Values: []string{"", "", c.Values[0]}, Count: c.Count, Suppressed: c.Suppressed})
		}
	}
	// The answers by two: by the first two alone, and each with the unit.
	twoWay, coTwoWay := map[int]map[string]bool{}, map[int]map[string]bool{}
	add := func(mask, side int, dims []int, cells []*Cell, rowsOut bool) {
		hides := twoWay
		if side == 1 {
			hides = coTwoWay
		}
		hides[mask] = map[string]bool{}
		for _, c := range cells {
			w := []string{"", "", ""}
			w[dims[0]], w[dims[1]] = c.Values[0], c.Values[1]
			if c.Suppressed || rowsOut {
				hides[mask][MaskKey(w, mask)] = true
			}
			fewer[side][mask] = append(fewer[side][mask], &Cell{Values: w, Count: c.Count, Suppressed: c.Suppressed || rowsOut})
		}
	}
	var both []*Cell
	for _, g := range groupBy(linkedBy(rows, []int{0, 1, 2}).fine, func(v []string) string { return keyOf(v, 3) }) {
		c := &Cell{Values: []string{g[0].Values[0], g[0].Values[1]}}
		for _, f := range g {
			c.Count += f.Count
		}
		both = append(both, c)
	}
	both, out := NestedTableOneWay(both, 2, threshold, oneWay[:2])
	add(3, 0, []int{0, 1}, both, out)
	add(3, 1, []int{0, 1}, both, out)
	for _, d := range []int{0, 1} {
		two := linkedBy(rows, []int{d, 2})
		ow := []map[string]bool{oneWay[d], oneWay[2]}
		two.co.OneWay = []map[string]bool{coOneWay[d], coOneWay[2]}
		fine, out := LinkedOneWay(two.fine, 2, threshold, ow, two.ns, []*Coarse{two.co})
		add(1<<d|4, 0, []int{d, 2}, fine, out)
		add(1<<d|4, 1, []int{d, 2}, two.co.Cells, two.co.TotalHidden)
	}
	three = linkedBy(rows, []int{0, 1, 2})
	three.co.OneWay, three.co.TwoWay = coOneWay, coTwoWay
	var work *Allowance
	if key != nil {
		work = NewAllowance(0).Keyed(key)
	}
	three.fine, hidden = linked(three.fine, 3, threshold, oneWay, twoWay, three.ns, []*Coarse{three.co}, work)
	return three, hidden, fewer, true
}

// workedOutThree names a small count that follows, by a linear
// combination, from the answers by three dimensions (by unit and by
// district), the groups' sums, and the answers by fewer: a cell of
// theirs, or a small sum of cells by fewer dimensions. "" when none does.
func workedOutThree(three linkedSet, fewer [2]map[int][]*Cell, threshold int) string {
	sums, what := publishedThree(three, fewer, threshold)
	var vars []*Cell
	for c := range what {
		vars = append(vars, c)
	}
	for _, table := range [][]*Cell{three.fine, three.co.Cells} {
		for _, c := range table {
			if c.Suppressed && what[c] == "" {
				vars = append(vars, c)
			}
		}
	}
	for _, c := range linearlyFixed(sums, vars) {
		if what[c] != "" {
			return what[c]
		}
	}
	return ""
}

// publishedThree is what workedOutThree takes as published, and the small
// counts it looks for (by what to call them).
func publishedThree(three linkedSet, fewer [2]map[int][]*Cell, threshold int) ([]sumIs, map[*Cell]string) {
	var sums []sumIs
	what := map[*Cell]string{}
	for side, table := range [][]*Cell{three.fine, three.co.Cells} {
		all := sumIs{}
		for _, c := range table {
			all.plus, all.value = append(all.plus, c), all.value+c.Count
			if c.Suppressed {
				if c.Primary {
					what[c] = fmt.Sprintf("%v = %d", c.Values, c.Count)
				}
			} else {
				sums = append(sums, sumIs{plus: []*Cell{c}, value: c.Count})
			}
		}
		sums = append(sums, all)
		for mask, answer := range fewer[side] {
			groups := map[string][]*Cell{}
			for _, c := range table {
				k := keyOf(c.Values, mask)
				groups[k] = append(groups[k], c)
			}
			rest := sumIs{}
			listed := map[string]bool{}
			for _, a := range answer {
				listed[keyOf(a.Values, mask)] = true
			}
			for k, g := range groups {
				if !listed[k] {
					// Nobody has it: the answer does not list it.
					sums = append(sums, sumIs{plus: g})
				}
			}
			for _, a := range answer {
				g := groups[keyOf(a.Values, mask)]
				if a.Suppressed {
					rest.plus, rest.value = append(rest.plus, g...), rest.value+a.Count
				} else {
					sums = append(sums, sumIs{plus: g, value: a.Count})
				}
				if a.Count > 0 && a.Count < threshold && len(g) > 1 {
					aux := &Cell{Values: a.Values, Count: a.Count}
					what[aux] = fmt.Sprintf("the sum of %v (by %d dimensions) = %d", a.Values, bits.OnesCount(uint(mask)), a.Count)
					sums = append(sums, sumIs{plus: []*Cell{aux}, minus: g})
				}
			}
			if len(rest.plus) > 0 {
				sums = append(sums, rest)
			}
		}
	}
	// The groups' sums, value by value of the other dimensions.
	byKey := map[string]*sumIs{}
	for side, table := range [][]*Cell{three.fine, three.co.Cells} {
		key := three.co.FineKey
		if side == 1 {
			key = three.co.Key
		}
		for _, c := range table {
			k := key(c.Values)
			if byKey[k] == nil {
				byKey[k] = &sumIs{}
			}
			if side == 0 {
				byKey[k].plus = append(byKey[k].plus, c)
			} else {
				byKey[k].minus = append(byKey[k].minus, c)
			}
		}
	}
	for _, s := range byKey {
		sums = append(sums, *s)
	}
	return sums, what
}

// readJoint reads joint rows from testdata.
func readJoint(t *testing.T, name string) []jointRow {
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []jointRow
	s := bufio.NewScanner(f)
	for s.Scan() {
		var j jointRow
		if _, err := fmt.Sscanf(s.Text(), "[%q %q %q %q] %d", &j.v[0], &j.v[1], &j.v[2], &j.v[3], &j.count); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, j)
	}
	return rows
}

// In random registries, the answers by two dimensions and unit (and by
// district) let no small count follow from them and the answers by fewer
// dimensions, of theirs or of those answers.
func TestLinkedThreeWayRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	kept, leftOut := 0, 0
	for n := range 400 {
		threshold := 3 + r.IntN(3)
		var rows []jointRow
		nUnits, nDistricts := 2+r.IntN(4), 1+r.IntN(3)
		for u := range nUnits {
			ds := []int{r.IntN(nDistricts)}
			if r.IntN(3) == 0 {
				ds = append(ds, r.IntN(nDistricts))
			}
			for a := range 2 + r.IntN(2) {
				for b := range 2 + r.IntN(2) {
					for _, d := range ds {
						count := 0
						switch x := r.Float64(); {
						case x < 0.3:
							continue
						case x < 0.7:
							count = 1 + r.IntN(threshold-1)
						default:
							count = threshold + r.IntN(30)
						}
						rows = append(rows, jointRow{[4]string{fmt.Sprint("a", a), fmt.Sprint("b", b), fmt.Sprint("u", u), fmt.Sprint("d", d)}, count})
					}
				}
			}
		}
		three, hidden, fewer, ok := threeLinked(rows, threshold)
		if !ok || len(varying(three.fine, 3)) < 3 {
			continue
		}
		if hidden || three.co.TotalHidden {
			leftOut++
			continue
		}
		kept++
		if got := workedOutThree(three, fewer, threshold); got != "" {
			t.Fatalf("registry %d (threshold %d): %s follows from what is published:\n%s\n%s", n, threshold, got,
				tableString(three.fine), tableString(three.co.Cells))
		}
	}
	t.Logf("%d answers with rows, %d without", kept, leftOut)
	if kept < 50 {
		t.Errorf("%d answers with rows, %d without: too few to tell", kept, leftOut)
	}
}
