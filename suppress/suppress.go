// Package suppress hides small counts in a table of counts so that none can
// be worked out from what is published. It knows nothing of the registry.
package suppress

import (
	"math/bits"
	"slices"
	"strings"
)

// Small-cell suppression of a table of counts.
//
// Primary suppression hides every count from 1 to the threshold minus one.
// Secondary suppression then hides more, until no hidden small count can be
// worked out from what is published. What is treated as published:
//
//   - the table's own visible cells and its total; a combination missing
//     from the table is known to have nobody, so a hidden cell is at least 1
//     unless the table shows empty combinations as hidden too (see below);
//   - every marginal of the table, the sum over the cells that share the
//     values of some of the dimensions (a row or a column total of a
//     two-way table), as if another request had asked for it: a marginal is
//     taken as published whenever it is not itself below the threshold;
//     or, when what the answers by one dimension alone hide is known
//     (NestedTableOneWay), a row of such an answer whenever that answer
//     shows it, the rows it hides taken together as one marginal (the
//     total less the rows shown).
//
// The rules, applied until nothing changes:
//
//  1. no count below the threshold can be worked out by subtraction, one
//     marginal at a time, as many times as one likes: a marginal with one
//     hidden cell gives it away (the marginal less the others), and so do
//     hidden cells that must all be 1 because their sum is their number;
//     and what one marginal gives away is known when reading the next. The
//     smallest visible cell of the marginals on such a way is hidden next;
//  2. for two dimensions, where the rows and the columns are the marginals
//     besides the total, no count below the threshold may follow from any
//     combination of them: a hidden cell is fixed exactly when it is a
//     bridge of the graph whose vertices are the rows and the columns and
//     whose edges are the hidden cells (the rows, and the columns, whose
//     totals are not published merged into one vertex of their side, whose
//     sum the total gives; into one vertex altogether when the total is
//     hidden). The smallest visible cell that closes a cycle through it is
//     hidden next.
//
// When no visible cell would help (every cell of the marginals concerned is
// hidden already), an empty combination of values present in the table is
// added as a hidden cell, so that hidden cells no longer tell how many
// people they hold at least; and when there is none, for a total, the total
// is hidden. For one and two dimensions the rules protect small counts
// exactly against linear combinations of the published figures; for three,
// against chains of subtractions, which is exact within the answer itself
// (NestedTableOneWay and the linked answers then audit three dimensions
// against every combination: linkedthree.go).

// Cell is one combination of dimension values and its count.
type Cell struct {
	Values     []string
	Count      int
	Suppressed bool // hidden from the answer
	Primary    bool // hidden because the count itself is small
	// Guard marks a cell hidden so that a hidden cell of another answer,
	// which it is part of, cannot be worked out (linked.go): like a small
	// one, it must not be worked out itself.
	Guard bool
}

// protected reports whether a hidden cell must not be worked out.
func (c *Cell) protected() bool { return c.Primary || c.Guard }

// suppressor is one table being suppressed.
type suppressor struct {
	cells       []*Cell
	dims        int
	threshold   int
	totalHidden bool
	// finest, when set, is how many of the dimensions were asked for; the
	// others are coarser levels of them (nested.go).
	finest int
	// consistent, when set, says which combinations of values can exist.
	consistent func(values []string) bool
	// widen, when set (with finest), gives a combination of the asked
	// dimensions its coarser levels: the only values of those that
	// consistent accepts (nested.go).
	widen func(values []string) []string
	// empty is what addEmpty knows of the cells; nil until it is asked.
	// noEmpty holds the marginals without a condition of their own in
	// which it found no empty cell to add (by mask and key).
	empty   *emptyIndex
	noEmpty map[string]bool
	// The published marginals, and those of each cell by its index; nil
	// until index makes them.
	groups []*marginal
	ofCell [][]int32
	// links, when set, are what answers suppressed with this one say of
	// its marginals (linked.go).
	links *links
	// work is what the suppression may still do (allowance.go).
	work *Allowance
}

