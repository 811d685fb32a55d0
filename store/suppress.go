package store

import (
	"cmp"
	"slices"
	"strings"
)

// Small-cell suppression of a table of counts.
//
// Primary suppression hides every count from 1 to the threshold minus one.
// Secondary suppression then hides more counts until no hidden one can be
// worked out from what is published. What is treated as published:
//
//   - the table's own cells and its total (a combination missing from the
//     table is known to be 0, so every hidden count is known to be at least
//     1);
//   - every marginal of the table, that is, the sum over the cells that
//     share the values of some of the dimensions (a row or a column total
//     of a two-way table, its grand total), as if another request had asked
//     for it: a marginal is taken as published whenever it is not itself
//     below the threshold.
//
// Rules, applied until nothing changes:
//
//  1. in every published marginal, the hidden cells are none, or at least
//     two whose counts add up to more than their number: one hidden cell
//     would be the marginal less the others, and hidden cells all of count
//     1 would be pinned by their sum; the smallest visible cell of the
//     marginal is hidden next;
//  2. for two dimensions, where the rows and columns are the only
//     marginals besides the total, no count below the threshold may follow
//     from any combination of them: a hidden cell can be worked out exactly
//     when it is a bridge of the graph whose vertices are the rows and the
//     columns and whose edges are the hidden cells (rows and columns whose
//     totals are not published merged into one vertex of each side, whose
//     sum the total gives), so a visible cell that closes a cycle through it
//     is hidden next, the smallest first.
//
// For one dimension the rules protect the table exactly; for three, rule 1
// protects every marginal line by line, and within the answer itself (its
// cells and its total) no hidden count can be worked out.

// statCell is one combination of dimension values and its count.
type statCell struct {
	values     []string
	count      int
	suppressed bool
	primary    bool
}

// suppress marks the cells to suppress, and reports whether the total must
// be suppressed too. A total from 1 to threshold-1 is, and then every cell
// is below the threshold as well.
func suppress(cells []*statCell, dims, threshold int) (totalSuppressed bool) {
	total := 0
	for _, c := range cells {
		total += c.count
	}
	for _, c := range cells {
		if c.count > 0 && c.count < threshold {
			c.suppressed, c.primary = true, true
		}
	}
	if total > 0 && total < threshold {
		return true
	}
	groups := marginalGroups(cells, dims, threshold)
	for {
		if fixLine(groups) {
			continue
		}
		if dims == 2 && fixBridge(cells, threshold) {
			continue
		}
		return false
	}
}

// marginalGroups lists the published marginals: for every proper subset of
// the dimensions, the cells grouped by their values on it, the groups whose
// sum reaches the threshold. The empty subset is the grand total.
func marginalGroups(cells []*statCell, dims, threshold int) [][]*statCell {
	var out [][]*statCell
	for mask := 0; mask < 1<<dims-1; mask++ {
		byKey := map[string][]*statCell{}
		var keys []string
		for _, c := range cells {
			var k strings.Builder
			for d := 0; d < dims; d++ {
				if mask&(1<<d) != 0 {
					k.WriteString(c.values[d])
				}
				k.WriteByte(0)
			}
			key := k.String()
			if _, ok := byKey[key]; !ok {
				keys = append(keys, key)
			}
			byKey[key] = append(byKey[key], c)
		}
		slices.Sort(keys)
		for _, k := range keys {
			g := byKey[k]
			sum := 0
			for _, c := range g {
				sum += c.count
			}
			if sum >= threshold {
				out = append(out, g)
			}
		}
	}
	return out
}

// fixLine applies rule 1 to the first marginal that breaks it, and reports
// whether it hid a cell.
func fixLine(groups [][]*statCell) bool {
	for _, g := range groups {
		hidden, sum := 0, 0
		for _, c := range g {
			if c.suppressed {
				hidden++
				sum += c.count
			}
		}
		if hidden == 0 || hidden >= 2 && sum > hidden {
			continue
		}
		if c := smallestVisible(g); c != nil {
			c.suppressed = true
			return true
		}
	}
	return false
}

// smallestVisible is the cell of cells with the smallest count that is not
// suppressed yet, the first in table order on a tie; nil when there is none.
func smallestVisible(cells []*statCell) *statCell {
	var best *statCell
	for _, c := range cells {
		if !c.suppressed && (best == nil || c.count < best.count) {
			best = c
		}
	}
	return best
}

