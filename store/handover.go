package store

import "context"

// Handing a campaign or a pool to an administrator. A caller who does not
// read restricted profiles lists none of the nominations, members or
// engagements of restricted people; were its delete of the campaign or
// pool that holds them refused, or were they deleted with it, it would
// learn that they exist, or delete what it never saw. So its delete takes
// what it sees, and the rest stays in the campaign or pool, which leaves
// its name (free again, as after a delete) for a fresh one only admins
// read, marked deleted (AIP-164): an admin lists it with show_deleted and
// resolves what it holds (a forced delete, or keeping it as the record of
// the honours it conferred).

// heldRow is one thing a campaign or pool holds: its pk, its name's tail
// under the holder ("/nominations/n"), and the person it is of.
type heldRow struct {
	pk         int64
	id, person string
}

func heldPKs(rows []heldRow) []int64 {
	pks := make([]int64, len(rows))
	for i, r := range rows {
		pks[i] = r.pk
	}
	return pks
}

// handOver renames the row pk of table (honor_campaigns or expert_pools)
// to a fresh id and marks it deleted; parent is what its name starts
// with ("honorCampaigns/"). The audit names it and what it kept, by their
// new names, and their people: the admins' trail to resolve them.
func (tx *Tx) handOver(ctx context.Context, table, parent string, pk int64, kept []heldRow) error {
	id := newID()
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET id = ?, delete_time = ?, update_time = ?, revision = revision + 1
		WHERE pk = ?`, id, micros(tx.now), micros(tx.now), pk); err != nil {
		return dbError(err)
	}
	tx.auditResource(parent + id)
	for _, h := range kept {
		tx.auditResource(parent + id + h.id)
		tx.auditResource(h.person)
	}
	return nil
}

// errHandedOver refuses a write in a campaign or pool handed to an
// administrator: what it holds waits for an admin to resolve it. Only
// those who were given its new name reach it (admins).
func errHandedOver(name string) error {
	return errorf(FailedPrecondition, "", "%s was deleted and handed to an administrator with what it still holds; nothing is added to it or changed in it", name)
}
