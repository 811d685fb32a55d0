package suppress

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// oneWayOf is what the answers by each dimension alone of cells hide, as
// Table gives them, by dimension; nil when one of them hides its total.
func oneWayOf(cells []*Cell, dims, threshold int) []map[string]bool {
	out := make([]map[string]bool, dims)
	for d := range dims {
		var one []*Cell
		for _, row := range groupBy(cells, func(v []string) string { return v[d] }) {
			c := &Cell{Values: []string{row[0].Values[d]}}
			for _, r := range row {
				c.Count += r.Count
			}
			one = append(one, c)
		}
		one, hidden := Table(one, 1, threshold)
		if hidden {
			return nil
		}
		out[d] = map[string]bool{}
		for _, c := range one {
			if c.Suppressed {
				out[d][c.Values[0]] = true
			}
		}
	}
	return out
}

// threeWayPublished is what a three-way table and the answers by two and
// by one of its dimensions publish, as sums of the three-way table's
// cells: its shown cells and total; each two-way answer's shown cells
// (twoWay, by mask; twoWayHides, by MaskKey, those they hide, a sum of
// nobody listed in neither known to be 0); each one-way answer's shown rows, and
// its hidden rows together. It also returns, as cells of their own (and
// the sums that tie them to the table's cells), the small counts of the
// answers by fewer dimensions that are sums of several cells.
func threeWayPublished(cells []*Cell, threshold int, oneWay []map[string]bool, twoWay, twoWayHides map[int]map[string]bool) (sums []sumIs, small []*Cell) {
	all := sumIs{}
	for _, c := range cells {
		all.plus, all.value = append(all.plus, c), all.value+c.Count
		if !c.Suppressed {
			sums = append(sums, sumIs{plus: []*Cell{c}, value: c.Count})
		}
	}
	sums = append(sums, all)
	for mask := 1; mask < 7; mask++ {
		groups := groupBy(cells, func(v []string) string { return keyOf(v, mask) })
		shown := twoWay[mask]
		rest := sumIs{}
		d := bits.TrailingZeros(uint(mask))
		for _, g := range groups {
			s := sumIs{plus: g}
			for _, c := range g {
				s.value += c.Count
			}
			if s.value > 0 && s.value < threshold && len(g) > 1 {
				aux := &Cell{Values: []string{keyOf(g[0].Values, mask)}, Count: s.value, Primary: true}
				small = append(small, aux)
				sums = append(sums, sumIs{plus: []*Cell{aux}, minus: g})
			}
			switch {
			case shown != nil && s.value == 0 && !twoWayHides[mask][MaskKey(g[0].Values, mask)]:
				sums = append(sums, s) // not listed: nobody has it
			case shown != nil:
				if shown[keyOf(g[0].Values, mask)] {
					sums = append(sums, s)
				}
			case s.value < threshold || oneWay[d][g[0].Values[d]]:
				rest.plus, rest.value = append(rest.plus, g...), rest.value+s.value
			default:
				sums = append(sums, s)
			}
		}
		if len(rest.plus) > 0 {
			sums = append(sums, rest)
		}
	}
	return sums, small
}

// twoWayOf is what the answers by two dimensions of cells (three) hide, as
// NestedTableOneWay gives them knowing oneWay, by mask, by MaskKey (all
// of an answer's sums when it hides its total), and what they show, by
// mask, by keyOf.
func twoWayOf(cells []*Cell, threshold int, oneWay []map[string]bool) (hides, shows map[int]map[string]bool) {
	hides, shows = map[int]map[string]bool{}, map[int]map[string]bool{}
	for _, mask := range []int{3, 5, 6} {
		var dims []int
		for d := range 3 {
			if mask&(1<<d) != 0 {
				dims = append(dims, d)
			}
		}
		var two []*Cell
		for _, g := range groupBy(cells, func(v []string) string { return keyOf(v, mask) }) {
			c := &Cell{Values: []string{g[0].Values[dims[0]], g[0].Values[dims[1]]}}
			for _, f := range g {
				c.Count += f.Count
			}
			two = append(two, c)
		}
		two, hidden := NestedTableOneWay(two, 2, threshold, []map[string]bool{oneWay[dims[0]], oneWay[dims[1]]})
		hides[mask], shows[mask] = map[string]bool{}, map[string]bool{}
		for _, c := range two {
			w := make([]string, 3)
			w[dims[0]], w[dims[1]] = c.Values[0], c.Values[1]
			if hidden || c.Suppressed {
				hides[mask][MaskKey(w, mask)] = true
			} else {
				shows[mask][keyOf(w, mask)] = true
			}
		}
	}
	return hides, shows
}

// In random three-way tables suppressed knowing what the answers by each
// dimension alone hide, no small count follows from any linear
// combination of what the table, the answers by two of its dimensions
// and those by one publish: the table's own small cells, the small cells
// of the answers by two dimensions, and the small rows of those by one.
func TestSuppressThreeWayRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	kept, leftOut := 0, 0
	for n := range 1500 {
		threshold := 3 + r.IntN(4)
		var cells []*Cell
		na, nb, nc := 2+r.IntN(3), 2+r.IntN(3), 2+r.IntN(2)
		for a := range na {
			for b := range nb {
				for c := range nc {
					count := 0
					switch x := r.Float64(); {
					case x < 0.3:
						continue
					case x < 0.7:
						count = 1 + r.IntN(threshold-1)
					default:
						count = threshold + r.IntN(30)
					}
					cells = append(cells, &Cell{Values: []string{fmt.Sprint("a", a), fmt.Sprint("b", b), fmt.Sprint("c", c)}, Count: count})
				}
			}
		}
		oneWay := oneWayOf(cells, 3, threshold)
		if oneWay == nil || len(varying(cells, 3)) < 3 {
			continue
		}
		hides, twoWay := twoWayOf(cells, threshold, oneWay)
		cells, totalHidden := nestedOneWay(cells, 3, threshold, oneWay, hides, nil, nil)
		if totalHidden {
			leftOut++
			continue // the rows are left out
		}
		kept++
		sums, small := threeWayPublished(cells, threshold, oneWay, twoWay, hides)
		hidden := small
		for _, c := range cells {
			if c.Suppressed {
				hidden = append(hidden, c)
			}
		}
		for _, c := range linearlyFixed(sums, hidden) {
			if c.Primary {
				t.Fatalf("table %d (threshold %d): %v = %d follows from what is published:\n%v", n, threshold, c.Values, c.Count, tableString(cells))
			}
		}
	}
	t.Logf("%d tables with rows, %d without", kept, leftOut)
	if kept < 300 {
		t.Errorf("%d tables with rows, %d without: too few to tell", kept, leftOut)
	}
}

// tableString shows cells, the hidden ones in brackets.
func tableString(cells []*Cell) string {
	s := ""
	for _, c := range cells {
		if c.Suppressed {
			s += fmt.Sprintf("%v [%d]\n", c.Values, c.Count)
		} else {
			s += fmt.Sprintf("%v %d\n", c.Values, c.Count)
		}
	}
	return s
}
