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
//
// That holds where a coarser cell is the sum of finer cells, the only one
// of its group (key). Where a group joins several coarser cells (a unit
// whose people were in two districts), each is only a part of the
// group's sum, and subtraction across the answers reaches that sum and no
// more: the group's sum is then taken as published in both answers (it
// often is: one group of every district is a one-way marginal), each
// protects its own small cells against it, and no guard is forced, since
// a hidden finer cell would make nothing unknown that was known. By one
// dimension, and by two that the audit knows all of, that is too much (the
// demo's answers by unit, and by level and unit, lost their rows to it),
// and less is taken as published: see linked.

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
	// Joined, when set, is the dimension whose values join into groups
	// and the group of each value (one level), as Key has it: the coarse
	// answer is suppressed with the sums of the groups of several cells
	// as marginals.
	Joined Nesting
	// OneWay, when set, is by dimension what the answers by that
	// dimension alone hide (as in NestedTableOneWay), for LinkedOneWay;
	// TwoWay, by three dimensions, what those by two hide (as in
	// NestedTableKnown).
	OneWay []map[string]bool
	TwoWay map[int]map[string]bool
	// TotalHidden is set by Linked.
	TotalHidden bool
}

// Linked suppresses a finer table (its dimensions' coarser levels ns) and
// coarser answers of the same people together, as above, and returns the
// finer table's cells and whether its total is hidden; the coarser ones'
// are left in each Coarse.
func Linked(fine []*Cell, dims, threshold int, ns []Nesting, coarse []*Coarse) ([]*Cell, bool) {
	return linked(fine, dims, threshold, nil, nil, ns, coarse, nil)
}

// LinkedOneWay is Linked knowing what the answers by each dimension alone
// hide, of the finer table (oneWay, by dimension: the values hidden) and
// of each coarser one (its OneWay): by two dimensions such a row's sum is
// then not taken as published, which keeps rows (the answer by level and
// unit, whose units' sums the answer by unit alone hides as guards).
func LinkedOneWay(fine []*Cell, dims, threshold int, oneWay []map[string]bool, ns []Nesting, coarse []*Coarse) ([]*Cell, bool) {
	return linked(fine, dims, threshold, oneWay, nil, ns, coarse, nil)
}

// linked is Linked, spending work (nil for no bound), knowing what the
// answers by one dimension of the finer table hide (oneWay, nil when not
// known). By one dimension, and by two without coarser levels, it first
// publishes a group's sum only where one answer shows all of it (release,
// below), which keeps rows that taking every group's sum as published
// leaves out; but a group's sum is also bounded by the cells shown in it,
// so the outcome is audited (by one dimension as a network, pinned.go;
// by two as a linear system that hides more where it must, bounds.go)
// and, where a small count would still be worked out, suppressed again as
// before (and by two dimensions, audited again).
func linked(fine []*Cell, dims, threshold int, oneWay []map[string]bool, twoWay map[int]map[string]bool, ns []Nesting, coarse []*Coarse,
	work *Allowance) ([]*Cell, bool) {
	if dims == 3 && auditable(ns, coarse) {
		return linkedThree(fine, threshold, ns, coarse[0], oneWay, twoWay, work)
	}
	if dims > 2 || dims == 2 && !auditable(ns, coarse) {
		return linkedRounds(fine, dims, threshold, ns, coarse, nil, false, work)
	}
	was := copyCells(fine)
	wasCoarse := make([][]*Cell, len(coarse))
	for i, c := range coarse {
		wasCoarse[i] = copyCells(c.Cells)
	}
	out, hidden := linkedRounds(fine, dims, threshold, ns, coarse, oneWay, true, work)
	safe := !hidden && !work.over()
	for _, c := range coarse {
		safe = safe && !c.TotalHidden
		if safe && dims == 1 {
			safe = !pinned(out, c)
		} else if safe {
			safe = repair(auditedLinked(out, ns, c, oneWay), &auditLink{key: c.Key, fineKey: c.FineKey}, threshold, true, work)
		}
	}
	if safe && dims == 2 {
		// A table whose every count the audit hid shows only which
		// combinations have people: its rows are left out.
		coarse[0].TotalHidden = allHidden(coarse[0].Cells)
		return out, allHidden(out)
	}
	if safe || work.over() {
		return out, hidden
	}
	for i, c := range coarse {
		c.Cells, c.TotalHidden = wasCoarse[i], false
	}
	out, hidden = linkedRounds(was, dims, threshold, ns, coarse, nil, false, work)
	if dims == 2 && oneWay != nil && !hidden && !coarse[0].TotalHidden {
		// As before, but no small row of an answer by one dimension
		// given away either.
		c := coarse[0]
		before := hiddenCount(out) + hiddenCount(c.Cells)
		if !repair(auditedLinked(out, ns, c, oneWay), &auditLink{key: c.Key, fineKey: c.FineKey}, threshold, true, work) {
			c.TotalHidden = true
			return out, true
		}
		if hiddenCount(out)+hiddenCount(c.Cells) > before {
			c.TotalHidden = allHidden(c.Cells)
			return out, allHidden(out)
		}
	}
	return out, hidden
}

