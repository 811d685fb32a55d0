// Package filter compiles AIP-160 filters (https://google.aip.dev/160) into
// parameterised SQLite conditions, against an allow-list of fields.
//
// For example, with a suitable Schema:
//
//	gender = FEMALE AND birth_date >= "1980-01-01"
//	display_name = "Nguyễn*"            a trailing * matches any rest: a prefix
//	fields.code:"502"                   a list contains a value
//	fields.code:*                       a list is not empty
//	qualifications.level >= THAC_SI     levels compare by rank
//	NOT work_location = ABROAD          NOT and - negate
//	hometown = "30742" gender = MALE    juxtaposition means AND
//
// As in AIP-160, OR binds tighter than AND: a AND b OR c is a AND (b OR c).
// Keywords are in capitals.
//
// Values are strings in double (or single) quotes, with the escapes \\ \"
// \' \* \n \r \t (\* is a star that is not a wildcard); whole numbers; true
// and false; enum values and rank codes, bare or quoted; dates as
// "YYYY-MM-DD"; timestamps in RFC 3339, as "2024-05-01T08:00:00+07:00".
//
// A comparison on a field of related rows (Field.Join) holds when some
// related row satisfies it: qualifications.year < 2000 means "has a
// qualification from before 2000", fields.code != "502" means "has a field
// other than 502", and NOT fields.code:"502" means "does not have 502".
// Comparisons joined by AND on fields of the same related rows must hold for
// one row: positions.current = true AND positions.organization.kind =
// UNIVERSITY is a current position at a university. Under OR or NOT they are
// each tested alone. On a field of a single value, field:* holds when it is
// set: not "" or 0, as in proto3.
//
// A filter may have at most 64 comparisons and nest parentheses at most 16
// deep, so that no request makes a query that is slow to plan or run.
//
// No text of the filter reaches the SQL: every value becomes a ? argument,
// and field names only select entries of the Schema, whose SQL is the only
// SQL in the result.
package filter

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Type is how a field's values are written in a filter and stored in SQL.
type Type int

// Field types. The SQL column of each is described alongside.
const (
	// String is TEXT, compared byte by byte (SQLite's BINARY collation),
	// or by a collation key (Field.Order).
	String Type = iota + 1
	// Int is an INTEGER.
	Int
	// Bool is an INTEGER, 0 or 1.
	Bool
	// Enum is an INTEGER, the number that Field.Enum maps a value name to.
	Enum
	// Date is an INTEGER YYYYMMDD, for example 19850312; a date with an
	// unknown month or day has 00 there and sorts before the known ones.
	Date
	// Timestamp is an INTEGER, microseconds since the Unix epoch.
	Timestamp
	// Ranked is an INTEGER rank, which Field.Ranks maps a code to.
	Ranked
)

// Field is one path that filters may name.
type Field struct {
	Type Type
	// SQL is the field's value as an SQLite expression, for example
	// "p.gender". It must never be NULL (wrap it in IFNULL if need be), so
	// that NOT is the exact complement of a condition; it must bind tighter
	// than a comparison (a column, a function call, or parenthesised); and it
	// must contain no ? placeholder.
	SQL string
	// Enum maps the value names of an Enum field to their stored numbers.
	Enum map[string]int64
	// Ranks maps the codes of a Ranked field to their ranks, so that
	// THAC_SI < TIEN_SI by rank.
	Ranks map[string]int64
	// Fold, when set, is applied to string values before comparing, because
	// SQL holds text so transformed: vntext.Fold for accent-insensitive
	// matching, or vntext.NFC for text kept as entered, so that a value typed
	// with combining marks still matches.
	Fold func(string) string
	// Join, when set, means the field belongs to related rows.
	Join *Join
	// Repeated means the field is a list: : tests whether it contains a
	// value. It needs a Join.
	Repeated bool
	// Expand, when set, maps a String value compared with = or != to the
	// values it stands for (an administrative unit: itself and the units in
	// its area); the comparison holds for any of them. An error says the
	// value stands for nothing (a code no list has), for the filter's
	// author: a typo would otherwise match no one, silently.
	Expand func(string) ([]string, error)
	// Prefixes, when set, maps the text before a trailing * (folded) to
	// the prefixes it stands for (a last letter typed bare: that letter
	// with any marks); the match holds for a value that starts with any
	// of them.
	Prefixes func(string) []string
	// Order, when set, orders a String field by a collation key rather
	// than by code points: < <= > >= compare keys, and so may a prefix.
	Order *Order
}

