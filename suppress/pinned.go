package suppress

// Linked answers by one dimension are audited as a network before they
// are published: people flow from the total through the finer cells
// (units) to their groups and on through the coarser cells (districts)
// back to the total. A shown cell carries exactly its count, a hidden one
// at least one person (an empty one added, none), and a group passes on
// what it takes in: all that the two answers tell together. A small count
// that no other flow allows is worked out, whatever way one finds it.
// Such flows are integral, so the network's answer is exact for whole
// people too.

// pinned reports whether a small count of fine or of the coarser answer
// c has only one value that agrees with both answers, whose total is
// published (one below the threshold is hidden, and the rows with it).
func pinned(fine []*Cell, c *Coarse) bool {
	total := 0
	for _, f := range fine {
		total += f.Count
	}
	groups := map[string]int{}
	node := func(k string) int {
		if n, ok := groups[k]; ok {
			return n
		}
		groups[k] = 2 + len(fine) + len(c.Cells) + len(groups)
		return groups[k]
	}
	const source, sink = 0, 1
	var edges []bounded
	bounds := func(cell *Cell) bounded {
		switch {
		case !cell.Suppressed:
			return bounded{lo: cell.Count, hi: cell.Count}
		case cell.Count > 0:
			return bounded{lo: 1, hi: total}
		}
		return bounded{lo: 0, hi: total}
	}
	for i, f := range fine {
		b := bounds(f)
		b.from, b.to = source, 2+i
		edges = append(edges, b, bounded{from: 2 + i, to: node(c.FineKey(f.Values)), hi: total})
	}
	for j, cc := range c.Cells {
		b := bounds(cc)
		b.from, b.to = 2+len(fine)+j, sink
		edges = append(edges, bounded{from: node(c.Key(cc.Values)), to: 2 + len(fine) + j, hi: total}, b)
	}
	edges = append(edges, bounded{from: sink, to: source, lo: total, hi: total})
	nodes := 2 + len(fine) + len(c.Cells) + len(groups)
	// Each cell's bounds are the first of its two edges for the finer
	// cells, the second for the coarser.
	check := func(at int, cell *Cell) bool {
		if !cell.Primary {
			return false
		}
		e := edges[at]
		for _, b := range []bounded{{lo: e.lo, hi: cell.Count - 1}, {lo: cell.Count + 1, hi: e.hi}} {
			edges[at].lo, edges[at].hi = b.lo, b.hi
			ok := b.lo <= b.hi && feasible(nodes, edges)
			edges[at] = e
			if ok {
				return false
			}
		}
		return true
	}
	for i, f := range fine {
		if check(2*i, f) {
			return true
		}
	}
	for j, cc := range c.Cells {
		if check(2*len(fine)+2*j+1, cc) {
			return true
		}
	}
	return false
}

// bounded is an edge of a network that carries from lo to hi.
type bounded struct{ from, to, lo, hi int }

// feasible reports whether the network's edges can carry a circulation
// within their bounds: a flow of the lower bounds, and what it leaves
// unbalanced carried by a maximum flow in the room above them.
func feasible(nodes int, edges []bounded) bool {
	net := newFlowNet(nodes + 2)
	s, t := nodes, nodes+1
	excess := make([]int, nodes)
	for _, e := range edges {
		net.add(e.from, e.to, e.hi-e.lo)
		excess[e.to] += e.lo
		excess[e.from] -= e.lo
	}
	need := 0
	for v, x := range excess {
		if x > 0 {
			net.add(s, v, x)
			need += x
		} else if x < 0 {
			net.add(v, t, -x)
		}
	}
	return net.maxFlow(s, t) == need
}

// flowNet is a network for maximum flows (Dinic's algorithm).
type flowNet struct {
	adj   [][]int // edge indexes by node
	to    []int
	room  []int
	level []int
	next  []int
}

func newFlowNet(n int) *flowNet { return &flowNet{adj: make([][]int, n)} }

func (g *flowNet) add(u, v, room int) {
	g.adj[u] = append(g.adj[u], len(g.to))
	g.to, g.room = append(g.to, v), append(g.room, room)
	g.adj[v] = append(g.adj[v], len(g.to))
	g.to, g.room = append(g.to, u), append(g.room, 0)
}

func (g *flowNet) maxFlow(s, t int) int {
	flow := 0
	for g.levels(s, t) {
		g.next = make([]int, len(g.adj))
		for {
			f := g.push(s, t, int(^uint(0)>>1))
			if f == 0 {
				break
			}
			flow += f
		}
	}
	return flow
}

// levels numbers the nodes by their distance from s in the residual
// network, reporting whether t is reached.
func (g *flowNet) levels(s, t int) bool {
	g.level = make([]int, len(g.adj))
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	queue := []int{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range g.adj[u] {
			if v := g.to[e]; g.room[e] > 0 && g.level[v] < 0 {
				g.level[v] = g.level[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return g.level[t] >= 0
}

// push sends up to limit from u to t along a path of increasing levels.
func (g *flowNet) push(u, t, limit int) int {
	if u == t {
		return limit
	}
	for ; g.next[u] < len(g.adj[u]); g.next[u]++ {
		e := g.adj[u][g.next[u]]
		v := g.to[e]
		if g.room[e] == 0 || g.level[v] != g.level[u]+1 {
			continue
		}
		if f := g.push(v, t, min(limit, g.room[e])); f > 0 {
			g.room[e] -= f
			g.room[e^1] += f
			return f
		}
	}
	return 0
}