// marginal is a published marginal: the cells whose values on the
// dimensions of mask are key.
type marginal struct {
	mask    int
	key     []string // by dimension; "" where the mask does not fix it
	cells   []*Cell
	members []int32 // the cells' indexes in the table
	// outside, for a derived marginal (derived.go), tells the
	// combinations it holds from the rest of the marginal it is part of.
	outside func(values []string) bool
	// less, for a derived marginal, are the published marginals it is the
	// rest of.
	less []*marginal
}

// Table marks the cells to hide, and returns the table, with any empty
// combinations added as hidden cells (of count 0), and whether the total
// is hidden. A total from 1 to threshold-1 always is, and then every cell
// too.
//
// A dimension with one value in the table (nobody has another, or nobody
// has one recorded) adds nothing to it: the table is suppressed as the
// table of the other dimensions, which holds the same counts, so that it
// does not come out all hidden for want of a second row.
func Table(cells []*Cell, dims, threshold int) ([]*Cell, bool) {
	return tableWithin(cells, dims, threshold, nil, nil, nil)
}

// tableWithin is Table, adding only empty cells that consistent accepts (any
// when nil; consistent is not applied to a table of fewer dimensions),
// with what the one-way answers hide (oneWay, by dimension; nil when not
// known), spending work (nil for no bound): once it is spent, it stops
// with the table incomplete.
func tableWithin(cells []*Cell, dims, threshold int, consistent func(values []string) bool, oneWay []map[string]bool,
	work *Allowance) ([]*Cell, bool) {
	if keep := varying(cells, dims); len(keep) < dims {
		r := project(cells, keep)
		out, hidden := tableWithin(r.cells, len(keep), threshold, nil, keptOneWay(oneWay, keep), work)
		return r.expand(out), hidden
	}
	s := &suppressor{cells: cells, dims: dims, threshold: threshold, consistent: consistent, work: work}
	if oneWay != nil {
		s.links = &links{oneWay: oneWay}
	}
	total := 0
	for _, c := range cells {
		total += c.Count
		if c.Count > 0 && c.Count < threshold {
			c.Suppressed, c.Primary = true, true
		}
	}
	if total > 0 && total < threshold {
		return s.cells, true
	}
	for !work.over() && (s.fixPeel() || dims == 2 && s.fixBridge()) {
	}
	return s.cells, s.totalHidden
}

// keptOneWay is oneWay for the dimensions keep of a table.
func keptOneWay(oneWay []map[string]bool, keep []int) []map[string]bool {
	if oneWay == nil {
		return nil
	}
	out := make([]map[string]bool, len(keep))
	for i, d := range keep {
		if d < len(oneWay) {
			out[i] = oneWay[d]
		}
	}
	return out
}

