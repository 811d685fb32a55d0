package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/suppress"
)

// Answers by unit and by 2024 district are suppressed together. The two
// count the same people, each by the unit of a position (the current one
// on the day, and the one held on the last day of the districts), so each
// district's count is the sum of some units': of the units its people
// work in now. A district's count less the units shown in it would tell
// the one unit hidden there, and a district hidden to protect another
// would be the sum of its units shown. So every answer by a unit is
// counted by both, person by person, and suppressed with the other
// (suppress.Linked): the units as the finer table, the districts a
// coarser answer of it.
//
// Mostly a unit lies in one district. Where people who work in a unit now
// were in several districts (they moved, or the 2025 commune was formed
// from parts of two), the units and districts they join are taken as one
// group, whose units' sum is its districts' sum: that is all the two
// answers tell together. A district that is one of several in its group
// is not the sum of any units, so it needs no hidden unit to guard it:
// the group's sum is taken as published, in both answers (by the unit
// alone, only where one answer shows all of it: suppress.Linked).

// statTable is one suppressed table of an answer.
type statTable struct {
	dims        []*statDim
	cells       []*suppress.Cell
	total       int
	totalHidden bool
	// withheld: the filter selects people of a count a table without it
	// hides, so nothing is shown (statpinned.go).
	withheld bool
}

// statTables counts and suppresses the answer by dims; with linked, the
// indexes of some of dims (one the unit), the answer by those, the unit as
// its 2024 district, too, suppressed together with it.
//
// Suppression breaks its ties (which of two equal cells to hide) by the
// order of the dimensions and cells it is given: were that the request's,
// an answer and its transposition would hide different cells, and together
// tell which hidden ones are empty, or a small count. So it is given one
// order whatever the request's: the dimensions by their number in the
// contract, the cells by their values (sortCells); the tables are put back
// in the request's order after.
//
// Suppression spends work (nil: no bound); a ResourceExhausted error says
// it would need more.
func (tx *Tx) statTables(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, scope *statsScope, threshold int,
	linked []int, work *suppress.Allowance) ([]*statTable, error) {
	order := make([]int, len(dims)) // the request's index of each canonical dimension
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(dims[a].kind, dims[b].kind) })
	canonical, at := make([]*statDim, len(dims)), make([]int, len(dims))
	for j, i := range order {
		canonical[j], at[i] = dims[i], j
	}
	var canonicalLinked []int
	for _, i := range linked {
		canonicalLinked = append(canonicalLinked, at[i])
	}
	slices.Sort(canonicalLinked)
	tables, err := tx.suppressTables(ctx, q, on, canonical, scope, threshold, canonicalLinked, work)
	if err != nil {
		return nil, err
	}
	tables[0].reorder(at)
	if len(tables) > 1 {
		from := make([]int, len(linked))
		for k, i := range linked {
			from[k] = slices.Index(canonicalLinked, at[i])
		}
		tables[1].reorder(from)
	}
	return tables, nil
}

// reorder puts the table's dimensions, and its cells' values, in another
// order: from[i] is the place in t.dims of the new order's i-th.
func (t *statTable) reorder(from []int) {
	dims := make([]*statDim, len(from))
	for i, j := range from {
		dims[i] = t.dims[j]
	}
	t.dims = dims
	for _, c := range t.cells {
		v := make([]string, len(from))
		for i, j := range from {
			v[i] = c.Values[j]
		}
		c.Values = v
	}
}

// suppressTables is statTables with dims in the canonical order.
func (tx *Tx) suppressTables(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, scope *statsScope, threshold int,
	linked []int, work *suppress.Allowance) ([]*statTable, error) {
	ui := slices.IndexFunc(dims, func(d *statDim) bool { return d.kind == pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT })
	if ui < 0 {
		cells, err := tx.countCells(ctx, dims, scope.listed, scope.where, scope.args)
		if err != nil {
			return nil, err
		}
		oneWay, err := oneWayHidden(cells, dims, threshold, work)
		if err != nil {
			return nil, err
		}
		var twoWay map[int]map[string]bool
		if len(dims) == 3 {
			if twoWay, err = twoWayHidden(cells, dims, threshold, work); err != nil {
				return nil, err
			}
		}
		t := &statTable{dims: dims, cells: cells}
		if t.cells, t.totalHidden, err = work.NestedTableKnown(cells, len(dims), threshold, oneWay, twoWay, nestings(dims)...); err != nil {
			return nil, suppressionError(err)
		}
		return []*statTable{t.summed()}, nil
	}
	units, districts, extra, err := tx.suppressLinked(ctx, q, on, dims, scope, threshold, linked, nil, work)
	if err != nil {
		return nil, err
	}
	asked := units
	if q.UnitVintage == pb.ComputeStatisticsRequest_HISTORY_2024 {
		asked = districts
	}
	out := []*statTable{asked}
	if extra != nil {
		out = append(out, extra)
	}
	return out, nil
}

