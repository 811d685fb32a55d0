package store

import (
	"context"
	"strings"

	"trithuc.gov.vn/trithuc/suppress"
)

// An answer by three dimensions is audited against the answers by two and
// by one of them (suppress/linkedthree.go): what those hide is what their
// requests would hide, worked out here from the same counts (each a sum
// of the three-way answer's, as the requests would count them), so that
// the audit takes as published what is, no less and no more.

// twoWayHidden is, for an answer by three dimensions without the unit, what
// the answers by each two of them hide, as those requests make them: by
// the mask of the two, the sums hidden (suppress.MaskKey); every sum of an
// answer whose rows are left out.
func twoWayHidden(cells []*suppress.Cell, dims []*statDim, threshold int, work *suppress.Allowance) (map[int]map[string]bool, error) {
	out := map[int]map[string]bool{}
	for _, keep := range [][]int{{0, 1}, {0, 2}, {1, 2}} {
		pair := []*statDim{dims[keep[0]], dims[keep[1]]}
		two := projectCells(cells, keep, pair)
		oneWay, err := oneWayHidden(two, pair, threshold, work)
		if err != nil {
			return nil, err
		}
		two, rowsOut, err := work.NestedTableKnown(two, 2, threshold, oneWay, nil, nestings(pair)...)
		if err != nil {
			return nil, suppressionError(err)
		}
		out[1<<keep[0]|1<<keep[1]] = hiddenSums(two, rowsOut)
	}
	return out, nil
}

// linkedFewer is, for an answer by three dimensions with the unit (the
// ui-th; dims has the unit's other vintage fourth, as joint counts them),
// what the answers by one and by two of them hide, as those requests make
// them: of the answer by unit (oneWay, twoWay) and of the one by 2024
// district (c's OneWay and TwoWay). Where an answer by one dimension
// leaves its rows out (its total is small, and so every answer's), none is
// known.
func (tx *Tx) linkedFewer(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, ui int, scope *statsScope, threshold int,
	joint []*suppress.Cell, c *suppress.Coarse, work *suppress.Allowance) (oneWay []map[string]bool, twoWay map[int]map[string]bool,
	err error) {
	const partner = 3
	if oneWay, c.OneWay, err = tx.linkedOneWays(ctx, q, on, dims, ui, scope, threshold, joint, work); err != nil || oneWay == nil {
		return nil, nil, err
	}
	twoWay, c.TwoWay = map[int]map[string]bool{}, map[int]map[string]bool{}
	for _, keep := range [][]int{{0, 1}, {0, 2}, {1, 2}} {
		mask := 1<<keep[0] | 1<<keep[1]
		pair := pick(dims, keep)
		if keep[0] != ui && keep[1] != ui {
			two := projectCells(joint, keep, pair)
			ow, err := oneWayHidden(two, pair, threshold, work)
			if err != nil {
				return nil, nil, err
			}
			two, rowsOut, err := work.NestedTableKnown(two, 2, threshold, ow, nil, nestings(pair)...)
			if err != nil {
				return nil, nil, suppressionError(err)
			}
			twoWay[mask] = hiddenSums(two, rowsOut)
			c.TwoWay[mask] = twoWay[mask]
			continue
		}
		withPartner := append(keep[:2:2], partner)
		units, districts, _, err := tx.suppressLinked(ctx, q, on, pair, scope, threshold, nil,
			projectCells(joint, withPartner, pick(dims, withPartner)), work)
		if err != nil {
			return nil, nil, err
		}
		twoWay[mask], c.TwoWay[mask] = hiddenSums(units.cells, units.totalHidden), hiddenSums(districts.cells, districts.totalHidden)
	}
	return oneWay, twoWay, nil
}

// linkedOneWays is what the answers by each of dims but the last alone
// hide, the ui-th the unit (dims has the unit's other vintage last, as
// joint counts them): of the answer by unit (fine) and of the one by
// district (coarse), by dimension, worked out from joint as those
// requests make them (linkedOneWay counts them again). nil when one of
// them leaves its rows out.
func (tx *Tx) linkedOneWays(ctx context.Context, q StatsQuery, on statsDay, dims []*statDim, ui int, scope *statsScope, threshold int,
	joint []*suppress.Cell, work *suppress.Allowance) (fine, coarse []map[string]bool, err error) {
	partner := len(dims) - 1
	fine, coarse = make([]map[string]bool, partner), make([]map[string]bool, partner)
	for d := range partner {
		if d == ui {
			keep := []int{ui, partner}
			units, districts, _, err := tx.suppressLinked(ctx, q, on, pick(dims, keep[:1]), scope, threshold, nil,
				projectCells(joint, keep, pick(dims, keep)), work)
			if err != nil || units.totalHidden || districts.totalHidden {
				return nil, nil, err
			}
			fine[d], coarse[d] = hiddenValues(units.cells), hiddenValues(districts.cells)
			continue
		}
		one := projectCells(joint, []int{d}, dims[d:d+1])
		one, rowsOut, err := work.NestedTable(one, 1, threshold, nestings(dims[d:d+1])...)
		if err != nil || rowsOut {
			return nil, nil, suppressionError(err)
		}
		fine[d] = hiddenValues(one)
		coarse[d] = fine[d]
	}
	return fine, coarse, nil
}

// pick is dims at the indexes keep.
func pick(dims []*statDim, keep []int) []*statDim {
	out := make([]*statDim, len(keep))
	for i, d := range keep {
		out[i] = dims[d]
	}
	return out
}

// projectCells counts cells by their values at keep, in the order
// countCells gives (the dimensions of those values dims).
func projectCells(cells []*suppress.Cell, keep []int, dims []*statDim) []*suppress.Cell {
	byKey := map[string]*suppress.Cell{}
	out := []*suppress.Cell{} // not nil: counted, of nobody
	for _, c := range cells {
		v := make([]string, len(keep))
		for i, d := range keep {
			v[i] = c.Values[d]
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

// hiddenValues are the values of the hidden cells of an answer by one
// dimension.
func hiddenValues(cells []*suppress.Cell) map[string]bool {
	out := map[string]bool{}
	for _, c := range cells {
		if c.Suppressed {
			out[c.Values[0]] = true
		}
	}
	return out
}

// hiddenSums are the cells of an answer by two dimensions that it hides,
// by suppress.MaskKey; all of them when its rows are left out.
func hiddenSums(cells []*suppress.Cell, rowsOut bool) map[string]bool {
	out := map[string]bool{}
	for _, c := range cells {
		if c.Suppressed || rowsOut {
			out[suppress.MaskKey(c.Values, 3)] = true
		}
	}
	return out
}