// allHidden reports whether every cell is hidden.
func allHidden(cells []*Cell) bool {
	return !slices.ContainsFunc(cells, func(c *Cell) bool { return !c.Suppressed })
}

// auditedLinked is the tables of linked answers by two dimensions (the
// finer one's coarser levels ns), for an audit: their groups are no
// answer's, so they are not coarser levels of the audit's.
func auditedLinked(fine []*Cell, ns []Nesting, c *Coarse, oneWay []map[string]bool) []audited {
	others := slices.DeleteFunc(slices.Clone(ns), func(n Nesting) bool { return n.Dim == c.Joined.Dim })
	return []audited{{cells: fine, ns: others, oneWay: oneWay}, {cells: c.Cells, ns: c.Nestings, oneWay: c.OneWay}}
}

// copyCells copies cells, each cell too.
func copyCells(cells []*Cell) []*Cell {
	out := make([]*Cell, len(cells))
	for i, c := range cells {
		cc := *c
		cc.Values = slices.Clone(c.Values)
		out[i] = &cc
	}
	return out
}

// linkedRounds is linked, releasing groups' sums or not.
func linkedRounds(fine []*Cell, dims, threshold int, ns []Nesting, coarse []*Coarse, oneWayOf []map[string]bool, release bool,
	work *Allowance) ([]*Cell, bool) {
	// Whether a key's coarser cells are one, the sum of its finer cells;
	// decided on the counts, before any empty cell is added.
	exact := make([]map[string]bool, len(coarse))
	for i, c := range coarse {
		parts := map[string]int{}
		for _, cc := range c.Cells {
			if cc.Count > 0 {
				parts[c.Key(cc.Values)]++
			}
		}
		exact[i] = map[string]bool{}
		for k, n := range parts {
			exact[i][k] = n == 1
		}
	}
	// By one dimension a group's units add up to its districts and
	// nothing else ties the two answers (the total aside, which both
	// have): the group's sum is known exactly when one answer shows every
	// cell of it. So it is published in the other only then, and a way
	// through it is broken by hiding a cell of the answer that shows them
	// all (a guard, released). By two dimensions the rows and columns tie
	// the groups' sums further, which the audit (bounds.go) sees to; a
	// group's sum over the other dimension's values is published when
	// the answer by unit alone shows all its units, or the one by
	// district all its districts (groupShown). By three they stay
	// published.
	oneWay := dims <= 2 && release
	groupShown := groupsShown(fine, ns, coarse, oneWayOf)
	var fineGuards, coarseGuards []*Cell
	// release picks, for a way through the sums (whose groups sumKey
	// tells), the smallest shown cell of the other answer (cells, whose
	// groups key tells) that publishes one of them.
	releaseIn := func(sums [][]*Cell, sumKey func([]string) string, cells []*Cell, hides []map[string]bool, key func([]string) string,
		publishes func(k string) bool, pending *[]*Cell) bool {
		var best *Cell
		for _, sum := range sums {
			k, ok := sameKey(sum, sumKey)
			if !ok || !publishes(k) {
				continue
			}
			if slices.ContainsFunc(*pending, func(g *Cell) bool { return key(g.Values) == k }) {
				return true // a guard on its way already breaks it
			}
			if f := smallestShownOf(cells, hides, key, k, threshold); f != nil && (best == nil || f.Count < best.Count) {
				best = f
			}
		}
		if best == nil {
			return false
		}
		*pending = append(*pending, best)
		return true
	}
	for !work.over() {
		for i, c := range coarse {
			cns := c.Nestings
			if c.Joined.Levels != nil {
				cns = append(slices.Clone(cns), c.Joined)
			}
			// A way to a small count of the coarser answer that it
			// cannot break, through the sum of a group of several cells
			// (taken as published, though the finer answer may not tell
			// it), leaves its rows out (for one or two dimensions, as
			// for the finer table below).
			stuck := false
			var totalHidden bool
			var coarseOneWay []map[string]bool
			if release {
				coarseOneWay = c.OneWay
			}
			c.Cells, totalHidden = nestedTable(c.Cells, c.Dims, threshold, cns, &links{
				oneWay: coarseOneWay,
				// An exact key's sum is its one coarser cell, published
				// only through the finer answer: the guards see to it.
				unpublished: func(cells []*Cell) bool {
					k, ok := sameKey(cells, c.Key)
					if g, whole := groupShown.of(cells, c.Joined); !ok && whole && oneWay {
						return !groupShown.shown[g]
					}
					return ok && (exact[i][k] || oneWay && !allShown(fine, c.FineKey, k, threshold))
				},
				// Even a small one: cells that must all be 1 (their sum
				// is their number) would be told by it.
				published: func(cells []*Cell) bool {
					k, ok := sameKey(cells, c.Key)
					return ok && len(cells) > 1 && !exact[i][k] && (!oneWay || allShown(fine, c.FineKey, k, threshold))
				},
				stuck: func(sums [][]*Cell) {
					for _, cells := range sums {
						if k, ok := sameKey(cells, c.Key); ok && !exact[i][k] && !oneWay {
							stuck = true
						}
					}
				},
				release: func(sums [][]*Cell) bool {
					return oneWay && releaseIn(sums, c.Key, fine, oneWayOf, c.FineKey, func(k string) bool {
						return !exact[i][k] && allShown(fine, c.FineKey, k, threshold)
					}, &fineGuards)
				},
			}, work)
			c.TotalHidden = c.TotalHidden || totalHidden || stuck && c.Dims <= 2
		}
		// A way to a small finer count, through a group's sum, that the
		// finer table cannot break (every cell on it is hidden, and no
		// empty one may be added: the coarser answer tells which groups
		// have nobody) is broken by hiding the shown coarser cells whose
		// sums are on it, else by leaving the finer table's rows out
		// (its total hidden). For three dimensions, whose protection is
		// against the ways within the answer itself, it is left, as
		// NestedTable leaves it.
		stuck := make([]map[string]bool, len(coarse))
		for i := range stuck {
			stuck[i] = map[string]bool{}
		}
		changed := guard(fineGuards)
		fineGuards = nil
		leftOut := false
		var totalHidden bool
		hidden := hiddenGroups(fine, coarse, exact)
		// byCoarse reports whether cells are a group of several coarser
		// cells that the coarser answer shows all of (or not).
		byCoarse := func(cells []*Cell, all bool) bool {
			for i, c := range coarse {
				k, ok := sameKey(cells, c.FineKey)
				if ok && !exact[i][k] && len(cells) == countOf(fine, c.FineKey, k) && allShown(c.Cells, c.Key, k, threshold) == all {
					return true
				}
			}
			return false
		}
		fine, totalHidden = nestedTable(fine, dims, threshold, ns, &links{
			oneWay: oneWayOf,
			unpublished: func(cells []*Cell) bool {
				if g, whole := groupShown.of(cells, groupShown.fine); whole && oneWay {
					if _, ok := sameKey(cells, coarse[0].FineKey); !ok {
						return !groupShown.shown[g]
					}
				}
				return hidden(cells) || oneWay && byCoarse(cells, false)
			},
			published: func(cells []*Cell) bool {
				return oneWay && len(cells) > 1 && byCoarse(cells, true)
			},
			release: func(sums [][]*Cell) bool {
				if !oneWay {
					return false
				}
				for i, c := range coarse {
					if releaseIn(sums, c.FineKey, c.Cells, c.OneWay, c.Key, func(k string) bool {
						return exact[i][k] || allShown(c.Cells, c.Key, k, threshold)
					}, &coarseGuards) {
						return true
					}
				}
				return false
			},
			stuck: func(sums [][]*Cell) {
				linked, broken := false, false
				for _, cells := range sums {
					for i, c := range coarse {
						k, ok := sameKey(cells, c.FineKey)
						linked = linked || ok
						if ok && exact[i][k] && shown(c, k) {
							stuck[i][k], broken = true, true
						}
					}
				}
				leftOut = leftOut || linked && !broken
			},
		}, work)
		if leftOut && !totalHidden && dims <= 2 {
			return fine, true
		}
		changed = guard(coarseGuards) || changed
		coarseGuards = nil
		for i, c := range coarse {
			// The round looks at the fine cells and the coarse ones.
			work.spend(len(fine) + len(c.Cells))
			for _, cc := range c.Cells {
				if k := c.Key(cc.Values); stuck[i][k] && !cc.Suppressed {
					cc.Suppressed, changed = true, true
				}
			}
			under := map[string][]*Cell{}
			guarded := map[string]bool{}
			for _, f := range fine {
				k := c.FineKey(f.Values)
				under[k] = append(under[k], f)
				guarded[k] = guarded[k] || f.Suppressed && f.protected()
			}
			for _, cc := range c.Cells {
				k := c.Key(cc.Values)
				if !exact[i][k] {
					continue // a part of its group's sum, published (above)
				}
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
	return fine, false // the allowance is spent: the caller discards it
}

// guard hides cells as guards, reporting whether there were any.
func guard(cells []*Cell) bool {
	for _, c := range cells {
		c.Suppressed, c.Guard = true, true
	}
	return len(cells) > 0
}

// allShown reports whether cells has cells of key k and shows them all
// (none hidden, none small).
func allShown(cells []*Cell, key func([]string) string, k string, threshold int) bool {
	n := 0
	for _, c := range cells {
		if key(c.Values) == k {
			if c.Suppressed || c.Count < threshold {
				return false
			}
			n++
		}
	}
	return n > 0
}

// smallestShownOf is the smallest shown cell of cells of key k that
// could be hidden, nil when there is none: a cell alone in its row or
// column of a table of several dimensions is that row's sum, which is
// published unless the answer by that dimension alone hides it (hides,
// by dimension; nil when not known), and hiding it would hide nothing.
func smallestShownOf(cells []*Cell, hides []map[string]bool, key func([]string) string, k string, threshold int) *Cell {
	var best *Cell
	for _, c := range cells {
		if key(c.Values) == k && !c.Suppressed && c.Count >= threshold && (best == nil || c.Count < best.Count) && !lone(cells, hides, c) {
			best = c
		}
	}
	return best
}

// lone reports whether c is the only cell of cells with its value of some
// dimension, in a table of more than one, whose row by that dimension the
// answer by it alone publishes (as far as hides tells).
func lone(cells []*Cell, hides []map[string]bool, c *Cell) bool {
	if len(c.Values) < 2 {
		return false
	}
	for d, v := range c.Values {
		if d < len(hides) && hides[d][v] {
			continue
		}
		if !slices.ContainsFunc(cells, func(o *Cell) bool { return o != c && o.Values[d] == v }) {
			return true
		}
	}
	return false
}

// countOf is how many of cells have key k.
func countOf(cells []*Cell, key func([]string) string, k string) int {
	n := 0
	for _, c := range cells {
		if key(c.Values) == k {
			n++
		}
	}
	return n
}

// shown reports whether a cell of c of key k is shown.
func shown(c *Coarse, k string) bool {
	return slices.ContainsFunc(c.Cells, func(cc *Cell) bool { return !cc.Suppressed && c.Key(cc.Values) == k })
}

// sameKey is the key of cells when they all have the same.
func sameKey(cells []*Cell, key func([]string) string) (string, bool) {
	k := key(cells[0].Values)
	return k, !slices.ContainsFunc(cells, func(c *Cell) bool { return key(c.Values) != k })
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
// the cells of a coarser answer's exact group (exact, by coarser answer)
// whose one cell that answer hides: their sum, which suppression of the
// finer table takes as published (another answer's cell), is not. The
// sum of a group of several coarser cells stays published (Linked).
func hiddenGroups(fine []*Cell, coarse []*Coarse, exact []map[string]bool) func(cells []*Cell) bool {
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
			if !exact[i][k] || !hidden[i][k] || size[i][k] != len(cells) {
				continue
			}
			if !slices.ContainsFunc(cells, func(f *Cell) bool { return c.FineKey(f.Values) != k }) {
				return true
			}
		}
		return false
	}
}

// links are what answers suppressed with a table (Linked) say of sums of
// its cells: unpublished, that a sum a marginal by a coarser level would
// publish is not published after all (the same cells grouped by the
// dimensions asked for are a one-way answer's, published); stuck is told
// the sums on a way to a small count that the table cannot break (the
// cells of each), so that they hide what publishes them.
type links struct {
	unpublished func(cells []*Cell) bool
	// published, when set, says that such a sum is published whatever
	// its size.
	published func(cells []*Cell) bool
	stuck     func(sums [][]*Cell)
	// release, when set, is asked before the table hides its total for a
	// way through sums that another answer publishes: true when that
	// answer will hide a cell so that one of them is published no more.
	release func(sums [][]*Cell) bool
	// oneWay, when set, is by dimension asked for the values that the
	// answer by that dimension alone hides: their rows' sums are not
	// published, only the sum of them all (the total less the others).
	oneWay []map[string]bool
}

// through is l for a table whose cells orig maps to the cells l knows
// (nil for a cell it does not know: an empty one added).
func (l *links) through(orig func(*Cell) *Cell) *links {
	if l == nil {
		return nil
	}
	mapped := func(cells []*Cell) ([]*Cell, bool) {
		out := make([]*Cell, len(cells))
		for i, c := range cells {
			if out[i] = orig(c); out[i] == nil {
				return nil, false
			}
		}
		return out, true
	}
	mappedAll := func(sums [][]*Cell) [][]*Cell {
		var out [][]*Cell
		for _, cells := range sums {
			if cs, ok := mapped(cells); ok {
				out = append(out, cs)
			}
		}
		return out
	}
	return &links{
		oneWay: l.oneWay,
		unpublished: func(cells []*Cell) bool {
			cs, ok := mapped(cells)
			return ok && l.unpublished != nil && l.unpublished(cs)
		},
		published: func(cells []*Cell) bool {
			cs, ok := mapped(cells)
			return ok && l.published != nil && l.published(cs)
		},
		stuck: func(sums [][]*Cell) {
			if l.stuck != nil {
				l.stuck(mappedAll(sums))
			}
		},
		release: func(sums [][]*Cell) bool {
			return l.release != nil && l.release(mappedAll(sums))
		},
	}
}
