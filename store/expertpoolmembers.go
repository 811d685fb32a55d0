package store

import (
	"context"
	"database/sql"
	"errors"

	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The members of the associations' pools of experts (issue 17).

const memberColumns = `m.pk, m.id, a.id, ep.id, p.id, p.display_name, m.role, m.status, m.create_time, m.update_time, m.revision`

const memberFrom = `expert_pool_members m JOIN expert_pools ep ON ep.pk = m.pool_pk
	JOIN associations a ON a.pk = ep.association_pk JOIN people p ON p.pk = m.person_pk`

type memberRow struct {
	pk, revision int64
	m            *pb.ExpertPoolMember
}

func scanMember(s scanner, extra ...any) (*memberRow, error) {
	var r memberRow
	var m pb.ExpertPoolMember
	var id, assocID, poolID, personID string
	var role, status int32
	var createTime, updateTime int64
	dest := []any{&r.pk, &id, &assocID, &poolID, &personID, &m.DisplayName, &role, &status, &createTime, &updateTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	m.Person, m.Role, m.Status = "people/"+personID, pb.Person_ExpertRole(role), pb.ExpertPoolMember_Status(status)
	name := "associations/" + assocID + "/expertPools/" + poolID + "/members/" + id
	setResourceMeta(&m, name, createTime, updateTime, etag(name, r.revision))
	r.m = &m
	return &r, nil
}

func (tx *Tx) member(ctx context.Context, name, field string) (*memberRow, error) {
	var assocID, poolID, id string
	if !names.Scan(name, names.PoolMember, &assocID, &poolID, &id) {
		return nil, errorf(Invalid, field, "want associations/{association}/expertPools/{expert_pool}/members/{member}, not %q", name)
	}
	r, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM `+memberFrom+`
		WHERE a.id = ? AND ep.id = ? AND m.id = ?`, assocID, poolID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	return r, dbError(err)
}

// checkExpertConsent refuses a person who is not AVAILABLE or has not
// consented to the publication of their expert profile, by a consent the
// caller reading s is shown: one it is not would tell a key limited to an
// association of a registration with another (consentShownSQL).
func (tx *Tx) checkExpertConsent(ctx context.Context, person *personRow, field string, s Shown) error {
	if person.person.Availability != pb.Person_AVAILABLE {
		return errorf(FailedPrecondition, field, "%s is not AVAILABLE for expert work (availability is %s); update the profile first",
			person.person.Name, person.person.Availability)
	}
	shown, err := tx.consentShownSQL(ctx, s)
	if err != nil {
		return err
	}
	ok, err := tx.exists(ctx, `SELECT 1 FROM consents c WHERE c.person_pk = ? AND c.withdraw_time IS NULL
		AND (',' || c.purposes || ',') LIKE ? AND `+shown, person.pk, "%,"+itoa(int64(pb.Consent_PUBLICATION))+",%")
	if err != nil {
		return err
	}
	if !ok {
		return errorf(FailedPrecondition, field, "%s has not consented to the PUBLICATION of their expert profile; record that consent first", person.person.Name)
	}
	return nil
}

func (db *DB) CreateExpertPoolMember(ctx context.Context, parent string, m *pb.ExpertPoolMember, o CreateOptions) (*pb.ExpertPoolMember, error) {
	var out *pb.ExpertPoolMember
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.ExpertPoolMember)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		pool, err := tx.poolTakingChildren(ctx, parent)
		if err != nil {
			return err
		}
		personID, err := PersonID(m.Person, "expert_pool_member.person")
		if err != nil {
			return err
		}
		person, err := tx.livePerson(ctx, personID)
		if err != nil {
			return missingReference(err, "expert_pool_member.person")
		}
		if err := tx.checkExpertConsent(ctx, person, "expert_pool_member.person", o.Shown); err != nil {
			return err
		}
		if dup, err := tx.exists(ctx, `SELECT 1 FROM expert_pool_members WHERE pool_pk = ? AND person_pk = ?`, pool.pk, person.pk); err != nil {
			return err
		} else if dup {
			return errorf(AlreadyExists, "expert_pool_member.person", "%s is already a member of %s", m.Person, parent)
		}
		id, err := tx.newChildID(ctx, o.ID, "expert_pool_member_id", "expert_pool_members", "pool_pk", pool.pk, parent+"/members/")
		if err != nil {
			return err
		}
		status := m.Status
		if status == pb.ExpertPoolMember_STATUS_UNSPECIFIED {
			status = pb.ExpertPoolMember_ACTIVE
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO expert_pool_members (id, pool_pk, person_pk, role, status, create_time, update_time)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, pool.pk, person.pk, int32(m.Role), int32(status), now, now); err != nil {
			return dbError(err)
		}
		name := parent + "/members/" + id
		tx.auditResource(name)
		tx.auditResource(m.Person)
		r, err := tx.member(ctx, name, "")
		if err != nil {
			return err
		}
		out = r.m
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

func (db *DB) GetExpertPoolMember(ctx context.Context, name string) (*pb.ExpertPoolMember, error) {
	var out *pb.ExpertPoolMember
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.member(ctx, name, "name")
		if err == nil {
			out = r.m
		}
		return err
	})
	return out, err
}

func memberSchema(ranks) filter.Schema {
	return filter.Schema{
		"person": str("'people/' || p.id"),
		"role":   {Type: filter.Enum, SQL: "m.role", Enum: expertRoleEnum},
		"status": {Type: filter.Enum, SQL: "m.status", Enum: enumValues(pb.ExpertPoolMember_Status(0).Descriptor())},
	}
}

func (db *DB) ListExpertPoolMembers(ctx context.Context, parent string, q ListQuery, readsRestricted bool) ([]*pb.ExpertPoolMember, Page, error) {
	rows, page, err := listPoolChildren(ctx, db, poolChildren{"expert_pool_members", memberFrom, memberColumns, "m", memberSchema},
		parent, q, readsRestricted, scanMember)
	var out []*pb.ExpertPoolMember
	for _, r := range rows {
		out = append(out, r.m)
	}
	return out, page, err
}

// UpdateExpertPoolMember changes a member's role or status; the person
// stays.
func (db *DB) UpdateExpertPoolMember(ctx context.Context, name string, o WriteOptions, apply func(*pb.ExpertPoolMember) error) (*pb.ExpertPoolMember, error) {
	var out *pb.ExpertPoolMember
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.member(ctx, name, "expert_pool_member.name")
		if err != nil {
			return err
		}
		if err := tx.liveUnder(ctx, name); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.m.Etag, "expert_pool_member.etag"); err != nil {
			return err
		}
		before := proto.Clone(r.m).(*pb.ExpertPoolMember)
		if err := apply(r.m); err != nil {
			return err
		}
		if r.m.Person != before.Person {
			return errorf(Invalid, "expert_pool_member.person", "cannot change; add the other person as a new member")
		}
		if r.m.Status == pb.ExpertPoolMember_STATUS_UNSPECIFIED {
			r.m.Status = before.Status
		}
		if unchanged(before, r.m) {
			out = r.m
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE expert_pool_members SET role = ?, status = ?, update_time = ?, revision = revision + 1
			WHERE pk = ?`, int32(r.m.Role), int32(r.m.Status), micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		r, err = tx.member(ctx, name, "")
		if err == nil {
			out = r.m
		}
		return err
	})
	return out, err
}

func (db *DB) DeleteExpertPoolMember(ctx context.Context, name string, o WriteOptions) error {
	return db.deletePoolChild(ctx, name, o, `DELETE FROM expert_pool_members WHERE pk = ?`, func(tx *Tx) (int64, string, error) {
		r, err := tx.member(ctx, name, "name")
		if err != nil {
			return 0, "", err
		}
		return r.pk, r.m.Etag, nil
	})
}
