package suppress

// Sums of a one-dimension table published beside it.
//
// A share such as "women, 8 of 22" is the sum of some cells of a
// one-dimension table (FEMALE) over its total; "master's or higher" sums
// several (THAC_SI, TIEN_SI, ...). Published beside the table that Table
// suppressed, each set of cells (and what is left of the total) has a
// known sum. Given several sets of one dimension, the cells fall into
// groups, those in the same sets: for nested sets, as an indicator's are
// (a doctorate is a master's or higher), the sum of every group follows
// from the published figures, a difference of two; for others it may not,
// and taking it as known only errs on the side of hiding.
//
// The sums may be published when no group:
//   - adds up to a count from 1 to the threshold minus one (it would be
//     a small count published); nor
//   - gives a small hidden cell away, as rule 1 of Table has it: its only
//     hidden cell, or hidden cells that must all be 1, their sum being
//     their number.
//
// A hidden cell that is not small (one Table hid to protect another) may
// be told when it is alone in its group: the small ones are in other
// groups, whose sums say no more than before.

// SumsSafe reports whether the sums of the cells of a one-dimension table,
// suppressed by Table, over each of sets (a set says whether a cell, by
// its value, is in it), may be published beside the table and its total
// without telling a small count.
func SumsSafe(cells []*Cell, threshold int, sets []func(value string) bool) bool {
	type group struct{ sum, hidden, hiddenSum, small int }
	groups := map[uint64]*group{}
	for _, c := range cells {
		var key uint64
		for i, in := range sets {
			if in(c.Values[0]) {
				key |= 1 << i
			}
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
		}
		g.sum += c.Count
		if c.Suppressed {
			g.hidden++
			g.hiddenSum += c.Count
			if c.Primary {
				g.small++
			}
		}
	}
	for _, g := range groups {
		switch {
		case g.sum > 0 && g.sum < threshold:
			return false
		case g.hidden == 1 && g.small == 1:
			return false
		case g.hidden > 1 && g.hiddenSum == g.hidden:
			return false
		}
	}
	return true
}
