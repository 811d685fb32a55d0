package suppress

import (
	"cmp"
	"slices"
)

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
// reached from u get 1, those reached from the other end of cut 2; the
// others, and names the graph does not have, 0.
func (g *graph) sideOf(u string, cut int) map[string]int {
	side := map[string]int{}
	mark := func(from, value int) {
		if _, ok := side[g.names[from]]; ok {
			return
		}
		side[g.names[from]] = value
		queue := []int{from}
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
	start := g.ids[u]
	mark(start, 1)
	for _, e := range g.adj[start] {
		if e.id == cut {
			mark(e.to, 2)
		}
	}
	return side
}
