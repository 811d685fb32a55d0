package suppress

import (
	"fmt"
	"slices"
	"strings"
)

// emptyIndex is what addEmpty reads of a table's cells: the combinations
// present and each dimension's values in the order they first appear,
// made again only once cells were added; and the marginals for which it
// found no cell while the table had that many. A three-way answer asks
// thousands of times, most of them in vain (5,474 calls for 400 people),
// and making these anew each time was most of its CPU. (A marginal
// without a condition of its own, found to have no cell, has none once
// cells are added too: suppressor.noEmpty.)
type emptyIndex struct {
	cells   int
	present map[string]bool
	values  [][]string
	none    map[*marginal]bool
}

// emptyIndex returns the index of s's cells as they are now.
func (s *suppressor) emptyIndex() *emptyIndex {
	if s.empty != nil && s.empty.cells == len(s.cells) {
		return s.empty
	}
	e := &emptyIndex{cells: len(s.cells), present: map[string]bool{}, values: make([][]string, s.dims),
		none: map[*marginal]bool{}}
	s.work.spend(len(s.cells))
	seen := make([]map[string]bool, s.dims)
	for d := range seen {
		seen[d] = map[string]bool{}
	}
	for _, c := range s.cells {
		e.present[strings.Join(c.Values, "\x00")] = true
		for d, v := range c.Values {
			if !seen[d][v] {
				seen[d][v] = true
				e.values[d] = append(e.values[d], v)
			}
		}
	}
	s.empty = e
	return e
}

// addEmpty adds to marginal m a hidden cell of count 0: the first
// combination, of values that the table has on the dimensions m leaves
// free, that the table does not have; when ok is set, only one it accepts.
// It reports whether it found one. For a given m, ok is always the same
// (its marginal's outside, or a new marginal each time).
func (s *suppressor) addEmpty(m *marginal, ok func(values []string) bool) bool {
	e := s.emptyIndex()
	// Cells added take combinations away and bring no new values, so a
	// marginal without a condition that had none has none after; what
	// ok accepts may change with what is published.
	var plain string
	if ok == nil {
		plain = fmt.Sprint(m.mask, "\x00", strings.Join(m.key, "\x00"))
	}
	if e.none[m] || ok == nil && s.noEmpty[plain] {
		return false
	}
	// Each combination tried is a step; once the allowance is spent the
	// search stops, and what it found is not remembered.
	spent := false
	// Only the asked dimensions are tried when widen gives the rest:
	// consistent refuses every other value of the coarser levels, so the
	// cell found is the same, and trying them all made a three-way
	// answer's CPU the product of every level's values.
	free := s.dims
	if s.widen != nil && s.finest > 0 {
		free = s.finest
	}
	combo := make([]string, free)
	var try func(d int) bool
	try = func(d int) bool {
		if spent = spent || !s.work.spend(1); spent {
			return false
		}
		if d == free {
			values := combo
			if free < s.dims {
				values = s.widen(combo)
				for d := free; d < s.dims; d++ {
					if m.mask&(1<<d) != 0 && values[d] != m.key[d] {
						return false
					}
				}
			}
			if e.present[strings.Join(values, "\x00")] || ok != nil && !ok(values) || s.consistent != nil && !s.consistent(values) {
				return false
			}
			s.cells = append(s.cells, &Cell{Values: slices.Clone(values), Suppressed: true})
			s.groups = nil
			return true
		}
		if m.mask&(1<<d) != 0 {
			combo[d] = m.key[d]
			return try(d + 1)
		}
		for _, v := range e.values[d] {
			combo[d] = v
			if try(d + 1) {
				return true
			}
		}
		return false
	}
	if try(0) {
		return true
	}
	if spent {
		return false
	}
	e.none[m] = true
	if ok == nil {
		if s.noEmpty == nil {
			s.noEmpty = map[string]bool{}
		}
		s.noEmpty[plain] = true
	}
	return false
}
