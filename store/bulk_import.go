package store

import (
	"context"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// createPerson registers a new person as Tx.createPerson does (the same
// checks, row, fields, roles, audit and revision), for an import that
// creates many: the reference lookups come from the memo, the person is
// not read back (the revision holds p as stored, which is what reading it
// back gives), and the search index rows are written by flushReindex once
// the batch's people are in. It returns people/{id}.
func (b *BulkTx) createPerson(ctx context.Context, p *pb.Person) (string, error) {
	id, pk, p, err := insertPerson(ctx, b, "", newPersonOf(p))
	if err != nil {
		return "", err
	}
	name := "people/" + id
	if err := b.tx.recordRevision(ctx, pk, name, nil, storedPerson(p)); err != nil {
		return "", err
	}
	b.reindex = append(b.reindex, pk)
	return name, nil
}

// storedPerson is p as a read of the person it was just stored as gives
// the fields a revision holds: a field of expertise comes back with its
// code, expert roles once each and in order.
func storedPerson(p *pb.Person) *pb.Person {
	if len(p.Fields) == 0 && len(p.ExpertRoles) < 2 {
		return p
	}
	out := proto.Clone(p).(*pb.Person)
	out.Fields, out.ExpertRoles = storedFieldsAndRoles(p)
	return out
}

// flushReindex writes the search index rows of the people created since
// the last flush. Done in one go, after the rows' savepoints, the full-text
// index takes them in large segments: indexing each person inside its own
// savepoint makes FTS5 flush a tiny segment per person and merge them
// again and again.
func (b *BulkTx) flushReindex(ctx context.Context) error {
	for _, pk := range b.reindex {
		if err := b.tx.reindexPerson(ctx, pk); err != nil {
			return err
		}
	}
	b.reindex = b.reindex[:0]
	return nil
}
