package store

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// PersonHoldings is what a person holds under other names than their
// own, in expert pools and honours: the data PurgePerson deletes with
// them, which an answer to their ACCESS request lists.
type PersonHoldings struct {
	PoolMembers []*pb.ExpertPoolMember
	Engagements []*pb.Engagement
	Nominations []*pb.Nomination // with their decisions
}

// PersonHoldings reads, in one transaction, the pool members, engagements
// and nominations of the person name (people/{person}), each oldest
// first; the pools and campaigns deleted since keep none.
func (db *DB) PersonHoldings(ctx context.Context, name string) (*PersonHoldings, error) {
	id, err := PersonID(name, "name")
	if err != nil {
		return nil, err
	}
	out := &PersonHoldings{}
	err = db.read(ctx, func(tx *Tx) error {
		if _, err := tx.person(ctx, id); err != nil {
			return err
		}
		members, err := collectRows(ctx, tx, `SELECT `+memberColumns+` FROM `+memberFrom+` WHERE p.id = ? ORDER BY m.create_time, m.pk`, []any{id}, scanRow(scanMember))
		if err != nil {
			return err
		}
		for _, r := range members {
			out.PoolMembers = append(out.PoolMembers, r.m)
		}
		engagements, err := collectRows(ctx, tx, `SELECT `+engagementColumns+` FROM `+engagementFrom+` WHERE p.id = ? ORDER BY e.create_time, e.pk`, []any{id}, scanRow(scanEngagement))
		if err != nil {
			return err
		}
		for _, r := range engagements {
			out.Engagements = append(out.Engagements, r.e)
		}
		nominations, err := collectRows(ctx, tx, `SELECT `+nominationColumns+` FROM `+nominationFrom+` WHERE p.id = ? ORDER BY n.create_time, n.pk`, []any{id}, scanRow(scanNomination))
		if err != nil {
			return err
		}
		for _, r := range nominations {
			out.Nominations = append(out.Nominations, r.n)
		}
		return tx.attachDecisions(ctx, nominations...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// collectRows scans every row of query with scan.
func collectRows[R any](ctx context.Context, tx *Tx, query string, args []any, scan func(scanner) (R, error)) ([]R, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []R
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, r)
	}
	return out, dbError(rows.Err())
}

// scanRow is a scan of a row without extra columns.
func scanRow[R any](scan func(scanner, ...any) (R, error)) func(scanner) (R, error) {
	return func(s scanner) (R, error) { return scan(s) }
}
