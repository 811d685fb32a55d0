package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.einride.tech/aip/ordering"
)

// Paging limits (AIP-158).
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// ListQuery is what every List method takes.
type ListQuery struct {
	PageSize    int
	PageToken   string
	Filter      string
	OrderBy     string
	ShowDeleted bool
	// Scope is the caller's limit, empty for none: the association a
	// registrar key limited to one acts for (ListMemberships,
	// ListExpertPoolMembers and ListEngagements let its filter and order see
	// nothing of the people outside it), or the organization
	// a unit's key or account is limited to; listings and searches of
	// people answer within either.
	Scope string
	// Shown is how much of what people hold the caller reads (holdings.go):
	// listings and searches of people filter and order on update_time as
	// it sees it, so that a filter cannot tell whose memberships or
	// consents alone changed. Other listings ignore it.
	Shown Shown
}

// Page says where a listing stands.
type Page struct {
	// NextPageToken continues the listing; empty on the last page.
	NextPageToken string
	// TotalSize counts every match of the query, on every page; 0 when
	// it was not counted (see listing.sizeSQL).
	TotalSize int
}

// kind is how a sort key's values are typed in page tokens.
type kind int

const (
	kindInt kind = iota
	kindText
	kindBlob
)

// sortKey is a field that a listing may be ordered by.
type sortKey struct {
	expr string // an SQL expression over the listed table; never NULL
	kind kind
}

// orderTerm is one term of a resolved ORDER BY.
type orderTerm struct {
	sortKey
	path string
	desc bool
}

// parseOrderBy resolves an AIP-132 order_by against the fields a resource
// may be ordered by, and appends tiebreak (a unique key) so that the order
// is total and keyset paging never repeats or skips a row.
func parseOrderBy(orderBy string, keys map[string]sortKey, tiebreak orderTerm) ([]orderTerm, error) {
	var ob ordering.OrderBy
	if err := ob.UnmarshalString(orderBy); err != nil {
		return nil, errorf(Invalid, "order_by", "cannot parse %q: write field names separated by commas, each optionally followed by \"desc\" (for example \"given_name, birth_date desc\")", orderBy)
	}
	var terms []orderTerm
	seen := map[string]bool{}
	for _, f := range ob.Fields {
		k, ok := keys[f.Path]
		if !ok {
			return nil, errorf(Invalid, "order_by", "cannot order by %q; possible fields: %s", f.Path, keyNames(keys))
		}
		if seen[f.Path] {
			return nil, errorf(Invalid, "order_by", "%q appears twice", f.Path)
		}
		seen[f.Path] = true
		terms = append(terms, orderTerm{sortKey: k, path: f.Path, desc: f.Desc})
	}
	return append(terms, tiebreak), nil
}

func keyNames(keys map[string]sortKey) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// orderSQL is the ORDER BY clause for terms.
func orderSQL(terms []orderTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.expr)
		if t.desc {
			b.WriteString(" DESC")
		}
	}
	return b.String()
}

// selectKeys is the list of sort-key expressions to select with each row, so
// that the last row of a page can become the next page token.
func selectKeys(terms []orderTerm) string {
	exprs := make([]string, len(terms))
	for i, t := range terms {
		exprs[i] = t.expr
	}
	return strings.Join(exprs, ", ")
}

// afterSQL is the condition for rows after the row whose sort keys are vals,
// in the order of terms: (a > ?) OR (a = ? AND b > ?) OR ..., which works for
// any mix of directions.
func afterSQL(terms []orderTerm, vals []any) (string, []any) {
	var ors []string
	var args []any
	for i, t := range terms {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, terms[j].expr+" = ?")
			args = append(args, vals[j])
		}
		op := " > ?"
		if t.desc {
			op = " < ?"
		}
		ands = append(ands, t.expr+op)
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// pageToken is what a page token holds: where the previous page ended, and
// which query it belongs to.
type pageToken struct {
	Query []byte `json:"q"`
	After []any  `json:"a"`
	// Total is the count of matches when the listing began; counting once
	// keeps later pages as cheap as the first.
	Total int `json:"t"`
}

// queryChecksum binds a page token to the query that made it: the same
// token with another filter, order or parent is refused.
func queryChecksum(parts ...string) []byte {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return h.Sum(nil)[:8]
}

const macSize = 12