// marginals lists the published marginals: for every proper subset of the
// dimensions (a mask), the cells grouped by their values on it, the groups
// whose sum reaches the threshold. The empty mask is the total.
func (s *suppressor) marginals() []*marginal {
	var out []*marginal
	asked := 1<<s.dims - 1
	if s.finest > 0 {
		asked = 1<<s.finest - 1
	}
	for mask := 0; mask < 1<<s.dims-1; mask++ {
		if mask == 0 && s.totalHidden || mask&asked == asked {
			// A mask holding every dimension asked for groups single
			// cells: it publishes nothing.
			continue
		}
		byKey := map[string]*marginal{}
		var order []*marginal
		for _, c := range s.cells {
			key := make([]string, s.dims)
			for d := range s.dims {
				if mask&(1<<d) != 0 {
					key[d] = c.Values[d]
				}
			}
			k := strings.Join(key, "\x00")
			m := byKey[k]
			if m == nil {
				m = &marginal{mask: mask, key: key}
				byKey[k] = m
				order = append(order, m)
			}
			m.cells = append(m.cells, c)
		}
		oneWay := s.oneWayHidden(mask)
		var rest *marginal // the one-way answer's hidden rows together
		restValues := map[string]bool{}
		for _, m := range order {
			sum := 0
			for _, c := range m.cells {
				sum += c.Count
			}
			linked := s.links != nil && mask&^asked != 0
			if oneWay != nil && (sum < s.threshold || oneWay[m.key[bits.TrailingZeros(uint(mask))]]) {
				d := bits.TrailingZeros(uint(mask))
				if rest == nil {
					// An empty cell added for it goes in one of its rows.
					rest = &marginal{key: make([]string, s.dims), outside: func(values []string) bool { return restValues[values[d]] }}
				}
				restValues[m.key[d]] = true
				rest.cells = append(rest.cells, m.cells...)
				continue
			}
			if sum >= s.threshold && !(linked && s.links.unpublished != nil && s.links.unpublished(m.cells)) ||
				linked && s.links.published != nil && s.links.published(m.cells) {
				out = append(out, m)
			}
		}
		if rest != nil && !s.totalHidden && len(rest.cells) < len(s.cells) {
			// Their sum is the total less the rows shown; hiding the
			// total hides it too.
			out = append(out, rest)
		}
	}
	return out
}

// oneWayHidden is, for a mask of one dimension asked for, the values its
// one-way answer hides, when known (links.oneWay); nil otherwise.
func (s *suppressor) oneWayHidden(mask int) map[string]bool {
	if s.links == nil || s.links.oneWay == nil || bits.OnesCount(uint(mask)) != 1 {
		return nil
	}
	d := bits.TrailingZeros(uint(mask))
	if d >= len(s.links.oneWay) || d >= s.dims || s.finest > 0 && d >= s.finest {
		return nil
	}
	return s.links.oneWay[d]
}

// index numbers the cells and lists the published marginals each belongs
// to, for fixPeel; it is made again when cells are added or the total is
// hidden.
func (s *suppressor) index() {
	// marginals looks at every cell once a mask.
	s.work.spend(len(s.cells) << s.dims)
	s.groups = s.marginals()
	if s.finest > 0 {
		more, looked := derived(s.groups, s.finest)
		s.work.spend(looked)
		s.groups = append(s.groups, more...)
	}
	at := make(map[*Cell]int32, len(s.cells))
	for i, c := range s.cells {
		at[c] = int32(i)
	}
	s.ofCell = make([][]int32, len(s.cells))
	for gi, g := range s.groups {
		s.work.spend(len(g.cells))
		g.members = make([]int32, len(g.cells))
		for j, c := range g.cells {
			i := at[c]
			g.members[j] = i
			s.ofCell[i] = append(s.ofCell[i], int32(gi))
		}
	}
}

