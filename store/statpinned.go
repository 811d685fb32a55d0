package store

import (
	"context"
	"slices"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/suppress"
)

// A filter that pins a dimension to values a table of it hides.
//
// `--by gender` hides a small Nữ, and a Nam hidden to protect it; the same
// question with `gender = FEMALE` (or `gender != MALE`, a range of levels,
// an OR of units, ...) would count exactly those people, and its total,
// beside the first answer's, would tell both. So before an answer is
// given, each top-level comparison of its filter (each operand of its
// top-level AND) that names a field a dimension is counted by
// (filterDimensions) is dropped in turn, and the table of that dimension
// is made for the rest of the filter, suppressed as ComputeStatistics
// suppresses it for the same caller. The answer is withheld whole (total
// and rows) when the people it counts include any of a hidden count's:
// it would then add up to that count, or to a sum with it, or to part of
// it. Two cases tell nothing new and pass: the people include every
// hidden count's whole (their sum is the table's total less its shown
// counts anyway), and, for a field of science, a hidden count under a
// coarser field whose people the filter takes whole (its sum is that
// field's count, checked at its own level).
//
// It compares the people a filter selects with the table, not the
// filter's text, so that every form that selects by a dimension's values
// (=, !=, ranges of ranked levels, prefixes, OR, NOT) is judged alike; and
// the fields that select by any of a person's rows (any position, any
// field of expertise) count as touching a hidden count whenever one of
// those they select is in it, which can withhold more than strictly
// needed. What it does not cover is written in README.md (Statistics).

// filterDimensions are the dimensions whose values a statistics filter
// field selects people by.
var filterDimensions = map[string][]Dimension{
	"gender":                      {pb.ComputeStatisticsRequest_GENDER},
	"ethnicity":                   {pb.ComputeStatisticsRequest_ETHNICITY},
	"work_location":               {pb.ComputeStatisticsRequest_WORK_LOCATION},
	"highest_qualification_level": {pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL},
	"academic_title.title":        {pb.ComputeStatisticsRequest_ACADEMIC_TITLE},
	// A degree held is a floor of the highest; a title is a qualification.
	"qualifications.level":                       {pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_ACADEMIC_TITLE},
	"fields.field":                               {pb.ComputeStatisticsRequest_FIELD},
	"expert_roles":                               {pb.ComputeStatisticsRequest_EXPERT_ROLE},
	"positions.organization.kind":                {pb.ComputeStatisticsRequest_ORGANIZATION_KIND},
	"positions.employment_type":                  {pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE},
	"positions.administrative_unit":              {pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT},
	"positions.organization.administrative_unit": {pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT},
	"honors.kind":                                {pb.ComputeStatisticsRequest_HONOR_KIND},
}

// filterSelectsHidden reports whether the people sc selects include some
// of a count that the table of a dimension its filter f pins, made
// without that comparison, hides.
// The tables' suppression spends work.
func (tx *Tx) filterSelectsHidden(ctx context.Context, f string, sc *statsScope, threshold int, work *suppress.Allowance) (bool, error) {
	if sc.where == "" || sc.small || sc.selected == 0 {
		// A filter that selects a few is suppressed whole already.
		return false, nil
	}
	shape, err := filter.Describe(f)
	if err != nil {
		return false, errorf(Invalid, "filter", "%s", err.Error())
	}
	for i, c := range shape.Conjuncts {
		cs, err := filter.Describe(c)
		if err != nil {
			return false, errorf(Invalid, "filter", "%s", err.Error())
		}
		var kinds []Dimension
		for _, name := range cs.Fields {
			for _, d := range filterDimensions[name] {
				if !slices.Contains(kinds, d) {
					kinds = append(kinds, d)
				}
			}
		}
		if len(kinds) == 0 {
			continue
		}
		rest := strings.Join(slices.Delete(slices.Clone(shape.Conjuncts), i, i+1), " AND ")
		where, args, err := tx.compileStatsFilter(ctx, rest, sc.on, sc.may)
		if err != nil {
			return false, err
		}
		without := &statsScope{on: sc.on, listed: sc.listed, where: where, args: args}
		hidden, err := tx.pinsHidden(ctx, kinds, sc, without, threshold, work)
		if err != nil || hidden {
			return hidden, err
		}
	}
	return false, nil
}

