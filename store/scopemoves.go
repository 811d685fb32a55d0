package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// A move of an organization (or an association) to another parent takes
// the people placed under it into the scopes of the units (associations)
// it comes under and out of those it leaves, with no change of theirs
// for a limited key to see. The move marks it in the feed (migration
// 0044): rows of type 0, which no caller sees as they are, written last
// in the move's transaction, each with its own seq:
//
//   - one for each person placed under it then, resource
//     scope:people/{id}, from which ListChanges tells a key of a scope they
//     left their DELETED and of one they entered their UPDATED, so that a
//     copy drops or reads them;
//   - one for each organization under it and itself, resource
//     scope:organizations/{id}, its pk in organization_pk (association_pk),
//     from which ListChanges knows under which units it was at the time
//     of an older change (underAtSQL);
//   - for an association, one for each membership of it and of those
//     under it, resource scope:associations/{a}/memberships/{m}, its
//     person in person_pk, from which ListChanges tells a key of an
//     association it left its DELETED, and of one it came under its
//     UPDATED: a key reads the memberships of its associations.
//
// Their kind is the feed type of what moved (5 or 6) and their fields the
// scopes left, -{pk}, and entered, +{pk}: a scope's pk is its own.

// The kinds of the moves' rows, and the prefix of a person's row's
// resource.
const (
	orgMoveKind    = 5
	assocMoveKind  = 6
	movedPersonRes = "scope:people/"
)

// parentOf is the parent_pk of the row pk of table (organizations or
// associations).
func (tx *Tx) parentOf(ctx context.Context, table string, pk int64) (sql.NullInt64, error) {
	var parent sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT parent_pk FROM `+table+` WHERE pk = ?`, pk).Scan(&parent)
	return parent, dbError(err)
}

// tellScopeMove marks in the feed the move of the row pk of table from
// the parent was, if it moved: call it last in the move's transaction.
func (tx *Tx) tellScopeMove(ctx context.Context, table string, pk int64, was sql.NullInt64) error {
	now, err := tx.parentOf(ctx, table, pk)
	if err != nil || now == was {
		return err
	}
	before, err := tx.chain(ctx, table, was)
	if err != nil {
		return err
	}
	after, err := tx.chain(ctx, table, now)
	if err != nil {
		return err
	}
	fields := "," + moveTokens("-", before, after) + moveTokens("+", after, before)
	if fields == "," {
		return nil
	}
	kind, col, placed := orgMoveKind, "organization_pk",
		`SELECT DISTINCT su.person_pk FROM positions su WHERE su.organization_pk IN (SELECT pk FROM down) AND `+placesInUnitSQL("su", today(tx.now))
	if table == "associations" {
		kind, col, placed = assocMoveKind, "association_pk",
			`SELECT DISTINCT sm.person_pk FROM memberships sm WHERE sm.association_pk IN (SELECT pk FROM down) AND `+placesInScopeSQL("sm")
	}
	down := `WITH RECURSIVE down(pk, depth) AS (SELECT ?1, 0
		UNION ALL SELECT t.pk, down.depth + 1 FROM ` + table + ` t JOIN down ON t.parent_pk = down.pk WHERE down.depth < 100) `
	at := micros(tx.now)
	if _, err := tx.ExecContext(ctx, down+`INSERT INTO changes (change_time, resource, type, kind, fields, `+col+`)
		SELECT ?2, '`+movedPersonRes+`' || p.id, 0, ?3, ?4, NULL FROM people p WHERE p.pk IN (`+placed+`) ORDER BY p.pk`,
		pk, at, kind, fields); err != nil {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, down+`INSERT INTO changes (change_time, resource, type, kind, fields, `+col+`)
		SELECT ?2, 'scope:`+table+`/' || t.id, 0, ?3, ?4, t.pk FROM `+table+` t WHERE t.pk IN (SELECT pk FROM down) ORDER BY t.pk`,
		pk, at, kind, fields); err != nil || table != "associations" {
		return dbError(err)
	}
	_, err = tx.ExecContext(ctx, down+`INSERT INTO changes (change_time, resource, type, kind, fields, person_pk)
		SELECT ?2, 'scope:associations/' || a.id || '/memberships/' || ms.id, 0, ?3, ?4, ms.person_pk
		FROM memberships ms JOIN associations a ON a.pk = ms.association_pk
		WHERE ms.association_pk IN (SELECT pk FROM down) ORDER BY ms.pk`, pk, at, kind, fields)
	return dbError(err)
}

// moveTokens is sign{pk}, for each pk of from not in other.
func moveTokens(sign string, from, other []int64) string {
	var b strings.Builder
	for _, pk := range from {
		if !slices.Contains(other, pk) {
			b.WriteString(sign + itoa(pk) + ",")
		}
	}
	return b.String()
}

// chain is the row parent of table and those above it; none for no parent.
func (tx *Tx) chain(ctx context.Context, table string, parent sql.NullInt64) ([]int64, error) {
	if !parent.Valid {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE up(pk, depth) AS (SELECT ?, 0
			UNION ALL SELECT t.parent_pk, up.depth + 1 FROM `+table+` t JOIN up ON t.pk = up.pk
			WHERE t.parent_pk IS NOT NULL AND up.depth < 100)
		SELECT pk FROM up`, parent.Int64)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, dbError(err)
		}
		out = append(out, pk)
	}
	return out, dbError(rows.Err())
}