// fixPeel applies rule 1: it works out what subtraction gives away, the way
// someone would, and when that reaches a small count, hides the smallest
// visible cell of the marginals on the way there (any of them breaks the
// way), or adds an empty combination to one of them, or hides the total
// when it is one of them, and reports true.
//
// The working out follows each marginal as it changes: a marginal is looked
// at again only when a cell of it becomes known, so that one pass costs
// about the cells times the marginals each is in.
func (s *suppressor) fixPeel() bool {
	if s.groups == nil {
		s.index()
	}
	cells, groups := s.cells, s.groups
	// A pass looks at each cell of each marginal about twice: once here,
	// once when it becomes known.
	members := len(cells)
	for _, g := range groups {
		members += 2 * len(g.members)
	}
	if !s.work.spend(members) {
		return false
	}
	known := make([]bool, len(cells))
	via := make([]int32, len(cells)) // the marginal that gave a cell away
	for i, c := range cells {
		known[i], via[i] = !c.Suppressed, -1
	}
	unknown, rest := make([]int, len(groups)), make([]int, len(groups))
	empty := make([]int, len(groups))
	for gi, g := range groups {
		for _, i := range g.members {
			if !known[i] {
				unknown[gi]++
				rest[gi] += cells[i].Count
				if cells[i].Count == 0 {
					empty[gi]++
				}
			}
		}
	}
	// A marginal gives its unknown cells away when there is one, or when
	// they must all be 1 (their sum is their number, and none is an empty
	// one added: then some other holds more, and taking them all for 1 is
	// wrong). Adding up to less than their number means an empty one among
	// them: none is given away.
	gives := func(gi int) bool {
		return unknown[gi] == 1 || unknown[gi] > 1 && rest[gi] == unknown[gi] && empty[gi] == 0
	}
	var queue []int
	for gi := range groups {
		if gives(gi) {
			queue = append(queue, gi)
		}
	}
	// Several ways can be broken in one pass, when they do not cross: a
	// way through a marginal with a cell hidden in this pass (dirty) waits
	// for the next pass, which works it out again.
	dirty := make([]bool, len(groups))
	changed := false
	for len(queue) > 0 {
		gi := queue[0]
		queue = queue[1:]
		if !gives(gi) {
			continue
		}
		var found []int32
		for _, i := range groups[gi].members {
			if !known[i] {
				found = append(found, i)
			}
		}
		for _, i := range found {
			known[i], via[i] = true, int32(gi)
			for _, gj := range s.ofCell[i] {
				unknown[gj]--
				rest[gj] -= cells[i].Count
				if cells[i].Count == 0 {
					empty[gj]--
				}
				if gives(int(gj)) {
					queue = append(queue, int(gj))
				}
			}
		}
		for _, i := range found {
			if !cells[i].protected() {
				continue
			}
			chain := s.chainOf(i, via, map[int32]bool{}, nil)
			if slices.ContainsFunc(chain, func(gi int32) bool { return dirty[gi] }) {
				changed = true
				continue
			}
			var candidates []int32
			for _, gi := range chain {
				candidates = append(candidates, groups[gi].members...)
			}
			if !s.work.spend(len(candidates)) {
				return false
			}
			if d := s.smallestVisibleOf(candidates); d >= 0 {
				cells[d].Suppressed = true
				for _, gj := range s.ofCell[d] {
					dirty[gj] = true
				}
				changed = true
				continue
			}
			if changed {
				// Perhaps a cell hidden in this pass helps; see next time.
				continue
			}
			for _, gi := range chain {
				if s.addEmpty(groups[gi], groups[gi].outside) {
					return true
				}
			}
			// A linked answer may stop publishing a sum on the way (by
			// hiding a cell of its own): the next round sees it.
			if s.links != nil && s.links.release != nil {
				var sums [][]*Cell
				for _, gi := range chain {
					sums = append(sums, groups[gi].cells)
					for _, m := range groups[gi].less {
						sums = append(sums, m.cells)
					}
				}
				if s.links.release(sums) {
					continue
				}
			}
			for _, gi := range chain {
				if groups[gi].mask == 0 {
					s.totalHidden, s.groups = true, nil
					return true
				}
			}
			// Nothing here can protect it: the marginals of other
			// answers fix it, whatever this one hides; a linked answer
			// may hide them.
			if s.links != nil && s.links.stuck != nil {
				var sums [][]*Cell
				for _, gi := range chain {
					sums = append(sums, groups[gi].cells)
				}
				s.links.stuck(sums)
			}
		}
	}
	return changed
}

// smallestVisibleOf is smallestVisible of the cells of the given indexes,
// as an index; -1 when every one is hidden.
func (s *suppressor) smallestVisibleOf(members []int32) int32 {
	best := int32(-1)
	for _, i := range members {
		c := s.cells[i]
		if !c.Suppressed && (best < 0 || c.Count < s.cells[best].Count || c.Count == s.cells[best].Count && i < best) {
			best = i
		}
	}
	return best
}

