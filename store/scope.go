package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"strconv"
	"strings"

	"trithuc.gov.vn/trithuc/names"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The scope of a registrar key limited to an association (DESIGN.md §10):
// the people who hold a PENDING, ACTIVE or SUSPENDED membership of that
// association or of one under it, whose link to the person is confirmed
// (memberships.link_confirmed). A registration confirms its link when it
// creates the person, when a caller without a scope makes it, or when it
// links to someone already in the caller's scope; otherwise an approval by
// a caller without a scope does.

// scopeAssociations returns the pks of the association scope and of those
// under it; none when scope names no association.
func (tx *Tx) scopeAssociations(ctx context.Context, scope string) ([]int64, error) {
	id, err := AssociationID(scope, "scope")
	if err != nil {
		return nil, nil
	}
	return tx.subtree(ctx, "associations", id)
}

// subtree returns the pks of the row of table (associations or
// organizations, both with a parent_pk) whose id is given and of every row
// under it, to a depth of 100.
func (tx *Tx) subtree(ctx context.Context, table, id string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE down(pk, depth) AS (
			SELECT pk, 0 FROM `+table+` WHERE id = ?
			UNION ALL SELECT t.pk, down.depth + 1 FROM `+table+` t JOIN down ON t.parent_pk = down.pk
			WHERE down.depth < 100)
		SELECT pk FROM down`, id)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, dbError(err)
		}
		pks = append(pks, pk)
	}
	return pks, dbError(rows.Err())
}

// inScopeSQL is the condition that the person whose pk the SQL expression
// personPK gives is in the scope of the associations assocPKs. The pks are
// the database's own integers, never user text.
func inScopeSQL(personPK string, assocPKs []int64) string {
	if len(assocPKs) == 0 {
		return "0"
	}
	return `EXISTS (SELECT 1 FROM memberships sm WHERE sm.person_pk = ` + personPK +
		` AND ` + placesInScopeSQL("sm") + ` AND ` + inAssociationsSQL("sm.association_pk", assocPKs) + `)`
}

// placesInScopeSQL is the condition that the membership m (an alias)
// places its person in its association's scope: pending, active or
// suspended, with its link to the person confirmed.
func placesInScopeSQL(m string) string {
	return m + `.state IN (1, 2, 3) AND ` + m + `.link_confirmed = 1`
}

// inAssociationsSQL is the condition that the SQL expression assocPK is
// one of assocPKs, the database's own integers.
func inAssociationsSQL(assocPK string, assocPKs []int64) string {
	if len(assocPKs) == 0 {
		return "0"
	}
	nums := make([]string, len(assocPKs))
	for i, pk := range assocPKs {
		nums[i] = strconv.FormatInt(pk, 10)
	}
	return assocPK + " IN (" + strings.Join(nums, ", ") + ")"
}

// peopleInScope returns which of the people/{person} names are in scope.
func (tx *Tx) peopleInScope(ctx context.Context, scope string, names []string) (map[string]bool, error) {
	in := map[string]bool{}
	var ids []any
	for _, n := range names {
		if id, err := PersonID(n, "name"); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return in, nil
	}
	cond, err := tx.scopeCond(ctx, scope, "p.pk")
	if err != nil || cond == "" || cond == "0" {
		return in, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.id FROM people p WHERE p.id IN (`+placeholders(len(ids))+`) AND `+
		cond, ids...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbError(err)
		}
		in["people/"+id] = true
	}
	return in, dbError(rows.Err())
}

// shownTo says whether a caller acting for scope ("" when not limited) is
// shown the person (people/{person}).
func (tx *Tx) shownTo(ctx context.Context, scope, person string) (bool, error) {
	if scope == "" {
		return true, nil
	}
	in, err := tx.peopleInScope(ctx, scope, []string{person})
	return in[person], err
}

// PeopleInScope returns which of the people/{person} names are in the scope
// of a caller limited to scope (an association or an organization); names that are not
// people's, or of nobody, are not.
func (db *DB) PeopleInScope(ctx context.Context, scope string, names []string) (map[string]bool, error) {
	var in map[string]bool
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		in, err = tx.peopleInScope(ctx, scope, names)
		return err
	})
	return in, err
}

// PersonInScope reports whether a registrar key limited to the association
// scope may see and keep a person's profile. A person who does not exist is
// simply not in scope.
func (db *DB) PersonInScope(ctx context.Context, personName, scope string) (bool, error) {
	in, err := db.PeopleInScope(ctx, scope, []string{personName})
	return in[personName], err
}

// ExpertOf is the person (people/{person}) of the expert pool's member or
// the engagement name, whom a limited key may change only while they are
// in its scope; "" when name is neither, or names none.
func (db *DB) ExpertOf(ctx context.Context, name string) (string, error) {
	var assocID, poolID, id, query string
	switch {
	case names.Scan(name, names.PoolMember, &assocID, &poolID, &id):
		query = `SELECT p.id FROM ` + memberFrom + ` WHERE a.id = ? AND ep.id = ? AND m.id = ?`
	case names.Scan(name, names.Engagement, &assocID, &poolID, &id):
		query = `SELECT p.id FROM ` + engagementFrom + ` WHERE a.id = ? AND ep.id = ? AND e.id = ?`
	default:
		return "", nil
	}
	var person string
	err := db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, query, assocID, poolID, id).Scan(&person)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return dbError(err)
	})
	if err != nil || person == "" {
		return "", err
	}
	return "people/" + person, nil
}

