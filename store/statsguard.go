package store

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/suppress"
)

// Inference control for statistics across answers (DESIGN.md §10).
//
// Suppression (suppress.go) protects the small counts of one answer. Across
// answers, two filters whose people differ by a few would give those few
// away by difference: `create_time <= T` and `create_time < T`, or
// everyone and `NOT (work_location = ABROAD AND highest_qualification_level
// = TIEN_SI)`. So:
//
//  1. a statistics filter names only fields that group people
//     (statsFilterFields): no names, identifiers, contact details,
//     timestamps, dates or years of birth, free text;
//  2. the people a filter selects, and the people it leaves out, are each
//     none or at least the threshold: a filter that selects a few hides the
//     whole answer (its rows too, whose values would describe the few); one
//     that leaves out a few is refused;
//  3. an answer about ethnicity (the ETHNICITY dimension, the ethnic
//     minority indicator), which the caller may not be able to read person
//     by person, takes a filter only of comparisons ANDed together on the
//     short list sensitiveFilterFields (no OR, no NOT, at most
//     maxSensitiveConjuncts), and rule 2 holds for the filter with any of
//     its comparisons dropped, and within every group of the answer's other
//     dimensions; a group of the other dimensions held by a few is left out
//     (listing its ethnic groups, even with hidden counts, would tell them);
//  4. an answer whose filter selects people of a count that the table of
//     a dimension it pins, made without that comparison, hides is withheld
//     (statpinned.go).
//
// What this does not stop is written in README.md (Statistics).

// statsFilterFields are the fields a statistics filter may name.
var statsFilterFields = []string{
	"gender", "ethnicity", "work_location", "availability", "hometown", "highest_qualification_level", "academic_title.title",
	"fields.field", "expert_roles", "qualifications.kind", "qualifications.level",
	"positions.current", "positions.organization.kind", "positions.administrative_unit",
	"positions.organization.administrative_unit", "positions.employment_type", "honors.kind",
}

// sensitiveFilterFields are those of an answer about ethnicity: the unit,
// level, gender, area of expertise (fields.field at level 1), kind of
// organization and work location. ethnicity itself is here for the roles
// that may read it (the server refuses it to the others).
var sensitiveFilterFields = []string{
	"gender", "ethnicity", "work_location", "highest_qualification_level", "fields.field",
	"positions.current", "positions.organization.kind", "positions.administrative_unit",
	"positions.organization.administrative_unit",
}

// FilterFields says which field paths the caller may name in a filter:
// the server refuses the rest by role (personal data) before the store
// reads the filter, so a hint of what to filter by lists only these. nil
// means all.
type FilterFields func(path string) bool

// only is fields, less those the caller may not name.
func (may FilterFields) only(fields []string) []string {
	if may == nil {
		return fields
	}
	var out []string
	for _, f := range fields {
		if may(f) {
			out = append(out, f)
		}
	}
	return out
}

// maxSensitiveConjuncts bounds the comparisons of a filter of an answer
// about ethnicity: each subset of them is checked (rule 3).
const maxSensitiveConjuncts = 4

// statsScope is a statistics filter, checked and compiled, with the counts
// that rules 2 and 3 look at.
type statsScope struct {
	on       statsDay
	listed   string // the people counted on the day (statsDay.listed)
	where    string
	args     []any
	selected int // live people the filter selects
	// small: the filter selects from 1 to threshold-1 people.
	small bool
	// may are the fields the caller may name, for hints.
	may FilterFields
	// sensitiveErr says why the filter cannot serve an answer about
	// ethnicity; nil when it can.
	sensitiveErr error
	// wider are the filters that select more than this one and must not
	// differ from it by a few people: no filter at all, and the filter with
	// some of its comparisons dropped.
	wider []widerFilter
}

type widerFilter struct {
	dropped string // the comparisons dropped, as filter text; "" for no filter at all
	where   string
	args    []any
}

var unknownFieldRE = regexp.MustCompile(`^column (\d+): unknown field "([^"]+)"`)

// statsSchema is ListPeople's schema cut to statsFilterFields.
func statsSchema(r ranks) filter.Schema {
	s := personSchema(r)
	for name := range s {
		if !slices.Contains(statsFilterFields, name) {
			delete(s, name)
		}
	}
	return s
}

