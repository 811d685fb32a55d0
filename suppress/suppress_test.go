package suppress

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// table makes cells from rows of "value value ... count".
func table(rows ...string) []*Cell {
	var cells []*Cell
	for _, r := range rows {
		f := strings.Fields(r)
		var n int
		fmt.Sscan(f[len(f)-1], &n)
		cells = append(cells, &Cell{Values: f[:len(f)-1], Count: n})
	}
	return cells
}

func hidden(cells []*Cell) string {
	var out []string
	for _, c := range cells {
		if c.Suppressed {
			out = append(out, strings.Join(c.Values, "/"))
		}
	}
	return strings.Join(out, " ")
}

// published are the figures an attacker has: the marginals of at least
// the threshold, and the total unless it is hidden.
func published(cells []*Cell, dims, threshold int, totalHidden bool) []*marginal {
	return (&suppressor{cells: cells, dims: dims, threshold: threshold, totalHidden: totalHidden}).marginals()
}

// determined reports which suppressed cells the published figures fix
// exactly: the total, and every marginal (over proper subsets of the
// dimensions) of at least the threshold, as exact linear algebra over the
// rationals finds them.
func determined(cells []*Cell, dims, threshold int, totalHidden bool) []*Cell {
	var vars []*Cell
	index := map[*Cell]int{}
	for _, c := range cells {
		if c.Suppressed {
			index[c] = len(vars)
			vars = append(vars, c)
		}
	}
	if len(vars) == 0 {
		return nil
	}
	var rows [][]*big.Rat
	for _, g := range published(cells, dims, threshold, totalHidden) {
		row := make([]*big.Rat, len(vars))
		for i := range row {
			row[i] = new(big.Rat)
		}
		any := false
		for _, c := range g.cells {
			if i, ok := index[c]; ok {
				row[i].SetInt64(1)
				any = true
			}
		}
		if any {
			rows = append(rows, row)
		}
	}
	return fixedBy(rows, vars)
}

// fixedBy brings rows, linear equations over the cells of vars, to
// reduced row echelon form over the rationals and lists the cells that a
// row fixes alone: those the equations determine exactly.
func fixedBy(rows [][]*big.Rat, vars []*Cell) []*Cell {
	pivotOf := map[int]int{} // column -> row
	r := 0
	for col := 0; col < len(vars) && r < len(rows); col++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if rows[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := new(big.Rat).Inv(rows[r][col])
		for j := range rows[r] {
			rows[r][j].Mul(rows[r][j], inv)
		}
		for i := range rows {
			if i == r || rows[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(rows[i][col])
			for j := range rows[i] {
				rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
			}
		}
		pivotOf[col] = r
		r++
	}
	var out []*Cell
	for col, row := range pivotOf {
		alone := true
		for j, v := range rows[row] {
			if j != col && v.Sign() != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, vars[col])
		}
	}
	return out
}

// peel is the attacker of rule 1, written apart from it: it knows the
// visible cells, the total and the published marginals, and that a hidden
// cell is at least 1, and subtracts until it learns nothing more.
func peel(cells []*Cell, dims, threshold int, totalHidden bool) []*Cell {
	known := map[*Cell]int{}
	for _, c := range cells {
		if !c.Suppressed {
			known[c] = c.Count
		}
	}
	var found []*Cell
	for more := true; more; {
		more = false
		for _, g := range published(cells, dims, threshold, totalHidden) {
			rest := 0 // the marginal less what is known
			var unknown []*Cell
			for _, c := range g.cells {
				rest += c.Count
				if v, ok := known[c]; ok {
					rest -= v
				} else {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) == 1 || len(unknown) > 0 && rest == len(unknown) {
				for _, c := range unknown {
					if len(unknown) > 1 && c.Count != 1 {
						// A hidden empty cell among them: taking them
						// all for 1 would be wrong.
						goto next
					}
				}
				for _, c := range unknown {
					known[c] = c.Count
					found = append(found, c)
				}
				more = true
			}
		next:
		}
	}
	return found
}

// peelTotal is the attacker who has only the answer: its cells and its
// total.
func peelTotal(cells []*Cell) []*Cell {
	return peel(cells, 1, 1, false) // one group: the total
}

func TestSuppressOneDimension(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cells []*Cell
		want  string
	}{
		{"nothing small", table("a 10", "b 7", "c 5"), ""},
		// One small cell alone would be the total less the others: the
		// smallest other is hidden with it.
		{"one small", table("a 10", "b 2", "c 7"), "b c"},
		// Two cells of 1 would be pinned by their sum, 2: a third goes.
		{"two ones", table("a 1", "b 1", "c 9", "d 6"), "a b d"},
		{"two small", table("a 1", "b 3", "c 9"), "a b"},
		{"all small, total shown", table("a 2", "b 4"), "a b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cells, totalHidden := Table(tt.cells, 1, 5)
			if totalHidden {
				t.Fatal("total suppressed")
			}
			if got := hidden(cells); got != tt.want {
				t.Errorf("hidden %q, want %q", got, tt.want)
			}
			if d := determined(cells, 1, 5, false); len(d) > 0 {
				t.Errorf("%s can be worked out", hidden(d))
			}
		})
	}
	cells, totalHidden := Table(table("a 1", "b 2"), 1, 5)
	if !totalHidden || hidden(cells) != "a b" {
		t.Errorf("a total of 3 is shown, or its cells: %q", hidden(cells))
	}
}

