package store

import (
	"context"
	"slices"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// The FIELD dimension in one scheme: a person's primary field coded in
// another scheme is read through the crosswalk (ref_field_crosswalk, both
// ways), so that an area is counted once, under the chosen scheme's code.

// DefaultFieldScheme is the scheme statistics count in when none is asked:
// the one the registry's profiles were coded in (Decision 12/2008/QĐ-BKHCN).
const DefaultFieldScheme = "vn2008"

// fieldTree is every field of every scheme and the crosswalk between them,
// by field name (fields/vn2008-502).
type fieldTree struct {
	nodes map[string]fieldNode
	// cross are the fields of other schemes a field is paired with.
	cross map[string][]string
}

type fieldNode struct {
	scheme, parent, name string
	level                int
}

// readFieldTree reads the fields and the crosswalk.
func (tx *Tx) readFieldTree(ctx context.Context) (*fieldTree, error) {
	t := &fieldTree{nodes: map[string]fieldNode{}, cross: map[string][]string{}}
	rows, err := tx.QueryContext(ctx, `SELECT scheme, code, parent_code, level, name_vi FROM ref_fields`)
	if err != nil {
		return nil, dbError(err)
	}
	for rows.Next() {
		var scheme, code, parent, name string
		var lvl int
		if err := rows.Scan(&scheme, &code, &parent, &lvl, &name); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		n := fieldNode{scheme: scheme, name: name, level: lvl}
		if parent != "" {
			n.parent = fieldName(scheme, parent)
		}
		t.nodes[fieldName(scheme, code)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT from_scheme, from_code, to_scheme, to_code FROM ref_field_crosswalk
		ORDER BY from_scheme, from_code, to_scheme, to_code`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var fs, fc, ts, tc string
		if err := rows.Scan(&fs, &fc, &ts, &tc); err != nil {
			return nil, dbError(err)
		}
		a, b := fieldName(fs, fc), fieldName(ts, tc)
		t.cross[a] = append(t.cross[a], b)
		t.cross[b] = append(t.cross[b], a)
	}
	return t, dbError(rows.Err())
}

// hasScheme reports whether any field is in the scheme.
func (t *fieldTree) hasScheme(scheme string) bool {
	for _, n := range t.nodes {
		if n.scheme == scheme {
			return true
		}
	}
	return false
}

// schemeOf is the scheme of a field's name, "" when it is not one.
func schemeOf(name string) string {
	scheme, _, _ := parseFieldName(name)
	return scheme
}

// path is a field and its ancestors, the field first.
func (t *fieldTree) path(f string) []string {
	var p []string
	for range 10 {
		p = append(p, f)
		n, ok := t.nodes[f]
		if !ok || n.parent == "" {
			break
		}
		f = n.parent
	}
	return p
}

// inScheme is the field of scheme a field stands for: itself in that
// scheme; else the field its nearest paired ancestor (or itself) is paired
// with, or, paired with several, the deepest field above them all, so that
// a person is never counted under two. A field whose every ancestor is
// unpaired stays as it is: seen, under its own scheme's code.
func (t *fieldTree) inScheme(f, scheme string) string {
	if schemeOf(f) == scheme {
		return f
	}
	for _, a := range t.path(f) {
		var to []string
		for _, b := range t.cross[a] {
			if schemeOf(b) == scheme {
				to = append(to, b)
			}
		}
		if len(to) > 0 {
			return t.commonAncestor(to)
		}
	}
	return f
}

// commonAncestor is the deepest field that is or is above each of fs (of
// one scheme), or the first of them when they are in different areas.
func (t *fieldTree) commonAncestor(fs []string) string {
	slices.Sort(fs)
	common := t.path(fs[0])
	for _, f := range fs[1:] {
		p := t.path(f)
		common = slices.DeleteFunc(common, func(a string) bool { return !slices.Contains(p, a) })
	}
	if len(common) == 0 {
		return fs[0]
	}
	return common[0]
}

// atLevel is a field's ancestor at the level, or the field when it is at
// or above it.
func (t *fieldTree) atLevel(f string, level int) string {
	for _, a := range t.path(f) {
		if n, ok := t.nodes[a]; !ok || n.level <= level {
			return a
		}
	}
	return f
}

// fieldDimension reports a person's primary field in a scheme at a level
// of it: the ancestor at that level, or the field itself when it is above
// it.
func (tx *Tx) fieldDimension(ctx context.Context, scheme string, level int) (*statDim, error) {
	if scheme == "" {
		scheme = DefaultFieldScheme
	}
	if !refdata.SchemeRE.MatchString(scheme) {
		return nil, errorf(Invalid, "field_scheme", "%q is not a scheme: want one such as vn2008 or vn2025 (see ListFields)", scheme)
	}
	t, err := tx.readFieldTree(ctx)
	if err != nil {
		return nil, err
	}
	if !t.hasScheme(scheme) {
		return nil, errorf(Invalid, "field_scheme", "no field is in scheme %q; give a scheme ListFields lists, such as %s", scheme, DefaultFieldScheme)
	}
	d := &statDim{
		kind: pb.ComputeStatisticsRequest_FIELD,
		expr: "p.primary_field",
		value: func(raw string) string {
			if raw == "" {
				return ""
			}
			return t.atLevel(t.inScheme(raw, scheme), level)
		},
		name:  func(v string) string { return t.nodes[v].name },
		order: byText,
	}
	if level > 1 {
		// The same counts one level up, or more, are a request away.
		d.levels = func(v string) []string {
			out := make([]string, level-1)
			for l := range out {
				if v != "" {
					out[l] = t.atLevel(v, l+1)
				}
			}
			return out
		}
	}
	return d, nil
}
