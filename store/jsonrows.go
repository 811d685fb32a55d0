package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// jsonRow is one row of a JSON array of arrays of scalars, as SQLite's
// json_group_array(json_array(...)) writes them, read like a row of
// database/sql so that a kind's scan function reads it unchanged.
type jsonRow []jsonValue

type jsonValue struct {
	kind byte // 's' string, 'i' integer, 'f' real, 'n' null
	s    string
	i    int64
	f    float64
}

// parseJSONRows reads `[[v, ...], ...]`; a scalar element is a row of one.
// It reads only what SQLite's JSON functions write: no objects, no nesting
// deeper than two.
//
// The rows share one array of values, and both are sized from the text's
// commas: values, and rows, are at most one more than the commas (strings
// may hold more). Two allocations where appending grew both
// (BENCHMARKS.md, issue 19, twenty-sixth session).
func parseJSONRows(text string) ([]jsonRow, error) {
	p := jsonParser{s: text}
	p.space()
	if !p.eat('[') {
		return nil, p.fail("want [")
	}
	var rows []jsonRow
	p.space()
	if p.eat(']') {
		return rows, nil
	}
	n := strings.Count(text, ",") + 1
	vals := make([]jsonValue, 0, n)
	rows = make([]jsonRow, 0, n)
	for {
		p.space()
		var row jsonRow
		if p.eat('[') {
			p.space()
			if !p.eat(']') {
				start := len(vals)
				for {
					v, err := p.value()
					if err != nil {
						return nil, err
					}
					vals = append(vals, v)
					p.space()
					if p.eat(']') {
						break
					}
					if !p.eat(',') {
						return nil, p.fail("want , or ]")
					}
				}
				row = jsonRow(vals[start:len(vals):len(vals)])
			}
		} else {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			row = jsonRow{v}
		}
		rows = append(rows, row)
		p.space()
		if p.eat(']') {
			return rows, nil
		}
		if !p.eat(',') {
			return nil, p.fail("want , or ]")
		}
	}
}

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("attached rows: %s at byte %d", what, p.i)
}

func (p *jsonParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) value() (jsonValue, error) {
	p.space()
	if p.i >= len(p.s) {
		return jsonValue{}, p.fail("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		// Most strings hold no escape: the closing quote is the first.
		if n := strings.IndexByte(p.s[p.i+1:], '"'); n >= 0 {
			if s := p.s[p.i+1 : p.i+1+n]; strings.IndexByte(s, '\\') < 0 {
				p.i += n + 2
				return jsonValue{kind: 's', s: s}, nil
			}
		}
		start := p.i
		p.i++
		escaped := false
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				escaped = true
				p.i++
			}
			p.i++
		}
		if p.i >= len(p.s) {
			return jsonValue{}, p.fail("unterminated string")
		}
		p.i++
		if !escaped {
			return jsonValue{kind: 's', s: p.s[start+1 : p.i-1]}, nil
		}
		var s string
		if err := json.Unmarshal([]byte(p.s[start:p.i]), &s); err != nil {
			return jsonValue{}, p.fail(err.Error())
		}
		return jsonValue{kind: 's', s: s}, nil
	case c >= '0' && c <= '9' || c == '-':
		if n, ok := p.smallInt(); ok {
			return jsonValue{kind: 'i', i: n}, nil
		}
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return jsonValue{kind: 'n'}, nil
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return jsonValue{kind: 'i', i: 1}, nil
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return jsonValue{kind: 'i'}, nil
	default:
		return p.number()
	}
}

// smallInt reads an integer of at most 18 digits (it cannot overflow)
// ending where a number ends, as strconv.ParseInt would; otherwise it
// reads nothing and number reads the value.
func (p *jsonParser) smallInt() (int64, bool) {
	i, neg := p.i, false
	if i < len(p.s) && p.s[i] == '-' {
		i, neg = i+1, true
	}
	start := i
	var n int64
	for i < len(p.s) && i-start < 18 && p.s[i] >= '0' && p.s[i] <= '9' {
		n = n*10 + int64(p.s[i]-'0')
		i++
	}
	if i == start || i < len(p.s) && strings.IndexByte("+-0123456789.eE", p.s[i]) >= 0 {
		return 0, false
	}
	p.i = i
	if neg {
		n = -n
	}
	return n, true
}

// number reads a number: an integer, or a real.
func (p *jsonParser) number() (jsonValue, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("+-0123456789.eE", p.s[p.i]) >= 0 {
		p.i++
	}
	num := p.s[start:p.i]
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		return jsonValue{kind: 'i', i: n}, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return jsonValue{}, p.fail("want a value")
	}
	return jsonValue{kind: 'f', f: f}, nil
}

// Scan converts the row's values into dest as database/sql would for the
// types the store's scan functions use.
func (r jsonRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("attached rows: %d values into %d destinations", len(r), len(dest))
	}
	for i, d := range dest {
		if err := r[i].assign(d); err != nil {
			return fmt.Errorf("attached rows: column %d: %w", i, err)
		}
	}
	return nil
}

func (v jsonValue) int() (int64, error) {
	switch v.kind {
	case 'i':
		return v.i, nil
	case 'f':
		return int64(v.f), nil
	case 's':
		return strconv.ParseInt(v.s, 10, 64)
	}
	return 0, nil
}

func (v jsonValue) assign(dest any) error {
	switch d := dest.(type) {
	case *string:
		switch v.kind {
		case 's':
			*d = v.s
		case 'i':
			*d = strconv.FormatInt(v.i, 10)
		case 'f':
			*d = strconv.FormatFloat(v.f, 'g', -1, 64)
		default:
			*d = ""
		}
	case *int64:
		n, err := v.int()
		*d = n
		return err
	case *int32:
		n, err := v.int()
		*d = int32(n)
		return err
	case *int:
		n, err := v.int()
		*d = int(n)
		return err
	case *bool:
		if v.kind == 's' {
			b, err := strconv.ParseBool(v.s)
			*d = b
			return err
		}
		n, err := v.int()
		*d = n != 0
		return err
	case *float64:
		switch v.kind {
		case 'f':
			*d = v.f
		case 's':
			f, err := strconv.ParseFloat(v.s, 64)
			*d = f
			return err
		default:
			*d = float64(v.i)
		}
	case *sql.NullInt64:
		if v.kind == 'n' {
			*d = sql.NullInt64{}
			return nil
		}
		n, err := v.int()
		*d = sql.NullInt64{Int64: n, Valid: true}
		return err
	case *sql.NullString:
		if v.kind == 'n' {
			*d = sql.NullString{}
			return nil
		}
		var s string
		if err := v.assign(&s); err != nil {
			return err
		}
		*d = sql.NullString{String: s, Valid: true}
	default:
		return fmt.Errorf("cannot read into %T", dest)
	}
	return nil
}
