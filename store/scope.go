package store

import (
	"context"
	"maps"
	"strconv"
	"strings"

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
	nums := make([]string, len(assocPKs))
	for i, pk := range assocPKs {
		nums[i] = strconv.FormatInt(pk, 10)
	}
	return `EXISTS (SELECT 1 FROM memberships sm WHERE sm.person_pk = ` + personPK +
		` AND sm.state IN (1, 2, 3) AND sm.link_confirmed = 1 AND sm.association_pk IN (` + strings.Join(nums, ", ") + `))`
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

// scopedMembershipSchema is membershipSchema for a registrar key limited to
// the associations assocPKs: the fields of a member outside the scope
// (person, person.*) and of look-alikes outside it
// (possible_duplicates.person) match nothing, whatever they hold, so that
// a filter cannot test them. A field's value becomes NULL, which every
// comparison and its NOT leave unmatched; related rows are not reached.
func scopedMembershipSchema(assocPKs []int64) func(ranks) filter.Schema {
	return func(r ranks) filter.Schema {
		s := membershipSchema(r)
		joins := map[*filter.Join]*filter.Join{}
		hide := func(j *filter.Join, personPK string) *filter.Join {
			if joins[j] == nil {
				joins[j] = &filter.Join{From: j.From, On: "(" + j.On + ") AND " + inScopeSQL(personPK, assocPKs)}
			}
			return joins[j]
		}
		for name, f := range s {
			switch {
			case name == "possible_duplicates.person":
				f.Join = hide(f.Join, "dp.pk")
			case name == "person" || strings.HasPrefix(name, "person."):
				if f.Join != nil {
					f.Join = hide(f.Join, "p.pk")
				} else {
					f.SQL = "(CASE WHEN " + inScopeSQL("p.pk", assocPKs) + " THEN " + f.SQL + " END)"
					if f.Order != nil {
						o := *f.Order
						o.SQL = "(CASE WHEN " + inScopeSQL("p.pk", assocPKs) + " THEN " + o.SQL + " END)"
						f.Order = &o
					}
				}
			default:
				continue
			}
			s[name] = f
		}
		return s
	}
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