// suppressLinked is suppressTables for dims with the unit (of the vintage
// q asks for): the answer by unit (current) and the one by 2024 district,
// suppressed together, whichever was asked, and with linked the answer by
// those of dims too (extra). joint, when set, is the count by dims and the
// unit's other vintage (counted when nil).
func (tx *Tx) suppressLinked(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, scope *statsScope, threshold int,
	linked []int, joint []*suppress.Cell, work *suppress.Allowance) (units, districts, extra *statTable, err error) {
	ui := slices.IndexFunc(dims, func(d *statDim) bool { return d.kind == pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT })
	historic := q.UnitVintage == pb.ComputeStatisticsRequest_HISTORY_2024
	other := pb.ComputeStatisticsRequest_HISTORY_2024
	if historic {
		other = pb.ComputeStatisticsRequest_CURRENT
	}
	partner, err := tx.unitDimension(ctx, on, other)
	if err != nil {
		return nil, nil, nil, err
	}
	n := len(dims)
	given := joint != nil
	if joint == nil {
		if joint, err = tx.countCells(ctx, append(slices.Clone(dims), partner), scope.listed, scope.where, scope.args); err != nil {
			return nil, nil, nil, err
		}
	}
	unitDims, districtDims := slices.Clone(dims), slices.Clone(dims)
	unitOf, districtOf := func(v []string) string { return v[ui] }, func(v []string) string { return v[n] }
	if historic {
		unitDims[ui] = partner
		unitOf, districtOf = districtOf, unitOf
	} else {
		districtDims[ui] = partner
	}
	// The groups: units and districts joined by someone counted in both.
	parent := map[string]string{}
	var group func(node string) string
	group = func(node string) string {
		p, ok := parent[node]
		if !ok || p == node {
			return node
		}
		r := group(p)
		parent[node] = r
		return r
	}
	for _, c := range joint {
		a, b := group("u"+unitOf(c.Values)), group("d"+districtOf(c.Values))
		if a != b {
			parent[a] = b
		}
	}
	// by counts the joint cells by the dimensions keep, the unit as
	// at(values) gives it, in the order of their values by dims.
	by := func(keep []int, at func([]string) string, dims []*statDim) []*suppress.Cell {
		byKey := map[string]*suppress.Cell{}
		var out []*suppress.Cell
		for _, c := range joint {
			v := make([]string, len(keep))
			for j, i := range keep {
				v[j] = c.Values[i]
				if i == ui {
					v[j] = at(c.Values)
				}
			}
			k := strings.Join(v, "\x00")
			if byKey[k] == nil {
				byKey[k] = &suppress.Cell{Values: v}
				out = append(out, byKey[k])
			}
			byKey[k].Count += c.Count
		}
		sortCells(out, dims)
		return out
	}
	// keyOf names the group a cell of the dimensions keep sums: its
	// values, the unit's (or district's) group for the unit.
	keyOf := func(keep []int, prefix string) func([]string) string {
		return func(v []string) string {
			k := slices.Clone(v)
			k[slices.Index(keep, ui)] = group(prefix + k[slices.Index(keep, ui)])
			return strings.Join(k, "\x00")
		}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	fineNest := append(nestings(unitDims), suppress.Nesting{Dim: ui, Levels: func(u string) []string { return []string{group("u" + u)} }})
	joined := func(at int) suppress.Nesting {
		return suppress.Nesting{Dim: at, Levels: func(d string) []string { return []string{group("d" + d)} }}
	}
	coarse := []*suppress.Coarse{{Cells: by(all, districtOf, districtDims), Dims: n, Nestings: nestings(districtDims),
		Key: keyOf(all, "d"), FineKey: keyOf(all, "u"), Joined: joined(ui)}}
	var linkedDims []*statDim
	if linked != nil {
		for _, i := range linked {
			linkedDims = append(linkedDims, districtDims[i])
		}
		fineKey := keyOf(linked, "u")
		coarse = append(coarse, &suppress.Coarse{Cells: by(linked, districtOf, linkedDims), Dims: len(linked), Nestings: nestings(linkedDims),
			Key: keyOf(linked, "d"), Joined: joined(slices.Index(linked, ui)), FineKey: func(v []string) string {
				k := make([]string, len(linked))
				for j, i := range linked {
					k[j] = v[i]
				}
				return fineKey(k)
			}})
	}
	var oneWay []map[string]bool
	var twoWay map[int]map[string]bool
	switch {
	case n == 2 && linked == nil && given:
		// Within an answer by three: from its counts, not counted again.
		if oneWay, coarse[0].OneWay, err = tx.linkedOneWays(ctx, q, on, append(slices.Clone(dims), partner), ui, scope, threshold, joint,
			work); err != nil {
			return nil, nil, nil, err
		}
	case n == 2 && linked == nil:
		if oneWay, coarse[0].OneWay, err = tx.linkedOneWay(ctx, q, on, dims, ui, partner, scope, threshold, work); err != nil {
			return nil, nil, nil, err
		}
	case n == 3 && linked == nil:
		if oneWay, twoWay, err = tx.linkedFewer(ctx, q, on, append(slices.Clone(dims), partner), ui, scope, threshold, joint, coarse[0], work); err != nil {
			return nil, nil, nil, err
		}
	}
	fine, hidden, err := work.LinkedKnown(by(all, unitOf, unitDims), n, threshold, oneWay, twoWay, fineNest, coarse)
	if err != nil {
		return nil, nil, nil, suppressionError(err)
	}
	units = (&statTable{dims: unitDims, cells: fine, totalHidden: hidden}).summed()
	districts = (&statTable{dims: districtDims, cells: coarse[0].Cells, totalHidden: coarse[0].TotalHidden}).summed()
	if linked != nil {
		extra = (&statTable{dims: linkedDims, cells: coarse[1].Cells, totalHidden: coarse[1].TotalHidden}).summed()
	}
	return units, districts, extra, nil
}

// linkedOneWay is what the answers by each of two dimensions alone hide,
// one of them the unit (dims[ui], partner its other vintage), made as
// those requests make them: of the answer by unit (fine) and of the one by
// district (coarse), by dimension, in the order of dims. nil when one of
// them hides its total: then every row of the threshold is taken as
// published.
func (tx *Tx) linkedOneWay(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, ui int, partner *statDim,
	scope *statsScope, threshold int, work *suppress.Allowance) (fine, coarse []map[string]bool, err error) {
	current, history := dims[ui], partner
	if q.UnitVintage == pb.ComputeStatisticsRequest_HISTORY_2024 {
		current, history = partner, dims[ui]
	}
	hidden := func(vintage pb.ComputeStatisticsRequest_UnitVintage, d *statDim) (map[string]bool, error) {
		one := q
		one.UnitVintage = vintage
		tables, err := tx.suppressTables(ctx, one, on, []*statDim{d}, scope, threshold, nil, work)
		if err != nil || tables[0].totalHidden {
			return nil, err
		}
		out := map[string]bool{}
		for _, c := range tables[0].cells {
			if c.Suppressed {
				out[c.Values[0]] = true
			}
		}
		return out, nil
	}
	o := 1 - ui
	units, err := hidden(pb.ComputeStatisticsRequest_CURRENT, current)
	if err != nil || units == nil {
		return nil, nil, err
	}
	districts, err := hidden(pb.ComputeStatisticsRequest_HISTORY_2024, history)
	if err != nil || districts == nil {
		return nil, nil, err
	}
	other, err := hidden(q.UnitVintage, dims[o])
	if err != nil || other == nil {
		return nil, nil, err
	}
	fine, coarse = make([]map[string]bool, 2), make([]map[string]bool, 2)
	fine[ui], coarse[ui] = units, districts
	fine[o], coarse[o] = other, other
	return fine, coarse, nil
}

// summed sets the table's total.
func (t *statTable) summed() *statTable {
	for _, c := range t.cells {
		t.total += c.Count
	}
	return t
}

// oneWayHidden is, for an answer by several dimensions, the values that
// the answer by each dimension alone (with the same filter) hides, as it
// is suppressed: their rows' sums are not published, though they reach
// the threshold (an associate professors' 8 hidden to protect the
// professors' 2 would give those away in the table by level and title).
// nil for one dimension, or when a one-way total is hidden.
func oneWayHidden(cells []*suppress.Cell, dims []*statDim, threshold int, work *suppress.Allowance) ([]map[string]bool, error) {
	if len(dims) < 2 {
		return nil, nil
	}
	out := make([]map[string]bool, len(dims))
	for d := range dims {
		byValue := map[string]*suppress.Cell{}
		var one []*suppress.Cell
		for _, c := range cells {
			v := c.Values[d]
			if byValue[v] == nil {
				byValue[v] = &suppress.Cell{Values: []string{v}}
				one = append(one, byValue[v])
			}
			byValue[v].Count += c.Count
		}
		// In the order the answer by the dimension alone has them.
		sortCells(one, dims[d:d+1])
		one, hidden, err := work.NestedTable(one, 1, threshold, nestings(dims[d:d+1])...)
		if err != nil {
			return nil, suppressionError(err)
		}
		if hidden {
			return nil, nil
		}
		out[d] = map[string]bool{}
		for _, c := range one {
			if c.Suppressed {
				out[d][c.Values[0]] = true
			}
		}
	}
	return out, nil
}