// chainOf lists the marginals that gave cell i away, by index: the one
// that did, then, for each hidden cell used there, those that gave that one
// away.
func (s *suppressor) chainOf(i int32, via []int32, seen map[int32]bool, out []int32) []int32 {
	if seen[i] || via[i] < 0 {
		return out
	}
	seen[i] = true
	out = append(out, via[i])
	for _, j := range s.groups[via[i]].members {
		if j != i && s.cells[j].Suppressed {
			out = s.chainOf(j, via, seen, out)
		}
	}
	return out
}

// smallestVisible is the cell of cells with the smallest count that is not
// hidden yet, the first in table order on a tie; nil when there is none.
func smallestVisible(cells []*Cell) *Cell {
	var best *Cell
	for _, c := range cells {
		if !c.Suppressed && (best == nil || c.Count < best.Count) {
			best = c
		}
	}
	return best
}

// fixBridge applies rule 2 to a two-way table: it finds a hidden small
// cell that the row and column totals fix, and hides the smallest visible
// cell that puts it on a cycle, or adds an empty one that does, or else
// hides the smallest visible cell of its row or column, or of the table,
// or else the total.
// It reports whether it changed anything.
func (s *suppressor) fixBridge() bool {
	if !s.work.spend(len(s.cells)) {
		return false
	}
	rowSum, colSum := map[string]int{}, map[string]int{}
	for _, c := range s.cells {
		rowSum[c.Values[0]] += c.Count
		colSum[c.Values[1]] += c.Count
	}
	// Vertices: a published row or column by its value; the others merged
	// into one per side, whose sum the total gives; or, when the total is
	// hidden too, into one vertex for both sides whose sum nobody knows.
	rowsHidden, colsHidden := s.oneWayHidden(1), s.oneWayHidden(2)
	vertex := func(side byte, value string, sum int) string {
		hidden := side == 'r' && rowsHidden[value] || side == 'c' && colsHidden[value]
		switch {
		case sum >= s.threshold && !hidden:
			return string(side) + ":" + value
		case !s.totalHidden:
			return string(side) + "*"
		}
		return "?"
	}
	rowOf := func(v string) string { return vertex('r', v, rowSum[v]) }
	colOf := func(v string) string { return vertex('c', v, colSum[v]) }
	var edges []*Cell
	g := newGraph()
	for _, c := range s.cells {
		if c.Suppressed {
			g.add(rowOf(c.Values[0]), colOf(c.Values[1]), len(edges))
			edges = append(edges, c)
		}
	}
	for _, i := range g.bridges() {
		c := edges[i]
		u, v := rowOf(c.Values[0]), colOf(c.Values[1])
		if !c.protected() {
			continue
		}
		if !s.work.spend(len(s.cells)) {
			return false
		}
		side := g.sideOf(u, i)
		across := func(row, col string) bool { return side[rowOf(row)]*side[colOf(col)] == 2 }
		var closing, near []*Cell
		for _, d := range s.cells {
			if d.Suppressed {
				continue
			}
			if across(d.Values[0], d.Values[1]) {
				closing = append(closing, d)
			}
			if rowOf(d.Values[0]) == u || colOf(d.Values[1]) == v {
				near = append(near, d)
			}
		}
		if d := smallestVisible(closing); d != nil {
			d.Suppressed = true
			return true
		}
		if s.addEmpty(&marginal{}, func(vs []string) bool { return across(vs[0], vs[1]) }) {
			return true
		}
		for _, candidates := range [][]*Cell{near, s.cells} {
			if d := smallestVisible(candidates); d != nil {
				d.Suppressed = true
				return true
			}
		}
		if !s.totalHidden {
			// Nothing is left to hide, nor an empty cell to add: the
			// total, which the unpublished rows and columns sum.
			s.totalHidden = true
			return true
		}
	}
	return false
}
