package suppress

import (
	"slices"
	"strings"
)

// Nesting describes a table some of whose dimensions come in levels that
// other answers publish too: a field of science counted at its second
// level is counted at its first by asking again with a coarser level, and
// the coarser table's counts are sums of the finer one's. Suppressing the
// finer table alone leaves such sums as ways to work a hidden count out:
// Kinh in area 3 less Kinh in the visible fields of area 3 is Kinh in the
// hidden one, and that field's total less it is a hidden small count.
type Nesting struct {
	// Dim is the dimension that has coarser levels.
	Dim int
	// Levels gives the values of the coarser levels of a value of Dim,
	// always as many of them: the first and second levels of a field
	// asked at its third, say.
	Levels func(value string) []string
}

// NestedTable is Table for a table whose dimensions have coarser levels
// that are published too (one Nesting a dimension). It first suppresses
// the table as Table does, then the table with the coarser levels as
// dimensions of their own, whose marginals are the coarser tables' cells
// and sums, and so on until neither hides more. An empty combination it
// adds is one of values that could hold people (its coarser levels are
// its values', and every coarser answer has people there). For the
// coarser tables it protects against chains of subtractions, as Table
// does for three dimensions.
func NestedTable(cells []*Cell, dims, threshold int, ns ...Nesting) ([]*Cell, bool) {
	return nestedTable(cells, dims, threshold, ns, nil, nil)
}

// NestedTableOneWay is NestedTable knowing what the answers by each
// dimension alone hide (oneWay, by dimension: the values hidden): such a
// row's sum is not taken as published, though it reaches the threshold,
// only the sum of the hidden rows together, which the total less the
// others gives.
//
// By two dimensions it also keeps those answers' small rows: a table that
// showed every cell of a row hidden to protect a small one would give
// that one away (the rows hidden together, less it), so it hides more
// (bounds.go), or leaves its rows out when nothing would do. By three it
// audits the table as linkedthree.go says, every sum by two dimensions of
// the threshold taken as published (NestedTableKnown knows what those
// answers hide).
func NestedTableOneWay(cells []*Cell, dims, threshold int, oneWay []map[string]bool, ns ...Nesting) ([]*Cell, bool) {
	return nestedOneWay(cells, dims, threshold, oneWay, nil, ns, nil)
}

// nestedOneWay is NestedTableOneWay, spending work (nil for no bound),
// knowing, by three dimensions, what the answers by two hide (twoWay, by
// mask; nil when not known).
func nestedOneWay(cells []*Cell, dims, threshold int, oneWay []map[string]bool, twoWay map[int]map[string]bool, ns []Nesting,
	work *Allowance) ([]*Cell, bool) {
	if keep := varying(cells, dims); len(keep) < dims && dims == 3 {
		// As the answer by the other dimensions, which holds the same
		// counts (and is audited as that answer is).
		r := project(cells, keep)
		var kept []Nesting
		for _, n := range ns {
			if i := slices.Index(keep, n.Dim); i >= 0 {
				kept = append(kept, Nesting{Dim: i, Levels: n.Levels})
			}
		}
		out, hidden := nestedOneWay(r.cells, len(keep), threshold, keptOneWay(oneWay, keep), nil, kept, work)
		return r.expand(out), hidden
	}
	if dims == 3 {
		return threeWay(cells, threshold, ns, oneWay, twoWay, work)
	}
	out, hidden := nestedTable(cells, dims, threshold, ns, &links{oneWay: oneWay}, work)
	if dims != 2 || oneWay == nil || hidden || work.over() {
		return out, hidden
	}
	before := hiddenCount(out)
	if !repair([]audited{{cells: out, ns: ns, oneWay: oneWay}}, nil, threshold, false, work) {
		return out, true
	}
	// A table whose every count the repair hid shows only which
	// combinations have people: its rows are left out.
	return out, hiddenCount(out) > before && allHidden(out)
}