// Two blocks of hidden cells joined by one hidden cell: every row and
// column has two hidden cells, and yet the row and column totals give that
// one cell away. Rule 2 finds it.
func TestSuppressBridge(t *testing.T) {
	cells := table(
		"r1 c1 2", "r1 c2 2", "r1 c5 30",
		"r2 c1 2", "r2 c2 2", "r2 c3 2", "r2 c5 30",
		"r3 c3 2", "r3 c4 2", "r3 c5 30",
		"r4 c3 2", "r4 c4 2", "r4 c5 30",
		"r5 c1 30", "r5 c2 30", "r5 c3 30", "r5 c4 30",
	)
	cells, _ = Table(cells, 2, 5)
	if d := determined(cells, 2, 5, false); len(d) > 0 {
		t.Fatalf("%s can be worked out from the row and column totals; hidden: %s", hidden(d), hidden(cells))
	}
}

// Random tables of one, two and three dimensions: every small count is
// hidden, none can be worked out by subtraction from the total and the
// marginals, and for one and two dimensions none follows from them by any
// linear combination either.
func TestSuppressRandomTables(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	leaks, tables3, hiddenTotals := 0, 0, 0
	defer func() {
		t.Logf("%d totals hidden to protect a cell; three dimensions: in %d of %d tables, a small count follows from the marginals of other answers",
			hiddenTotals, leaks, tables3)
	}()
	for n := 0; n < 3000; n++ {
		dims := 1 + n%3
		threshold := 3 + r.IntN(4)
		sizes := []int{2 + r.IntN(6), 2 + r.IntN(5), 2 + r.IntN(3)}[:dims]
		var cells []*Cell
		var walk func(prefix []string)
		walk = func(prefix []string) {
			if len(prefix) == dims {
				count := 0
				switch x := r.Float64(); {
				case x < 0.25:
					return // nobody: not a row
				case x < 0.6:
					count = 1 + r.IntN(threshold-1)
				default:
					count = threshold + r.IntN(40)
				}
				cells = append(cells, &Cell{Values: append([]string(nil), prefix...), Count: count})
				return
			}
			for v := 0; v < sizes[len(prefix)]; v++ {
				walk(append(prefix, fmt.Sprintf("v%d", v)))
			}
		}
		walk(nil)
		total := 0
		for _, c := range cells {
			total += c.Count
		}
		cells, totalHidden := Table(cells, dims, threshold)
		if total > 0 && total < threshold && !totalHidden {
			t.Fatalf("table %d: a total of %d is shown", n, total)
		}
		if totalHidden && total >= threshold {
			hiddenTotals++
		}
		allHidden := true
		for _, c := range cells {
			if c.Count < threshold && !c.Suppressed {
				t.Fatalf("table %d: %v (%d) is shown", n, c.Values, c.Count)
			}
			allHidden = allHidden && c.Suppressed
		}
		if totalHidden {
			continue
		}
		if dims == 3 {
			// Within the answer, against its cells and its total; against
			// the marginals of other answers too as far as the rules get
			// (see suppress.go), which this counts.
			for _, c := range peel(cells, dims, threshold, totalHidden) {
				if c.Primary {
					leaks++
					break
				}
			}
			tables3++
			if !totalHidden {
				for _, c := range peelTotal(cells) {
					if c.Primary {
						t.Fatalf("table %d: %v (%d) is the total less the other cells; hidden: %s", n, c.Values, c.Count, hidden(cells))
					}
				}
			}
			continue
		}
		// When every cell is hidden already (and every combination of the
		// values is in the table), nothing more can be done here: the
		// other answers' totals fix such a cell whatever this one hides.
		for _, c := range peel(cells, dims, threshold, totalHidden) {
			if c.Primary && !allHidden {
				t.Fatalf("table %d (%d dims, threshold %d): %v (%d) can be worked out by subtraction; hidden: %s",
					n, dims, threshold, c.Values, c.Count, hidden(cells))
			}
		}
		for _, c := range determined(cells, dims, threshold, totalHidden) {
			if c.Primary && !allHidden {
				t.Fatalf("table %d (%d dims, threshold %d): %v (%d) can be worked out; hidden: %s",
					n, dims, threshold, c.Values, c.Count, hidden(cells))
			}
		}
	}
}
