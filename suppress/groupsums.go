package suppress

import "slices"

// Linked answers by two dimensions join units and districts into groups
// (linked.go); a group's sum over the other dimension's values is no
// cell of either answer, but the answers by one dimension may publish it.

// groupSums says, of linked answers by two dimensions, which groups'
// sums over the other dimension's values the answers by one dimension
// publish: those whose units the answer by unit alone shows all of, or
// whose districts the one by district does.
type groupSums struct {
	shown map[string]bool
	fine  Nesting // the finer table's groups
}

// groupsShown is groupSums for linked answers; none when they are not by
// two dimensions, or what the answers by one hide is not known.
func groupsShown(fine []*Cell, ns []Nesting, coarse []*Coarse, oneWay []map[string]bool) groupSums {
	if len(coarse) != 1 || coarse[0].Dims != 2 || oneWay == nil || coarse[0].OneWay == nil || coarse[0].Joined.Levels == nil {
		return groupSums{}
	}
	c := coarse[0]
	d := c.Joined.Dim
	i := slices.IndexFunc(ns, func(n Nesting) bool { return n.Dim == d })
	if i < 0 || d >= len(oneWay) || d >= len(c.OneWay) {
		return groupSums{}
	}
	out := groupSums{shown: map[string]bool{}, fine: ns[i]}
	for _, side := range []struct {
		cells  []*Cell
		groups Nesting
		hidden map[string]bool
	}{{fine, ns[i], oneWay[d]}, {c.Cells, c.Joined, c.OneWay[d]}} {
		all := map[string]bool{}
		for _, cell := range side.cells {
			g := side.groups.Levels(cell.Values[d])[0]
			if _, seen := all[g]; !seen {
				all[g] = true
			}
			all[g] = all[g] && !side.hidden[cell.Values[d]]
		}
		for g, shown := range all {
			out.shown[g] = out.shown[g] || shown
		}
	}
	return out
}

// of is the group of cells (by groups) when they are all of one, and the
// sums know of it.
func (s groupSums) of(cells []*Cell, groups Nesting) (string, bool) {
	if s.shown == nil || groups.Levels == nil || len(cells) == 0 {
		return "", false
	}
	g := groups.Levels(cells[0].Values[groups.Dim])[0]
	for _, c := range cells[1:] {
		if groups.Levels(c.Values[groups.Dim])[0] != g {
			return "", false
		}
	}
	return g, true
}
