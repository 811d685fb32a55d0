package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/suppress"
)

// Engagements of pool members, the conflict rule and their statistics;
// the finder of experts that shares the work is expertsearch.go.

const engagementColumns = `e.pk, e.id, a.id, ep.id, p.id, e.matter_title, e.requesting_agency, COALESCE(o.id, ''),
	e.decision_number, e.role, e.start_date, e.end_date, e.declared_conflict, e.conflict_override_reason,
	e.outcome, e.rating, e.create_time, e.update_time, e.revision`

const engagementFrom = `engagements e JOIN expert_pools ep ON ep.pk = e.pool_pk
	JOIN associations a ON a.pk = ep.association_pk JOIN people p ON p.pk = e.person_pk
	LEFT JOIN organizations o ON o.pk = e.matter_organization_pk`

type engagementRow struct {
	pk, revision int64
	e            *pb.Engagement
}

func scanEngagement(s scanner, extra ...any) (*engagementRow, error) {
	var r engagementRow
	var e pb.Engagement
	var id, assocID, poolID, personID, orgID string
	var role int32
	var start, end, createTime, updateTime int64
	dest := []any{&r.pk, &id, &assocID, &poolID, &personID, &e.MatterTitle, &e.RequestingAgency, &orgID,
		&e.DecisionNumber, &role, &start, &end, &e.DeclaredConflict, &e.ConflictOverrideReason,
		&e.Outcome, &e.Rating, &createTime, &updateTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.Person, e.Role = "people/"+personID, pb.Person_ExpertRole(role)
	if orgID != "" {
		e.MatterOrganization = "organizations/" + orgID
	}
	e.StartDate, e.EndDate = dateOf(start), dateOf(end)
	name := "associations/" + assocID + "/expertPools/" + poolID + "/engagements/" + id
	setResourceMeta(&e, name, createTime, updateTime, etag(name, r.revision))
	r.e = &e
	return &r, nil
}

func (tx *Tx) engagement(ctx context.Context, name, field string) (*engagementRow, error) {
	var assocID, poolID, id string
	if !names.Scan(name, names.Engagement, &assocID, &poolID, &id) {
		return nil, errorf(Invalid, field, "want associations/{association}/expertPools/{expert_pool}/engagements/{engagement}, not %q", name)
	}
	r, err := scanEngagement(tx.QueryRowContext(ctx, `SELECT `+engagementColumns+` FROM `+engagementFrom+`
		WHERE a.id = ? AND ep.id = ? AND e.id = ?`, assocID, poolID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	return r, dbError(err)
}

// prepareEngagement checks an engagement and returns the values of its
// writable columns after the person and pool.
func (tx *Tx) prepareEngagement(ctx context.Context, e *pb.Engagement) ([]any, error) {
	const f = "engagement."
	for _, s := range []*string{&e.MatterTitle, &e.RequestingAgency, &e.DecisionNumber} {
		*s = normText(*s)
	}
	for _, s := range []*string{&e.DeclaredConflict, &e.ConflictOverrideReason, &e.Outcome} {
		*s = normProse(*s)
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"matter_title": e.MatterTitle, "requesting_agency": e.RequestingAgency, "decision_number": e.DecisionNumber})
	if e.MatterTitle == "" {
		v.add(f+"matter_title", "required: what the expert is asked to advise on, critique or assess")
	}
	if e.Role == pb.Person_EXPERT_ROLE_UNSPECIFIED {
		v.add(f+"role", "required: CONSULTING, CRITIQUE or SOCIAL_ASSESSMENT")
	}
	var start, end int64
	if e.StartDate == nil {
		v.add(f+"start_date", "required: the day the engagement began")
	} else {
		checkDate(&v, f+"start_date", e.StartDate)
		start = ymd(e.StartDate.Year, e.StartDate.Month, e.StartDate.Day)
	}
	if e.EndDate != nil {
		checkDate(&v, f+"end_date", e.EndDate)
		end = ymd(e.EndDate.Year, e.EndDate.Month, e.EndDate.Day)
		if end < start {
			v.add(f+"end_date", "is before the start")
		}
	}
	var orgPK any
	if e.MatterOrganization != "" {
		org, err := tx.organizationByName(ctx, e.MatterOrganization, f+"matter_organization")
		var se *Error
		switch {
		case errors.As(err, &se) && (se.Code == Invalid || se.Code == NotFound):
			v.add(f+"matter_organization", "%s", se.Message)
		case err != nil:
			return nil, err
		default:
			orgPK = org.pk
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return []any{e.MatterTitle, e.RequestingAgency, orgPK, e.DecisionNumber, int32(e.Role), start, end,
		e.DeclaredConflict, e.ConflictOverrideReason, e.Outcome, e.Rating}, nil
}

// checkConflict refuses an expert whose current organization owns the
// matter, unless the engagement gives a reason to override; an override
// names the organization in the call's audit event. The refusal names no
// one: the request names the expert or the engagement already, and a
// name in it would tell where the person works to a caller who may not
// see them.
func (tx *Tx) checkConflict(ctx context.Context, personPK int64, e *pb.Engagement) error {
	if e.MatterOrganization == "" {
		return nil
	}
	orgID, _ := OrganizationID(e.MatterOrganization, "")
	works, err := tx.exists(ctx, `SELECT 1 FROM positions pos JOIN organizations o ON o.pk = pos.organization_pk
		WHERE pos.person_pk = ? AND pos.is_current = 1 AND o.id = ?`, personPK, orgID)
	if err != nil || !works {
		return err
	}
	if e.ConflictOverrideReason == "" {
		return errorf(FailedPrecondition, "engagement.matter_organization",
			"the expert works at %s, which owns the matter: choose another expert, or give conflict_override_reason to engage them anyway (the override is audited)",
			e.MatterOrganization)
	}
	tx.auditResource(e.MatterOrganization)
	return nil
}

func (db *DB) CreateEngagement(ctx context.Context, parent string, e *pb.Engagement, o CreateOptions) (*pb.Engagement, error) {
	var out *pb.Engagement
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.Engagement)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		pool, err := tx.poolTakingChildren(ctx, parent)
		if err != nil {
			return err
		}
		personID, err := PersonID(e.Person, "engagement.person")
		if err != nil {
			return err
		}
		var personPK int64
		var status int32
		err = tx.QueryRowContext(ctx, `SELECT m.person_pk, m.status FROM expert_pool_members m JOIN people p ON p.pk = m.person_pk
			WHERE m.pool_pk = ? AND p.id = ? AND p.delete_time IS NULL`, pool.pk, personID).Scan(&personPK, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(FailedPrecondition, "engagement.person", "%s is not a member of %s; add them to the pool first", e.Person, parent)
		}
		if err != nil {
			return dbError(err)
		}
		if pb.ExpertPoolMember_Status(status) != pb.ExpertPoolMember_ACTIVE {
			return errorf(FailedPrecondition, "engagement.person", "%s is an INACTIVE member of %s", e.Person, parent)
		}
		vals, err := tx.prepareEngagement(ctx, e)
		if err != nil {
			return err
		}
		if err := tx.checkConflict(ctx, personPK, e); err != nil {
			return err
		}
		id, err := tx.newChildID(ctx, o.ID, "engagement_id", "engagements", "pool_pk", pool.pk, parent+"/engagements/")
		if err != nil {
			return err
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO engagements (id, pool_pk, person_pk, matter_title, requesting_agency,
			matter_organization_pk, decision_number, role, start_date, end_date, declared_conflict, conflict_override_reason,
			outcome, rating, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(append([]any{id, pool.pk, personPK}, vals...), now, now)...); err != nil {
			return dbError(err)
		}
		name := parent + "/engagements/" + id
		tx.auditResource(name)
		tx.auditResource(e.Person)
		r, err := tx.engagement(ctx, name, "")
		if err != nil {
			return err
		}
		out = r.e
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

func (db *DB) GetEngagement(ctx context.Context, name string) (*pb.Engagement, error) {
	var out *pb.Engagement
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.engagement(ctx, name, "name")
		if err == nil {
			out = r.e
		}
		return err
	})
	return out, err
}

func engagementSchema(ranks) filter.Schema {
	return filter.Schema{
		"person":     str("'people/' || p.id"),
		"role":       {Type: filter.Enum, SQL: "e.role", Enum: expertRoleEnum},
		"start_date": {Type: filter.Date, SQL: "e.start_date"},
		"rating":     {Type: filter.Int, SQL: "e.rating"},
	}
}

// ListEngagements lists a pool's engagements; one handed to an
// administrator only to admins (readsRestricted), whole (heldListed).
func (db *DB) ListEngagements(ctx context.Context, parent string, q ListQuery, readsRestricted bool) ([]*pb.Engagement, Page, error) {
	rows, page, err := listPoolChildren(ctx, db, poolChildren{"engagements", engagementFrom, engagementColumns, "e", engagementSchema},
		parent, q, readsRestricted, scanEngagement)
	var out []*pb.Engagement
	for _, r := range rows {
		out = append(out, r.e)
	}
	return out, page, err
}

// UpdateEngagement records the outcome and rating, or corrects the
// matter; the person and an override reason stay as they were made.
func (db *DB) UpdateEngagement(ctx context.Context, name string, o WriteOptions, apply func(*pb.Engagement) error) (*pb.Engagement, error) {
	var out *pb.Engagement
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.engagement(ctx, name, "engagement.name")
		if err != nil {
			return err
		}
		if err := tx.liveUnder(ctx, name); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.e.Etag, "engagement.etag"); err != nil {
			return err
		}
		person, reason, org := r.e.Person, r.e.ConflictOverrideReason, r.e.MatterOrganization
		before := proto.Clone(r.e)
		if err := apply(r.e); err != nil {
			return err
		}
		if r.e.Person != person {
			return errorf(Invalid, "engagement.person", "cannot change; record another engagement for the other expert")
		}
		r.e.ConflictOverrideReason = reason
		if unchanged(before, r.e) {
			out = r.e
			return nil
		}
		vals, err := tx.prepareEngagement(ctx, r.e)
		if err != nil {
			return err
		}
		if r.e.MatterOrganization != org {
			var personPK int64
			if err := tx.QueryRowContext(ctx, `SELECT person_pk FROM engagements WHERE pk = ?`, r.pk).Scan(&personPK); err != nil {
				return dbError(err)
			}
			if err := tx.checkConflict(ctx, personPK, r.e); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE engagements SET matter_title = ?, requesting_agency = ?, matter_organization_pk = ?,
			decision_number = ?, role = ?, start_date = ?, end_date = ?, declared_conflict = ?, conflict_override_reason = ?,
			outcome = ?, rating = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`, append(vals, micros(tx.now), r.pk)...); err != nil {
			return dbError(err)
		}
		r, err = tx.engagement(ctx, name, "")
		if err == nil {
			out = r.e
		}
		return err
	})
	return out, err
}

func (db *DB) DeleteEngagement(ctx context.Context, name string, o WriteOptions) error {
	return db.deletePoolChild(ctx, name, o, `DELETE FROM engagements WHERE pk = ?`, func(tx *Tx) (int64, string, error) {
		r, err := tx.engagement(ctx, name, "name")
		if err != nil {
			return 0, "", err
		}
		return r.pk, r.e.Etag, nil
	})
}

// ComputeEngagementStatistics counts an association's engagements by the year
// they began, the expert's primary field and the role; a year of 0 leaves
// that end open. Small counts are suppressed as ComputeStatistics does
// (package suppress, the same threshold): an engagement names an expert,
// and a count of two critiques in a field in a year may name two people.
// For a caller limited to scope ("" for none), an expert outside it counts
// under no field: it lists their engagements without them and knows its
// own experts' fields, so a count by field would tell theirs.
func (db *DB) ComputeEngagementStatistics(ctx context.Context, name, scope string, startYear, endYear int32) (*pb.ComputeEngagementStatisticsResponse, error) {
	assocID, err := AssociationID(name, "name")
	if err != nil {
		return nil, err
	}
	if startYear != 0 && endYear != 0 && endYear < startYear {
		return nil, errorf(Invalid, "end_year", "%d is before start_year %d", endYear, startYear)
	}
	var out *pb.ComputeEngagementStatisticsResponse
	err = db.read(ctx, func(tx *Tx) error {
		if _, err := tx.association(ctx, assocID); err != nil {
			return err
		}
		threshold, err := tx.suppressionThreshold(ctx)
		if err != nil {
			return err
		}
		last := int64(endYear)
		if last == 0 {
			last = 9999
		}
		field := "COALESCE((SELECT pf.field FROM person_fields pf WHERE pf.person_pk = e.person_pk AND pf.is_primary = 1), '')"
		if cond, err := tx.scopeCond(ctx, scope, "e.person_pk"); err != nil {
			return err
		} else if cond != "" {
			field = "CASE WHEN " + cond + " THEN " + field + " ELSE '' END"
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.start_date / 10000 AS year, `+field+` AS field,
				e.role, COUNT(*)
			FROM engagements e JOIN expert_pools ep ON ep.pk = e.pool_pk JOIN associations a ON a.pk = ep.association_pk
				JOIN people p ON p.pk = e.person_pk
			WHERE a.id = ? AND ep.delete_time IS NULL AND e.start_date / 10000 BETWEEN ? AND ? AND `+personListed+`
			GROUP BY 1, 2, 3`, assocID, startYear, last)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		var cells []*suppress.Cell
		for rows.Next() {
			var year, role int64
			var field string
			var n int
			if err := rows.Scan(&year, &field, &role, &n); err != nil {
				return dbError(err)
			}
			cells = append(cells, &suppress.Cell{Values: []string{strconv.FormatInt(year, 10), field, strconv.FormatInt(role, 10)}, Count: n})
		}
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		cells, totalSuppressed, err := db.suppressionWork(false).Table(cells, 3, threshold)
		if err != nil {
			return suppressionError(err)
		}
		out = &pb.ComputeEngagementStatisticsResponse{SuppressionThreshold: int32(threshold), TotalSuppressed: totalSuppressed}
		total := 0
		for _, c := range cells {
			total += c.Count
			year, _ := strconv.Atoi(c.Values[0])
			role, _ := strconv.Atoi(c.Values[2])
			row := &pb.EngagementCount{Year: int32(year), Field: c.Values[1], Role: pb.Person_ExpertRole(role), Suppressed: c.Suppressed}
			if c.Suppressed {
				row.SuppressionReason = suppressionReason(c.Primary)
			} else {
				row.Count = proto.Int32(int32(c.Count))
			}
			out.Counts = append(out.Counts, row)
		}
		if totalSuppressed {
			out.TotalSuppressionReason = suppressionReason(small(total, threshold))
		} else {
			out.Total = proto.Int32(int32(total))
		}
		// By year, then field, then role; suppress may add rows at the end.
		slices.SortFunc(out.Counts, func(a, b *pb.EngagementCount) int {
			return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Role, b.Role))
		})
		return nil
	})
	return out, err
}
