package suppress

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// A suppression given too small an allowance stops with ErrAllowance and
// no table; given enough, it marks the same cells as without one.
func TestAllowanceStopsSuppression(t *testing.T) {
	num := func(v string) int { n, _ := strconv.Atoi(v[1:]); return n }
	districtOf := func(u string) string { return fmt.Sprint("d", num(u)/4) }
	// sparse is a three-way table of small counts, level × field × unit.
	sparse := func() []*Cell {
		r := rand.New(rand.NewPCG(7, 19))
		seen := map[string]bool{}
		var cells []*Cell
		for len(cells) < 150 {
			v := []string{fmt.Sprintf("l%d", r.IntN(7)), fmt.Sprintf("f%02d", r.IntN(60)), fmt.Sprintf("u%02d", r.IntN(30))}
			if k := fmt.Sprint(v); !seen[k] {
				seen[k] = true
				cells = append(cells, &Cell{Values: v, Count: 1 + r.IntN(6)})
			}
		}
		return cells
	}
	nest := []Nesting{{Dim: 1, Levels: func(f string) []string { return []string{fmt.Sprint("a", num(f)/10)} }},
		{Dim: 2, Levels: func(u string) []string { return []string{districtOf(u)} }}}
	// linked is a table by unit and level, with the same people by
	// district and level beside it.
	linked := func(a *Allowance) ([]*Cell, bool, error) {
		r := rand.New(rand.NewPCG(3, 5))
		var fine []*Cell
		byKey := map[string]*Cell{}
		var coarse []*Cell
		for u := range 30 {
			for l := range 6 {
				if r.IntN(3) == 0 {
					continue
				}
				c := &Cell{Values: []string{fmt.Sprintf("u%02d", u), fmt.Sprint("l", l)}, Count: 1 + r.IntN(7)}
				fine = append(fine, c)
				k := districtOf(c.Values[0]) + "\x00" + c.Values[1]
				if byKey[k] == nil {
					byKey[k] = &Cell{Values: []string{districtOf(c.Values[0]), c.Values[1]}}
					coarse = append(coarse, byKey[k])
				}
				byKey[k].Count += c.Count
			}
		}
		co := &Coarse{Cells: coarse, Dims: 2, Key: func(v []string) string { return strings.Join(v, "\x00") },
			FineKey: func(v []string) string { return districtOf(v[0]) + "\x00" + v[1] }}
		ns := []Nesting{{Dim: 0, Levels: func(u string) []string { return []string{districtOf(u)} }}}
		if a == nil {
			out, hidden := Linked(fine, 2, 5, ns, []*Coarse{co})
			return append(out, co.Cells...), hidden, nil
		}
		out, hidden, err := a.Linked(fine, 2, 5, ns, []*Coarse{co})
		if err != nil {
			return nil, false, err
		}
		return append(out, co.Cells...), hidden, nil
	}
	tests := []struct {
		name string
		run  func(a *Allowance) ([]*Cell, bool, error)
	}{
		{"Table", func(a *Allowance) ([]*Cell, bool, error) {
			if a == nil {
				out, hidden := Table(sparse(), 3, 3)
				return out, hidden, nil
			}
			return a.Table(sparse(), 3, 3)
		}},
		{"NestedTable", func(a *Allowance) ([]*Cell, bool, error) {
			if a == nil {
				out, hidden := NestedTable(sparse(), 3, 3, nest...)
				return out, hidden, nil
			}
			return a.NestedTable(sparse(), 3, 3, nest...)
		}},
		{"NestedTableOneWay", func(a *Allowance) ([]*Cell, bool, error) {
			oneWay := []map[string]bool{{"l6": true}, {}, {}}
			if a == nil {
				out, hidden := NestedTableOneWay(sparse(), 3, 3, oneWay, nest...)
				return out, hidden, nil
			}
			return a.NestedTableOneWay(sparse(), 3, 3, oneWay, nest...)
		}},
		{"Linked", linked},
	}
	marks := func(cells []*Cell, hidden bool) string {
		var b strings.Builder
		fmt.Fprintln(&b, "total hidden:", hidden)
		for _, c := range cells {
			fmt.Fprintln(&b, c.Values, c.Count, mark(c))
		}
		return b.String()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantHidden, _ := tt.run(nil)
			tiny := NewAllowance(100)
			if out, _, err := tt.run(tiny); !errors.Is(err, ErrAllowance) || out != nil {
				t.Errorf("within 100 steps: %d cells, %v; want ErrAllowance and none", len(out), err)
			}
			enough := NewAllowance(10_000_000)
			got, gotHidden, err := tt.run(enough)
			if err != nil {
				t.Fatalf("within 10 million steps: %v", err)
			}
			if g, w := marks(got, gotHidden), marks(want, wantHidden); g != w {
				t.Errorf("within the allowance it marks\n%s\nwithout one\n%s", g, w)
			}
			t.Logf("%d steps", enough.Spent())
			if enough.Spent() <= 100 {
				t.Errorf("%d steps: the tiny allowance does not stop it midway", enough.Spent())
			}
		})
	}
}
