package suppress

import (
	"cmp"
	"maps"
	"math/bits"
	"slices"
)

// Answers by two dimensions are audited as linear systems before they are
// published, as linked answers by one dimension are as networks
// (pinned.go). What is published of a table: its shown cells, its total,
// its coarser levels' sums that reach the threshold, and its rows (and
// columns) as the answers by one dimension publish them (each row such an
// answer shows, the rows it hides together; every row of the threshold
// when that is not known); of linked answers (by unit and by 2024
// district), both tables, and that a group's units add up to its
// districts, value by value of the other dimension. A hidden cell holds
// at least one person, unless an empty one added (which looks like any
// other hidden cell) shares its row or column.
//
// A small count that no solution of that, in real numbers, lets differ
// from its value is worked out, by subtraction or by bounds. The small
// counts are the tables' hidden small cells and, where what the answers
// by one dimension hide is known, those answers' small rows: a table by
// two dimensions that shows every cell of a row hidden to protect a small
// one gives that one away (the rows hidden together, less it). Where one
// is worked out, more cells are hidden (repair), one at a time, each the
// smallest that sets it free.

// audited is a table of an audit: its cells, its dimensions' coarser
// levels, and what the answers by one dimension hide (nil: not known).
type audited struct {
	cells  []*Cell
	ns     []Nesting
	oneWay []map[string]bool
}

// auditLink says that the cells of tables[0] of FineKey k add up to those
// of tables[1] of Key k.
type auditLink struct{ key, fineKey func([]string) string }

// auditable reports whether linked answers by two dimensions publish
// nothing the audit does not know of: one coarser answer, joined by one
// dimension whose only coarser level, in the finer table, is the groups.
func auditable(ns []Nesting, coarse []*Coarse) bool {
	if len(coarse) != 1 || coarse[0].Joined.Levels == nil {
		return false
	}
	d := coarse[0].Joined.Dim
	if slices.ContainsFunc(coarse[0].Nestings, func(n Nesting) bool { return n.Dim == d }) {
		return false
	}
	return len(slices.DeleteFunc(slices.Clone(ns), func(n Nesting) bool { return n.Dim != d })) <= 1
}

// model is the linear system of an audit.
type model struct {
	sys    system
	at     map[*Cell]int // a hidden cell's variable
	hidden []*Cell
	lo     []float64
	vars   int // the hidden cells' and a slack, for the bound checked
	// counts are the small counts to protect: the variables of each, and
	// its value less its shown part.
	counts []protected
	// shownIn is, by equation, the shown cells it holds.
	shownIn [][]*Cell
}

type protected struct {
	cells []*Cell
	x     map[int]float64
	value int
}

