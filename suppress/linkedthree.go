package suppress

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
)

// Answers by three dimensions are suppressed as by fewer (suppress.go,
// linked.go), which protects against chains of subtractions only, and
// then audited as linear systems (bounds.go): the table (for answers by
// unit, with the one by 2024 district, and the groups' sums value by
// value), and the answers by two and by one of its dimensions, as those
// requests make them where that is known (every sum of the threshold
// taken as published where not). No small count, of a cell or of those
// answers, may have only one value; where one has, more cells are hidden
// (repair). Where that fails, or the chains left only the total,
// suppression starts again from the small counts alone, hidden, with an
// empty combination hidden beside each value (so that a hidden count need
// not hold someone: holdsSomeone), and the audit hides what more it must;
// the rows are left out only when that fails too, or when every count is
// hidden (the rows would tell only which combinations have people).

// auditSteps bounds the work of the audits of one answer by three
// dimensions, whatever the caller's allowance (a report's has none): about
// a second of CPU. Audits that would need more do not vouch for the
// answer, whose rows are then left out.
const auditSteps = 4_000_000

// auditWork is the allowance of the audits of one answer: auditSteps, and
// no more than what remains of work; charge charges work what they did
// (no more than remained: audits that stop leave the rows out, and the
// answer stands).
func auditWork(work *Allowance) (a *Allowance, charge func()) {
	a = NewAllowance(auditSteps)
	left := int64(-1)
	if work != nil && work.limit > 0 {
		left = max(0, work.limit-work.spent)
		a.limit = max(1, min(a.limit, left))
	}
	return a, func() {
		if left >= 0 {
			work.spend(int(min(a.Spent(), left)))
		} else {
			work.spend(int(a.Spent()))
		}
	}
}

// threeWay is nestedOneWay for three dimensions.
func threeWay(cells []*Cell, threshold int, ns []Nesting, oneWay []map[string]bool, twoWay map[int]map[string]bool,
	work *Allowance) ([]*Cell, bool) {
	was := copyCells(cells)
	tables := func(cells []*Cell) []audited {
		return []audited{{cells: cells, ns: ns, oneWay: oneWay, twoWay: twoWay}}
	}
	out, hidden := nestedTable(cells, 3, threshold, ns, &links{oneWay: oneWay}, work)
	if len(out) == 0 || work.over() {
		return out, hidden
	}
	a, charge := auditWork(work)
	defer charge()
	if !hidden && repair(tables(out), nil, threshold, true, a) && !a.over() && !allHidden(out) {
		return out, false
	}
	// Carried back to the caller's cells (an empty cell added is none).
	for i, c := range cells {
		*c = *was[i]
	}
	if !smallHidden(threshold, cells) {
		return cells, true
	}
	cells = withEmpties(cells, nil, nil, nil, work.choiceKey())
	if a.over() || !repair(tables(cells), nil, threshold, true, a) || a.over() || allHidden(cells) {
		return cells, true
	}
	return cells, false
}

// smallHidden hides the small counts of tables, reporting whether the
// first one's total reaches the threshold (or is 0).
func smallHidden(threshold int, tables ...[]*Cell) bool {
	total := 0
	for i, t := range tables {
		for _, c := range t {
			if c.Count > 0 && c.Count < threshold {
				c.Suppressed, c.Primary = true, true
			}
			if i == 0 {
				total += c.Count
			}
		}
	}
	return total == 0 || total >= threshold
}

