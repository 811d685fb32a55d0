package filter

import "strings"

// Held is the related row of a kind that the outer row mirrors in columns
// of its own while it has just one: a person's current position, in the
// columns of people that statistics read. Comparisons joined by AND on the
// rows of its Join, one of them Current = true and the others on Fields
// alone, hold for one current row exactly when
//
//	CASE WHEN <Count> > 1 THEN EXISTS (...) ELSE <Count> = 1 AND <the comparisons on the mirror> END
//
// which looks rows up only for the outer rows with several; Current =
// true alone holds when Count > 0. The columns must always agree with the
// rows (triggers keep them).
type Held struct {
	Current string            // the path of a Bool field: the rows where it is true
	Count   string            // how many such rows the outer row has, as SQL
	Fields  map[string]string // by path, a field's SQL on the mirrored row, over the outer row
}

// Lookup is the text that begins a lookup of the rows in a condition
// compiled with h: a caller that reads the outer rows can tell lookups
// that run for every row from these, which run for the few.
func (h *Held) Lookup() string { return "WHEN " + h.Count + " > 1 THEN EXISTS" }

// current reports whether n is Current = true (or != false).
func (h *Held) current(n *node) bool {
	if n.path != h.Current || n.val.kind != tokName {
		return false
	}
	return n.op == "=" && n.val.text == "true" || n.op == "!=" && n.val.text == "false"
}

// held compiles the comparisons nodes on the rows of j, whose lookup is
// lookup (its arguments already given), through j.Held when they are of
// its form; ok is false when they are not, looks whether sql holds lookup.
func (c *compiler) held(j *Join, nodes []*node, lookup string) (sql string, looks, ok bool, err error) {
	h := j.Held
	var rest []*node
	current := false
	for _, n := range nodes {
		switch {
		case h.current(n):
			current = true
		case h.Fields[n.path] != "":
			rest = append(rest, n)
		default:
			return "", false, false, nil
		}
	}
	if !current {
		return "", false, false, nil
	}
	if len(rest) == 0 {
		return "(" + h.Count + " > 0)", false, true, nil
	}
	conds := make([]string, len(rest))
	for i, n := range rest {
		f := c.schema[n.path]
		f.SQL, f.Join = h.Fields[n.path], nil
		if conds[i], _, err = c.condition(n, f, n.op); err != nil {
			return "", false, false, err
		}
	}
	return "(CASE " + strings.TrimSuffix(h.Lookup(), "EXISTS") + lookup +
		" ELSE " + h.Count + " = 1 AND " + strings.Join(conds, " AND ") + " END)", true, true, nil
}