// encodePageToken makes an opaque, signed token.
func (db *DB) encodePageToken(query []byte, terms []orderTerm, after []any, total int) string {
	vals := make([]any, len(after))
	for i, v := range after {
		if b, ok := v.([]byte); ok && terms[i].kind == kindBlob {
			vals[i] = base64.RawStdEncoding.EncodeToString(b)
		} else {
			vals[i] = v
		}
	}
	body, _ := json.Marshal(pageToken{Query: query, After: vals, Total: total})
	mac := hmac.New(sha256.New, db.secret)
	mac.Write(body)
	return base64.RawURLEncoding.EncodeToString(append(mac.Sum(nil)[:macSize], body...))
}

// decodePageToken checks a token's signature and query, and returns the sort
// keys of the row it continues after and the total of the first page.
func (db *DB) decodePageToken(token string, query []byte, terms []orderTerm) ([]any, int, error) {
	bad := errorf(Invalid, "page_token", "invalid page token; start again without one")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= macSize {
		return nil, 0, bad
	}
	sum, body := raw[:macSize], raw[macSize:]
	mac := hmac.New(sha256.New, db.secret)
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)[:macSize]) {
		return nil, 0, bad
	}
	var pt pageToken
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&pt); err != nil {
		return nil, 0, bad
	}
	if !bytes.Equal(pt.Query, query) {
		return nil, 0, errorf(Invalid, "page_token", "the page token belongs to a different query; keep filter, order_by and the other parameters as they were, or start again without a token")
	}
	if len(pt.After) != len(terms) {
		return nil, 0, bad
	}
	vals := make([]any, len(terms))
	for i, t := range terms {
		switch t.kind {
		case kindInt:
			n, ok := pt.After[i].(json.Number)
			if !ok {
				return nil, 0, bad
			}
			v, err := n.Int64()
			if err != nil {
				return nil, 0, bad
			}
			vals[i] = v
		case kindText:
			s, ok := pt.After[i].(string)
			if !ok {
				return nil, 0, bad
			}
			vals[i] = s
		case kindBlob:
			s, ok := pt.After[i].(string)
			if !ok {
				return nil, 0, bad
			}
			b, err := base64.RawStdEncoding.DecodeString(s)
			if err != nil {
				return nil, 0, bad
			}
			vals[i] = b
		}
	}
	return vals, pt.Total, nil
}

// pageSize applies the default and the maximum.
func pageSize(n int) (int, error) {
	switch {
	case n < 0:
		return 0, errorf(Invalid, "page_size", "must not be negative")
	case n == 0:
		return DefaultPageSize, nil
	case n > MaxPageSize:
		return MaxPageSize, nil
	}
	return n, nil
}

// listing is one List call, resolved to SQL.
type listing struct {
	with     string // common table expressions the rest refers to, if any
	withArgs []any
	from     string   // the table, with any joins
	columns  string   // the resource's columns, as its scan function reads them
	where    []string // conditions, ANDed
	args     []any
	terms    []orderTerm
	query    []byte // queryChecksum of everything that shapes the result
	size     int
	token    string
	// sizeSQL, when set, measures the collection: when it holds more than
	// exactCountLimit rows, the first page does not count every match,
	// which for a broad filter costs more than the page (AIP-158 lets
	// total_size be omitted), unless the page holds them all.
	sizeSQL string
	// fetchKey, when set, makes the page query select only this key of
	// the row (e.g. "p.pk") and the sort keys, and the columns are read
	// after from fetchFrom, for the rows of the page only: a listing that
	// sorts many matches to find a page then sorts narrow rows, not whole
	// ones, in less memory.
	fetchKey, fetchFrom string
	// bands, when set, split the page query of a fetchKey listing: each
	// band's common table expressions replace with's, and every row of a
	// band sorts before every row of the next, so that a page the first
	// band fills never reads the rest. with still selects every match, for
	// counting.
	bands []band
	// uncounted: the listing never counts its matches (Page.TotalSize is
	// 0), for a collection whose response has no total_size.
	uncounted bool
	// countFrom, when set, is what the count reads in place of from.
	countFrom string
	// countQuery, when set, counts the matches in place of a count of
	// countFrom under where, with countArgs.
	countQuery string
	countArgs  []any
	// countWords, when set, are countQuery's words, which wordSets may
	// count from memory with the same answer (wordsets.go).
	countWords *ftsWords
}

