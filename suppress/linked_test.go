package suppress

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// In random registries of units in districts, no small count of either
// answer, by unit or by district, can be worked out from both: every way
// of filling in the hidden units that agrees with the total and the
// districts shown is tried, and each small
// count must have two possible values.
func TestLinkedUnitsAndDistrictsRandom(t *testing.T) {
	const threshold = 3
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20000 {
		nUnits := 2 + r.IntN(4)
		var fine []*Cell
		district := map[string]string{}
		for u := range nUnits {
			name := fmt.Sprint("u", u)
			district[name] = fmt.Sprint("d", r.IntN(3))
			fine = append(fine, &Cell{Values: []string{name}, Count: 1 + r.IntN(8)})
		}
		byDistrict := map[string]*Cell{}
		var coarse []*Cell
		for _, c := range fine {
			d := district[c.Values[0]]
			if byDistrict[d] == nil {
				byDistrict[d] = &Cell{Values: []string{d}}
				coarse = append(coarse, byDistrict[d])
			}
			byDistrict[d].Count += c.Count
		}
		of := func(v string) []string { return []string{district[v]} }
		co := &Coarse{Cells: coarse, Dims: 1, Key: func(v []string) string { return v[0] },
			FineKey: func(v []string) string { return district[v[0]] }}
		fine, hidden := Linked(fine, 1, threshold, []Nesting{{Dim: 0, Levels: of}}, []*Coarse{co})
		if hidden || co.TotalHidden {
			continue // nothing is shown but the cells' names
		}
		if got := workedOutLinked(fine, co.Cells, district, threshold); got != "" {
			var b strings.Builder
			for _, c := range fine {
				fmt.Fprintf(&b, "%s(%s)=%d%s ", c.Values[0], district[c.Values[0]], c.Count, mark(c))
			}
			for _, c := range co.Cells {
				fmt.Fprintf(&b, "%s=%d%s ", c.Values[0], c.Count, mark(c))
			}
			t.Fatalf("trial %d: %s worked out from %s", trial, got, b.String())
		}
	}
}

func mark(c *Cell) string {
	switch {
	case c.Primary:
		return "<"
	case c.Suppressed:
		return "*"
	}
	return ""
}

// workedOutLinked names a small count with one possible value, "" when
// there is none.
func workedOutLinked(fine, coarse []*Cell, district map[string]string, threshold int) string {
	total, known := 0, 0
	var hidden []*Cell
	for _, c := range fine {
		total += c.Count
		if c.Suppressed {
			hidden = append(hidden, c)
		} else {
			known += c.Count
		}
	}
	seen := map[*Cell]map[int]bool{}
	note := func(c *Cell, n int) {
		if seen[c] == nil {
			seen[c] = map[int]bool{}
		}
		seen[c][n] = true
	}
	value := map[*Cell]int{}
	var fill func(i, left int)
	fill = func(i, left int) {
		if i == len(hidden) {
			if left != 0 {
				return
			}
			sums := map[string]int{}
			for _, c := range fine {
				n := c.Count
				if c.Suppressed {
					n = value[c]
				}
				sums[district[c.Values[0]]] += n
			}
			for _, d := range coarse {
				s := sums[d.Values[0]]
				if !d.Suppressed && s != d.Count || d.Primary && s < 1 {
					return
				}
			}
			for _, c := range hidden {
				note(c, value[c])
			}
			for _, d := range coarse {
				note(d, sums[d.Values[0]])
			}
			return
		}
		// A hidden unit holds someone (the answer lists only units with
		// people), so it is at least 1. That a small one holds fewer than
		// the threshold is not used: it bounds a sum of several, which
		// suppression does not protect across answers (README).
		lo := 0
		if hidden[i].Count > 0 {
			lo = 1
		}
		for n := lo; n <= left; n++ {
			value[hidden[i]] = n
			fill(i+1, left-n)
		}
	}
	fill(0, total-known)
	for _, c := range append(fine, coarse...) {
		if c.Primary && len(seen[c]) < 2 {
			return fmt.Sprintf("%s = %v", c.Values[0], seen[c])
		}
	}
	return ""
}
