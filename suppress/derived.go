package suppress

import (
	"slices"
	"strings"
)

// derived lists the sums that coarser answers give by subtraction: a
// marginal less the coarser answer's cells shown inside it is the sum of
// the cells of its hidden ones. The total less the districts shown is the
// sum of the units of the hidden districts; when two of those units are
// hidden and that sum is 2, each is 1. Only groupings by a coarser level
// (a dimension from finest on) are taken: what those answers hide is
// known (unpublished), where this table's own marginals are taken as
// published whenever they reach the threshold, which their subtraction
// would turn into hiding far more than any answer shows. looked is how
// many cells it looked at.
func derived(groups []*marginal, finest int) (out []*marginal, looked int) {
	asked := 1<<finest - 1
	byMask := map[int]map[string]*marginal{}
	var masks []int
	for _, g := range groups {
		if byMask[g.mask] == nil {
			byMask[g.mask] = map[string]*marginal{}
			masks = append(masks, g.mask)
		}
		byMask[g.mask][strings.Join(g.key, "\x00")] = g
	}
	slices.Sort(masks)
	for _, g := range groups {
		for _, mask := range masks {
			if mask == g.mask || mask&g.mask != g.mask || mask&^asked == 0 {
				continue
			}
			looked += len(g.cells)
			published := byMask[mask]
			outside := func(values []string) bool { return published[keyOf(values, mask)] == nil }
			var cells []*Cell
			var less []*marginal
			for _, c := range g.cells {
				if outside(c.Values) {
					cells = append(cells, c)
				} else if m := published[keyOf(c.Values, mask)]; !slices.Contains(less, m) {
					less = append(less, m)
				}
			}
			if len(cells) == 0 || len(cells) == len(g.cells) {
				continue // nothing published inside g, or all of it
			}
			out = append(out, &marginal{mask: g.mask, key: g.key, cells: cells, outside: outside, less: less})
		}
	}
	return out, looked
}

// keyOf is the key of a marginal of mask holding values.
func keyOf(values []string, mask int) string {
	key := make([]string, len(values))
	for d, v := range values {
		if mask&(1<<d) != 0 {
			key[d] = v
		}
	}
	return strings.Join(key, "\x00")
}
