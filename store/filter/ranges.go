package filter

import (
	"slices"
	"strings"
)

// Prefixes and ordering comparisons: ranges of a column's values, or of a
// collation key's (Field.Order), which an index on the column can read.

// ordered compiles field op value, an ordering comparison, on the keys of
// o. The key column holds the field's key k, or k followed by 0 0 and
// more: so the values up to the value's key v are the columns below v 0 1.
func (c *compiler) ordered(o *Order, value, op string) (string, bool, error) {
	v := o.Key(value)
	upTo := append(slices.Clip(v), 0, 1)
	switch op {
	case "<":
		c.args = append(c.args, v)
		return o.SQL + " < ?", false, nil
	case "<=":
		c.args = append(c.args, upTo)
		return o.SQL + " < ?", false, nil
	case ">":
		c.args = append(c.args, upTo)
		return o.SQL + " >= ?", false, nil
	}
	c.args = append(c.args, v)
	return o.SQL + " >= ?", false, nil
}

// prefix compiles a match of the strings that start with p (or with any
// of the prefixes Field.Prefixes makes of it) as ranges, which unlike LIKE
// need no escaping, are case-sensitive and can use an index; or, when
// Field.Order has Starts for p, a match of the keys that start with them.
func (c *compiler) prefix(n *node, f Field, p string, negate bool) (string, bool, error) {
	if f.Order != nil && f.Order.Starts != nil {
		starts, err := f.Order.Starts(fold(f, p))
		if err != nil {
			return c.errAt(n.val.off, "%s: %v", n.path, err)
		}
		if starts != nil {
			ps := make([]string, len(starts))
			for i, s := range starts {
				ps[i] = string(s)
			}
			return c.ranges(f.Order.SQL, ps, func(s string) any { return []byte(s) }, negate, true)
		}
	}
	ps := []string{fold(f, p)}
	if f.Prefixes != nil {
		ps = f.Prefixes(ps[0])
	}
	if f.Order == nil || f.Order.Loose == nil || negate {
		return c.ranges(f.SQL, ps, func(s string) any { return s }, negate, false)
	}
	// The keys of the names that begin with any of ps lie between the
	// least of their loose keys and the end of the greatest: a page in
	// name order reads that range of the key's index rather than test
	// every name before it ("Trần*" by family_name read most of a
	// million). Broad, as a bare prefix is.
	keys := make([]string, len(ps))
	for i, s := range ps {
		keys[i] = string(f.Order.Loose(s))
	}
	lo, hi := slices.Min(keys), slices.Max(keys)
	around := "likelihood(" + f.Order.SQL + " >= ?, 0.9)"
	c.args = append(c.args, []byte(lo))
	if end, ok := prefixEnd(hi); ok {
		around += " AND likelihood(" + f.Order.SQL + " < ?, 0.9)"
		c.args = append(c.args, []byte(end))
	}
	cond, _, err := c.ranges(f.SQL, ps, func(s string) any { return s }, false, false)
	if err != nil {
		return "", false, err
	}
	return "(" + around + " AND " + cond + ")", true, nil
}

// ranges compiles a match of the values of sql that start with any of ps,
// each bound as arg makes it. broad says the match may hold for much of
// the table, as a name's prefix typed without marks does ("Nguyen*" is
// some two people in five): its range tells SQLite so (likelihood), so
// that a page in another order scans that order and stops at its LIMIT
// rather than sort every match (seconds at a million people), while a
// page in the key's order, or a count, still reads the key's index.
func (c *compiler) ranges(sql string, ps []string, arg func(string) any, negate, broad bool) (string, bool, error) {
	bound := func(op string) string {
		if broad {
			return "likelihood(" + sql + " " + op + " ?, 0.9)"
		}
		return sql + " " + op + " ?"
	}
	type span struct{ from, to string } // to "" when unbounded
	var spans []span
	slices.Sort(ps)
	for _, p := range slices.Compact(ps) {
		to, ok := prefixEnd(p)
		if !ok {
			to = ""
		}
		// Ranges that meet are one: à and á are consecutive characters,
		// and "Hà" ends where "Há" begins.
		if n := len(spans); n > 0 && spans[n-1].to != "" && spans[n-1].to >= p {
			if to == "" || spans[n-1].to < to {
				spans[n-1].to = to
			}
			continue
		}
		spans = append(spans, span{p, to})
	}
	conds := make([]string, len(spans))
	var args []any
	for i, sp := range spans {
		if len(spans) > 1 {
			conds[i] = sql + " >= ?"
		} else {
			conds[i] = bound(">=")
		}
		args = append(args, arg(sp.from))
		if sp.to != "" {
			if len(spans) > 1 {
				conds[i] = "(" + sql + " >= ? AND " + sql + " < ?)"
			} else {
				conds[i] = "(" + bound(">=") + " AND " + bound("<") + ")"
			}
			args = append(args, arg(sp.to))
		}
	}
	cond, atomic := conds[0], len(spans) == 1 && spans[0].to != ""
	if len(conds) > 1 {
		// One range around them all too: SQLite reads it from an index
		// and tests the rows in it, where for the ranges alone it reads
		// every row rather than look each up ("Nguyen*" on a key is four).
		first, last := spans[0], spans[len(spans)-1]
		around := bound(">=")
		c.args = append(c.args, arg(first.from))
		if last.to != "" {
			around += " AND " + bound("<")
			c.args = append(c.args, arg(last.to))
		}
		cond, atomic = "("+around+" AND ("+strings.Join(conds, " OR ")+"))", true
	}
	c.args = append(c.args, args...)
	if negate {
		return not(cond, atomic), true, nil
	}
	return cond, atomic, nil
}

// prefixEnd is the least string above all that start with p (in byte
// order): p with its last byte incremented, once any trailing 0xFF bytes
// are dropped. It may not be valid UTF-8, which SQLite's BINARY collation
// does not mind. There is none when p is empty or all 0xFF.
func prefixEnd(p string) (string, bool) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			return p[:i] + string([]byte{p[i] + 1}), true
		}
	}
	return "", false
}