// pinsHidden reports whether the people sc selects include some of a
// count hidden in a table of kinds for the people of without.
func (tx *Tx) pinsHidden(ctx context.Context, kinds []Dimension, sc, without *statsScope, threshold int, work *suppress.Allowance) (bool, error) {
	var dims []*statDim // the tables suppressed alone
	var units []*statDim
	for _, k := range kinds {
		switch k {
		case pb.ComputeStatisticsRequest_FIELD:
			// Every scheme at every level: each is a request away.
			fs, err := tx.fieldDimensionsAll(ctx)
			if err != nil {
				return false, err
			}
			dims = append(dims, fs...)
		case pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:
			for _, v := range []pb.ComputeStatisticsRequest_UnitVintage{pb.ComputeStatisticsRequest_CURRENT, pb.ComputeStatisticsRequest_HISTORY_2024} {
				d, err := tx.unitDimension(ctx, sc.on, v)
				if err != nil {
					return false, err
				}
				units = append(units, d)
			}
		default:
			d, err := tx.statDimension(ctx, k, "", sc.on, StatsQuery{})
			if err != nil {
				return false, err
			}
			dims = append(dims, d)
		}
	}
	all := append(slices.Clone(dims), units...)
	selected, _, err := tx.countEach(ctx, all, sc.listed, sc.where, sc.args)
	if err != nil {
		return false, err
	}
	base, total, err := tx.countEach(ctx, dims, without.listed, without.where, without.args)
	if err != nil {
		return false, err
	}
	for i, d := range dims {
		// As ComputeStatistics suppresses a table of d alone (statlinked.go).
		cells, totalHidden, err := work.NestedTable(base[i], 1, threshold, nestings([]*statDim{d})...)
		if err != nil {
			return false, suppressionError(err)
		}
		if takesHidden(cells, totalHidden || small(total, threshold), selected[i], d.levels) {
			return true, nil
		}
	}
	if units != nil {
		// The unit and the 2024 district, suppressed together.
		ts, err := tx.statTables(ctx, StatsQuery{}, sc.on, units[:1], without, threshold, []int{0}, work)
		if err != nil {
			return false, err
		}
		for j, t := range ts {
			if takesHidden(t.cells, t.totalHidden || small(t.total, threshold), selected[len(dims)+j], nil) {
				return true, nil
			}
		}
	}
	return false, nil
}

// takesHidden reports whether the people counted in selected (a table of
// one dimension) include some of a count that table, the same dimension
// counted without the pinning comparison and suppressed, hides (every
// count when none is shown), other than in the two ways that tell nothing
// new: every hidden count taken whole, and a hidden count under a coarser
// value (levels) that selected takes whole.
func takesHidden(table []*suppress.Cell, noneShown bool, selected []*suppress.Cell, levels func(string) []string) bool {
	in, of := map[string]int{}, map[string]int{}
	for _, c := range selected {
		in[c.Values[0]] += c.Count
	}
	for _, c := range table {
		of[c.Values[0]] += c.Count
	}
	// The coarser values and their people, selected and in all.
	inUp, ofUp := map[string]int{}, map[string]int{}
	if levels != nil {
		for v, n := range of {
			for _, u := range levels(v) {
				if u != "" && u != v {
					inUp[u] += in[v]
					ofUp[u] += n
				}
			}
		}
	}
	underWhole := func(v string) bool {
		if levels == nil {
			return false
		}
		for _, u := range levels(v) {
			if u != "" && u != v && inUp[u] == ofUp[u] {
				return true
			}
		}
		return false
	}
	touched, allWhole := false, true
	for _, c := range table {
		v := c.Values[0]
		if !c.Suppressed && !noneShown || c.Count == 0 || underWhole(v) {
			continue
		}
		touched = touched || in[v] > 0
		allWhole = allWhole && in[v] == c.Count
	}
	return touched && !allWhole
}

// fieldDimensionsAll is FIELD in every scheme at every level of it.
func (tx *Tx) fieldDimensionsAll(ctx context.Context) ([]*statDim, error) {
	rows, err := tx.QueryContext(ctx, `SELECT scheme, MAX(level) FROM ref_fields GROUP BY scheme ORDER BY scheme`)
	if err != nil {
		return nil, dbError(err)
	}
	type depth struct {
		scheme string
		levels int
	}
	var ds []depth
	for rows.Next() {
		var d depth
		if err := rows.Scan(&d.scheme, &d.levels); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	var out []*statDim
	for _, d := range ds {
		for l := 1; l <= min(d.levels, maxFieldLevel); l++ {
			fd, err := tx.fieldDimension(ctx, d.scheme, l)
			if err != nil {
				return nil, err
			}
			out = append(out, fd)
		}
	}
	return out, nil
}

// pinnedHiddenReason is why an answer whose filter selects people of a
// hidden count is withheld: to protect that count.
const pinnedHiddenReason = pb.SuppressionReason_PROTECTS_ANOTHER