// Order is the collation order of a String field, by keys that compare
// byte by byte, as a Vietnamese sort key (vntext.SortKey) orders names.
type Order struct {
	// SQL is the key of the field's value, a BLOB, as an SQLite
	// expression under the rules of Field.SQL. It may go on past the key
	// with two zero bytes (lower than any weight) and the keys of more
	// text, as a key of a person's names in turn holds them all: the
	// comparisons account for it.
	SQL string
	// Key is the key of a value.
	Key func(string) []byte
	// Starts, when set, maps the text before a trailing * to the starts
	// of the keys of every value it is to match, or to nil when the text
	// is to match as typed (by Prefixes, on SQL); an error says why the
	// text cannot be matched, for the filter's author.
	Starts func(string) ([][]byte, error)
	// Loose, when set, is how the key of every value that begins with a
	// text begins: a prefix matched as typed is then also held to that
	// range of keys, which an index on the key reads in the key's order.
	Loose func(string) []byte
	// Whole says that SQL is the key of the value alone, with nothing
	// after it: a value equal to another has its key, so an equality
	// also compares keys, which an index on the key reads in the order
	// of the rows.
	Whole bool
}

// Join says how to reach the related rows of a field. A comparison on the
// field compiles to EXISTS (SELECT 1 FROM <From> WHERE (<On>) AND <cond>).
type Join struct {
	From string // for example "qualifications q"
	On   string // for example "q.person_pk = p.pk AND q.delete_time IS NULL"
	// Held, when set, is one of the rows that columns of the outer row
	// mirror, so that most outer rows need not look theirs up.
	Held *Held
}

// Schema is the fields a filter may name, by dotted path, for example
// "positions.organization.kind".
type Schema map[string]Field

// Error is a mistake in a filter, told so that its author can fix it.
type Error struct {
	Pos int // where, as the 1-based position of a character in the filter
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Pos, e.Msg) }

// Compile turns filter into an SQL condition over the fields of s, with
// the arguments for its placeholders (strings, int64s, and []bytes for
// keys). The condition
// may be joined to others with AND as it is. An empty filter gives an empty
// condition. Mistakes in the filter are *Error; any other error is a
// mistake in s.
func Compile(filter string, s Schema) (where string, args []any, err error) {
	if strings.TrimSpace(filter) == "" {
		return "", nil, nil
	}
	n, err := parse(filter)
	if err != nil {
		return "", nil, err
	}
	c := &compiler{src: filter, schema: s}
	where, _, err = c.node(n)
	if err != nil {
		return "", nil, err
	}
	return where, c.args, nil
}

type compiler struct {
	src    string
	schema Schema
	args   []any
}

func (c *compiler) errAt(off int, format string, args ...any) (string, bool, error) {
	return "", false, errAt(c.src, off, format, args...)
}

// node compiles n. atomic says whether the SQL can follow NOT without
// parentheses.
func (c *compiler) node(n *node) (sql string, atomic bool, err error) {
	switch n.op {
	case "AND":
		return c.and(n)
	case "OR":
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			if parts[i], _, err = c.node(k); err != nil {
				return "", false, err
			}
		}
		return "(" + strings.Join(parts, " "+n.op+" ") + ")", true, nil
	case "NOT":
		sql, atomic, err := c.node(n.kids[0])
		if err != nil {
			return "", false, err
		}
		return not(sql, atomic), true, nil
	}
	return c.compare(n)
}