// newModel builds the system of two-dimension tables, linked when link is
// set (tables[0] the finer). The counts to protect are the small rows,
// and with cells the hidden small cells too.
func newModel(tables []audited, link *auditLink, threshold int, cells bool) *model {
	m := &model{at: map[*Cell]int{}}
	for _, t := range tables {
		for _, c := range t.cells {
			if c.Suppressed {
				m.at[c] = len(m.hidden)
				m.hidden = append(m.hidden, c)
			}
		}
	}
	m.vars = len(m.hidden) + 1
	m.lo = make([]float64, m.vars)
	for _, t := range tables {
		for _, c := range t.cells {
			if c.Suppressed && holdsSomeone(t.cells, c) {
				m.lo[m.at[c]] = 1
			}
		}
	}
	for _, t := range tables {
		if len(t.cells) == 0 {
			continue
		}
		dims := len(t.cells[0].Values)
		// Every marginal but the cells themselves; those of more than one
		// dimension, and the coarser levels', as other answers would
		// publish them.
		for mask := 0; mask < 1<<dims-1; mask++ {
			row := -1
			if bits.OnesCount(uint(mask)) == 1 {
				row = bits.TrailingZeros(uint(mask))
			}
			m.sums(t.cells, func(v []string) string { return keyOf(v, mask) }, threshold, row, t.rowsHidden(row))
		}
		for _, n := range t.ns {
			for li := range n.Levels(t.cells[0].Values[n.Dim]) {
				coarser := func(v []string) []string {
					w := slices.Clone(v)
					w[n.Dim] = n.Levels(v[n.Dim])[li]
					return w
				}
				for mask := 0; mask < 1<<dims; mask++ {
					if mask&(1<<n.Dim) != 0 {
						m.sums(t.cells, func(v []string) string { return keyOf(coarser(v), mask) }, threshold, -1, nil)
					}
				}
			}
		}
	}
	if link != nil {
		groups := map[string][2][]*Cell{}
		var keys []string
		for side, key := range []func([]string) string{link.fineKey, link.key} {
			for _, c := range tables[side].cells {
				k := key(c.Values)
				g, ok := groups[k]
				if !ok {
					keys = append(keys, k)
				}
				g[side] = append(g[side], c)
				groups[k] = g
			}
		}
		for _, k := range keys {
			m.equal(groups[k][0], groups[k][1], 0)
		}
	}
	for _, c := range m.hidden {
		if cells && c.Primary {
			m.counts = append(m.counts, protected{cells: []*Cell{c}, x: map[int]float64{m.at[c]: 1}, value: c.Count})
		}
	}
	for _, t := range tables {
		for d := range t.oneWay {
			if t.oneWay == nil || d >= len(t.oneWay) || t.oneWay[d] == nil {
				continue
			}
			for _, row := range groupBy(t.cells, func(v []string) string { return v[d] }) {
				p := protected{cells: row, x: map[int]float64{}}
				sum := 0
				for _, c := range row {
					sum += c.Count
					if i, ok := m.at[c]; ok {
						p.x[i], p.value = 1, p.value+c.Count
					}
				}
				if sum > 0 && sum < threshold && len(row) > 1 {
					m.counts = append(m.counts, p)
				}
			}
		}
	}
	return m
}

// holdsSomeone reports whether hidden cell c of cells is known to hold
// someone: the answers list only what has people, unless suppression
// added an empty one, which no one can tell from the others (that is why
// it is added): a cell in a row or column with one may be empty too (as
// suppress.go's rule 1 has it).
func holdsSomeone(cells []*Cell, c *Cell) bool {
	if c.Count == 0 {
		return false
	}
	return !slices.ContainsFunc(cells, func(e *Cell) bool {
		if e.Count > 0 || !e.Suppressed {
			return false
		}
		for d := range c.Values {
			if e.Values[d] == c.Values[d] {
				return true
			}
		}
		return false
	})
}

// rowsHidden is the rows of dimension d that the answer by it alone
// hides; nil when not known (or d is -1).
func (t audited) rowsHidden(d int) map[string]bool {
	if d < 0 || d >= len(t.oneWay) {
		return nil
	}
	return t.oneWay[d]
}

// sums adds the sums of cells by key that are published: those that reach
// the threshold, or, for the rows of dimension row (-1: the key is not a
// row's) whose hidden ones are known, the rows shown, and the others
// together.
func (m *model) sums(cells []*Cell, key func([]string) string, threshold, row int, hidden map[string]bool) {
	var rest []*Cell
	restSum := 0
	for _, group := range groupBy(cells, key) {
		sum := 0
		for _, c := range group {
			sum += c.Count
		}
		switch {
		case hidden != nil && (sum < threshold || hidden[group[0].Values[row]]):
			rest, restSum = append(rest, group...), restSum+sum
		case sum >= threshold:
			m.equal(group, nil, sum)
		}
	}
	if len(rest) > 0 {
		m.equal(rest, nil, restSum)
	}
}

// groupBy groups cells by key, in the order of their first cells.
func groupBy(cells []*Cell, key func([]string) string) [][]*Cell {
	at := map[string]int{}
	var out [][]*Cell
	for _, c := range cells {
		k := key(c.Values)
		i, ok := at[k]
		if !ok {
			i, at[k] = len(out), len(out)
			out = append(out, nil)
		}
		out[i] = append(out[i], c)
	}
	return out
}

