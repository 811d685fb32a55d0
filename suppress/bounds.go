package suppress

import (
	"cmp"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
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
	// twoWay, for three dimensions, is by the mask of two of them what
	// the answer by those hides (by MaskKey); a mask it lacks is not known.
	twoWay map[int]map[string]bool
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
	mask  int // the dimensions of a sum of cells; 0 for a cell
}

// newModel builds the system of tables of two or three dimensions, linked
// when link is set (tables[0] the finer). The counts to protect are the
// small rows (by three dimensions, every small sum by one or two of them),
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
			m.sums(t.cells, func(v []string) string { return keyOf(v, mask) }, threshold, t.hiddenBy(mask))
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
						m.sums(t.cells, func(v []string) string { return keyOf(coarser(v), mask) }, threshold, nil)
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
		if len(t.cells) > 0 && len(t.cells[0].Values) > 2 {
			// By three dimensions, the small counts of the answers by
			// two and by one of them, every one.
			for mask := 1; mask < 1<<len(t.cells[0].Values)-1; mask++ {
				m.smallSums(t.cells, mask, threshold)
			}
			continue
		}
		for d := range t.oneWay {
			if t.oneWay == nil || d >= len(t.oneWay) || t.oneWay[d] == nil {
				continue
			}
			m.smallSums(t.cells, 1<<d, threshold)
		}
	}
	return m
}

// smallSums adds to the counts to protect the sums of cells by the
// dimensions of mask that are small, of more than one cell (one is a
// cell of the table's own, protected as such when small).
func (m *model) smallSums(cells []*Cell, mask, threshold int) {
	for _, row := range groupBy(cells, func(v []string) string { return keyOf(v, mask) }) {
		p := protected{cells: row, x: map[int]float64{}, mask: mask}
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

// hiddenBy reports, of a cell's values, whether the answer by the
// dimensions of mask alone hides its sum of the cells with those values;
// nil when that is not known (or the mask is of no such answer: of none
// or all of the dimensions).
func (t audited) hiddenBy(mask int) func(values []string) bool {
	switch bits.OnesCount(uint(mask)) {
	case 1:
		d := bits.TrailingZeros(uint(mask))
		if d < len(t.oneWay) && t.oneWay[d] != nil {
			return func(v []string) bool { return t.oneWay[d][v[d]] }
		}
	case 2:
		if h, ok := t.twoWay[mask]; ok && len(t.cells) > 0 && len(t.cells[0].Values) > 2 {
			return func(v []string) bool { return h[MaskKey(v, mask)] }
		}
	}
	return nil
}

// MaskKey names the sum of cells that an answer by the dimensions of mask
// alone counts: their values, joined.
func MaskKey(values []string, mask int) string {
	var b strings.Builder
	for d, v := range values {
		if mask&(1<<d) != 0 {
			b.WriteString(v)
			b.WriteByte(0)
		}
	}
	return b.String()
}

// sums adds the sums of cells by key that are published: those of nobody
// (empty cells added, all of them), those that reach the threshold, or, where what the answer that counts them hides is
// known (hidden, nil when not), the sums it shows, and the others
// together.
func (m *model) sums(cells []*Cell, key func([]string) string, threshold int, hidden func([]string) bool) {
	var rest []*Cell
	restSum := 0
	for _, group := range groupBy(cells, key) {
		sum := 0
		for _, c := range group {
			sum += c.Count
		}
		switch {
		case sum == 0:
			// Nobody: the answer that counts it does not list it.
			m.equal(group, nil, 0)
		case hidden != nil && (sum < threshold || hidden(group[0].Values)):
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
	ok, _ := m.freeBy(p, work)
	return ok
}

// freeBy is free, and the solution that shows it: a filling of the hidden
// cells that agrees with everything published, in which other counts may
// differ from theirs too (freedBy).
func (m *model) freeBy(p protected, work *Allowance) (bool, []float64) {
	steps := 50 * (len(m.sys.rows) + m.vars)
	budget := 0 // no more work than the allowance has left
	if work != nil && work.limit > 0 {
		budget = int(max(1, work.limit-work.spent))
	}
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
		x, settled, did := m.sys.solvable(m.lo, steps, budget)
		m.sys.rows, m.sys.rhs = m.sys.rows[:len(m.sys.rows)-1], m.sys.rhs[:len(m.sys.rhs)-1]
		if !work.spend(did) || !settled {
			return false, nil
		}
		if x != nil {
			return true, x
		}
	}
	return false, nil
}

// freedBy reports whether solution x (of the system, the slack last)
// gives count p a value at least 1 away from its own: then it is free,
// as free would find.
func (m *model) freedBy(p protected, x []float64) bool {
	got := 0.0
	for v, c := range p.x {
		got += c * x[v]
	}
	return math.Abs(got-float64(p.value)) >= 1-epsilon
}

// repair hides cells of the tables until no small count is given away,
// reporting whether it could: for each one given away, the smallest shown
// cell (of the few smallest in a published sum with it) whose hiding sets
// it free, else the smallest of those, and again, a few times at most
// (hiding never gives another away: it only takes a figure out of what is
// published, so a count found free stays free).
func repair(tables []audited, link *auditLink, threshold int, cells bool, work *Allowance) bool {
	tries, hides := 4, 6
	if len(tables) > 0 && len(tables[0].cells) > 0 && len(tables[0].cells[0].Values) > 2 {
		// By three dimensions a count lies in more sums, each of which
		// may need a cell hidden (auditWork bounds the whole).
		hides = 24
	}
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
		first   *Cell
		n, mask int
	}
	free := map[count]bool{}
	var stuck count
	hid := 0
	for !work.over() {
		m := newModel(tables, link, threshold, cells)
		// A solution that frees one count frees every count it gives
		// another value: most are found free without a solve of their own.
		i := slices.IndexFunc(m.counts, func(p protected) bool {
			k := count{p.cells[0], len(p.cells), p.mask}
			if free[k] {
				return false
			}
			ok, x := m.freeBy(p, work)
			if free[k] = ok; ok {
				for _, q := range m.counts {
					if m.freedBy(q, x) {
						free[count{q.cells[0], len(q.cells), q.mask}] = true
					}
				}
			}
			return !free[k]
		})
		if i < 0 {
			return !work.over()
		}
		pinned := m.counts[i]
		if k := (count{pinned.cells[0], len(pinned.cells), pinned.mask}); k != stuck {
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
