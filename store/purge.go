package store

import (
	"context"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Erasure. PurgePerson removes a person and every copy of their data: the
// rows under them, the rows of the search indexes (whose FTS5 tables delete
// securely, migration 0010), the statistics (kept on the people row), the
// idempotency records whose answers name them, the import operations that
// hold their values (purge_operations.go), and the requester and details
// of the requests about them. Their id is kept (purged_people), so that
// the name is never given to another person. The write connection runs
// with secure_delete, so freed space is overwritten. The audit trail stays as
// it is: its events hold resource names, principals and outcomes, never
// values of a profile (audit.go), and the purge's own event, naming the
// person and the request, is the tombstone.

// purgeSteps are the deletions of a purge, in an order the foreign keys
// allow; ?1 is the person's pk and ?2 their name, people/{person}.
var purgeSteps = []struct{ table, sql string }{
	{"membership_duplicates", `DELETE FROM membership_duplicates WHERE person_pk = ?1
		OR membership_pk IN (SELECT pk FROM memberships WHERE person_pk = ?1)`},
	{"consents", `DELETE FROM consents WHERE person_pk = ?1`},
	{"memberships", `DELETE FROM memberships WHERE person_pk = ?1`},
	{"qualifications", `DELETE FROM qualifications WHERE person_pk = ?1`},
	{"positions", `DELETE FROM positions WHERE person_pk = ?1`},
	{"honors", `DELETE FROM honors WHERE person_pk = ?1`},
	{"works", `DELETE FROM works WHERE person_pk = ?1`},
	{"engagements", `DELETE FROM engagements WHERE person_pk = ?1`},
	{"expert_pool_members", `DELETE FROM expert_pool_members WHERE person_pk = ?1`},
	{"nomination_decisions", `DELETE FROM nomination_decisions WHERE nomination_pk IN (SELECT pk FROM nominations WHERE person_pk = ?1)`},
	{"nominations", `DELETE FROM nominations WHERE person_pk = ?1`},
	{"profile_reviews", `DELETE FROM profile_reviews WHERE person_pk = ?1`},
	{"person_identifiers", `DELETE FROM person_identifiers WHERE person_pk = ?1`},
	{"person_fields", `DELETE FROM person_fields WHERE person_pk = ?1`},
	{"person_expert_roles", `DELETE FROM person_expert_roles WHERE person_pk = ?1`},
	{"person_revisions", `DELETE FROM person_revisions WHERE person_pk = ?1`},
	{"association_holdings", `DELETE FROM association_holdings WHERE person_pk = ?1`},
	{"people_search", `DELETE FROM people_search WHERE rowid = ?1`},
	{"people_names", `DELETE FROM people_names WHERE rowid = ?1`},
	// An idempotency record keeps the answer of a create (protobuf), which
	// names what it made: the person (a string field holding the name
	// alone, after its one-byte length) or a resource under them.
	{"requests", `DELETE FROM requests WHERE instr(response, CAST(?2 || '/' AS BLOB)) > 0
		OR instr(response, CAST(char(length(?2)) || ?2 AS BLOB)) > 0`},
	{"people", `DELETE FROM people WHERE pk = ?1`},
}

// PurgePerson removes the person name for good, carrying out the COMPLETED
// ERASURE request dsrName about them, and returns how many rows went from
// each table. A purge without such a request, or with one made before the
// person was registered, is FAILED_PRECONDITION; a person who does not
// exist, purged already or never registered, is NOT_FOUND.
func (db *DB) PurgePerson(ctx context.Context, name, dsrName, reason string, audit *AuditEvent) (map[string]int64, error) {
	personID, err := PersonID(name, "name")
	if err != nil {
		return nil, err
	}
	reqID, err := dsrID(dsrName, "data_subject_request")
	if err != nil {
		return nil, err
	}
	var removed map[string]int64
	// Apart: it deletes from the full-text indexes and merges them, which
	// a group's queued index writes must not follow (group.go).
	err = db.writeApart(ctx, audit, func(tx *Tx) error {
		r, err := tx.dsr(ctx, reqID)
		if err != nil {
			return err
		}
		switch {
		case r.r.Person != name:
			return errorf(FailedPrecondition, "data_subject_request", "%s is about %s, not %s", dsrName, r.r.Person, name)
		case r.r.Kind != pb.DataSubjectRequest_ERASURE:
			return errorf(FailedPrecondition, "data_subject_request", "%s asks for %s; a purge carries out an ERASURE request", dsrName, r.r.Kind)
		case r.r.State != pb.DataSubjectRequest_COMPLETED:
			return errorf(FailedPrecondition, "data_subject_request", "%s is %s; complete it (TransitionDataSubjectRequest) before purging", dsrName, r.r.State)
		}
		p, err := tx.person(ctx, personID)
		if err != nil {
			return errorf(NotFound, "", "%s does not exist: purged already, or never registered", name)
		}
		// A request is about the person who held the name when it was
		// made: one made before them was about another, purged before
		// (names are never given again since migration 0034, but a
		// database may hold one given before it).
		if r.r.CreateTime.AsTime().Before(p.person.CreateTime.AsTime()) {
			return errorf(FailedPrecondition, "data_subject_request", "%s was made before %s was registered: it was about a person purged before under the same name, and carries out no other purge", dsrName, name)
		}
		tx.auditResource(dsrName)
		if removed, err = tx.purge(ctx, p, name, tx.now); err != nil {
			return err
		}
		// The requests about the person stay, as the record of what was
		// asked and done, without who asked or what they wrote.
		line := tx.action("purged: " + reason)
		_, err = tx.ExecContext(ctx, `UPDATE data_subject_requests SET requester = '', details = '',
			actions = CASE WHEN id = ? THEN actions || char(10) || ? ELSE actions END,
			update_time = ?, revision = revision + 1 WHERE person = ?`, reqID, line, micros(tx.now), name)
		return dbError(err)
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// purge is the body of a purge, which PurgePerson runs for an ERASURE
// request and Restore runs again for a person purged since the backup was
// taken (restore_purged.go): it removes the person p, of name name, and
// everything of theirs, records their id in purged_people as purged at
// purgeTime, and returns how many rows went from each table. What is
// said of the requests about them is the caller's.
func (tx *Tx) purge(ctx context.Context, p *personRow, name string, purgeTime time.Time) (map[string]int64, error) {
	removed := map[string]int64{}
	marks, err := tx.marksOf(ctx, p.pk, name, p.person)
	if err != nil {
		return nil, err
	}
	if removed["operations"], err = tx.purgeImports(ctx, marks); err != nil {
		return nil, err
	}
	unplaced, err := tx.unplacedMemberships(ctx, p.pk)
	if err != nil {
		return nil, err
	}
	placing, err := tx.placingPositions(ctx, p.pk, name)
	if err != nil {
		return nil, err
	}
	for _, step := range purgeSteps {
		res, err := tx.ExecContext(ctx, step.sql, p.pk, name)
		if err != nil {
			return nil, dbError(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, dbError(err)
		}
		removed[step.table] += n
	}
	if err := tx.changesOfNoPerson(ctx, unplaced); err != nil {
		return nil, err
	}
	if err := tx.changesOfNoUnit(ctx, name, placing); err != nil {
		return nil, err
	}
	if err := tx.recordPurged(ctx, strings.TrimPrefix(name, "people/"), purgeTime); err != nil {
		return nil, err
	}
	if err := tx.purgedLast(ctx, name); err != nil {
		return nil, err
	}
	// A deleted entry leaves its words in the index's segments (even
	// with secure-delete, a word left with no document stays) until
	// they are merged: merge them all. This rewrites the indexes, a
	// cost a rare purge can bear.
	for _, fts := range []string{"people_search", "people_names"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+`(`+fts+`) VALUES ('optimize')`); err != nil {
			return nil, dbError(err)
		}
	}
	return removed, nil
}

// unplacedMemberships returns the names of the memberships of the person
// pk that do not place them in their association's scope (placesInScopeSQL):
// a link not confirmed, or a membership ended.
func (tx *Tx) unplacedMemberships(ctx context.Context, pk int64) ([]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT 'associations/' || a.id || '/memberships/' || m.id
		FROM memberships m JOIN associations a ON a.pk = m.association_pk
		WHERE m.person_pk = ? AND NOT (`+placesInScopeSQL("m")+`)`, pk)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, dbError(err)
		}
		out = append(out, name)
	}
	return out, dbError(rows.Err())
}

// changesOfNoPerson takes the person off this transaction's changes of the
// memberships named: an association's key is told a purged person's PURGED
// by the deletion of a membership of theirs in its associations
// (ListChanges), which must be one that placed them in its scope. One
// linked to them unconfirmed never did, and its key, to which the
// membership does not name them, would learn who they are.
func (tx *Tx) changesOfNoPerson(ctx context.Context, memberships []any) error {
	if len(memberships) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE changes SET person_pk = NULL
		WHERE seq > (SELECT start FROM change_clock) AND type = 7 AND resource IN (?`+strings.Repeat(", ?", len(memberships)-1)+`)`,
		memberships...)
	return dbError(err)
}

// placingPositions returns the names of the positions of the person pk,
// of name name, that place them in their organization's scope today
// (placesInUnitSQL).
func (tx *Tx) placingPositions(ctx context.Context, pk int64, name string) ([]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT ? || '/positions/' || pos.id FROM positions pos
		WHERE pos.person_pk = ? AND `+placesInUnitSQL("pos", today(tx.now)), name, pk)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, dbError(err)
		}
		out = append(out, n)
	}
	return out, dbError(rows.Err())
}

// changesOfNoUnit takes the organization off every change of the purged
// person's positions (migration 0042's column) but this transaction's of
// the positions placing: an organization's key is told the PURGED by such
// a change (ListChanges), which must be the deletion of a position that
// placed them in its scope when purged. An older one may be at an
// organization that came under the unit after they left it, or a position
// current but past its end: the key never could read them.
func (tx *Tx) changesOfNoUnit(ctx context.Context, name string, placing []any) error {
	keep := "0"
	if len(placing) > 0 {
		keep = `seq > (SELECT start FROM change_clock) AND resource IN (?` + strings.Repeat(", ?", len(placing)-1) + `)`
	}
	_, err := tx.ExecContext(ctx, `UPDATE changes SET organization_pk = NULL
		WHERE resource > ? || '/positions/' AND resource < ? || '/positions0' AND type = 3
		AND organization_pk IS NOT NULL AND NOT (`+keep+`)`, append([]any{name, name}, placing...)...)
	return dbError(err)
}

// recordPurged keeps the id of a person purged at t, so that it is never
// given again.
func (tx *Tx) recordPurged(ctx context.Context, id string, t time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO purged_people (id, purge_time) VALUES (?, ?)`, id, micros(t))
	return dbError(err)
}

// purgedLast moves the person's change of this transaction after every
// other: the purge's first deletions (their positions, their fields)
// updated the person, which made their row of the feed then, and the
// final DELETE made that row PURGED, so the changes of what they held
// deleted in between followed it. The rows after it move down one, so
// that the feed keeps no gap, and the PURGED row names no fields.
func (tx *Tx) purgedLast(ctx context.Context, name string) error {
	var seq, last int64
	err := tx.QueryRowContext(ctx, `SELECT seq, (SELECT MAX(seq) FROM changes) FROM changes
		WHERE seq > (SELECT start FROM change_clock) AND resource = ?`, name).Scan(&seq, &last)
	if err != nil {
		return dbError(err)
	}
	for _, q := range []string{
		`UPDATE changes SET seq = -seq WHERE seq = ?1`,
		// In ascending order, each row takes the number the one before it left.
		`UPDATE changes SET seq = seq - 1 WHERE seq > ?1 AND seq <= ?2`,
		`UPDATE changes SET seq = ?2, fields = ',' WHERE seq = -?1`,
	} {
		if _, err := tx.ExecContext(ctx, q, seq, last); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// Compact rebuilds the database file (VACUUM) and empties the write-ahead
// log, so that nothing deleted survives in free pages or in old frames.
func (db *DB) Compact(ctx context.Context) error {
	for _, q := range []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			return dbError(err)
		}
	}
	return nil
}