// equal adds Σ plus − Σ minus = value, the shown cells moved right.
func (m *model) equal(plus, minus []*Cell, value int) {
	coef := map[int]float64{}
	v := float64(value)
	var shown []*Cell
	for sign, cells := range [][]*Cell{plus, minus} {
		s := float64(1 - 2*sign)
		for _, c := range cells {
			if i, ok := m.at[c]; ok {
				coef[i] += s
			} else {
				v -= s * float64(c.Count)
				shown = append(shown, c)
			}
		}
	}
	if len(coef) > 0 {
		m.sys.add(coef, m.vars, v)
		m.shownIn = append(m.shownIn, shown)
	}
}

// free reports whether a count can be less or more than it is: with x its
// hidden part and value that part's, x + slack = value − 1, or x − slack
// = value + 1, has a solution. Unsettled (the allowance spent, or the
// method not reaching an answer), it is not.
func (m *model) free(p protected, work *Allowance) bool {
	steps := 50 * (len(m.sys.rows) + m.vars)
	least := 0.0 // what the bounds alone hold it to
	for v, c := range p.x {
		least += c * m.lo[v]
	}
	for _, side := range []struct{ slack, value int }{{1, p.value - 1}, {-1, p.value + 1}} {
		if side.slack == 1 && float64(side.value) < least {
			continue // it cannot be less
		}
		row := maps.Clone(p.x)
		row[m.vars-1] = float64(side.slack)
		m.sys.add(row, m.vars, float64(side.value))
		ok, settled, did := m.sys.solvable(m.lo, steps)
		m.sys.rows, m.sys.rhs = m.sys.rows[:len(m.sys.rows)-1], m.sys.rhs[:len(m.sys.rhs)-1]
		if !work.spend(did) || !settled {
			return false
		}
		if ok {
			return true
		}
	}
	return false
}

// repair hides cells of the tables until no small count is given away,
// reporting whether it could: for each one given away, the smallest shown
// cell (of the few smallest in a published sum with it) whose hiding sets
// it free, else the smallest of those, and again, a few times at most
// (hiding never gives another away: it only takes a figure out of what is
// published, so a count found free stays free).
func repair(tables []audited, link *auditLink, threshold int, cells bool, work *Allowance) bool {
	const tries, hides = 4, 6
	var shown []*Cell
	for _, t := range tables {
		for _, c := range t.cells {
			if !c.Suppressed {
				shown = append(shown, c)
			}
		}
	}
	slices.SortStableFunc(shown, func(a, b *Cell) int { return cmp.Compare(a.Count, b.Count) })
	type count struct {
		first *Cell
		n     int
	}
	free := map[count]bool{}
	var stuck count
	hid := 0
	for !work.over() {
		m := newModel(tables, link, threshold, cells)
		i := slices.IndexFunc(m.counts, func(p protected) bool {
			k := count{p.cells[0], len(p.cells)}
			if free[k] {
				return false
			}
			free[k] = m.free(p, work)
			return !free[k]
		})
		if i < 0 {
			return !work.over()
		}
		pinned := m.counts[i]
		if k := (count{pinned.cells[0], len(pinned.cells)}); k != stuck {
			stuck, hid = k, 0
		}
		if hid++; hid > hides {
			return false
		}
		near := map[*Cell]bool{} // shown cells in a sum with it
		for e, row := range m.sys.rows {
			for v := range pinned.x {
				if row[v] != 0 {
					for _, c := range m.shownIn[e] {
						near[c] = true
					}
				}
			}
		}
		var candidates []*Cell
		for _, c := range shown {
			if !c.Suppressed && near[c] && len(candidates) < tries {
				candidates = append(candidates, c)
			}
		}
		if len(candidates) == 0 {
			return false
		}
		freed := false
		for _, c := range candidates {
			c.Suppressed = true
			m := newModel(tables, link, threshold, cells)
			if i := slices.IndexFunc(m.counts, func(p protected) bool { return slices.Equal(p.cells, pinned.cells) }); i >= 0 && m.free(m.counts[i], work) {
				freed = true
				break
			}
			c.Suppressed = false
			if work.over() {
				return false
			}
		}
		if !freed {
			candidates[0].Suppressed = true
		}
	}
	return false
}
