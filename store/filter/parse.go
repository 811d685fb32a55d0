package filter

// This file is a small recursive-descent parser for the AIP-160 grammar
// (https://google.aip.dev/assets/misc/ebnf-filtering.txt) rather than a use
// of go.einride.tech/aip/filtering's Parser. That parser accepts the
// grammar, but it fits this package badly:
//   - its errors are a chain of grammar rules ("expression", "sequence",
//     "factor", ..., "unexpected trailing token WS") that a person filling in
//     a search form cannot act on;
//   - `fields:*` and `fields:"*"` parse to the same tree, so "any value" and
//     the literal star cannot be told apart, and a string cannot say whether
//     its trailing * was escaped;
//   - it recurses without bound and backtracks (every comparable is first
//     tried as a function call), so the depth and size limits could only be
//     checked after the work they are meant to prevent.
// The grammar is the same, including its precedence: OR binds tighter than
// AND and than juxtaposition (an implicit AND).

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a filter's size, as the package documentation gives them.
const (
	maxTerms = 64 // comparisons
	maxDepth = 16 // nested parentheses
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokName
	tokString
	tokNumber
	tokAnd
	tokOr
	tokNot
	tokCompare // = != < <= > >= :
	tokMinus
	tokStar
	tokDot
	tokLParen
	tokRParen
)

type token struct {
	kind tokenKind
	off  int    // byte offset in the filter
	raw  string // the token as written
	// text is a string's value, unescaped; otherwise raw.
	text string
	// prefix is set when a string ends with an unescaped *.
	prefix bool
	// innerStar is the offset of an unescaped * that is not at the end of a
	// string, or -1.
	innerStar int
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the filter"
	case tokString:
		return "a quoted string"
	case tokNumber:
		return "the number " + t.raw
	}
	return fmt.Sprintf("%q", t.raw)
}