// and compiles a conjunction. Comparisons in it on fields of the same
// related rows (the same *Join, not a list) must hold for one and the same
// row:
// positions.current = true AND positions.organization.kind = UNIVERSITY
// means a current position at a university, not a current position and
// some position, perhaps an old one, at a university.
func (c *compiler) and(n *node) (string, bool, error) {
	type part struct {
		sql   string
		join  *Join
		conds []string
		args  []any
		nodes []*node
	}
	var parts []*part
	groups := map[*Join]*part{}
	outer := c.args
	for _, k := range n.kids {
		c.args = nil
		if j, cond, ok, err := c.joined(k); err != nil {
			return "", false, err
		} else if ok {
			if g := groups[j]; g != nil {
				g.conds = append(g.conds, cond)
				g.args = append(g.args, c.args...)
				g.nodes = append(g.nodes, k)
				continue
			}
			g := &part{join: j, conds: []string{cond}, args: c.args, nodes: []*node{k}}
			groups[j] = g
			parts = append(parts, g)
			continue
		}
		sql, _, err := c.node(k)
		if err != nil {
			return "", false, err
		}
		parts = append(parts, &part{sql: sql, args: c.args})
	}
	for _, p := range parts {
		if p.join != nil && p.join.Held != nil {
			c.args = nil
			sql, looks, ok, err := c.held(p.join, p.nodes, exists(p.join, strings.Join(p.conds, " AND ")))
			if err != nil {
				return "", false, err
			}
			if ok {
				p.sql, p.join = sql, nil
				if !looks {
					p.args = nil
				}
				p.args = append(p.args, c.args...)
			}
		}
	}
	c.args = outer
	sqls := make([]string, len(parts))
	for i, p := range parts {
		sqls[i] = p.sql
		if p.join != nil {
			sqls[i] = exists(p.join, strings.Join(p.conds, " AND "))
		}
		c.args = append(c.args, p.args...)
	}
	return "(" + strings.Join(sqls, " AND ") + ")", true, nil
}

// joined compiles n, when it is a plain comparison on a field of related
// rows, to the condition on one such row, without the EXISTS around it.
func (c *compiler) joined(n *node) (*Join, string, bool, error) {
	if n.op == "AND" || n.op == "OR" || n.op == "NOT" || n.val.kind == tokStar {
		return nil, "", false, nil
	}
	// Lists (Repeated) are tested element by element: a list can hold both
	// "502" and "101", but no element is both.
	f, ok := c.schema[n.path]
	if !ok || f.Join == nil || f.Repeated || n.op == ":" {
		return nil, "", false, nil
	}
	cond, _, err := c.condition(n, f, n.op)
	if err != nil {
		return nil, "", false, err
	}
	return f.Join, cond, true, nil
}

func not(sql string, atomic bool) string {
	if !atomic {
		sql = "(" + sql + ")"
	}
	return "NOT " + sql
}

// exists is the condition that some row reached by j satisfies cond.
func exists(j *Join, cond string) string {
	if cond == "" {
		return "EXISTS (SELECT 1 FROM " + j.From + " WHERE " + j.On + ")"
	}
	return "EXISTS (SELECT 1 FROM " + j.From + " WHERE (" + j.On + ") AND " + cond + ")"
}

// example writes a comparison for an error message.
func example(path, op, value string) string {
	if op == ":" {
		return path + op + value
	}
	return path + " " + op + " " + value
}