// fixBridge applies rule 2 to a two-way table: it finds a hidden cell below
// the threshold that the row and column totals determine, hides the
// smallest visible cell that puts it on a cycle (or, when none does, the
// smallest visible cell of its row or column, or of the table), and reports
// whether it hid one.
func fixBridge(cells []*statCell, threshold int) bool {
	rowSum, colSum := map[string]int{}, map[string]int{}
	for _, c := range cells {
		rowSum[c.values[0]] += c.count
		colSum[c.values[1]] += c.count
	}
	// Vertices: a published row or column by its value; the others merged
	// into one per side. Every vertex's sum is published.
	vertex := func(side byte, value string, sum int) string {
		if sum < threshold {
			return string(side) + "*"
		}
		return string(side) + ":" + value
	}
	ends := func(c *statCell) (string, string) {
		return vertex('r', c.values[0], rowSum[c.values[0]]), vertex('c', c.values[1], colSum[c.values[1]])
	}
	var edges []*statCell
	for _, c := range cells {
		if c.suppressed {
			edges = append(edges, c)
		}
	}
	g := newGraph()
	for i, c := range edges {
		u, v := ends(c)
		g.add(u, v, i)
	}
	for _, i := range g.bridges() {
		c := edges[i]
		if !c.primary {
			continue
		}
		// The two sides the bridge joins; a visible cell between them
		// closes a cycle through it.
		u, v := ends(c)
		side := g.sideOf(u, i)
		var across, near []*statCell
		for _, d := range cells {
			if d.suppressed {
				continue
			}
			a, b := ends(d)
			if side[a]*side[b] == 2 {
				across = append(across, d)
			}
			if a == u || b == v {
				near = append(near, d)
			}
		}
		for _, candidates := range [][]*statCell{across, near, cells} {
			if d := smallestVisible(candidates); d != nil {
				d.suppressed = true
				return true
			}
		}
		return false
	}
	return false
}

// graph is an undirected multigraph whose edges have ids.
type graph struct {
	ids   map[string]int
	adj   [][]halfEdge
	names []string
}

type halfEdge struct{ to, id int }

func newGraph() *graph { return &graph{ids: map[string]int{}} }

func (g *graph) vertex(name string) int {
	if i, ok := g.ids[name]; ok {
		return i
	}
	g.ids[name] = len(g.adj)
	g.adj = append(g.adj, nil)
	g.names = append(g.names, name)
	return len(g.adj) - 1
}

func (g *graph) add(u, v string, id int) {
	a, b := g.vertex(u), g.vertex(v)
	g.adj[a] = append(g.adj[a], halfEdge{b, id})
	g.adj[b] = append(g.adj[b], halfEdge{a, id})
}

// bridges returns the ids of the edges whose removal disconnects their
// ends, in increasing order (Tarjan's low-link, iteratively).
func (g *graph) bridges() []int {
	n := len(g.adj)
	disc, low := make([]int, n), make([]int, n)
	for i := range disc {
		disc[i] = -1
	}
	type frame struct{ v, parentEdge, next int }
	var out []int
	time := 0
	for root := 0; root < n; root++ {
		if disc[root] >= 0 {
			continue
		}
		stack := []frame{{root, -1, 0}}
		disc[root], low[root] = time, time
		time++
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(g.adj[f.v]) {
				e := g.adj[f.v][f.next]
				f.next++
				if e.id == f.parentEdge {
					continue
				}
				if disc[e.to] < 0 {
					disc[e.to], low[e.to] = time, time
					time++
					stack = append(stack, frame{e.to, e.id, 0})
				} else {
					low[f.v] = min(low[f.v], disc[e.to])
				}
				continue
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				low[p.v] = min(low[p.v], low[f.v])
				if low[f.v] > disc[p.v] {
					out = append(out, f.parentEdge)
				}
			}
		}
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}

// sideOf splits the component of vertex u without edge cut: the vertices
// reached from u get 1, the others of the component 2; vertices of other
// components, and vertex names the graph does not have, get 0.
func (g *graph) sideOf(u string, cut int) map[string]int {
	side := map[string]int{}
	start := g.ids[u]
	mark := func(from, value int) {
		queue := []int{from}
		if _, ok := side[g.names[from]]; ok {
			return
		}
		side[g.names[from]] = value
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, e := range g.adj[v] {
				if e.id == cut {
					continue
				}
				if _, ok := side[g.names[e.to]]; !ok {
					side[g.names[e.to]] = value
					queue = append(queue, e.to)
				}
			}
		}
	}
	mark(start, 1)
	for _, e := range g.adj[start] {
		if e.id == cut {
			// The other end of the bridge, and what it reaches.
			mark(e.to, 2)
		}
	}
	return side
}