// linkedThree is linked for three dimensions and one coarser answer,
// joined by one dimension (auditable), knowing what the answers by fewer
// dimensions hide (oneWay and twoWay of the finer table, OneWay and
// TwoWay of the coarser; nil where not known).
func linkedThree(fine []*Cell, threshold int, ns []Nesting, c *Coarse, oneWay []map[string]bool, twoWay map[int]map[string]bool,
	work *Allowance) ([]*Cell, bool) {
	if len(fine) == 0 {
		return linkedRounds(fine, 3, threshold, ns, []*Coarse{c}, nil, false, work)
	}
	was, wasCoarse := copyCells(fine), copyCells(c.Cells)
	link := &auditLink{key: c.Key, fineKey: c.FineKey}
	tables := func(fine []*Cell) []audited {
		t := auditedLinked(fine, ns, c, oneWay)
		t[0].twoWay, t[1].twoWay = twoWay, c.TwoWay
		return t
	}
	out, hidden := linkedRounds(fine, 3, threshold, ns, []*Coarse{c}, nil, false, work)
	if work.over() {
		return out, true
	}
	a, charge := auditWork(work)
	defer charge()
	if !hidden && !c.TotalHidden && repair(tables(out), link, threshold, true, a) && !a.over() && !allHidden(out) {
		return out, false
	}
	out, c.Cells, c.TotalHidden = was, wasCoarse, false
	if !smallHidden(threshold, out, c.Cells) {
		c.TotalHidden = true
		return out, true
	}
	// Empty combinations hidden beside the others, so that a hidden
	// count need not hold someone (holdsSomeone).
	out = withEmpties(out, c.Cells, c.FineKey, c.Key, work.choiceKey())
	c.Cells = withEmpties(c.Cells, out, c.Key, c.FineKey, work.choiceKey())
	if a.over() || !repair(tables(out), link, threshold, true, a) || a.over() || allHidden(out) {
		c.TotalHidden = true
		return out, true
	}
	return out, false
}

// withEmpties adds to cells (of three dimensions) hidden empty cells, one
// beside each value of each dimension where one can be: a combination
// the table lacks whose values two by two some cell with people has (so
// that the answers by two dimensions list them), and whose group (key)
// the other answer (others, grouped by otherKey) has people in (key nil:
// no other answer).
//
// Which of the combinations that can be is taken is keyed (choose): in
// the values' order, someone who knows the rule could tell which hidden
// cells are the empty ones, and so narrow which hold the small counts.
func withEmpties(cells, others []*Cell, key, otherKey func([]string) string, choose []byte) []*Cell {
	present, pairs, values := map[string]bool{}, map[string]bool{}, [3][]string{}
	seen := [3]map[string]bool{{}, {}, {}}
	for _, c := range cells {
		present[keyOf(c.Values, 7)] = true
		for d, v := range c.Values {
			if !seen[d][v] {
				seen[d][v] = true
				values[d] = append(values[d], v)
			}
		}
		if c.Count > 0 {
			for _, mask := range []int{3, 5, 6} {
				pairs[fmt.Sprint(mask, keyOf(c.Values, mask))] = true
			}
		}
	}
	peopled := map[string]bool{}
	for _, o := range others {
		if o.Count > 0 {
			peopled[otherKey(o.Values)] = true
		}
	}
	can := func(v []string) bool {
		if present[keyOf(v, 7)] || key != nil && !peopled[key(v)] {
			return false
		}
		for _, mask := range []int{3, 5, 6} {
			if !pairs[fmt.Sprint(mask, keyOf(v, mask))] {
				return false
			}
		}
		return true
	}
	// One beside each value of each dimension, where there is none yet.
	has := [3]map[string]bool{{}, {}, {}}
	add := func(v []string) {
		for d := range 3 {
			if !has[d][v[d]] {
				cells = append(cells, &Cell{Values: slices.Clone(v), Suppressed: true})
				present[keyOf(v, 7)] = true
				for e := range 3 {
					has[e][v[e]] = true
				}
				return
			}
		}
	}
	var candidates [][]string
	for _, a := range values[0] {
		for _, b := range values[1] {
			for _, u := range values[2] {
				if v := []string{a, b, u}; (choose != nil || !has[0][a] || !has[1][b] || !has[2][u]) && can(v) {
					if choose == nil {
						add(v) // in the values' order, as they come
					} else {
						candidates = append(candidates, v)
					}
				}
			}
		}
	}
	for _, v := range keyedOrder(candidates, choose) {
		add(v)
	}
	return cells
}

// keyedOrder sorts combinations by their HMAC under key: an order that
// the same key gives every time (so that asking again does not draw
// other cells, to be compared), and that no one without it can tell.
func keyedOrder(vs [][]string, key []byte) [][]string {
	if len(vs) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, key)
	type ranked struct {
		v    []string
		rank []byte
	}
	rs := make([]ranked, len(vs))
	for i, v := range vs {
		mac.Reset()
		mac.Write([]byte(keyOf(v, 7)))
		rs[i] = ranked{v, mac.Sum(nil)}
	}
	slices.SortFunc(rs, func(a, b ranked) int { return bytes.Compare(a.rank, b.rank) })
	for i, r := range rs {
		vs[i] = r.v
	}
	return vs
}
