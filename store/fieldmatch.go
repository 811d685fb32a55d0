package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Finding people by a field at any level of either scheme: the field, the
// fields under it in its own scheme, and the fields of other schemes that
// the crosswalk puts under it (as statistics in its scheme would count
// them, statfields.go).

// fieldsUnder lists the names of the fields that fit a field: itself, its
// descendants, and every field of another scheme that stands, through the
// crosswalk, for one of them.
func (tx *Tx) fieldsUnder(ctx context.Context, name string) ([]string, error) {
	t, err := tx.readFieldTree(ctx)
	if err != nil {
		return nil, err
	}
	scheme := schemeOf(name)
	var out []string
	for f, n := range t.nodes {
		target := f
		if n.scheme != scheme {
			target = t.inScheme(f, scheme)
		}
		if slices.Contains(t.path(target), name) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{name}
	}
	slices.Sort(out)
	return out, nil
}

// personHasFieldUnder is a condition on a person p: one of their fields,
// or their primary field when primary, fits the field (fieldsUnder).
func (tx *Tx) personHasFieldUnder(ctx context.Context, name string, primary bool) (string, []any, error) {
	names, err := tx.fieldsUnder(ctx, name)
	if err != nil {
		return "", nil, err
	}
	list, _ := json.Marshal(names)
	cond := `EXISTS (SELECT 1 FROM person_fields pf WHERE pf.person_pk = p.pk AND pf.field IN (SELECT value FROM json_each(?))`
	if primary {
		cond += ` AND pf.is_primary = 1`
	}
	return cond + `)`, []any{string(list)}, nil
}

// fieldsAcross expands a statistics filter's fields.field when the request
// counts fields in a scheme: a field matches as FIELD would count it there,
// with the fields under it and those the crosswalk pairs with them in the
// other scheme; without a scheme, only itself. Either way a field no scheme
// lists is an error: a statistic would count no one under it, as if it
// were a figure.
func (tx *Tx) fieldsAcross(ctx context.Context, scheme string) func(string) ([]string, error) {
	return func(name string) ([]string, error) {
		if name == "" {
			return []string{name}, nil
		}
		t, err := tx.readFieldTree(ctx)
		if err != nil {
			return []string{name}, nil // matched exactly; the count reads the tables
		}
		if _, ok := t.nodes[name]; !ok {
			return nil, fmt.Errorf("there is no field %q in the field lists; write a field's name as fields/vn2008-5 (see ListFields)", name)
		}
		if scheme == "" {
			return []string{name}, nil
		}
		names, err := tx.fieldsUnder(ctx, name)
		if err != nil {
			return []string{name}, nil
		}
		return names, nil
	}
}