// compileStatsFilter compiles a statistics filter (rule 1).
func (tx *Tx) compileStatsFilter(ctx context.Context, f string, on statsDay, may FilterFields) (string, []any, error) {
	var units *refdata.UnitHistory
	if f != "" {
		var err error
		if units, err = tx.unitHistory(ctx); err != nil {
			return "", nil, err
		}
	}
	where, args, err := tx.compileFilter(ctx, f, statsSchemaOn(on, units, tx.fieldsAcross(ctx, on.fieldScheme)))
	var se *Error
	if errors.As(err, &se) && se.Code == Invalid {
		if m := unknownFieldRE.FindStringSubmatch(se.Message); m != nil {
			hint := strings.Join(may.only(statsFilterFields), ", ")
			if _, ok := personSchema(ranks{})[m[2]]; ok {
				return "", nil, errorf(Invalid, "filter", "column %s: statistics cannot be filtered by %s: it picks people out, "+
					"and two filters differing by a few people would tell about them; filter by what groups people: %s",
					m[1], m[2], hint)
			}
			// The compiler's own hint lists every field of the schema,
			// some of which the caller's role may not name.
			return "", nil, errorf(Invalid, "filter", "column %s: unknown field %q; filters may name %s", m[1], m[2], hint)
		}
	}
	return where, args, err
}

