package suppress

import (
	"fmt"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// In random registries where a unit's people were in one or two
// districts, which join units and districts into groups, no small count
// of either answer, by unit (and kind) or by district (and kind), can be
// worked out from both. Published: the visible cells, the totals and the
// marginals that reach the threshold of each answer, and that a group's
// units add up to its districts, kind by kind. By unit alone every
// filling of the hidden cells that agrees with that is tried, and each
// small count must have two possible values; by unit and kind, as the
// package promises for two dimensions, no small count may follow from a
// linear combination of the published figures.
func TestLinkedJoinedGroupsRandom(t *testing.T) {
	const threshold = 3
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 6000 {
		kinds := 1 + trial%2
		fine, co, ns, root, ok := randomJoined(r, kinds)
		if !ok {
			continue
		}
		fine, hidden := Linked(fine, kinds, threshold, ns, []*Coarse{co})
		if hidden || co.TotalHidden {
			continue
		}
		if got := workedOutJoined(fine, co.Cells, co.Key, threshold, kinds == 1); got != "" {
			t.Fatalf("trial %d: %s worked out from %s", trial, got, joinedString(fine, co.Cells, root))
		}
	}
}

// randomJoined is a random registry where a unit's people were in one or
// two districts, by unit (and kind, for two): the answer by unit, the one
// by district, and the groups joined. ok is false when one answer has one
// unit or district: that answer is the table of the others, whose one-way
// marginals the other answer's rules take as published though this one
// hides them.
func randomJoined(r *rand.Rand, kinds int) (fine []*Cell, co *Coarse, ns []Nesting, root func(string) string, ok bool) {
	nUnits, nDistricts := 2+r.IntN(3), 1+r.IntN(3)
	if kinds == 2 {
		nUnits = 2 + r.IntN(2)
	}
	type joint struct{ unit, district, kind string }
	counts := map[joint]int{}
	groups := joins{}
	root = groups.root
	for u := range nUnits {
		ds := []int{r.IntN(nDistricts)}
		if r.IntN(2) == 0 {
			ds = append(ds, r.IntN(nDistricts))
		}
		for _, d := range ds {
			for k := range kinds {
				n := r.IntN(7)
				if kinds == 1 {
					n = 1 + r.IntN(5)
				}
				counts[joint{fmt.Sprint("u", u), fmt.Sprint("d", d), fmt.Sprint("k", k)}] += n
			}
		}
	}
	for j, n := range counts {
		if n > 0 {
			groups.join(j.unit, j.district)
		}
	}
	by := func(at func(joint) string) []*Cell {
		cells := map[string]*Cell{}
		var out []*Cell
		for u := range nUnits {
			for d := range nDistricts {
				for k := range kinds {
					j := joint{fmt.Sprint("u", u), fmt.Sprint("d", d), fmt.Sprint("k", k)}
					if counts[j] == 0 {
						continue
					}
					v := []string{at(j)}
					if kinds > 1 {
						v = append(v, j.kind)
					}
					key := strings.Join(v, "\x00")
					if cells[key] == nil {
						cells[key] = &Cell{Values: v}
						out = append(out, cells[key])
					}
					cells[key].Count += counts[j]
				}
			}
		}
		return out
	}
	fine = by(func(j joint) string { return j.unit })
	coarseCells := by(func(j joint) string { return j.district })
	if len(fine) == 0 || !slices.ContainsFunc(fine, func(c *Cell) bool { return c.Values[0] != fine[0].Values[0] }) ||
		!slices.ContainsFunc(coarseCells, func(c *Cell) bool { return c.Values[0] != coarseCells[0].Values[0] }) {
		return nil, nil, nil, nil, false
	}
	keyOf := func(v []string) string {
		k := append([]string{root(v[0])}, v[1:]...)
		return strings.Join(k, "\x00")
	}
	group := func(v string) []string { return []string{root(v)} }
	co = &Coarse{Cells: coarseCells, Dims: kinds, Key: keyOf, FineKey: keyOf, Joined: Nesting{Dim: 0, Levels: group}}
	return fine, co, []Nesting{{Dim: 0, Levels: group}}, root, true
}

// joinedString shows the cells of both answers, each with its group.
func joinedString(fine, coarse []*Cell, root func(string) string) string {
	var b strings.Builder
	for _, c := range append(append([]*Cell(nil), fine...), coarse...) {
		fmt.Fprintf(&b, "%v[%s]=%d%s ", c.Values, root(c.Values[0]), c.Count, mark(c))
	}
	return b.String()
}

// sumIs says that the plus cells less the minus cells add up to value.
type sumIs struct {
	plus, minus []*Cell
	value       int
}

// workedOutJoined names a small count of fine or coarse with one possible
// value (by enumeration, else by linear combination), "" when there is
// none. Both tables have the unit (district) as their first dimension;
// key groups a cell of either with the cells of the other that add up to
// the same.
func workedOutJoined(fine, coarse []*Cell, key func([]string) string, threshold int, enumerate bool) string {
	return workedOutOf(publishedSums(fine, coarse, key, key, threshold, nil, nil), fine, coarse, enumerate)
}

// publishedSums are the sums fine and coarse publish, as workedOutJoined
// has them (fineKey grouping the cells of fine as key those of coarse); with what the answers by each dimension alone hide (oneWay,
// by table and dimension; nil when not known), a row of one dimension is
// published only when that answer shows it, the others together.
func publishedSums(fine, coarse []*Cell, fineKey, key func([]string) string, threshold int, oneWay ...[]map[string]bool) []sumIs {
	var sums []sumIs
	// The marginals of each table that reach the threshold, the total
	// among them; a cell is a marginal of one cell when shown.
	// A dimension of one value in a table adds nothing to it: a marginal
	// by the others is a cell (degenerate.go).
	for side, table := range [][]*Cell{fine, coarse} {
		dims := len(table[0].Values)
		every := 0
		for _, d := range varying(table, dims) {
			every |= 1 << d
		}
		for mask := 0; mask < 1<<dims; mask++ {
			by := map[string]*sumIs{}
			var order []string
			for _, c := range table {
				k := keyOf(c.Values, mask)
				if by[k] == nil {
					by[k] = &sumIs{}
					order = append(order, k)
				}
				by[k].plus = append(by[k].plus, c)
				by[k].value += c.Count
			}
			var hides map[string]bool
			if d := bits.TrailingZeros(uint(mask)); bits.OnesCount(uint(mask)) == 1 && side < len(oneWay) && d < len(oneWay[side]) {
				hides = oneWay[side][d]
			}
			rest := &sumIs{}
			for _, k := range order {
				s := by[k]
				cell := mask&every == every
				switch {
				case hides != nil && (s.value < threshold || hides[s.plus[0].Values[bits.TrailingZeros(uint(mask))]]):
					rest.plus, rest.value = append(rest.plus, s.plus...), rest.value+s.value
				case cell && len(s.plus) == 1 && !s.plus[0].Suppressed || !cell && s.value >= threshold:
					sums = append(sums, *s)
				}
			}
			if len(rest.plus) > 0 {
				sums = append(sums, *rest)
			}
		}
	}
	byKey := map[string]*sumIs{}
	for _, c := range fine {
		k := fineKey(c.Values)
		if byKey[k] == nil {
			byKey[k] = &sumIs{}
		}
		byKey[k].plus = append(byKey[k].plus, c)
	}
	for _, c := range coarse {
		k := key(c.Values)
		if byKey[k] == nil {
			byKey[k] = &sumIs{}
		}
		byKey[k].minus = append(byKey[k].minus, c)
	}
	for _, s := range byKey {
		sums = append(sums, *s)
	}
	return sums
}

// workedOutOf is workedOutJoined with the sums published; when
// enumerating, the sums of the cells of each of rows are small counts too.
func workedOutOf(sums []sumIs, fine, coarse []*Cell, enumerate bool, rows ...[]*Cell) string {
	var hidden []*Cell
	total := 0
	for _, c := range fine {
		total += c.Count
	}
	for _, c := range append(append([]*Cell(nil), fine...), coarse...) {
		if c.Suppressed {
			hidden = append(hidden, c)
		}
	}
	if !enumerate {
		// A row is a cell of its own, the sum of its cells.
		vars := slices.Clone(hidden)
		rowOf := map[*Cell][]*Cell{}
		for _, row := range rows {
			sum := &Cell{Values: row[0].Values, Primary: true}
			vars, rowOf[sum] = append(vars, sum), row
			sums = append(sums, sumIs{plus: []*Cell{sum}, minus: row})
		}
		for _, c := range linearlyFixed(sums, vars) {
			if rowOf[c] != nil {
				return fmt.Sprintf("the row of %v", c.Values)
			}
			if c.Primary {
				return fmt.Sprintf("%v = %d", c.Values, c.Count)
			}
		}
		return ""
	}
	value := map[*Cell]int{}
	set := map[*Cell]bool{}
	for _, c := range fine {
		if !c.Suppressed {
			value[c], set[c] = c.Count, true
		}
	}
	for _, c := range coarse {
		if !c.Suppressed {
			value[c], set[c] = c.Count, true
		}
	}
	seen := map[*Cell]map[int]bool{}
	rowSeen := make([]map[int]bool, len(rows))
	for i := range rowSeen {
		rowSeen[i] = map[int]bool{}
	}
	// holds reports whether no sum is broken by the cells set so far.
	holds := func() bool {
		for _, s := range sums {
			got, done := 0, true
			for _, c := range s.plus {
				got += value[c]
				done = done && set[c]
			}
			if len(s.minus) == 0 && got > s.value {
				return false
			}
			for _, c := range s.minus {
				got -= value[c]
				done = done && set[c]
			}
			if done && got != s.value {
				return false
			}
		}
		return true
	}
	settled := func() bool {
		for _, c := range hidden {
			if c.Primary && len(seen[c]) < 2 {
				return false
			}
		}
		for _, s := range rowSeen {
			if len(s) < 2 {
				return false
			}
		}
		return true
	}
	var fill func(i int) bool
	fill = func(i int) bool {
		if i == len(hidden) {
			for _, c := range hidden {
				if seen[c] == nil {
					seen[c] = map[int]bool{}
				}
				seen[c][value[c]] = true
			}
			for i, row := range rows {
				sum := 0
				for _, c := range row {
					sum += value[c]
				}
				rowSeen[i][sum] = true
			}
			return settled()
		}
		// A hidden cell of people holds someone (the answers list only
		// what has people); an empty one added may hold nobody, and so
		// may a cell beside it, which no one can tell from it.
		lo := 0
		if slices.Contains(fine, hidden[i]) && holdsSomeone(fine, hidden[i]) ||
			slices.Contains(coarse, hidden[i]) && holdsSomeone(coarse, hidden[i]) {
			lo = 1
		}
		for n := lo; n <= total; n++ {
			value[hidden[i]], set[hidden[i]] = n, true
			if holds() && fill(i+1) {
				return true
			}
		}
		set[hidden[i]] = false
		value[hidden[i]] = 0
		return false
	}
	fill(0)
	for _, c := range hidden {
		if c.Primary && len(seen[c]) < 2 {
			return fmt.Sprintf("%v = %v", c.Values, seen[c])
		}
	}
	for i, s := range rowSeen {
		if len(s) < 2 {
			return fmt.Sprintf("the row of %v = %v", rows[i][0].Values, s)
		}
	}
	return ""
}

// linearlyFixed lists the cells of vars whose value follows from the sums
// (the cells not in vars known) by a linear combination.
func linearlyFixed(sums []sumIs, vars []*Cell) []*Cell {
	index := map[*Cell]int{}
	for i, c := range vars {
		index[c] = i
	}
	var rows [][]*big.Rat
	for _, s := range sums {
		row := make([]*big.Rat, len(vars))
		for i := range row {
			row[i] = new(big.Rat)
		}
		for sign, cells := range [][]*Cell{s.plus, s.minus} {
			for _, c := range cells {
				if i, ok := index[c]; ok {
					row[i].Add(row[i], big.NewRat(int64(1-2*sign), 1))
				}
			}
		}
		rows = append(rows, row)
	}
	return fixedBy(rows, vars)
}

// joins are the groups of units and districts, as union-find.
type joins map[string]string

// root names x's group.
func (g joins) root(x string) string {
	if p, ok := g[x]; ok && p != x {
		return g.root(p)
	}
	return x
}

// join puts a and b in one group.
func (g joins) join(a, b string) {
	if a, b = g.root(a), g.root(b); a != b {
		g[a] = b
	}
}