// exactCountLimit is the size of a collection up to which listings count
// every match for total_size. A registry of 100,000 people counts a filter
// in a few milliseconds; a million takes hundreds. (A variable for tests.)
var exactCountLimit int64 = 100_000

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// list runs a keyset-paginated listing: rows after the page token's row, in
// the listing's order, one more than asked for to know whether a next page
// exists.
func list[T any](ctx context.Context, tx *Tx, l listing, scan func(s scanner, extra ...any) (T, error)) ([]T, Page, error) {
	var page Page
	where, args := append([]string(nil), l.where...), append(append([]any(nil), l.withArgs...), l.args...)
	total := -1
	var after []any
	if l.token != "" {
		var err error
		if after, total, err = tx.db.decodePageToken(l.token, l.query, l.terms); err != nil {
			return nil, page, err
		}
	}
	count := false
	if l.token == "" && !l.uncounted {
		count = true
		if l.sizeSQL != "" {
			var n int64
			if err := tx.QueryRowContext(ctx, l.sizeSQL).Scan(&n); err != nil {
				return nil, page, dbError(err)
			}
			count = n <= exactCountLimit
		}
	}
	countAll := func() error {
		// A count that would take more than its share of the read's
		// budget stops early, and total_size is left out (AIP-158)
		// rather than the page refused.
		q, qargs := l.countSQL()
		counted, err := tx.budget.within(tx.budget.countShare(), func() error {
			if l.countWords != nil {
				n, ok, err := tx.db.wordSets.countWords(ctx, tx, *l.countWords)
				if err != nil || ok {
					total = n
					return err
				}
			}
			return tx.QueryRowContext(ctx, q, qargs...).Scan(&total)
		})
		if err != nil {
			return dbError(err)
		}
		if !counted {
			total = -1
		}
		return nil
	}

	if l.fetchKey != "" {
		items, next, all, err := fetchPage(ctx, tx, l, where, l.args, after, scan)
		if err != nil {
			return nil, page, err
		}
		if count {
			if all >= 0 {
				// The bands read every match: the count would run
				// the search a second time (issue 19: a fifth of a
				// SearchPeople's CPU).
				total = all
			} else if err := countAll(); err != nil {
				return nil, page, err
			}
		}
		page.TotalSize = max(total, 0)
		if next != nil {
			page.NextPageToken = tx.db.encodePageToken(l.query, l.terms, next, total)
		} else if total < 0 && l.token == "" {
			page.TotalSize = len(items)
		}
		return items, page, nil
	}
	if count {
		if err := countAll(); err != nil {
			return nil, page, err
		}
	}
	page.TotalSize = max(total, 0)
	if after != nil {
		cond, condArgs := afterSQL(l.terms, after)
		where = append(where, cond)
		args = append(args, condArgs...)
	}
	rows, err := tx.QueryContext(ctx, l.pageSQL(where), args...)
	if err != nil {
		return nil, page, dbError(err)
	}
	defer rows.Close()
	var items []T
	keys := make([]any, len(l.terms))
	for rows.Next() {
		if len(items) == l.size {
			// There is one more: the last row on this page is where the next
			// page starts after.
			page.NextPageToken = tx.db.encodePageToken(l.query, l.terms, keys, total)
			break
		}
		ptrs := make([]any, len(keys))
		for i := range keys {
			ptrs[i] = &keys[i]
		}
		item, err := scan(rows, ptrs...)
		if err != nil {
			return nil, page, dbError(err)
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, page, dbError(err)
	}
	if total < 0 && l.token == "" && page.NextPageToken == "" {
		// Not counted, but the first page holds every match.
		page.TotalSize = len(items)
	}
	return items, page, nil
}

// countSQL counts the listing's matches.
func (l listing) countSQL() (string, []any) {
	if l.countQuery != "" {
		return l.countQuery, l.countArgs
	}
	from := l.from
	if l.countFrom != "" {
		from = l.countFrom
	}
	return l.withSQL() + "SELECT COUNT(*) FROM " + from + whereSQL(l.where), append(append([]any(nil), l.withArgs...), l.args...)
}

// pageSQL selects a page of the listing under the conditions where: one row
// more than the page holds.
func (l listing) pageSQL(where []string) string {
	cols := l.columns
	if l.fetchKey != "" {
		cols = l.fetchKey
	}
	return l.withSQL() + "SELECT " + cols + ", " + selectKeys(l.terms) + " FROM " + l.from + whereSQL(where) +
		" ORDER BY " + orderSQL(l.terms) + fmt.Sprintf(" LIMIT %d", l.size+1)
}

func (l listing) withSQL() string {
	if l.with == "" {
		return ""
	}
	return "WITH " + l.with + " "
}

func whereSQL(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
