package store

import (
	"context"
	"errors"
	"strings"
)

// The scope of a caller limited to an organization, a unit (DESIGN.md §10,
// issue 21): the people who hold a current position (not ended by today)
// at that organization or at one under it. A person whose position ends
// drops out of the scope the day it ends; one who is given a position
// there comes into it. Scopes are named by their resource: associations/{a}
// or organizations/{o}; scopeCond tells them apart.

// scopeOrganizations returns the pks of the organization scope and of those
// under it; none when scope names no organization.
func (tx *Tx) scopeOrganizations(ctx context.Context, scope string) ([]int64, error) {
	id, err := OrganizationID(scope, "scope")
	if err != nil {
		return nil, nil
	}
	return tx.subtree(ctx, "organizations", id)
}

// inUnitSQL is the condition that the person whose pk the SQL expression
// personPK gives holds a current position at one of the organizations
// orgPKs on the day todayYMD (YYYYMMDD). Every number is the database's or
// the clock's, never user text. A position that ended is current no more,
// whatever its flag says (the flag is set when it is written); one whose
// end is today, or only a month or year, runs to that end's last day.
func inUnitSQL(personPK string, orgPKs []int64, todayYMD int64) string {
	if len(orgPKs) == 0 {
		return "0"
	}
	return `EXISTS (SELECT 1 FROM positions su WHERE su.person_pk = ` + personPK +
		` AND ` + placesInUnitSQL("su", todayYMD) + ` AND su.organization_pk IN (` + pkList(orgPKs) + `))`
}

// placesInUnitSQL is the condition that the position pos (an alias)
// places its person in its organization's scope on the day todayYMD:
// current, and not past its last day.
func placesInUnitSQL(pos string, todayYMD int64) string {
	return pos + `.is_current = 1 AND ` + pos + `.last_day >= ` + itoa(todayYMD)
}

// scopeCond is the condition that the person whose pk the SQL expression
// personPK gives is in scope: an association's (store/scope.go) or an
// organization's. An empty scope is no condition ("").
func (tx *Tx) scopeCond(ctx context.Context, scope, personPK string) (string, error) {
	switch {
	case scope == "":
		return "", nil
	case strings.HasPrefix(scope, "organizations/"):
		orgs, err := tx.scopeOrganizations(ctx, scope)
		if err != nil {
			return "", err
		}
		return inUnitSQL(personPK, orgs, today(tx.now)), nil
	default:
		assocs, err := tx.scopeAssociations(ctx, scope)
		if err != nil {
			return "", err
		}
		return inScopeSQL(personPK, assocs), nil
	}
}

// limitToScope adds to l the condition of scope (the caller's, "" for
// none) on people p.
func (tx *Tx) limitToScope(ctx context.Context, l *listing, scope string) error {
	cond, err := tx.scopeCond(ctx, scope, "p.pk")
	if cond != "" {
		l.where = append(l.where, cond)
		// A page token of one scope does not continue a listing of another.
		l.query = append(l.query, []byte("\x00scope:"+scope)...)
	}
	return err
}

// checkScopeName checks the form of a key's or an account's scope, and
// that the association or organization it names exists and is not
// deleted: a key limited to a mistyped unit would see nobody and say
// nothing of why.
func (tx *Tx) checkScopeName(ctx context.Context, scope string) error {
	switch {
	case scope == "":
		return nil
	case strings.HasPrefix(scope, "organizations/"):
		id, err := OrganizationID(scope, "organization")
		if err != nil {
			return err
		}
		r, err := tx.organization(ctx, id)
		return scopeUnit(err, r != nil && r.deleted, "organization", scope, "ListOrganizations")
	default:
		id, ok := strings.CutPrefix(scope, "associations/")
		if !ok || !validID(id) {
			return errorf(Invalid, "association", "want an association's name, associations/{id}, not %q", scope)
		}
		r, err := tx.association(ctx, id)
		return scopeUnit(err, r != nil && r.deleted, "association", scope, "ListAssociations")
	}
}

// scopeUnit says why the unit a scope names will not do, as an invalid
// field of the request; errors of the database pass as they are.
func scopeUnit(err error, deleted bool, field, scope, list string) error {
	var e *Error
	switch {
	case errors.As(err, &e) && e.Code == NotFound:
		return errorf(Invalid, field, "no %s is named %s; list them with %s", field, scope, list)
	case err != nil:
		return err
	case deleted:
		return errorf(Invalid, field, "%s is deleted; undelete it first", scope)
	}
	return nil
}

// splitScope is a scope as the association or the organization it names.
func splitScope(scope string) (association, organization string) {
	if strings.HasPrefix(scope, "organizations/") {
		return "", scope
	}
	return scope, ""
}

// joinedSQL is an SQL expression of the pk that expr gives of an
// organization or an association under the scope's (table, of feed type
// typ, by id): the seq of the latest change of the feed that moved it, or
// one between it and the scope's, to a new parent, before migration 0044;
// 0 when none did. A change there before that seq was not in the scope
// then, whatever it is under now. A move since marks whether it was
// (underAtSQL).
func (tx *Tx) joinedSQL(ctx context.Context, table string, typ int, id, expr string) (string, error) {
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE down(pk, joined, depth) AS (
			SELECT pk, 0, 0 FROM `+table+` WHERE id = ?1
			UNION ALL SELECT t.pk, MAX(down.joined, IFNULL((SELECT MAX(ch.seq) FROM changes ch
				WHERE ch.resource = ?2 || '/' || t.id AND ch.type = ?3 AND instr(ch.fields, ',parent,') > 0
				AND ch.seq <= IFNULL((SELECT value FROM settings WHERE key = 'scope_moves_from'), 9223372036854775807)), 0)), down.depth + 1
			FROM `+table+` t JOIN down ON t.parent_pk = down.pk WHERE down.depth < 100)
		SELECT pk, joined FROM down WHERE joined > 0`, id, table, typ)
	if err != nil {
		return "", dbError(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var pk, joined int64
		if err := rows.Scan(&pk, &joined); err != nil {
			return "", dbError(err)
		}
		b.WriteString(" WHEN " + itoa(pk) + " THEN " + itoa(joined))
	}
	if err := rows.Err(); err != nil {
		return "", dbError(err)
	}
	if b.Len() == 0 {
		return "0", nil
	}
	return "(CASE " + expr + b.String() + " ELSE 0 END)", nil
}

// scopeJoinedSQL is joinedSQL of the organization or association scope
// names, a unit's or an association's.
func (tx *Tx) scopeJoinedSQL(ctx context.Context, scope, expr string) (string, error) {
	if id, ok := strings.CutPrefix(scope, "organizations/"); ok {
		return tx.joinedSQL(ctx, "organizations", 5, id, expr)
	}
	return tx.joinedSQL(ctx, "associations", 6, strings.TrimPrefix(scope, "associations/"), expr)
}