// scopePK is the pk of the organization or association scope names.
func (tx *Tx) scopePK(ctx context.Context, scope string) (int64, error) {
	table, id := "associations", strings.TrimPrefix(scope, "associations/")
	if o, ok := strings.CutPrefix(scope, "organizations/"); ok {
		table, id = "organizations", o
	}
	var pk int64
	err := tx.QueryRowContext(ctx, `SELECT pk FROM `+table+` WHERE id = ?`, id).Scan(&pk)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return pk, dbError(err)
}

// movedScope is what ListChanges needs of a limited key's scope to read
// the marks of the moves: its pk, the kind of the moves that change it,
// and the column that names an organization (association) of the feed.
type movedScope struct {
	pk   int64
	kind int
	col  string
}

func (s movedScope) left() string    { return `',-` + itoa(s.pk) + `,'` }
func (s movedScope) entered() string { return `',+` + itoa(s.pk) + `,'` }

// underAtSQL is the condition that the organization (association) whose
// pk the SQL expression expr gives was under the scope at the change of
// seq seqExpr: the first move after it that took it out of the scope, or
// into it, says; when none did, it is as now, under one of pks, and after
// the last move before migration 0044 (joined, joinedSQL).
func (s movedScope) underAtSQL(expr, seqExpr string, pks []int64, joined string) string {
	return `IFNULL((SELECT instr(r.fields, ` + s.left() + `) > 0 FROM changes r
		WHERE r.type = 0 AND r.` + s.col + ` = ` + expr + ` AND r.seq > ` + seqExpr + ` AND r.kind = ` + itoa(int64(s.kind)) + `
		AND (instr(r.fields, ` + s.left() + `) > 0 OR instr(r.fields, ` + s.entered() + `) > 0) ORDER BY r.seq LIMIT 1),
		` + expr + ` IN (` + pkList(pks) + `) AND ` + seqExpr + ` > ` + joined + `)`
}

// movedSQL selects, as leftScopeSQL does, the changes the marks of the
// moves bring of a person p: their DELETED when the move took them out
// of the scope and they are not in it (inScope, on p.pk) now, and their
// UPDATED when it took them into it and they are in it now, so that a
// copy reads them, but for one restricted when hideRestricted. Each has
// its mark's seq. The filter where applies to them; its arguments are
// the range's bounds, then the filter's.
func (s movedScope) movedSQL(inScope string, hideRestricted bool, where string) string {
	shown := "1"
	if hideRestricted {
		shown = "p.restricted = 0"
	}
	q := `SELECT c.seq, c.change_time, c.resource, c.type, c.kind, c.fields, 0, 1 FROM (
		SELECT m.seq AS seq, m.change_time AS change_time, 'people/' || p.id AS resource, 1 AS type,
			CASE WHEN instr(m.fields, ` + s.left() + `) > 0 THEN 3 ELSE 2 END AS kind, '' AS fields
		FROM changes m JOIN people p ON p.id = substr(m.resource, ` + itoa(int64(len(movedPersonRes)+1)) + `)
		WHERE m.seq > ? AND m.seq <= ? AND m.type = 0 AND m.kind = ` + itoa(int64(s.kind)) + `
			AND substr(m.resource, 1, ` + itoa(int64(len(movedPersonRes))) + `) = '` + movedPersonRes + `'
			AND (instr(m.fields, ` + s.left() + `) > 0 AND NOT ` + inScope + `
				OR instr(m.fields, ` + s.entered() + `) > 0 AND ` + inScope + ` AND ` + shown + `)) c`
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}

// movedMembershipsSQL selects, as movedSQL does, the changes the marks of
// an association's move bring of its memberships: the DELETED of each
// when the move took it out of the scope, and its UPDATED when it
// brought it in, so that a copy drops or reads it; but for a restricted
// member's, when hidden, the condition on m.person_pk that leaves out
// the changes of the restricted ("0" for none).
func (s movedScope) movedMembershipsSQL(hidden, where string) string {
	q := `SELECT c.seq, c.change_time, c.resource, c.type, c.kind, c.fields, 0, 1 FROM (
		SELECT m.seq AS seq, m.change_time AS change_time, substr(m.resource, 7) AS resource, 7 AS type,
			CASE WHEN instr(m.fields, ` + s.left() + `) > 0 THEN 3 ELSE 2 END AS kind, '' AS fields
		FROM changes m
		WHERE m.seq > ? AND m.seq <= ? AND m.type = 0 AND m.kind = ` + itoa(assocMoveKind) + ` AND m.person_pk IS NOT NULL
			AND (instr(m.fields, ` + s.left() + `) > 0 OR instr(m.fields, ` + s.entered() + `) > 0) AND NOT ` + hidden + `) c`
	if where != "" {
		q += " WHERE (" + where + ")"
	}
	return q
}
