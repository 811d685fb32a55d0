package suppress

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// area is the coarser level of a field value in these tests: its letter.
func area(value string) []string {
	return []string{value[:1]}
}

// coarser is the answer to the same question one level up: the cells
// summed by area, suppressed as Table would, as an attacker would ask it.
func coarser(cells []*Cell, dims, threshold int) ([]*Cell, map[*Cell][]*Cell, bool) {
	byKey := map[string]*Cell{}
	parts := map[*Cell][]*Cell{}
	var out []*Cell
	for _, c := range cells {
		v := append(append([]string(nil), c.Values[:dims-1]...), area(c.Values[dims-1])...)
		k := strings.Join(v, "/")
		a := byKey[k]
		if a == nil {
			a = &Cell{Values: v}
			byKey[k] = a
			out = append(out, a)
		}
		a.Count += c.Count
		parts[a] = append(parts[a], c)
	}
	// A coarser cell of nobody is not in the answer: its cells are
	// known to be empty.
	var peopled []*Cell
	for _, a := range out {
		if a.Count > 0 {
			peopled = append(peopled, a)
		}
	}
	out, totalHidden := Table(peopled, dims, threshold)
	return out, parts, totalHidden
}

// peelBoth is the attacker with both answers: the finer one's visible
// cells and published marginals, and the coarser one's visible cells,
// each the sum of finer cells, and its published marginals. It subtracts
// until it learns nothing more and returns the hidden finer cells it
// learnt.
func peelBoth(cells []*Cell, dims, threshold int, totalHidden bool) []*Cell {
	var sums [][]*Cell
	for _, g := range published(cells, dims, threshold, totalHidden) {
		sums = append(sums, g.cells)
	}
	coarse, parts, coarseHidden := coarser(cells, dims, threshold)
	for _, a := range coarse {
		if !a.Suppressed {
			sums = append(sums, parts[a])
		}
	}
	for _, g := range published(coarse, dims, threshold, coarseHidden) {
		var finer []*Cell
		for _, a := range g.cells {
			finer = append(finer, parts[a]...)
		}
		sums = append(sums, finer)
	}
	known := map[*Cell]bool{}
	for _, c := range cells {
		known[c] = !c.Suppressed
	}
	for a, p := range parts {
		if a.Count == 0 {
			for _, c := range p {
				known[c] = true
			}
		}
	}
	var found []*Cell
	for more := true; more; {
		more = false
		for _, s := range sums {
			var unknown []*Cell
			for _, c := range s {
				if !known[c] {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) == 1 {
				known[unknown[0]] = true
				found = append(found, unknown[0])
				more = true
			}
		}
	}
	return found
}

// The auditor's case: Kinh in area 3 is published one level up, and
// Kinh in fields 302 and 304 here, so Kinh in 303 was that less them,
// and field 303's total less it the two Khmer in 303 that were hidden.
func TestNestedTableProtectsAcrossLevels(t *testing.T) {
	rows := []string{
		"kinh 3a 14", "kinh 3b 13", "kinh 3c 9", "kinh 5a 40", "kinh 5b 22",
		"khmer 3b 2", "khmer 5a 12", "khmer 5b 7",
		"hoa 5a 6", "hoa 5b 8",
	}
	plain, plainHidden := Table(table(rows...), 2, 5)
	if len(peelBoth(plain, 2, 5, plainHidden)) == 0 {
		t.Fatalf("the case does not leak with Table alone (hidden: %s): it tests nothing", hidden(plain))
	}
	cells, totalHidden := NestedTable(table(rows...), 2, 5, Nesting{Dim: 1, Levels: area})
	for _, c := range peelBoth(cells, 2, 5, totalHidden) {
		if c.Primary {
			t.Errorf("%v (%d) can be worked out from this answer and the one a level up; hidden: %s", c.Values, c.Count, hidden(cells))
		}
	}
	for _, c := range cells {
		if c.Count == 0 && c.Values[1][:1] != "3" && c.Values[1][:1] != "5" {
			t.Errorf("an empty cell of no area: %v", c.Values)
		}
	}
}

// Random tables of a field (with areas) alone and by another dimension:
// with the answer a level up, subtraction works out a small count in far
// fewer tables than with Table alone. Not in none: where every way to a
// count runs through figures of other answers alone (a field's total and
// its area's, say), nothing this answer hides protects it.
func TestNestedTableRandom(t *testing.T) {
	leaks := func(suppress func(cells []*Cell, dims, threshold int) ([]*Cell, bool)) (int, int) {
		r := rand.New(rand.NewPCG(3, 4))
		leaks, tables := 0, 0
		for n := 0; n < 2000; n++ {
			dims := 1 + n%2
			threshold := 3 + r.IntN(4)
			var cells []*Cell
			rowsOf := 1
			if dims == 2 {
				rowsOf = 2 + r.IntN(4)
			}
			for row := 0; row < rowsOf; row++ {
				for a := 0; a < 2+r.IntN(3); a++ {
					for f := 0; f < 1+r.IntN(4); f++ {
						count := 0
						switch x := r.Float64(); {
						case x < 0.25:
							continue
						case x < 0.6:
							count = 1 + r.IntN(threshold-1)
						default:
							count = threshold + r.IntN(40)
						}
						v := []string{fmt.Sprintf("%c%d", 'a'+a, f)}
						if dims == 2 {
							v = append([]string{fmt.Sprintf("r%d", row)}, v...)
						}
						cells = append(cells, &Cell{Values: v, Count: count})
					}
				}
			}
			cells, totalHidden := suppress(cells, dims, threshold)
			if totalHidden {
				continue
			}
			tables++
			for _, c := range cells {
				if c.Count > 0 && c.Count < threshold && !c.Suppressed {
					t.Fatalf("table %d: %v (%d) is shown", n, c.Values, c.Count)
				}
			}
			for _, c := range peelBoth(cells, dims, threshold, totalHidden) {
				if c.Primary {
					leaks++
					break
				}
			}
		}
		return leaks, tables
	}
	plain, plainTables := leaks(func(cells []*Cell, dims, threshold int) ([]*Cell, bool) { return Table(cells, dims, threshold) })
	nested, nestedTables := leaks(func(cells []*Cell, dims, threshold int) ([]*Cell, bool) {
		return NestedTable(cells, dims, threshold, Nesting{Dim: dims - 1, Levels: area})
	})
	t.Logf("a small count follows from the answer and the one a level up in %d of %d tables with Table, %d of %d with NestedTable",
		plain, plainTables, nested, nestedTables)
	if nested*4 > plain {
		t.Errorf("NestedTable leaves %d of %d tables open to the answer a level up, Table %d of %d: want a quarter at most",
			nested, nestedTables, plain, plainTables)
	}
}
