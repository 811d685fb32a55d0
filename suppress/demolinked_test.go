package suppress

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// demoLinked reads the demo's counts by two dimensions and 2024 district
// (testdata, the unit the ui-th) as statlinked builds them: the answer by
// the two, the one with the district for the unit, their groups joined.
func demoLinked(t *testing.T, name string, ui int) (fine []*Cell, co *Coarse, ns []Nesting) {
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type joint struct {
		v     [3]string
		count int
	}
	var rows []joint
	groups := joins{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		var j joint
		if _, err := fmt.Sscanf(s.Text(), "[%q %q %q] %d", &j.v[0], &j.v[1], &j.v[2], &j.count); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, j)
		groups.join("u"+j.v[ui], "d"+j.v[2])
	}
	by := func(district bool) []*Cell {
		cells := map[string]*Cell{}
		var out []*Cell
		for _, j := range rows {
			v := []string{j.v[0], j.v[1]}
			if district {
				v[ui] = j.v[2]
			}
			k := strings.Join(v, "\x00")
			if cells[k] == nil {
				cells[k] = &Cell{Values: v}
				out = append(out, cells[k])
			}
			cells[k].Count += j.count
		}
		return out
	}
	key := func(prefix string) func([]string) string {
		return func(v []string) string { return v[1-ui] + "\x00" + groups.root(prefix+v[ui]) }
	}
	co = &Coarse{Cells: by(true), Dims: 2, Key: key("d"), FineKey: key("u"),
		Joined: Nesting{Dim: ui, Levels: func(d string) []string { return []string{groups.root("d" + d)} }}}
	ns = []Nesting{{Dim: ui, Levels: func(u string) []string { return []string{groups.root("u" + u)} }}}
	return by(false), co, ns
}

// oneWayOfLinked is what the answers by each dimension alone hide, for
// fine and co of two dimensions, one of them the dimension they are
// linked by (co.Joined.Dim), as statlinked has them: by the other a table
// of its own, by the linked one the answers by unit and by district
// suppressed together. ok is false when one of them has no rows.
func oneWayOfLinked(fine []*Cell, co *Coarse, ns []Nesting, threshold int) (oneWay []map[string]bool, ok bool) {
	ld := co.Joined.Dim
	other := 1 - ld
	by := func(cells []*Cell, d int) []*Cell {
		byValue := map[string]*Cell{}
		var out []*Cell
		for _, c := range cells {
			v := c.Values[d]
			if byValue[v] == nil {
				byValue[v] = &Cell{Values: []string{v}}
				out = append(out, byValue[v])
			}
			byValue[v].Count += c.Count
		}
		slices.SortFunc(out, func(a, b *Cell) int { return strings.Compare(a.Values[0], b.Values[0]) })
		return out
	}
	hiddenOf := func(cells []*Cell) map[string]bool {
		out := map[string]bool{}
		for _, c := range cells {
			if c.Suppressed {
				out[c.Values[0]] = true
			}
		}
		return out
	}
	values, hidden := NestedTable(by(fine, other), 1, threshold)
	if hidden {
		return nil, false
	}
	at := func(key func([]string) string) func([]string) string {
		return func(v []string) string {
			w := make([]string, 2)
			w[ld] = v[0]
			return key(w)
		}
	}
	districts := &Coarse{Cells: by(co.Cells, ld), Dims: 1, Key: at(co.Key), FineKey: at(co.FineKey),
		Joined: Nesting{Dim: 0, Levels: co.Joined.Levels}}
	units, hidden := Linked(by(fine, ld), 1, threshold, []Nesting{{Dim: 0, Levels: ns[0].Levels}}, []*Coarse{districts})
	if hidden || districts.TotalHidden {
		return nil, false
	}
	oneWay, co.OneWay = make([]map[string]bool, 2), make([]map[string]bool, 2)
	oneWay[other], co.OneWay[other] = hiddenOf(values), hiddenOf(values)
	oneWay[ld], co.OneWay[ld] = hiddenOf(units), hiddenOf(districts.Cells)
	return oneWay, true
}

// The demo's answers by level and unit, and by title and unit, kept only
// their totals (the answers by unit and by 2024 district join almost every
// unit and district into one group, whose sums were taken as published):
// knowing what the answers by one dimension hide, they have rows, and no
// small count, of theirs, of the answers with the district for the unit,
// or of the answers by one dimension (Tân Hiệp's 4: the units hidden
// together, less Giồng Riềng's one cell), follows from them. (By unit and
// kind of organization the rows are still left out.)
func TestDemoLinkedKeepsRows(t *testing.T) {
	for _, q := range []struct {
		name string
		ui   int
	}{{"demo-level-unit.txt", 1}, {"demo-title-unit.txt", 1}} {
		t.Run(q.name, func(t *testing.T) {
			fine, co, ns := demoLinked(t, q.name, q.ui)
			oneWay, ok := oneWayOfLinked(fine, co, ns, 5)
			if !ok {
				t.Fatal("an answer by one dimension has no rows")
			}
			fine, hidden := LinkedOneWay(fine, 2, 5, oneWay, ns, []*Coarse{co})
			if hidden || co.TotalHidden {
				t.Fatalf("rows left out: by unit %v, by district %v", hidden, co.TotalHidden)
			}
			large := 0
			for _, c := range fine {
				if c.Count >= 5 {
					large++
				}
			}
			if shown := len(fine) - hiddenCells(fine); 2*shown < large {
				t.Errorf("%d of %d cells shown, want at least half the %d of 5 or more", shown, len(fine), large)
			}
			sums := publishedSums(fine, co.Cells, co.FineKey, co.Key, 5, oneWay, co.OneWay)
			rows := append(smallRows(fine, oneWay, 5), smallRows(co.Cells, co.OneWay, 5)...)
			if got := workedOutOf(sums, fine, co.Cells, false, rows...); got != "" {
				t.Errorf("%s worked out from %s", got, joinedString(fine, co.Cells, func(s string) string { return "" }))
			}
		})
	}
}
