package store

import (
	"context"
	"strings"
	"time"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The finder of experts for an engagement: the members of a pool who
// match what the engagement needs, those without a conflict first.

// ExpertQuery is what SearchExperts looks for.
type ExpertQuery struct {
	Field, QualificationLevel, AcademicTitle, AdministrativeUnit string
	Availability                                                 pb.Person_Availability
	Role                                                         pb.Person_ExpertRole
	Max                                                          int
	// Scope, when set, is the association a limited registrar key is
	// bound to: a search of every association's pools (associations/-)
	// looks only in the pools of it and the associations under it.
	Scope string
}

// parsePoolSearch reads the pools a search names: one pool, or with "-"
// for either id (AIP-159) every pool of an association, or of every
// association; "-" is returned as "".
func parsePoolSearch(name, field string) (assocID, poolID string, err error) {
	parts := strings.Split(name, "/")
	ok := len(parts) == 4 && parts[0] == "associations" && parts[2] == "expertPools"
	for _, i := range []int{1, 3} {
		ok = ok && (parts[i] == "-" || names.ValidID(parts[i]))
	}
	if !ok {
		return "", "", errorf(Invalid, field, "want associations/{association}/expertPools/{expert_pool}, with - for every association or every pool (associations/-/expertPools/-), not %q", name)
	}
	return strings.Trim(parts[1], "-"), strings.Trim(parts[3], "-"), nil
}

// SearchExperts ranks the active members of the pools poolName names (one
// pool, or with "-" every pool of an association or of every association)
// who fit q: fewest engagements begun in the twelve months before today
// first (in the caller's scope's pools, for a limited key), so that work
// is shared, then by fit (a matching primary field, an academic title,
// the highest degree), then by name. A member of several pools is one
// candidate.
func (db *DB) SearchExperts(ctx context.Context, poolName string, q ExpertQuery) ([]*pb.ExpertCandidate, error) {
	assocID, poolID, err := parsePoolSearch(poolName, "name")
	if err != nil {
		return nil, err
	}
	var out []*pb.ExpertCandidate
	err = db.read(ctx, func(tx *Tx) error {
		member := []string{"m.status = ?"}
		memberArgs := []any{int32(pb.ExpertPoolMember_ACTIVE)}
		switch {
		case assocID != "" && poolID != "":
			pool, err := tx.pool(ctx, assocID, poolID)
			if err != nil {
				return err
			}
			member, memberArgs = append(member, "m.pool_pk = ?"), append(memberArgs, pool.pk)
		case assocID != "":
			if _, err := tx.association(ctx, assocID); err != nil {
				return err
			}
			member = append(member, "m.pool_pk IN (SELECT ep.pk FROM expert_pools ep JOIN associations a ON a.pk = ep.association_pk WHERE a.id = ? AND ep.delete_time IS NULL)")
			memberArgs = append(memberArgs, assocID)
		case poolID != "":
			member, memberArgs = append(member, "m.pool_pk IN (SELECT pk FROM expert_pools WHERE id = ?)"), append(memberArgs, poolID)
		}
		var v Invalids
		where := []string{personListed, "p.availability = ?"}
		inScope := "" // the condition on a pool that it is in the scope
		// The engagements that rank a candidate: a limited key counts
		// only those of its scope's pools, as a count (or an order) taken
		// from every association's would tell it of its members'
		// engagements elsewhere, which it may not list.
		counted := ""
		if q.Scope != "" {
			assocs, err := tx.scopeAssociations(ctx, q.Scope)
			if err != nil {
				return err
			}
			inScope = " AND association_pk IN (" + pkList(assocs) + ")"
			counted = " AND e.pool_pk IN (SELECT pk FROM expert_pools WHERE 1" + inScope + ")"
			if assocID == "" {
				// A named association was checked against the scope
				// before the call; every association is narrowed here.
				member = append(member, "m.pool_pk IN (SELECT pk FROM expert_pools WHERE 1"+inScope+")")
			}
			// A pool may hold experts from outside the scope, whom the
			// limited key may not see (DESIGN.md §10).
			where = append(where, inScopeSQL("p.pk", assocs))
		}
		if assocID == "" && poolID != "" {
			// A pool named across associations must be in one (in the
			// caller's scope), as one named in an association must be.
			if known, err := tx.exists(ctx, `SELECT 1 FROM expert_pools WHERE id = ?`+inScope, poolID); err != nil {
				return err
			} else if !known {
				return errorf(NotFound, "", "no association has a pool expertPools/%s; see ListExpertPools", poolID)
			}
		}
		var args []any
		if q.Availability == pb.Person_AVAILABILITY_UNSPECIFIED {
			q.Availability = pb.Person_AVAILABLE
		}
		args = append(args, int32(q.Availability))
		// The field and its descendants at any level, in its own scheme and,
		// through the crosswalk, in the other.
		fieldMatch, fieldArgs := "0", []any{}
		if q.Field != "" {
			if err := tx.checkRef(ctx, &v, RefField, "field", q.Field, time.Time{}); err != nil {
				return err
			}
			// Fields of the other scheme fit through the crosswalk
			// (fieldmatch.go).
			if fieldMatch, fieldArgs, err = tx.personHasFieldUnder(ctx, q.Field, true); err != nil {
				return err
			}
			cond, condArgs, err := tx.personHasFieldUnder(ctx, q.Field, false)
			if err != nil {
				return err
			}
			where, args = append(where, cond), append(args, condArgs...)
		}
		if q.QualificationLevel != "" {
			if err := tx.checkRef(ctx, &v, RefQualificationLevel, "qualification_level", q.QualificationLevel, time.Time{}); err != nil {
				return err
			}
			if v.err() == nil {
				rank, err := tx.levelRank(ctx, q.QualificationLevel)
				if err != nil {
					return err
				}
				where, args = append(where, "p.highest_level_rank >= ?"), append(args, rank)
			}
		}
		if q.AcademicTitle != "" {
			if err := tx.checkRef(ctx, &v, RefAcademicTitle, "academic_title", q.AcademicTitle, time.Time{}); err != nil {
				return err
			}
			where, args = append(where, "p.academic_title = ?"), append(args, q.AcademicTitle)
		}
		if q.AdministrativeUnit != "" {
			if err := tx.checkRef(ctx, &v, RefAdminUnit, "administrative_unit", q.AdministrativeUnit, time.Time{}); err != nil {
				return err
			}
			// A province or district stands for the units in its area
			// today, as in a statistics filter: the experts of An Giang,
			// or of a 2024 district, are those working in its communes.
			units, err := tx.unitHistory(ctx)
			if err != nil {
				return err
			}
			in := units.Under(q.AdministrativeUnit, tx.today())
			where = append(where, "p.current_unit IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(in)), ", ")+")")
			for _, u := range in {
				args = append(args, u)
			}
		}
		if q.Role != pb.Person_EXPERT_ROLE_UNSPECIFIED {
			member, memberArgs = append(member, "(m.role = ? OR (m.role = 0 AND EXISTS (SELECT 1 FROM person_expert_roles r WHERE r.person_pk = m.person_pk AND r.role = ?)))"),
				append(memberArgs, int32(q.Role), int32(q.Role))
		}
		// The members first, so that SQLite reads the pools' members and
		// then their profiles, not every profile.
		where = append([]string{"p.pk IN (SELECT m.person_pk FROM expert_pool_members m WHERE " + strings.Join(member, " AND ") + ")"}, where...)
		args = append(memberArgs, args...)
		if err := v.err(); err != nil {
			return err
		}
		max := q.Max
		if max <= 0 {
			max = 20
		}
		since := today(tx.now.AddDate(-1, 0, 0))
		query := `SELECT p.id, p.display_name,
			(SELECT COUNT(*) FROM engagements e WHERE e.person_pk = p.pk AND e.start_date > ?` + counted + `
				AND e.pool_pk NOT IN (SELECT pk FROM expert_pools WHERE delete_time IS NOT NULL)) AS recent,
			(CASE WHEN ` + fieldMatch + ` THEN 100 ELSE 0 END) + (CASE WHEN p.academic_title != '' THEN 10 ELSE 0 END) + p.highest_level_rank AS fit
			FROM people p
			WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY recent, fit DESC, p.sort_key, p.pk LIMIT ?`
		all := append(append(append([]any{since}, fieldArgs...), args...), max)
		rows, err := tx.QueryContext(ctx, query, all...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c pb.ExpertCandidate
			var id string
			if err := rows.Scan(&id, &c.DisplayName, &c.RecentEngagements, &c.Fit); err != nil {
				return dbError(err)
			}
			c.Person = "people/" + id
			out = append(out, &c)
		}
		return dbError(rows.Err())
	})
	return out, err
}
