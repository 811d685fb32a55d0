package store

import (
	"context"
	"encoding/json"
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
	// afterAll, when set, replaces with on a first page when the bands
	// before this one read every row they hold: its last parameter, after afterArgs, is
	// then a JSON array of their fetch keys, so that the band excludes
	// those rows without running the bands' queries again.
	afterAll  string
	afterArgs []any
}

func (l listing) pageBands() []band {
	if len(l.bands) == 0 {
		return []band{{with: l.with, withArgs: l.withArgs}}
	}
	return l.bands
}

// bandSQL is the page query of band b under the conditions where, and the
// arguments of its with. read, when not nil, is the fetch keys of every row
// the bands before b hold; counting adds the number of b's matches to every
// row (countingPageSQL).
func (l listing) bandSQL(b band, where []string, read []any, counting bool) (string, []any, error) {
	// The same LIMIT in every band keeps one prepared statement each.
	lb := l
	lb.with = b.with
	args := b.withArgs
	if b.afterAll != "" && read != nil {
		keys, err := json.Marshal(read)
		if err != nil {
			return "", nil, &Error{Code: Internal, Message: "listing", Err: err}
		}
		lb.with, args = b.afterAll, append(append([]any(nil), b.afterArgs...), string(keys))
	}
	if counting {
		return lb.countingPageSQL(where), args, nil
	}
	return lb.pageSQL(where), args, nil
}

// fetchPage reads a page of a listing with a fetchKey: the keys of its rows
// in order, then their columns. next is the sort keys of the page's last
// row when a next page follows, else nil. all is the number of matches
// when the bands read every one of them (each band ran and none reached
// its LIMIT) or, with count, when the last band of several ran, else -1.
func fetchPage[T any](ctx context.Context, tx *Tx, l listing, where []string, args []any, count bool,
	scan func(s scanner, extra ...any) (T, error)) (items []T, next []any, all int, err error) {
	rest := args[len(l.withArgs):]
	var ids []any
	var keys [][]any
	bands := l.pageBands()
	for i, b := range bands {
		if len(ids) > l.size {
			all = -1
			break
		}
		// When the bands before it read all of theirs, the last band
		// counts its matches as it sorts them: the count query would find
		// them all again (issue 19: a broad search's others band and its
		// count each evaluate the MATCH of thousands of people). The
		// first band alone is a whole listing, which the count query may
		// count more cheaply than a band that sorts every match.
		counting := count && len(l.bands) > 1 && i == len(bands)-1
		var read []any
		if all >= 0 && l.token == "" {
			// Not after a page token: the bands before then read only
			// the rows after it.
			read = append(make([]any, 0, len(ids)), ids...)
		}
		query, withArgs, err := l.bandSQL(b, where, read, counting)
		if err != nil {
			return nil, nil, 0, err
		}
		rows, err := tx.QueryContext(ctx, query, append(append([]any(nil), withArgs...), rest...)...)
		if err != nil {
			return nil, nil, 0, dbError(err)
		}
		var bandSize int64 = -1
		n := 0
		for rows.Next() {
			vals := make([]any, 1+len(l.terms))
			ptrs := make([]any, len(vals), len(vals)+1)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if counting {
				ptrs = append(ptrs, &bandSize)
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
		case counting && all >= 0:
			all += int(max(bandSize, 0)) // no row, no matches
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
	for rows.Next() {
		var k any
		item, err := scan(rows, &k)
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