// errAt makes an Error at byte offset off of src.
func errAt(src string, off int, format string, args ...any) *Error {
	return &Error{Pos: utf8.RuneCountInString(src[:off]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func lex(src string) ([]token, error) {
	for i, r := range src {
		if _, n := utf8.DecodeRuneInString(src[i:]); r == utf8.RuneError && n == 1 {
			return nil, errAt(src, i, "the filter is not valid UTF-8")
		}
	}
	var toks []token
	i := 0
	for i < len(src) {
		r, n := utf8.DecodeRuneInString(src[i:])
		start := i
		simple := func(kind tokenKind, size int) {
			i += size
			toks = append(toks, token{kind: kind, off: start, raw: src[start:i], text: src[start:i]})
		}
		switch {
		case unicode.IsSpace(r):
			i += n
		case r == '"' || r == '\'':
			t, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.raw)
		case isDigit(r):
			j := i
			for j < len(src) && isDigit(rune(src[j])) {
				j++
			}
			if j+1 < len(src) && src[j] == '.' && isDigit(rune(src[j+1])) {
				return nil, errAt(src, i, "only whole numbers are supported")
			}
			simple(tokNumber, j-i)
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if !unicode.IsLetter(r) && !isDigit(r) && r != '_' {
					break
				}
				j += n
			}
			switch src[i:j] {
			case "AND":
				simple(tokAnd, j-i)
			case "OR":
				simple(tokOr, j-i)
			case "NOT":
				simple(tokNot, j-i)
			default:
				simple(tokName, j-i)
			}
		case r == '<' || r == '>':
			if i+1 < len(src) && src[i+1] == '=' {
				simple(tokCompare, 2)
			} else {
				simple(tokCompare, 1)
			}
		case r == '!':
			if i+1 < len(src) && src[i+1] == '=' {
				simple(tokCompare, 2)
			} else {
				return nil, errAt(src, i, "unexpected \"!\": write != for \"not equal\", or NOT before a comparison to negate it")
			}
		case r == '=' || r == ':':
			simple(tokCompare, 1)
		case r == '-':
			simple(tokMinus, 1)
		case r == '*':
			simple(tokStar, 1)
		case r == '.':
			simple(tokDot, 1)
		case r == '(':
			simple(tokLParen, 1)
		case r == ')':
			simple(tokRParen, 1)
		default:
			return nil, errAt(src, i, "unexpected character %q; text values go in double quotes", r)
		}
	}
	return append(toks, token{kind: tokEOF, off: len(src)}), nil
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// lexString reads the string literal that starts at src[start].
func lexString(src string, start int) (token, error) {
	quote := src[start]
	var b strings.Builder
	// stars are the unescaped *s: where they are in the value and in src.
	type star struct{ val, src int }
	var stars []star
	for i := start + 1; i < len(src); {
		switch c := src[i]; c {
		case quote:
			t := token{kind: tokString, off: start, raw: src[start : i+1], text: b.String(), innerStar: -1}
			for _, s := range stars {
				if s.val == b.Len()-1 {
					t.prefix = true
				} else if t.innerStar < 0 {
					t.innerStar = s.src
				}
			}
			return t, nil
		case '\\':
			if i+1 == len(src) {
				return token{}, errAt(src, start, "this string has no closing %c", quote)
			}
			switch e := src[i+1]; e {
			case '\\', '"', '\'', '*':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				r, _ := utf8.DecodeRuneInString(src[i+1:])
				return token{}, errAt(src, i, `unknown escape \%c; inside quotes write \\ for a backslash, \" for a double quote, \' for a single quote, \* for a star that is not a wildcard, \n, \r or \t`, r)
			}
			i += 2
		case '*':
			stars = append(stars, star{b.Len(), i})
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return token{}, errAt(src, start, "this string has no closing %c", quote)
}

// node is a parsed filter: a comparison, or AND, OR or NOT of nodes.
type node struct {
	op   string  // "AND", "OR", "NOT", or a comparison operator
	kids []*node // AND, OR, NOT

	path    string // comparisons: the field
	pathOff int
	opOff   int
	val     token
}

type parser struct {
	src   string
	toks  []token
	next  int
	terms int
	depth int
}

func parse(src string) (*node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.expression()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, p.errAt(t, "this ) closes no (")
		}
		return nil, p.errAt(t, "unexpected %s", t.describe())
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.next] }

func (p *parser) take() token {
	t := p.toks[p.next]
	if t.kind != tokEOF {
		p.next++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) *Error {
	return errAt(p.src, t.off, format, args...)
}

// combine joins a and b with op ("AND" or "OR"), flattening runs of the
// same operator so that the SQL has fewer parentheses.
func combine(op string, a, b *node) *node {
	if a.op == op {
		a.kids = append(a.kids, b)
		return a
	}
	return &node{op: op, kids: []*node{a, b}}
}

// expression: sequence {AND sequence}
func (p *parser) expression() (*node, error) {
	n, err := p.sequence()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokAnd {
		and := p.take()
		if k := p.peek().kind; k == tokEOF || k == tokRParen {
			return nil, p.errAt(and, "AND needs a condition after it")
		}
		m, err := p.sequence()
		if err != nil {
			return nil, err
		}
		n = combine("AND", n, m)
	}
	return n, nil
}

// sequence: factor {factor}. AIP-160 leaves the meaning of juxtaposition
// to the service; here it is AND.
func (p *parser) sequence() (*node, error) {
	n, err := p.factor()
	if err != nil {
		return nil, err
	}
	for {
		switch p.peek().kind {
		case tokName, tokNot, tokMinus, tokLParen, tokString, tokNumber:
		default:
			return n, nil
		}
		m, err := p.factor()
		if err != nil {
			return nil, err
		}
		n = combine("AND", n, m)
	}
}

// factor: term {OR term}
func (p *parser) factor() (*node, error) {
	n, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokOr {
		or := p.take()
		if k := p.peek().kind; k == tokEOF || k == tokRParen {
			return nil, p.errAt(or, "OR needs a condition after it")
		}
		m, err := p.term()
		if err != nil {
			return nil, err
		}
		n = combine("OR", n, m)
	}
	return n, nil
}

// term: [NOT | -] simple
func (p *parser) term() (*node, error) {
	if k := p.peek().kind; k == tokNot || k == tokMinus {
		p.take()
		n, err := p.simple()
		if err != nil {
			return nil, err
		}
		return &node{op: "NOT", kids: []*node{n}}, nil
	}
	return p.simple()
}

// simple: ( expression ) | restriction
func (p *parser) simple() (*node, error) {
	if p.peek().kind != tokLParen {
		return p.restriction()
	}
	open := p.take()
	if p.depth++; p.depth > maxDepth {
		return nil, p.errAt(open, "parentheses nest more than %d deep; simplify the filter", maxDepth)
	}
	if p.peek().kind == tokRParen {
		return nil, p.errAt(open, "empty parentheses; put a condition inside")
	}
	n, err := p.expression()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokRParen {
		return nil, p.errAt(t, "expected ) to close the ( at column %d, found %s",
			utf8.RuneCountInString(p.src[:open.off])+1, t.describe())
	}
	p.take()
	p.depth--
	return n, nil
}

// restriction: member comparator arg, where member is name {. name}. AIP-160
// also allows a bare value (a global search) and function calls; neither is
// supported.
func (p *parser) restriction() (*node, error) {
	first := p.peek()
	if first.kind != tokName {
		return nil, p.errAt(first, "expected a field name, found %s", first.describe())
	}
	path := p.take().text
	for p.peek().kind == tokDot {
		p.take()
		t := p.take()
		if t.kind != tokName {
			return nil, p.errAt(t, "expected a field name after \".\", found %s", t.describe())
		}
		path += "." + t.text
	}
	if p.terms++; p.terms > maxTerms {
		return nil, p.errAt(first, "the filter has more than %d comparisons; simplify it", maxTerms)
	}
	cmp := p.peek()
	if cmp.kind != tokCompare {
		switch {
		case cmp.kind == tokLParen:
			return nil, p.errAt(cmp, "functions are not supported; compare a field with a value, for example gender = FEMALE")
		case strings.EqualFold(path, "AND") || strings.EqualFold(path, "OR") || strings.EqualFold(path, "NOT"):
			return nil, p.errAt(first, "write %s in capitals", strings.ToUpper(path))
		}
		return nil, p.errAt(cmp, "expected a comparison (=, !=, <, <=, >, >= or :) after %q, found %s", path, cmp.describe())
	}
	p.take()
	val, err := p.arg(cmp)
	if err != nil {
		return nil, err
	}
	return &node{op: cmp.text, path: path, pathOff: first.off, opOff: cmp.off, val: val}, nil
}

// arg: STRING | NAME | [-] NUMBER | *
//
// AIP-160 also allows a field or a parenthesised expression here; comparing
// two fields is not supported.
func (p *parser) arg(cmp token) (token, error) {
	t := p.take()
	switch t.kind {
	case tokNumber:
		// 1980-01-31 lexes as 1980, -, 01, -, 31; say how to write it.
		end := t.off + len(t.raw)
		for k := p.peek().kind; (k == tokMinus || k == tokNumber) && p.peek().off == end; k = p.peek().kind {
			end += len(p.take().raw)
		}
		if raw := p.src[t.off:end]; raw != t.raw {
			return token{}, p.errAt(t, "%s is not a number; if it is a date, put it in double quotes: \"%s\"", raw, raw)
		}
		return t, nil
	case tokString, tokStar:
		return t, nil
	case tokName:
		if p.peek().kind == tokDot {
			return token{}, p.errAt(t, "a value cannot be a field; put text in double quotes")
		}
		return t, nil
	case tokMinus:
		n := p.take()
		if n.kind != tokNumber {
			return token{}, p.errAt(n, "expected a number after -, found %s", n.describe())
		}
		n.text = "-" + n.text
		n.raw = p.src[t.off : n.off+len(n.raw)]
		n.off = t.off
		return n, nil
	case tokCompare:
		if cmp.text == "=" && t.text == "=" {
			return token{}, p.errAt(t, "write a single = to compare")
		}
	}
	return token{}, p.errAt(t, "expected a value after %s, found %s", cmp.text, t.describe())
}