// nestedTable is NestedTable, with what linked answers say of the
// coarser sums (l, nil for none), spending work (nil for no bound).
func nestedTable(cells []*Cell, dims, threshold int, ns []Nesting, l *links, work *Allowance) ([]*Cell, bool) {
	if keep := varying(cells, dims); len(keep) < dims {
		// As Table does; a dimension of one value has coarser levels of
		// one value too, which add nothing either.
		var kept []Nesting
		for _, n := range ns {
			if i := slices.Index(keep, n.Dim); i >= 0 {
				kept = append(kept, Nesting{Dim: i, Levels: n.Levels})
			}
		}
		r := project(cells, keep)
		orig := map[*Cell]*Cell{}
		for i, c := range r.cells {
			orig[c] = r.orig[i]
		}
		pl := l.through(func(c *Cell) *Cell { return orig[c] })
		if pl != nil {
			pl.oneWay = keptOneWay(l.oneWay, keep)
		}
		out, hidden := nestedTable(r.cells, len(keep), threshold, kept, pl, work)
		return r.expand(out), hidden
	}
	var oneWay []map[string]bool
	if l != nil {
		oneWay = l.oneWay
	}
	if len(cells) == 0 {
		return tableWithin(cells, dims, threshold, nil, nil, work)
	}
	var levels []int // of each nesting, in order
	ns = slices.DeleteFunc(slices.Clone(ns), func(n Nesting) bool { return n.Levels == nil || len(n.Levels(cells[0].Values[n.Dim])) == 0 })
	if len(ns) == 0 {
		return tableWithin(cells, dims, threshold, nil, oneWay, work)
	}
	wideDims := dims
	for _, n := range ns {
		levels = append(levels, len(n.Levels(cells[0].Values[n.Dim])))
		wideDims += levels[len(levels)-1]
	}
	widen := func(values []string) []string {
		v := append([]string(nil), values[:dims]...)
		for _, n := range ns {
			v = append(v, n.Levels(values[n.Dim])...)
		}
		return v
	}
	// coarse keys a wide combination by the values of a coarser answer,
	// which has the nested dimensions of blank one level up: the cell it
	// counts in there.
	coarse := func(wide []string, blank int) string {
		v := slices.Clone(wide)
		for i, n := range ns {
			if blank&(1<<i) != 0 {
				v[n.Dim] = ""
			}
		}
		return strings.Join(v, "\x00")
	}
	// An empty cell added to protect another must sit in coarser cells
	// that have people: one a coarser answer lacks is known to be empty,
	// and so is every cell in it.
	peopled := map[string]bool{}
	work.spend(len(cells) << len(ns))
	for _, c := range cells {
		if c.Count > 0 {
			w := widen(c.Values)
			for blank := 1; blank < 1<<len(ns); blank++ {
				peopled[coarse(w, blank)] = true
			}
		}
	}
	consistent := func(values []string) bool {
		if !slices.Equal(widen(values[:dims]), values) {
			return false
		}
		for blank := 1; blank < 1<<len(ns); blank++ {
			if !peopled[coarse(values, blank)] {
				return false
			}
		}
		return true
	}
	// The table itself adds empty cells only there too.
	narrow := func(values []string) bool { return consistent(widen(values)) }
	cells, totalHidden := tableWithin(cells, dims, threshold, narrow, oneWay, work)
	for !work.over() {
		work.spend(len(cells))
		before := hiddenCount(cells)
		wide := make([]*Cell, len(cells))
		of := map[*Cell]*Cell{}
		for i, c := range cells {
			wide[i] = &Cell{Values: widen(c.Values), Count: c.Count, Suppressed: c.Suppressed, Primary: c.Primary, Guard: c.Guard}
			of[wide[i]] = c
		}
		s := &suppressor{cells: wide, dims: wideDims, threshold: threshold, totalHidden: totalHidden, finest: dims,
			consistent: consistent, widen: widen, work: work}
		// An empty cell added in this round is none of the table's.
		s.links = l.through(func(w *Cell) *Cell { return of[w] })
		for !work.over() && s.fixPeel() {
		}
		for i, w := range s.cells {
			if i < len(cells) {
				cells[i].Suppressed = w.Suppressed
				continue
			}
			cells = append(cells, &Cell{Values: w.Values[:dims], Suppressed: true})
		}
		totalHidden = totalHidden || s.totalHidden
		widened := hiddenCount(cells)
		if widened == before {
			break
		}
		// What the coarser levels hid may open new ways in the table
		// itself (its rows and columns, for two dimensions).
		var hidden bool
		cells, hidden = tableWithin(cells, dims, threshold, narrow, oneWay, work)
		totalHidden = totalHidden || hidden
		if hiddenCount(cells) == widened {
			break
		}
	}
	return cells, totalHidden
}

func hiddenCount(cells []*Cell) int {
	n := 0
	for _, c := range cells {
		if c.Suppressed {
			n++
		}
	}
	return n + len(cells)
}