func (c *compiler) compare(n *node) (string, bool, error) {
	f, ok := c.schema[n.path]
	if !ok {
		if len(c.schema) == 0 {
			return c.errAt(n.pathOff, "unknown field %q; nothing here can be filtered", n.path)
		}
		return c.errAt(n.pathOff, "unknown field %q; filters may name %s", n.path, strings.Join(c.fieldNames(), ", "))
	}
	if f.Repeated && f.Join == nil {
		return "", false, fmt.Errorf("filter: schema: repeated field %q has no Join", n.path)
	}
	op := n.op
	if n.val.kind == tokStar {
		if op != ":" {
			return c.errAt(n.val.off, "a bare * means \"any value\" and follows only :, as in %s:*; for a prefix put the * inside the quotes, as in \"Ng*\"", n.path)
		}
		return c.present(n, f)
	}
	if op == ":" {
		if !f.Repeated {
			return c.errAt(n.opOff, "%s holds a single value, so : (contains) does not apply; compare it with =, or write %s:* to test that it is set", n.path, n.path)
		}
		op = "="
	}
	if f.Join != nil && f.Join.Held != nil && f.Join.Held.current(n) {
		return "(" + f.Join.Held.Count + " > 0)", true, nil
	}
	cond, atomic, err := c.condition(n, f, op)
	if err != nil || f.Join == nil {
		return cond, atomic, err
	}
	return exists(f.Join, cond), true, nil
}

// present compiles path:*, which holds when the field is set: not the zero
// value (as in proto3), or for related rows, when one has it set.
func (c *compiler) present(n *node, f Field) (string, bool, error) {
	var cond string
	switch f.Type {
	case Bool:
		if f.Join == nil {
			return c.errAt(n.val.off, "%s is always true or false; compare it with = true or = false", n.path)
		}
	case String:
		cond = f.SQL + " != ?"
		c.args = append(c.args, "")
	default:
		cond = f.SQL + " != ?"
		c.args = append(c.args, int64(0))
	}
	if f.Join == nil {
		return cond, false, nil
	}
	return exists(f.Join, cond), true, nil
}

// condition compiles the comparison n of field f, whose SQL is f.SQL op
// the value.
func (c *compiler) condition(n *node, f Field, op string) (string, bool, error) {
	v, path := n.val, n.path
	equality := op == "=" || op == "!="
	var arg any
	switch f.Type {
	case String:
		if v.kind != tokString {
			return c.errAt(v.off, "%s is text: put the value in double quotes, as in %s", path, example(path, n.op, strconv.Quote(v.text)))
		}
		if v.innerStar >= 0 {
			return c.errAt(v.innerStar, "a * is a wildcard only at the end of a value, where it matches any rest; write \\* for a star that is not a wildcard")
		}
		if v.prefix {
			if !equality {
				return c.errAt(n.opOff, "%s: a trailing * (a prefix match) works only with = and !=; write \\* for a star that is not a wildcard", path)
			}
			return c.prefix(n, f, strings.TrimSuffix(v.text, "*"), op == "!=")
		}
		if f.Order != nil && !equality {
			return c.ordered(f.Order, v.text, op)
		}
		arg = fold(f, v.text)
		vals := []string{arg.(string)}
		if f.Expand != nil && equality {
			var err error
			if vals, err = f.Expand(arg.(string)); err != nil {
				return c.errAt(v.off, "%s: %v", path, err)
			}
			slices.Sort(vals)
		}
		if len(vals) <= 1 {
			vals = []string{arg.(string)} // as before: the value as typed
		}
		var keys string
		if f.Order != nil && f.Order.Whole && op == "=" {
			keys = c.keys(f.Order, vals) + " AND "
		}
		if len(vals) > 1 {
			in := "IN"
			if op == "!=" {
				in = "NOT IN"
			}
			for _, val := range vals {
				c.args = append(c.args, val)
			}
			cond := f.SQL + " " + in + " (?" + strings.Repeat(", ?", len(vals)-1) + ")"
			if keys != "" {
				return "(" + keys + cond + ")", true, nil
			}
			return cond, false, nil
		}
		if keys != "" {
			c.args = append(c.args, arg)
			return "(" + keys + f.SQL + " = ?)", true, nil
		}
	case Int:
		if v.kind != tokNumber {
			return c.errAt(v.off, "%s is a whole number, written without quotes, as in %s", path, example(path, n.op, "2010"))
		}
		i, err := strconv.ParseInt(v.text, 10, 64)
		if err != nil {
			return c.errAt(v.off, "%s is too large a number", v.raw)
		}
		arg = i
	case Bool:
		if !equality {
			return c.errAt(n.opOff, "%s is true or false, so only = and != apply", path)
		}
		if v.kind != tokName || v.text != "true" && v.text != "false" {
			return c.errAt(v.off, "%s is true or false: write %s or %s", path, example(path, n.op, "true"), example(path, n.op, "false"))
		}
		arg = int64(0)
		if v.text == "true" {
			arg = int64(1)
		}
	case Enum:
		if !equality {
			return c.errAt(n.opOff, "%s takes one of a list of values, so only = and != apply", path)
		}
		num, ok := lookup(f.Enum, v)
		if !ok {
			return c.errAt(v.off, "%s has no value %s; its values are %s", path, v.raw, strings.Join(byNumber(f.Enum), ", "))
		}
		arg = num
	case Ranked:
		rank, ok := lookup(f.Ranks, v)
		if !ok {
			return c.errAt(v.off, "%s has no level %s; its levels, lowest first, are %s", path, v.raw, strings.Join(byNumber(f.Ranks), ", "))
		}
		arg = rank
	case Date:
		t, err := time.Parse(time.DateOnly, v.text)
		if v.kind != tokString || err != nil {
			return c.errAt(v.off, "%s is a date: write it as \"YYYY-MM-DD\", in quotes, as in %s", path, example(path, n.op, `"1980-01-31"`))
		}
		arg = int64(t.Year()*10000 + int(t.Month())*100 + t.Day())
	case Timestamp:
		us, ok, exact := timestamp(v)
		if !ok {
			return c.errAt(v.off, "%s is a timestamp: write it in RFC 3339 form, in quotes, as in %s", path, example(path, n.op, `"2024-05-01T08:00:00+07:00"`))
		}
		if !exact {
			return c.errAt(v.off, "%s is kept to the microsecond; give at most 6 digits of fractional seconds", path)
		}
		arg = us
	default:
		return "", false, fmt.Errorf("filter: schema: field %q has no valid Type", path)
	}
	c.args = append(c.args, arg)
	return f.SQL + " " + op + " ?", false, nil
}

