package filter

import (
	"math"
	"strings"
)

// Shape is what a filter is made of, for callers that allow fewer forms
// than Compile does (statistics by a sensitive dimension).
type Shape struct {
	// Fields are the paths the filter names, each once, in order.
	Fields []string
	// Conjuncts are the operands of the filter's top-level AND (the filter
	// itself when it has none), each as filter text that compiles alone.
	Conjuncts []string
	// OrNot is set when the filter has an OR or a NOT (or -) anywhere.
	OrNot bool
	// Comparisons are the filter's comparisons, in order.
	Comparisons []Comparison
}

// Comparison is one comparison of a filter: a path, an operator and a
// value as written (a string unquoted and unescaped).
type Comparison struct {
	Path, Op, Value string
}

// Describe parses filter and reports its shape; a filter that does not
// parse gives the error Compile would.
func Describe(filter string) (Shape, error) {
	var s Shape
	if strings.TrimSpace(filter) == "" {
		return s, nil
	}
	n, err := parse(filter)
	if err != nil {
		return s, err
	}
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		switch n.op {
		case "AND":
		case "OR", "NOT":
			s.OrNot = true
		default:
			s.Comparisons = append(s.Comparisons, Comparison{Path: n.path, Op: n.op, Value: n.val.text})
			if !seen[n.path] {
				seen[n.path] = true
				s.Fields = append(s.Fields, n.path)
			}
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(n)
	if n.op == "AND" {
		for _, k := range n.kids {
			s.Conjuncts = append(s.Conjuncts, k.text())
		}
	} else {
		s.Conjuncts = []string{n.text()}
	}
	return s, nil
}

// TimeRange is the range of times, in microseconds since the epoch, that
// every value of the Timestamp field path meets in whatever filter
// selects: from the comparisons of path that the filter's top-level AND
// holds (the filter itself when it is one), from inclusive, to exclusive;
// math.MinInt64 and math.MaxInt64 where nothing bounds it. A caller whose
// rows are keyed by time reads only that range of keys, where the field's
// condition itself cannot use the key (the audit trail's reads). A filter
// that does not parse gives the error Compile would.
func TimeRange(filter, path string) (from, to int64, err error) {
	from, to = math.MinInt64, math.MaxInt64
	if strings.TrimSpace(filter) == "" {
		return from, to, nil
	}
	n, err := parse(filter)
	if err != nil {
		return from, to, err
	}
	var walk func(n *node)
	walk = func(n *node) {
		if n.op == "AND" {
			for _, k := range n.kids {
				walk(k)
			}
			return
		}
		if n.path != path || n.kids != nil {
			return
		}
		us, ok, exact := timestamp(n.val)
		if !ok || !exact {
			return
		}
		switch n.op {
		case "=":
			from, to = max(from, us), min(to, us+1)
		case ">=":
			from = max(from, us)
		case ">":
			from = max(from, us+1)
		case "<":
			to = min(to, us)
		case "<=":
			to = min(to, us+1)
		}
	}
	walk(n)
	return from, to, nil
}

// text writes n back as filter text, in parentheses where it is not a
// comparison.
func (n *node) text() string {
	switch n.op {
	case "AND", "OR":
		var parts []string
		for _, k := range n.kids {
			parts = append(parts, k.text())
		}
		return "(" + strings.Join(parts, " "+n.op+" ") + ")"
	case "NOT":
		return "NOT " + n.kids[0].text()
	}
	return n.path + " " + n.op + " " + n.val.raw
}
