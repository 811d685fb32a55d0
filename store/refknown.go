package store

import (
	"context"
	"strings"
	"sync"
)

// refKnown remembers the reference codes checkRef found committed, so that
// a write naming one again (every create names an ethnic group, a
// hometown, a country and its fields) does not ask the database in the
// single writer: a statement each, a tenth of a create's checks.
//
// Only presence is remembered, and only once the code is committed (read
// through the reader pool): no write path takes a code out of a reference
// table: every write of one is upsertRef's INSERT ... ON CONFLICT DO
// UPDATE by the list's key (LoadReference and `trithuc reference load`, in
// this process or another, and the seeding at Open), never a DELETE, for
// profiles may still name a code; the migrations only create and fill the
// tables, before the store opens. So a code once committed stays valid. A code
// a write transaction sees but has not committed (a load in the same
// group, whose transaction may yet roll back) is not remembered
// (TestRefKnownOnlyCommitted). An absent code is always asked again: a
// load may add it at any time.
type refKnown struct{ m sync.Map }

// refPresent reports whether query, one of checkRef's presence queries of
// a reference table, selects a row for args in c's transaction.
func refPresent(ctx context.Context, c checker, query string, args ...string) (bool, error) {
	db := c.base().db
	key := query + "\x00" + strings.Join(args, "\x00")
	if _, ok := db.refKnown.m.Load(key); ok {
		return true, nil
	}
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	found, err := c.exists(ctx, query, a...)
	if err != nil || !found {
		return found, err
	}
	var one int
	if db.reader.QueryRowContext(ctx, query, a...).Scan(&one) == nil {
		db.refKnown.m.Store(key, true)
	}
	return true, nil
}