// timestamp reads the value of a Timestamp field: its microseconds since
// the epoch, whether it is a quoted RFC 3339 time (ok), and whether it is
// kept to the microsecond (exact).
func timestamp(v token) (us int64, ok, exact bool) {
	t, err := time.Parse(time.RFC3339Nano, v.text)
	if v.kind != tokString || err != nil {
		return 0, false, false
	}
	return t.UnixMicro(), true, t.Nanosecond()%1000 == 0
}

// keys compiles the condition that the key o.SQL is one of those of vals,
// which every value equal to one of them meets.
func (c *compiler) keys(o *Order, vals []string) string {
	var ks []string
	for _, v := range vals {
		ks = append(ks, string(o.Key(v)))
	}
	slices.Sort(ks)
	ks = slices.Compact(ks)
	for _, k := range ks {
		c.args = append(c.args, []byte(k))
	}
	if len(ks) == 1 {
		return o.SQL + " = ?"
	}
	return o.SQL + " IN (?" + strings.Repeat(", ?", len(ks)-1) + ")"
}

func fold(f Field, s string) string {
	if f.Fold == nil {
		return s
	}
	return f.Fold(s)
}

// lookup finds the number of the enum value or rank code v, bare or quoted.
func lookup(m map[string]int64, v token) (int64, bool) {
	if v.kind != tokName && v.kind != tokString {
		return 0, false
	}
	n, ok := m[v.text]
	return n, ok
}

// byNumber lists the names of m in the order of their numbers, as an enum
// or a scale of levels is read.
func byNumber(m map[string]int64) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[a], m[b]), strings.Compare(a, b))
	})
	return names
}

func (c *compiler) fieldNames() []string {
	names := make([]string, 0, len(c.schema))
	for name := range c.schema {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
