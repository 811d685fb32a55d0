package suppress

import "slices"

// A dimension with one value in a table (say, a level nobody has
// recorded) groups nothing: the table's counts are those of the table
// without it, and so are its marginals, the one-value dimension's only
// row being the total. Suppressing it as a table of its own would hide
// its single row to protect small cells, and with it every cell; the
// table of the other dimensions protects the same counts without that.

// varying lists the dimensions that have more than one value in cells, by
// index; at least one (the first) when none has; all of them for no cells.
func varying(cells []*Cell, dims int) []int {
	if len(cells) == 0 {
		keep := make([]int, dims)
		for d := range keep {
			keep[d] = d
		}
		return keep
	}
	var keep []int
	for d := range dims {
		for _, c := range cells[1:] {
			if c.Values[d] != cells[0].Values[d] {
				keep = append(keep, d)
				break
			}
		}
	}
	if len(keep) == 0 {
		keep = []int{0}
	}
	return keep
}

// projection is a table seen through some of its dimensions.
type projection struct {
	orig  []*Cell
	cells []*Cell
	keep  []int
	fixed []string // the values of every dimension, of the first cell
}

func project(cells []*Cell, keep []int) *projection {
	p := &projection{orig: cells, keep: keep, fixed: cells[0].Values}
	for _, c := range cells {
		v := make([]string, len(keep))
		for i, d := range keep {
			v[i] = c.Values[d]
		}
		p.cells = append(p.cells, &Cell{Values: v, Count: c.Count, Suppressed: c.Suppressed, Primary: c.Primary, Guard: c.Guard})
	}
	return p
}

// expand carries what was decided for the projected cells back to the
// table's own, and adds the cells that were added to them (empty ones).
func (p *projection) expand(out []*Cell) []*Cell {
	cells := p.orig
	for i, c := range out {
		if i < len(p.orig) {
			o := p.orig[i]
			o.Suppressed, o.Primary, o.Guard = c.Suppressed, c.Primary, c.Guard
			continue
		}
		v := slices.Clone(p.fixed)
		for j, d := range p.keep {
			v[d] = c.Values[j]
		}
		cells = append(cells, &Cell{Values: v, Count: c.Count, Suppressed: c.Suppressed, Primary: c.Primary, Guard: c.Guard})
	}
	return cells
}
