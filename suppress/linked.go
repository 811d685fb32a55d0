package suppress

import (
	"cmp"
	"slices"
)

// Linked answers: two answers that count the same people, one by finer
// values than the other (by the current administrative unit, and by the
// 2024 district the unit lies in), are each a way into the other. A
// district's count less the published units in it is its hidden units'
// sum: with one hidden, that one's count. And a district hidden to protect
// another is its units' sum: with none of them hidden, it is shown.
//
// So the coarser answers are suppressed as tables of their own, the finer
// table with the coarser answers' cells as marginals (as NestedTable
// does, but a cell the coarser answer hides is not taken as published),
// and then every hidden cell of a coarser
// answer must have, among the finer cells it sums, one that is hidden and
// cannot be worked out (a small one, or one hidden for the purpose, a
// guard, which suppression then protects as it does a small one). Round
// again until nothing changes.

// Coarse is a coarser answer: its cells, counted, and how its cells and
// the finer table's group together.
type Coarse struct {
	Cells    []*Cell
	Dims     int
	Nestings []Nesting
	// Key names the group a coarse cell sums, FineKey the group of a
	// finer cell: a coarse cell is the sum of the finer cells of its key,
	// or, where the keys join several coarse cells (a unit whose people
	// were in two districts), a part of it, the other coarse cells of the
	// key being the rest.
	Key, FineKey func(values []string) string
	// TotalHidden is set by Linked.
	TotalHidden bool
}

// Linked suppresses a finer table (its dimensions' coarser levels ns) and
// coarser answers of the same people together, as above, and returns the
// finer table's cells and whether its total is hidden; the coarser ones'
// are left in each Coarse.
func Linked(fine []*Cell, dims, threshold int, ns []Nesting, coarse []*Coarse) ([]*Cell, bool) {
	for {
		for _, c := range coarse {
			c.Cells, c.TotalHidden = NestedTable(c.Cells, c.Dims, threshold, c.Nestings...)
		}
		var totalHidden bool
		fine, totalHidden = nestedTable(fine, dims, threshold, ns, hiddenGroups(fine, coarse))
		changed := false
		for _, c := range coarse {
			under := map[string][]*Cell{}
			guarded := map[string]bool{}
			for _, f := range fine {
				k := c.FineKey(f.Values)
				under[k] = append(under[k], f)
				guarded[k] = guarded[k] || f.Suppressed && f.protected()
			}
			for _, cc := range c.Cells {
				k := c.Key(cc.Values)
				if !cc.Suppressed && givesAway(under[k]) {
					// Shown, it fixes the finer cells it sums, which the
					// finer table cannot protect: all of them are hidden.
					cc.Suppressed, changed = true, true
					continue
				}
				if !cc.Suppressed || guarded[k] || len(under[k]) == 0 {
					continue
				}
				// The smallest hidden one, else the smallest visible.
				var best *Cell
				for _, f := range under[k] {
					if best == nil || f.Suppressed && !best.Suppressed ||
						f.Suppressed == best.Suppressed && cmp.Less(f.Count, best.Count) {
						best = f
					}
				}
				best.Suppressed, best.Guard = true, true
				guarded[k], changed = true, true
			}
		}
		if !changed {
			return fine, totalHidden
		}
	}
}

// givesAway reports whether the finer cells a coarser cell sums are all
// hidden, one must not be worked out, and the coarser count fixes each of
// them: there is one, or they must all be 1 (a hidden cell holds someone,
// as the finer table lists only what has people).
func givesAway(fine []*Cell) bool {
	sum, protected := 0, false
	for _, f := range fine {
		if !f.Suppressed {
			return false
		}
		sum += f.Count
		protected = protected || f.protected()
	}
	return protected && (len(fine) == 1 || sum == len(fine))
}

// hiddenGroups reports whether some cells of the finer table fine are
// the cells of a coarser answer's group one of whose cells that answer
// hides: their sum, which suppression of the finer table takes as
// published (another answer's cell), is not.
func hiddenGroups(fine []*Cell, coarse []*Coarse) func(cells []*Cell) bool {
	size := make([]map[string]int, len(coarse))
	hidden := make([]map[string]bool, len(coarse))
	for i, c := range coarse {
		size[i], hidden[i] = map[string]int{}, map[string]bool{}
		for _, f := range fine {
			size[i][c.FineKey(f.Values)]++
		}
		for _, cc := range c.Cells {
			hidden[i][c.Key(cc.Values)] = hidden[i][c.Key(cc.Values)] || cc.Suppressed
		}
	}
	return func(cells []*Cell) bool {
		for i, c := range coarse {
			k := c.FineKey(cells[0].Values)
			if !hidden[i][k] || size[i][k] != len(cells) {
				continue
			}
			if !slices.ContainsFunc(cells, func(f *Cell) bool { return c.FineKey(f.Values) != k }) {
				return true
			}
		}
		return false
	}
}