// statsScope checks and compiles a statistics filter and counts what rules
// 2 and 3 need; the sensitive checks run only when sensitive is set.
func (tx *Tx) statsScope(ctx context.Context, f, limit string, on statsDay, threshold int, sensitive bool, may FilterFields) (*statsScope, error) {
	where, args, err := tx.compileStatsFilter(ctx, f, on, may)
	if err != nil {
		return nil, err
	}
	sc := &statsScope{on: on, listed: on.listed(), where: where, args: args, may: may}
	// A caller limited to a unit counts its people only: the base of
	// every figure, and of the query-set-size rule, is the unit's.
	if cond, err := tx.scopeCond(ctx, limit, "p.pk"); err != nil {
		return nil, err
	} else if cond != "" {
		sc.listed += " AND " + cond
	}
	if where != "" {
		sc.wider = append(sc.wider, widerFilter{})
	}
	if sensitive {
		sc.sensitiveErr, err = tx.sensitiveShape(ctx, f, sc)
		if err != nil {
			return nil, err
		}
	}
	// One pass: everyone, the selected, and each wider filter.
	sel := []string{"COUNT(*)", "IFNULL(SUM(CASE WHEN " + cmpOr(where, "1") + " THEN 1 ELSE 0 END), 0)"}
	qargs := append([]any(nil), args...)
	for _, w := range sc.wider[min(1, len(sc.wider)):] {
		sel = append(sel, "IFNULL(SUM(CASE WHEN "+w.where+" THEN 1 ELSE 0 END), 0)")
		qargs = append(qargs, w.args...)
	}
	counts := make([]int, len(sel))
	dest := make([]any, len(sel))
	for i := range counts {
		dest[i] = &counts[i]
	}
	// As readValues reads people: from the index of statistics when it
	// holds every column the filters name.
	from := "people p"
	if sc.listed == personListed {
		wheres := []string{where}
		for _, w := range sc.wider {
			wheres = append(wheres, w.where)
		}
		from = statsFrom(strings.Join(wheres, " AND "), false)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + from + " WHERE " + sc.listed
	if err := tx.QueryRowContext(ctx, q, qargs...).Scan(dest...); err != nil {
		return nil, dbError(err)
	}
	everyone := counts[0]
	sc.selected = counts[1]
	sc.small = small(sc.selected, threshold)
	if where != "" && small(everyone-sc.selected, threshold) {
		return nil, errorf(FailedPrecondition, "filter", "the filter leaves out fewer than %d of the people counted without it: "+
			"its figures set against everyone's would describe those few; widen the filter or drop it", threshold)
	}
	for i, w := range sc.wider[min(1, len(sc.wider)):] {
		if sc.sensitiveErr == nil && small(counts[2+i]-sc.selected, threshold) {
			sc.sensitiveErr = errorf(FailedPrecondition, "filter", "without %s the filter would select from 1 to %d more people: "+
				"figures by ethnicity for both would describe those few; figures by ethnicity need a filter whose every "+
				"comparison leaves out none or at least %d people", w.dropped, threshold-1, threshold)
		}
	}
	return sc, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sensitiveShape checks the form of a filter of an answer about ethnicity
// (rule 3) and adds its wider filters to sc. It returns why the filter
// does not serve, or nil; the error is for what went wrong otherwise.
func (tx *Tx) sensitiveShape(ctx context.Context, f string, sc *statsScope) (error, error) {
	shape, err := filter.Describe(f)
	if err != nil {
		return nil, errorf(Invalid, "filter", "%s", err.Error())
	}
	for _, name := range shape.Fields {
		if !slices.Contains(sensitiveFilterFields, name) {
			return errorf(Invalid, "filter", "figures by ethnicity cannot be filtered by %s; only by %s",
				name, strings.Join(sc.may.only(sensitiveFilterFields), ", ")), nil
		}
	}
	if shape.OrNot {
		return errorf(Invalid, "filter", "figures by ethnicity take a filter of comparisons joined by AND only: "+
			"OR and NOT can add or take away a few people"), nil
	}
	if len(shape.Conjuncts) > maxSensitiveConjuncts {
		return errorf(Invalid, "filter", "figures by ethnicity take a filter of at most %d comparisons; this one has %d",
			maxSensitiveConjuncts, len(shape.Conjuncts)), nil
	}
	for _, c := range shape.Comparisons {
		if c.Path != "fields.field" {
			continue
		}
		var level int
		err := tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(level), 0) FROM ref_fields WHERE 'fields/' || scheme || '-' || code = ?`,
			c.Value).Scan(&level)
		if err != nil {
			return nil, dbError(err)
		}
		if level != 1 {
			return errorf(Invalid, "filter", "figures by ethnicity can be filtered by an area of expertise at the top level "+
				"only (for example fields/vn2008-5), not by %q", c.Value), nil
		}
	}
	// Every proper, non-empty subset of the comparisons, dropped.
	n := len(shape.Conjuncts)
	for drop := 1; drop < 1<<n-1; drop++ {
		var keep, gone []string
		for i, c := range shape.Conjuncts {
			if drop&(1<<i) != 0 {
				gone = append(gone, c)
			} else {
				keep = append(keep, c)
			}
		}
		where, args, err := tx.compileStatsFilter(ctx, strings.Join(keep, " AND "), sc.on, sc.may)
		if err != nil {
			return nil, err
		}
		sc.wider = append(sc.wider, widerFilter{dropped: "`" + strings.Join(gone, " AND ") + "`", where: where, args: args})
	}
	return nil, nil
}

// guardEthnicityGroups leaves out of an answer about ethnicity the groups
// of its other dimensions (their combinations of values) that rule 3
// protects: those held by a few of the selected people, and those where a
// wider filter selects a few more. Cells come back in their order.
func (tx *Tx) guardEthnicityGroups(ctx context.Context, cells []*suppress.Cell, dims []*statDim, sc *statsScope, threshold int) ([]*suppress.Cell, error) {
	eth := slices.IndexFunc(dims, func(d *statDim) bool { return d.kind == pb.ComputeStatisticsRequest_ETHNICITY })
	if eth < 0 || len(dims) == 1 {
		return cells, nil
	}
	others := slices.Delete(slices.Clone(dims), eth, eth+1)
	key := func(values []string) string {
		return strings.Join(slices.Delete(slices.Clone(values), eth, eth+1), "\x00")
	}
	selected := map[string]int{}
	for _, c := range cells {
		selected[key(c.Values)] += c.Count
	}
	drop := map[string]bool{}
	for k, n := range selected {
		drop[k] = small(n, threshold)
	}
	for _, w := range sc.wider {
		wide, err := tx.countCells(ctx, others, sc.listed, w.where, w.args)
		if err != nil {
			return nil, err
		}
		for _, c := range wide {
			k := strings.Join(c.Values, "\x00")
			if small(c.Count-selected[k], threshold) {
				drop[k] = true
			}
		}
	}
	return slices.DeleteFunc(cells, func(c *suppress.Cell) bool { return drop[key(c.Values)] }), nil
}

// sensitiveDims reports whether an answer by dims is about ethnicity.
func sensitiveDims(dims []Dimension) bool {
	return slices.Contains(dims, pb.ComputeStatisticsRequest_ETHNICITY)
}

// suppressionReason says why a count is hidden: below the threshold
// itself, or to protect one that is.
func suppressionReason(below bool) pb.SuppressionReason {
	if below {
		return pb.SuppressionReason_BELOW_THRESHOLD
	}
	return pb.SuppressionReason_PROTECTS_ANOTHER
}
