package store

import (
	"context"
	"fmt"
)

// A listing with a fetchKey reads its page in two steps, the keys of its
// rows in order and then their columns, and may read the keys in bands,
// one after another (a search: the people whose names match, then the
// rest).

// band is one part of a listing, read in turn.
type band struct {
	with     string
	withArgs []any
	// terms, when set, order this band in place of the listing's terms:
	// the same number of the same kinds, so that a page token made in one
	// band says where every band stands. A band whose rows all sort alike
	// on the first terms orders them by a key its table is read in (a
	// search's rest, by rowid), so that its page stops at its LIMIT
	// rather than sorting every match.
	terms []orderTerm
	// pick, when set, reads the band's rows as its SQL would, at most
	// limit, the full keys of the row at keyAt only (-1: none; the
	// others' may be partial); ok false leaves them to the SQL (a
	// search's names band in name order from memory, nameorder.go).
	pick func(ctx context.Context, tx *Tx, after []any, limit, keyAt int) (ids []any, keys [][]any, ok bool, err error)
}

func (l listing) pageBands() []band {
	if len(l.bands) == 0 {
		return []band{{with: l.with, withArgs: l.withArgs}}
	}
	return l.bands
}

// bandTerms is the order of band b's rows.
func (l listing) bandTerms(b band) []orderTerm {
	if b.terms != nil {
		return b.terms
	}
	return l.terms
}

// bandSQL is the page query of band b under the conditions where, after
// the row whose sort keys are after (none for a first page), and the
// arguments that follow the listing's own (l.args).
func (l listing) bandSQL(b band, where []string, after []any) (query string, withArgs, afterArgs []any) {
	lb := l
	lb.with = b.with
	lb.terms = l.bandTerms(b)
	if after != nil {
		cond, args := afterSQL(lb.terms, after)
		where = append(where[:len(where):len(where)], cond)
		afterArgs = args
	}
	return lb.pageSQL(where), b.withArgs, afterArgs
}

// fetchPage reads a page of a listing with a fetchKey: the keys of its rows
// in order, then their columns. after is the sort keys of the row the page
// starts after (nil for a first page); args are the listing's own (l.args).
// next is the sort keys of the page's last row when a next page follows,
// else nil. all is the number of matches when the bands read every one of
// them (each band ran and none reached its LIMIT), else -1.
func fetchPage[T any](ctx context.Context, tx *Tx, l listing, where []string, args, after []any,
	scan func(s scanner, extra ...any) (T, error)) (items []T, next []any, all int, err error) {
	var ids []any
	var keys [][]any
	for _, b := range l.pageBands() {
		if len(ids) > l.size {
			all = -1
			break
		}
		n := 0
		if b.pick != nil {
			keyAt := l.size - 1 - len(ids)
			bids, bkeys, ok, err := b.pick(ctx, tx, after, l.size+1, keyAt)
			if err != nil {
				return nil, nil, 0, err
			}
			if ok {
				if ids == nil {
					ids, keys = bids, bkeys // the first band's: no copy
				} else {
					ids, keys = append(ids, bids...), append(keys, bkeys...)
				}
				n = len(bids)
				switch {
				case n > l.size:
					all = -1
				case all >= 0:
					all += n
				}
				continue
			}
		}
		query, withArgs, afterArgs := l.bandSQL(b, where, after)
		rows, err := tx.QueryContext(ctx, query, append(append(append([]any(nil), withArgs...), args...), afterArgs...)...)
		if err != nil {
			return nil, nil, 0, dbError(err)
		}
		ptrs := make([]any, 1+len(l.terms))
		for rows.Next() {
			vals := make([]any, len(ptrs)) // kept: the row's keys
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, nil, 0, dbError(err)
			}
			ids, keys = append(ids, vals[0]), append(keys, vals[1:])
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, 0, dbError(err)
		}
		switch {
		case n > l.size:
			all = -1
		case all >= 0:
			all += n
		}
	}
	if len(ids) > l.size {
		// There is one more: the last row on this page is where the next
		// page starts after.
		next = keys[l.size-1]
		ids = ids[:l.size]
	}
	if len(ids) == 0 {
		return nil, next, all, nil
	}
	rows, err := tx.QueryContext(ctx, l.fetchSQL(len(ids)), ids...)
	if err != nil {
		return nil, nil, 0, dbError(err)
	}
	defer rows.Close()
	byKey := make(map[any]T, len(ids))
	// One key and one list of it for every row: the key's value is
	// copied into the map.
	var k any
	kp := []any{&k}
	for rows.Next() {
		item, err := scan(rows, kp...)
		if err != nil {
			return nil, nil, 0, dbError(err)
		}
		byKey[k] = item
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, dbError(err)
	}
	items = make([]T, 0, len(ids))
	for _, id := range ids {
		item, ok := byKey[id]
		if !ok {
			return nil, nil, 0, &Error{Code: Internal, Message: "listing", Err: fmt.Errorf("row %v of the page vanished", id)}
		}
		items = append(items, item)
	}
	return items, next, all, nil
}

// fetchSQL reads the columns of n rows of a fetchKey listing by their keys.
func (l listing) fetchSQL(n int) string {
	return "SELECT " + l.columns + ", " + l.fetchKey + " FROM " + l.fetchFrom + " WHERE " + l.fetchKey + " IN (" + placeholders(n) + ")"
}
