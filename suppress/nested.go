package suppress

import "strings"

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
// that are published too. It first suppresses the table as Table does,
// then the table with the coarser levels as dimensions of their own,
// whose marginals are the coarser tables' cells and sums, and so on until
// neither hides more. An empty combination it adds is one of values that
// could hold people (its coarser levels are its values'). For the
// coarser tables it protects against chains of subtractions, as Table
// does for three dimensions.
func NestedTable(cells []*Cell, dims, threshold int, n Nesting) ([]*Cell, bool) {
	cells, totalHidden := Table(cells, dims, threshold)
	if len(cells) == 0 || n.Levels == nil || len(n.Levels(cells[0].Values[n.Dim])) == 0 {
		return cells, totalHidden
	}
	levels := len(n.Levels(cells[0].Values[n.Dim]))
	// coarse keys a cell by its values one level up: the coarser answer's
	// cell it counts in.
	coarse := func(values []string) string {
		v := append(append([]string(nil), values[:dims]...), n.Levels(values[n.Dim])...)
		v[n.Dim] = ""
		return strings.Join(v, "\x00")
	}
	// An empty cell added to protect another must sit in a coarser cell
	// that has people: one the coarser answer lacks is known to be empty,
	// and so is every cell in it.
	peopled := map[string]bool{}
	for _, c := range cells {
		if c.Count > 0 {
			peopled[coarse(c.Values)] = true
		}
	}
	consistent := func(values []string) bool {
		for i, v := range n.Levels(values[n.Dim]) {
			if values[dims+i] != v {
				return false
			}
		}
		return peopled[coarse(values)]
	}
	for {
		before := hiddenCount(cells)
		wide := make([]*Cell, len(cells))
		for i, c := range cells {
			wide[i] = &Cell{Values: append(append([]string(nil), c.Values...), n.Levels(c.Values[n.Dim])...),
				Count: c.Count, Suppressed: c.Suppressed, Primary: c.Primary}
		}
		s := &suppressor{cells: wide, dims: dims + levels, threshold: threshold, totalHidden: totalHidden, finest: dims,
			consistent: consistent}
		for s.fixPeel() {
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
		cells, hidden = Table(cells, dims, threshold)
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
