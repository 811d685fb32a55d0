package suppress

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// In random two-way tables suppressed knowing what the answers by each
// dimension alone hide, no small count, of theirs or of those answers,
// follows from any linear combination of what is published: the visible cells and the total, the
// one-way answers' visible rows, and the sum of each one's hidden rows
// (the total less the others).
func TestSuppressKnowingOneWayRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 3000 {
		threshold := 3 + r.IntN(4)
		var cells []*Cell
		for a := range 2 + r.IntN(5) {
			for b := range 2 + r.IntN(3) {
				count := 0
				switch x := r.Float64(); {
				case x < 0.25:
					continue
				case x < 0.6:
					count = 1 + r.IntN(threshold-1)
				default:
					count = threshold + r.IntN(40)
				}
				cells = append(cells, &Cell{Values: []string{fmt.Sprint("a", a), fmt.Sprint("b", b)}, Count: count})
			}
		}
		// The one-way answers, as Table gives them.
		oneWay := make([]map[string]bool, 2)
		rows := make([]map[string]*Cell, 2)
		for d := range 2 {
			rows[d] = map[string]*Cell{}
			var byD []*Cell
			for _, c := range cells {
				v := c.Values[d]
				if rows[d][v] == nil {
					rows[d][v] = &Cell{Values: []string{v}}
					byD = append(byD, rows[d][v])
				}
				rows[d][v].Count += c.Count
			}
			byD, hidden := Table(byD, 1, threshold)
			if hidden {
				oneWay = nil
				break
			}
			oneWay[d] = map[string]bool{}
			for _, c := range byD {
				if c.Suppressed {
					oneWay[d][c.Values[0]] = true
				}
			}
		}
		if oneWay == nil || len(cells) == 0 {
			continue
		}
		cells, totalHidden := NestedTableOneWay(cells, 2, threshold, oneWay)
		if totalHidden {
			continue // the rows are left out
		}
		var sums []sumIs
		var hidden []*Cell
		all := sumIs{}
		for _, c := range cells {
			all.plus = append(all.plus, c)
			all.value += c.Count
			if c.Suppressed {
				hidden = append(hidden, c)
			} else {
				sums = append(sums, sumIs{plus: []*Cell{c}, value: c.Count})
			}
		}
		sums = append(sums, all)
		for d := range 2 {
			rest := sumIs{}
			for v := range rows[d] {
				s := sumIs{}
				for _, c := range cells {
					if c.Values[d] == v {
						s.plus = append(s.plus, c)
						s.value += c.Count
					}
				}
				if oneWay[d][v] {
					rest.plus = append(rest.plus, s.plus...)
					rest.value += s.value
				} else {
					sums = append(sums, s)
				}
			}
			sums = append(sums, rest)
		}
		// Nor does a small row of a one-way answer, a cell of its own.
		rowOf := map[*Cell]bool{}
		for d := range 2 {
			for _, row := range groupBy(cells, func(v []string) string { return v[d] }) {
				sum := 0
				for _, c := range row {
					sum += c.Count
				}
				if sum > 0 && sum < threshold && len(row) > 1 {
					aux := &Cell{Values: []string{row[0].Values[d]}, Count: sum, Primary: true}
					hidden, rowOf[aux] = append(hidden, aux), true
					sums = append(sums, sumIs{plus: []*Cell{aux}, minus: row})
				}
			}
		}
		for _, c := range linearlyFixed(sums, hidden) {
			if rowOf[c] {
				t.Fatalf("table %d: the row %v = %d follows from what is published", n, c.Values, c.Count)
			}
			if c.Primary {
				t.Fatalf("table %d: %v = %d follows from what is published", n, c.Values, c.Count)
			}
		}
	}
}

// The answer by title alone hides Giáo sư's 4, and Phó giáo sư's 10 to
// protect it; the answer by title and level showed both of Phó giáo sư's
// cells, 5 and 5, and so Giáo sư's 4 (the hidden rows' 14, less them).
func TestOneWaySmallRowNotGivenAway(t *testing.T) {
	cells := []*Cell{
		{Values: []string{"GS", "A"}, Count: 2}, {Values: []string{"GS", "B"}, Count: 2},
		{Values: []string{"PGS", "A"}, Count: 5}, {Values: []string{"PGS", "B"}, Count: 5},
		{Values: []string{"R", "A"}, Count: 20}, {Values: []string{"R", "B"}, Count: 1},
		{Values: []string{"Z", "A"}, Count: 100}, {Values: []string{"Z", "B"}, Count: 100},
	}
	one, _ := Table([]*Cell{{Values: []string{"GS"}, Count: 4}, {Values: []string{"PGS"}, Count: 10},
		{Values: []string{"R"}, Count: 21}, {Values: []string{"Z"}, Count: 200}}, 1, 5)
	hidden := map[string]bool{}
	for _, c := range one {
		if c.Suppressed {
			hidden[c.Values[0]] = true
		}
	}
	if !hidden["GS"] || !hidden["PGS"] {
		t.Fatalf("the answer by title alone hides %v, want GS and PGS", hidden)
	}
	out, rowsOut := NestedTableOneWay(cells, 2, 5, []map[string]bool{hidden, {}})
	if rowsOut {
		t.Fatal("rows left out")
	}
	shown := 0
	for _, c := range out {
		if c.Values[0] == "PGS" && !c.Suppressed {
			shown++
		}
	}
	if shown == 2 {
		t.Errorf("both of Phó giáo sư's cells are shown: Giáo sư's 4 is the hidden rows' 14 less them")
	}
}
