package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The change feed (migrations 0015, 0018, 0019, 0042, 0044): triggers append a row to changes for
// every write of a person, what they hold, an organization, an association
// or a membership, in the write's transaction. This file marks where each
// write transaction begins (so that the triggers merge a resource's rows
// of one transaction), wakes watchers after a commit that appended
// changes, reads the feed for a caller, and prunes it.

// feed is the DB's part of the change feed.
type feed struct {
	// ready is set once the schema has the changes table; migrations
	// before it run without marking.
	ready atomic.Bool
	// mu guards signal, a channel closed at the next commit that appends
	// changes and then replaced: every watcher waits on the same channel,
	// so that an idle watcher costs one goroutine and no buffer.
	mu     sync.Mutex
	signal chan struct{}
	// id names the database's feed in its cursors, and feed1Through
	// is the newest seq that cursors without one may hold (cursor.go).
	id           string
	feed1Through int64
}

// ChangeSignal returns a channel that is closed once a write that appended
// changes commits. Take it before reading the feed, so that a commit
// between the read and the wait is not missed.
func (db *DB) ChangeSignal() <-chan struct{} {
	db.feed.mu.Lock()
	defer db.feed.mu.Unlock()
	if db.feed.signal == nil {
		db.feed.signal = make(chan struct{})
	}
	return db.feed.signal
}

func (db *DB) changesCommitted() {
	db.feed.mu.Lock()
	defer db.feed.mu.Unlock()
	if db.feed.signal != nil {
		close(db.feed.signal)
		db.feed.signal = nil
	}
}

// beginChanges marks the start of a write transaction for the triggers
// (change_clock.start is the newest seq before it) and returns that seq.
// The clock is written only when it moved, so that a write after one
// that appended nothing writes no extra page.
func (tx *Tx) beginChanges(ctx context.Context) (int64, error) {
	if !tx.db.feed.ready.Load() {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'change_clock'`).Scan(&n); err != nil || n == 0 {
			return 0, dbError(err)
		}
		tx.db.feed.ready.Store(true)
	}
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(seq), 0) FROM changes`).Scan(&head); err != nil {
		return 0, dbError(err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE change_clock SET start = ?1 WHERE start != ?1`, head)
	return head, dbError(err)
}

// appendedChanges reports whether the transaction appended changes after
// start. A group asks once, after its writes, with its first applied
// write's start: a write refused in its savepoint took its changes with
// it, so any newer change is an applied write's (one statement a group,
// not a write; TestGroupSignalsAppendedChanges). When it cannot tell it
// says yes: a watcher woken for nothing reads an empty page.
func (tx *Tx) appendedChanges(ctx context.Context, start int64) bool {
	if !tx.db.feed.ready.Load() {
		return false
	}
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(seq), 0) FROM changes`).Scan(&head); err != nil {
		return true
	}
	return head > start
}

// ChangeQuery is what a caller asks of the feed, and what it may see.
type ChangeQuery struct {
	// After is the cursor's sequence number: changes after it.
	After int64
	// CursorField names the request field that held the cursor, for errors.
	CursorField string
	// Filter is an AIP-160 filter on resource_type and kind.
	Filter string
	// PageSize is the most changes to return; 100 when 0, at most 1000.
	PageSize int
	// Types are the resource types the caller may see; all when nil.
	Types []pb.Change_ResourceType
	// Scope, when set, is the association or organization a limited key
	// is bound to: only changes of the people in its scope (and of the
	// memberships of an association and of those under it), the
	// DELETED of those who left it (leftScopeSQL), and of those a move of
	// an organization or association took out of it or into it
	// (scopemoves.go).
	Scope string
	// HideRestricted is a caller other than an admin: the changes of a
	// person restricted now, and of what they hold, are left out, but for
	// the change that restricted them, told as their DELETED, so that a
	// copy drops them (server/privacy.go).
	HideRestricted bool
	// Shown is what of a person's memberships and consents the caller
	// reads: a change of what it does not read, alone, is left out
	// (holdings.go).
	Shown Shown
}

// ChangePage is one read of the feed.
type ChangePage struct {
	Changes []*pb.Change
	// Next is where to go on from: past every change the read looked at.
	Next int64
	// More is whether changes after Next were committed already.
	More bool
}

// changeScan bounds the rows one read looks at, so that a caller who sees
// few of them (a filter, a scope) costs a bounded read per call.
const changeScan = 10000

var changeSchema = filter.Schema{
	"resource_type": {Type: filter.Enum, SQL: "c.type", Enum: enumMap(pb.Change_ResourceType_value)},
	"kind":          {Type: filter.Enum, SQL: "c.kind", Enum: enumMap(pb.Change_Kind_value)},
}

func enumMap(m map[string]int32) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}