// scopedSchema is schema for a registrar key limited to the associations
// assocPKs: the fields about a person outside the scope match nothing,
// whatever they hold, so that a filter cannot test them. personOf gives,
// for each field about a person, the SQL of that person's pk ("" for the
// other fields). A field's value becomes NULL, which every comparison and
// its NOT leave unmatched; related rows are not reached.
func scopedSchema(schema func(ranks) filter.Schema, assocPKs []int64, personOf func(field string) string) func(ranks) filter.Schema {
	return func(r ranks) filter.Schema {
		s := schema(r)
		joins := map[*filter.Join]*filter.Join{}
		for name, f := range s {
			personPK := personOf(name)
			switch {
			case personPK == "":
				continue
			case f.Join != nil:
				if joins[f.Join] == nil {
					joins[f.Join] = &filter.Join{From: f.Join.From, On: "(" + f.Join.On + ") AND " + inScopeSQL(personPK, assocPKs)}
				}
				f.Join = joins[f.Join]
			default:
				f.SQL = "(CASE WHEN " + inScopeSQL(personPK, assocPKs) + " THEN " + f.SQL + " END)"
				if f.Order != nil {
					o := *f.Order
					o.SQL = "(CASE WHEN " + inScopeSQL(personPK, assocPKs) + " THEN " + o.SQL + " END)"
					f.Order = &o
				}
			}
			s[name] = f
		}
		return s
	}
}

// peopleSchema is personSchema for a caller limited to scope:
// memberships.* see only the memberships of its associations (none for
// a caller limited to an organization), as its answers show no others
// (server/scope.go, hideOtherAssociations), so that a filter cannot
// count what they hide.
//
// update_time is the one a caller reading shown of what people hold sees
// (holdings.go).
func (tx *Tx) peopleSchema(ctx context.Context, scope string, shown Shown) (func(ranks) filter.Schema, error) {
	schema, err := tx.scopedPeopleSchema(ctx, scope)
	if err != nil || shown == ShownAll {
		return schema, err
	}
	_, updateTime, err := tx.shownSQL(ctx, shown)
	if err != nil {
		return nil, err
	}
	return func(r ranks) filter.Schema {
		s := schema(r)
		f := s["update_time"]
		f.SQL = "(" + updateTime + ")"
		s["update_time"] = f
		return s
	}, nil
}

func (tx *Tx) scopedPeopleSchema(ctx context.Context, scope string) (func(ranks) filter.Schema, error) {
	if scope == "" {
		return personSchema, nil
	}
	assocs, err := tx.scopeAssociations(ctx, scope)
	if err != nil {
		return nil, err
	}
	join := &filter.Join{From: joinMemberships.From, On: "(" + joinMemberships.On + ") AND " + inAssociationsSQL("pm.association_pk", assocs)}
	return func(r ranks) filter.Schema {
		s := personSchema(r)
		for name, f := range s {
			if f.Join == joinMemberships {
				f.Join = join
				s[name] = f
			}
		}
		return s
	}, nil
}

// scopedMembershipSchema is membershipSchema for a registrar key limited to
// the associations assocPKs: the member's fields (person, person.*) and the
// look-alikes' (possible_duplicates.person) are scopedSchema's.
func scopedMembershipSchema(assocPKs []int64) func(ranks) filter.Schema {
	return scopedSchema(membershipSchema, assocPKs, func(name string) string {
		switch {
		case name == "possible_duplicates.person":
			return "dp.pk"
		case name == "person" || strings.HasPrefix(name, "person."):
			return "p.pk"
		}
		return ""
	})
}

// expertSchema is the schema of a pool's members or engagements (whose
// person is p) for the caller limited to scope, if any: a person outside
// it is not matched by the person field (scopedSchema), as a membership's
// member is not, since the answer leaves them unnamed
// (server/scope.go, hideOutOfScope).
func (tx *Tx) expertSchema(ctx context.Context, schema func(ranks) filter.Schema, scope string) (func(ranks) filter.Schema, error) {
	if scope == "" {
		return schema, nil
	}
	assocs, err := tx.scopeAssociations(ctx, scope)
	if err != nil {
		return nil, err
	}
	return scopedSchema(schema, assocs, func(name string) string {
		if name == "person" {
			return "p.pk"
		}
		return ""
	}), nil
}

// scopedMembershipSortKeys is membershipSortKeys for a registrar key limited
// to the associations assocPKs: members outside the scope sort as if they
// had no name, so that the order tells nothing of theirs.
func scopedMembershipSortKeys(assocPKs []int64) map[string]sortKey {
	keys := maps.Clone(membershipSortKeys)
	k := keys["person.display_name"]
	k.expr = "(CASE WHEN " + inScopeSQL("p.pk", assocPKs) + " THEN " + k.expr + " ELSE x'' END)"
	keys["person.display_name"] = k
	return keys
}