// CheckChangeFilter checks a filter of the feed: a watch refuses a bad one
// before it sends its first cursor.
func CheckChangeFilter(f string) error {
	_, _, err := compileChangeFilter(f)
	return err
}

func compileChangeFilter(f string) (string, []any, error) {
	where, args, err := filter.Compile(f, changeSchema)
	if err != nil {
		return "", nil, errorf(Invalid, "filter", "%v", err)
	}
	return where, args, nil
}

// ListChanges reads the changes after q.After that the caller may see.
// A cursor older than what the feed keeps, or newer than its newest
// change, is FAILED_PRECONDITION.
func (db *DB) ListChanges(ctx context.Context, q ChangeQuery) (*ChangePage, error) {
	where, args, err := compileChangeFilter(q.Filter)
	if err != nil {
		return nil, err
	}
	size := q.PageSize
	if size <= 0 {
		size = 100
	}
	size = min(size, 1000)
	page := &ChangePage{}
	err = db.read(ctx, func(tx *Tx) error {
		var pruned, head int64
		if err := tx.QueryRowContext(ctx, `SELECT
				IFNULL((SELECT value FROM settings WHERE key = 'changes_pruned_through'), 0),
				IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`).Scan(&pruned, &head); err != nil {
			return dbError(err)
		}
		switch {
		case q.After < pruned:
			return errorf(FailedPrecondition, q.CursorField,
				"the feed no longer holds the changes after this cursor; the oldest cursor it holds is %q: read the registry in full, then follow the feed from a cursor taken before that read",
				tx.db.EncodeCursor(pruned))
		case q.After > head:
			return errorf(FailedPrecondition, q.CursorField,
				"this cursor is past the newest change, %q: it comes from another database, or from before this one was restored from a backup; read the registry in full again",
				tx.db.EncodeCursor(head))
		}
		end := min(head, q.After+changeScan)
		// Type 0 marks the moves of organizations and associations
		// (scopemoves.go): no caller sees them as they are.
		conds := []string{"c.seq > ? AND c.seq <= ? AND c.type != 0"}
		all := []any{q.After, end}
		if where != "" {
			conds = append(conds, "("+where+")")
			all = append(all, args...)
		}
		if q.Types != nil {
			conds = append(conds, "c.type IN ("+typeList(q.Types)+")")
		}
		if q.Shown != ShownAll {
			hidden, err := tx.hiddenChanges(ctx, q.Shown, "c")
			if err != nil {
				return err
			}
			conds = append(conds, "NOT "+hidden)
		}
		// brought selects the DELETED of the people who left the caller's
		// scope (leftScopeSQL), and the DELETED and UPDATED of those a move
		// took out of it or into it (movedSQL).
		var brought []string
		var moved movedScope
		if q.Scope != "" {
			pk, err := tx.scopePK(ctx, q.Scope)
			if err != nil {
				return err
			}
			moved = movedScope{pk: pk, kind: assocMoveKind, col: "association_pk"}
		}
		if strings.HasPrefix(q.Scope, "organizations/") {
			moved.kind, moved.col = orgMoveKind, "organization_pk"
			// A unit sees the changes of its people, as they are now.
			orgs, err := tx.scopeOrganizations(ctx, q.Scope)
			if err != nil {
				return err
			}
			// The organization a change of a position was at was under
			// the unit then (underAtSQL).
			under := func(expr, seq string) (string, error) {
				joined, err := tx.scopeJoinedSQL(ctx, q.Scope, expr)
				return moved.underAtSQL(expr, seq, orgs, joined), err
			}
			purgedAt, err := under("pc.organization_pk", "pc.seq")
			if err != nil {
				return err
			}
			// And the purge of one of them, though it left nothing to place
			// them there but the changes of their positions: their id is
			// never given again. Of those, the purge left the
			// organization only on its deletions of the positions that
			// placed them there then (purge.go).
			conds = append(conds, "c.type IN (1, 2, 3, 4) AND ("+inUnitSQL("c.person_pk", orgs, today(tx.now))+" AND "+ownChangeSQL+
				` OR c.type = 1 AND c.kind = 5 AND EXISTS (SELECT 1 FROM changes pc
					WHERE pc.resource > c.resource || '/positions/' AND pc.resource < c.resource || '/positions0'
					AND pc.seq < c.seq AND pc.type = 3 AND pc.organization_pk IS NOT NULL AND `+purgedAt+`))`)
			// A change of a position that was current there before it
			// (ended, deleted, moved elsewhere: migration 0042), of the
			// person p, whose pk a purged person may have had.
			// Not one while its organization was not under the unit: they
			// were not in its scope.
			at, err := under("m.organization_pk", "m.seq")
			if err != nil {
				return err
			}
			inUnit := inUnitSQL("p.pk", orgs, today(tx.now))
			brought = append(brought, leftScopeSQL(`m.type = 3 AND m.organization_pk IS NOT NULL AND `+at+`
				AND substr(m.resource, 1, length(p.id) + 8) = 'people/' || p.id || '/'`, inUnit, where),
				moved.movedSQL(inUnit, q.HideRestricted, where))
		} else if q.Scope != "" {
			assocs, err := tx.scopeAssociations(ctx, q.Scope)
			if err != nil {
				return err
			}
			// And the purge of a member, which deleted the memberships
			// that placed them there: those of the person who had their pk
			// then (after its creation; a pk may be given again). The
			// purge's changes of the others keep no person (purge.go).
			conds = append(conds, "((c.type IN (1, 2, 3, 4, 8, 9) AND "+inScopeSQL("c.person_pk", assocs)+" AND "+ownChangeSQL+
				") OR (c.type = 7 AND c.association_pk IN ("+pkList(assocs)+`))
				OR c.type = 1 AND c.kind = 5 AND EXISTS (SELECT 1 FROM changes pc WHERE pc.person_pk = c.person_pk
					AND pc.seq < c.seq AND pc.type = 7 AND pc.kind = 3 AND pc.association_pk IN (`+pkList(assocs)+`)
					AND pc.seq > IFNULL((SELECT MAX(x.seq) FROM changes x WHERE x.person_pk = c.person_pk
						AND x.seq < c.seq AND x.type = 1 AND x.kind = 1), 0)))`,
				"NOT "+otherConsentChangeSQL("c", assocs))
			// A change of a membership of theirs, with a confirmed link,
			// while its association was under the key's.
			joined, err := tx.scopeJoinedSQL(ctx, q.Scope, "m.association_pk")
			if err != nil {
				return err
			}
			inScope := inScopeSQL("p.pk", assocs)
			brought = append(brought, leftScopeSQL(`m.type = 7 AND m.association_pk IS NOT NULL AND `+moved.underAtSQL("m.association_pk", "m.seq", assocs, joined)+`
				AND EXISTS (SELECT 1 FROM memberships lm WHERE lm.person_pk = p.pk AND lm.link_confirmed = 1
					AND lm.association_pk = m.association_pk)`, inScope, where),
				moved.movedSQL(inScope, q.HideRestricted, where))
		}
		if !typeSeen(q.Types, pb.Change_PERSON) {
			brought = nil
		}
		if strings.HasPrefix(q.Scope, "associations/") && typeSeen(q.Types, pb.Change_MEMBERSHIP) {
			// The memberships a move took out of the key's associations or
			// brought under them.
			brought = append(brought, moved.movedMembershipsSQL(hiddenSQL(q.HideRestricted, "m.person_pk"), where))
		}
		hidden := hiddenSQL(q.HideRestricted, "c.person_pk")
		if q.HideRestricted {
			conds = append(conds, "(NOT "+hidden+" OR c.type = 1 AND instr(c.fields, ',restricted,') > 0)")
		}
		query := `SELECT c.seq, c.change_time, c.resource, c.type, c.kind, c.fields, ` + hidden + `, 0
			FROM changes c WHERE ` + strings.Join(conds, " AND ")
		for _, b := range brought {
			query += " UNION ALL " + b
			all = append(append(all, q.After, end), args...)
		}
		// A change comes before the DELETED of its person that it brings
		// (leftScopeSQL, the last column), which has its seq.
		rows, err := tx.QueryContext(ctx, query+` ORDER BY 1, 8 LIMIT ?`, append(all, size+2)...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		var got []*pb.Change
		for rows.Next() {
			var seq, at int64
			var resource, fields string
			var typ, kind int32
			var restricted, brought bool
			if err := rows.Scan(&seq, &at, &resource, &typ, &kind, &fields, &restricted, &brought); err != nil {
				return dbError(err)
			}
			if restricted {
				// The person's restriction: gone, for this caller.
				kind, fields = int32(pb.Change_DELETED), ""
			}
			name := "changes/" + strconv.FormatInt(seq, 10)
			if brought {
				// The DELETED a change brings of a person who left the
				// caller's scope shares its seq, not its name; its name is
				// the same whether the caller sees that change or not.
				name += "-1"
			}
			got = append(got, &pb.Change{
				Name:          name,
				Sequence:      seq,
				Cursor:        tx.db.EncodeCursor(seq),
				ChangeTime:    timestamppb.New(fromMicros(at)),
				Resource:      resource,
				ResourceType:  pb.Change_ResourceType(typ),
				Kind:          pb.Change_Kind(kind),
				ChangedFields: splitFields(fields),
			})
		}
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		page.Changes = got
		if len(got) > size {
			page.Changes = got[:pageCut(got, size)]
			page.More = true
		}
		page.Next = end
		if page.More {
			page.Next = page.Changes[len(page.Changes)-1].Sequence
		}
		page.More = page.More || end < head
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// hiddenSQL is the condition that the person whose pk the SQL expression
// personPK gives is restricted, when hide (a caller other than an admin),
// else "0".
func hiddenSQL(hide bool, personPK string) string {
	if !hide {
		return "0"
	}
	// The restricted are few: the index of the unlisted holds them.
	restricted := `(SELECT p.pk FROM people p INDEXED BY people_unlisted WHERE ` + personUnlisted + ` AND p.restricted != 0)`
	// IS NOT NULL first: the changes of organizations and associations
	// have no person, and NULL IN (a non-empty set) is NULL, which NOT
	// would keep out of the feed too.
	return "(" + personPK + " IS NOT NULL AND " + personPK + " IN " + restricted + ")"
}

// pageCut is how many of got (more than size, in seq order) a page of
// size takes: size, but that a page never ends between two changes of one
// seq, since the next page starts after the seq of its last. The page
// ends before them, or, when they are all it holds, takes both.
func pageCut(got []*pb.Change, size int) int {
	seq := got[size].Sequence
	i := size
	for i > 0 && got[i-1].Sequence == seq {
		i--
	}
	if i > 0 {
		return i
	}
	for i < len(got) && got[i].Sequence == seq {
		i++
	}
	return i
}

// ownChangeSQL is the condition that the change c is of the person whose
// pk it holds, or of what they hold. A purged person's pk is given again
// (to the next person registered, when theirs was the highest): the
// changes of the one purged are not shown to a limited key for the scope
// of the next holder, whom they do not name.
const ownChangeSQL = `EXISTS (SELECT 1 FROM people cp WHERE cp.pk = c.person_pk
	AND substr(c.resource || '/', 1, length(cp.id) + 8) = 'people/' || cp.id || '/')`

// leftScopeSQL selects the DELETED of each person p named by a change m
// of the feed that took them out of a limited key's scope: one that
// matches cond (a change of what put them in the scope, which they were
// in) when inScope, the scope's condition on p.pk, no longer holds. Such
// a key sees the changes of the people in its scope as it is now; without
// these, its copy would keep the person, whose own changes it no longer
// sees, for good. The DELETED has the change's seq. The filter where
// applies to it as to the feed's own rows; its arguments are the range's
// bounds, then the filter's.
func leftScopeSQL(cond, inScope, where string) string {
	q := `SELECT c.seq, c.change_time, c.resource, c.type, c.kind, c.fields, 0, 1 FROM (
		SELECT m.seq AS seq, m.change_time AS change_time, 'people/' || p.id AS resource,
			1 AS type, 3 AS kind, '' AS fields
		FROM changes m JOIN people p ON p.pk = m.person_pk
		WHERE m.seq > ? AND m.seq <= ? AND ` + cond + ` AND NOT ` + inScope + `) c`
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

func typeSeen(types []pb.Change_ResourceType, t pb.Change_ResourceType) bool {
	return types == nil || slices.Contains(types, t)
}

// splitFields are the field paths of a change's fields, without the
// marks of a change of memberships or consents alone (holdings.go).
func splitFields(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return slices.DeleteFunc(strings.Split(s, ","), func(f string) bool { return strings.HasPrefix(f, "~") })
}

func typeList(ts []pb.Change_ResourceType) string {
	if len(ts) == 0 {
		return "NULL"
	}
	nums := make([]string, len(ts))
	for i, t := range ts {
		nums[i] = strconv.Itoa(int(t))
	}
	return strings.Join(nums, ", ")
}

func pkList(pks []int64) string {
	if len(pks) == 0 {
		return "NULL"
	}
	nums := make([]string, len(pks))
	for i, pk := range pks {
		nums[i] = strconv.FormatInt(pk, 10)
	}
	return strings.Join(nums, ", ")
}

// ChangeHead is the cursor of the newest change.
func (db *DB) ChangeHead(ctx context.Context) (int64, error) {
	var head int64
	err := db.read(ctx, func(tx *Tx) error {
		return dbError(tx.QueryRowContext(ctx, `SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`).Scan(&head))
	})
	return head, err
}

// PruneChanges removes the changes committed before before, and
// remembers the newest removed, so that a cursor older than it is told
// so instead of silently skipping what was removed. It returns how many
// went.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(seq), 0) FROM changes WHERE change_time < ?`, micros(before)).Scan(&last); err != nil {
			return dbError(err)
		}
		if last == 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE seq <= ?`, last)
		if err != nil {
			return dbError(err)
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('changes_pruned_through', ?1)
			ON CONFLICT(key) DO UPDATE SET value = MAX(value, ?1)`, last)
		return dbError(err)
	})
	return n, err
}
