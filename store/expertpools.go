package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The associations' pools of experts (issue 17); their members are in
// expertpoolmembers.go.

const poolColumns = `ep.pk, ep.id, a.id, ep.display_name, ep.description, ep.fields, ep.roles,
	ep.create_time, ep.update_time, ep.revision, ep.delete_time`

const poolFrom = `expert_pools ep JOIN associations a ON a.pk = ep.association_pk`

type poolRow struct {
	pk, revision int64
	p            *pb.ExpertPool
	// handedOver: deleted by a caller who does not read restricted
	// profiles while it held their members or engagements (handover.go).
	handedOver bool
}

// visibleTo refuses a pool handed to an administrator to everyone else, as
// if it had been deleted.
func (r *poolRow) visibleTo(readsRestricted bool) error {
	if r.handedOver && !readsRestricted {
		return errorf(NotFound, "", "%s does not exist", r.p.Name)
	}
	return nil
}

// heldListed is personListed for the members and engagements of pool: a
// pool handed to an administrator lists them whole (to admins, the only
// ones who reach it), as they are restricted people's left to resolve.
func (r *poolRow) heldListed() string {
	if r.handedOver {
		return "p.delete_time IS NULL"
	}
	return personListed
}

func scanPool(s scanner, extra ...any) (*poolRow, error) {
	var r poolRow
	var p pb.ExpertPool
	var id, assocID, fields, roles string
	var createTime, updateTime int64
	var deleteTime sql.NullInt64
	dest := []any{&r.pk, &id, &assocID, &p.DisplayName, &p.Description, &fields, &roles, &createTime, &updateTime, &r.revision, &deleteTime}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if fields != "" {
		p.Fields = strings.Split(fields, ",")
	}
	for _, n := range decodeEnums(roles) {
		p.Roles = append(p.Roles, pb.Person_ExpertRole(n))
	}
	name := "associations/" + assocID + "/expertPools/" + id
	setResourceMeta(&p, name, createTime, updateTime, etag(name, r.revision))
	if deleteTime.Valid {
		r.handedOver, p.DeleteTime = true, timestamppb.New(fromMicros(deleteTime.Int64))
	}
	r.p = &p
	return &r, nil
}

// parsePoolName splits associations/{association}/expertPools/{pool}.
func parsePoolName(name, field string) (assocID, id string, err error) {
	if !names.Scan(name, names.ExpertPool, &assocID, &id) {
		return "", "", errorf(Invalid, field, "want associations/{association}/expertPools/{expert_pool}, not %q", name)
	}
	return assocID, id, nil
}

func (tx *Tx) pool(ctx context.Context, assocID, id string) (*poolRow, error) {
	r, err := scanPool(tx.QueryRowContext(ctx, `SELECT `+poolColumns+` FROM `+poolFrom+` WHERE a.id = ? AND ep.id = ?`, assocID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "associations/%s/expertPools/%s does not exist", assocID, id)
	}
	return r, dbError(err)
}

func (tx *Tx) poolByName(ctx context.Context, name, field string) (*poolRow, error) {
	assocID, id, err := parsePoolName(name, field)
	if err != nil {
		return nil, err
	}
	return tx.pool(ctx, assocID, id)
}

// liveUnder refuses a write under a deleted association: its pools, their
// members and engagements stay as they are until it is undeleted, as its
// memberships do (AIP-164). name is a well-formed name under it.
func (tx *Tx) liveUnder(ctx context.Context, name string) error {
	id, _, _ := strings.Cut(strings.TrimPrefix(name, "associations/"), "/")
	_, err := tx.liveAssociation(ctx, id)
	return err
}

func (tx *Tx) preparePool(ctx context.Context, p *pb.ExpertPool) ([]any, error) {
	const f = "expert_pool."
	p.DisplayName, p.Description = normText(p.DisplayName), normProse(p.Description)
	var v Invalids
	checkControl(&v, f, map[string]string{"display_name": p.DisplayName})
	if p.DisplayName == "" {
		v.add(f+"display_name", "required: the pool's name")
	}
	seen := map[string]bool{}
	for i, field := range p.Fields {
		p.Fields[i] = normText(field)
		path := f + "fields[" + itoa(int64(i)) + "]"
		if seen[p.Fields[i]] {
			v.add(path, "%s is listed twice", p.Fields[i])
			continue
		}
		seen[p.Fields[i]] = true
		if err := tx.checkRef(ctx, &v, RefField, path, p.Fields[i], time.Time{}); err != nil {
			return nil, err
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return []any{p.DisplayName, p.Description, strings.Join(p.Fields, ","), encodeEnums(p.Roles)}, nil
}

func (db *DB) CreateExpertPool(ctx context.Context, parent string, p *pb.ExpertPool, o CreateOptions) (*pb.ExpertPool, error) {
	var out *pb.ExpertPool
	assocID, err := AssociationID(parent, "parent")
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.ExpertPool)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		a, err := tx.liveAssociation(ctx, assocID)
		if err != nil {
			return err
		}
		id, err := tx.newChildID(ctx, o.ID, "expert_pool_id", "expert_pools", "association_pk", a.pk, parent+"/expertPools/")
		if err != nil {
			return err
		}
		vals, err := tx.preparePool(ctx, p)
		if err != nil {
			return err
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO expert_pools (id, association_pk, display_name, description, fields, roles,
			create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, append(append([]any{id, a.pk}, vals...), now, now)...); err != nil {
			return dbError(err)
		}
		tx.auditResource(parent + "/expertPools/" + id)
		r, err := tx.pool(ctx, assocID, id)
		if err != nil {
			return err
		}
		out = r.p
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

// newChildID checks a client's id for a new row under parentPK (or makes
// one), refusing one that is taken.
func (tx *Tx) newChildID(ctx context.Context, id, field, table, parentColumn string, parentPK int64, prefix string) (string, error) {
	if id == "" {
		return newID(), nil
	}
	if !validID(id) {
		return "", errorf(Invalid, field, "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
	}
	taken, err := tx.exists(ctx, `SELECT 1 FROM `+table+` WHERE `+parentColumn+` = ? AND id = ?`, parentPK, id)
	if err != nil {
		return "", err
	}
	if taken {
		return "", errorf(AlreadyExists, field, "%s%s already exists", prefix, id)
	}
	return id, nil
}

// GetExpertPool reads a pool; one handed to an administrator only when
// readsRestricted (an admin).
func (db *DB) GetExpertPool(ctx context.Context, name string, readsRestricted bool) (*pb.ExpertPool, error) {
	var out *pb.ExpertPool
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.poolByName(ctx, name, "name")
		if err == nil {
			err = r.visibleTo(readsRestricted)
		}
		if err == nil {
			out = r.p
		}
		return err
	})
	return out, err
}

func poolSchema(ranks) filter.Schema {
	return filter.Schema{
		"display_name": str("ep.display_name"),
		"create_time":  {Type: filter.Timestamp, SQL: "ep.create_time"},
	}
}

// ListExpertPools lists the pools of the association parent, or of every
// live association when parent is associations/- (AIP-159); q.Scope, a
// limited key's association, narrows every association to it and those
// under it, as in SearchExperts. Pools handed to an administrator are
// listed to admins (readsRestricted) alone, with q.ShowDeleted (AIP-164).
func (db *DB) ListExpertPools(ctx context.Context, parent string, q ListQuery, readsRestricted bool) ([]*pb.ExpertPool, Page, error) {
	var assocID string
	if parent != "associations/-" {
		var err error
		if assocID, err = AssociationID(parent, "parent"); err != nil {
			return nil, Page{}, err
		}
	}
	var out []*pb.ExpertPool
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		showDeleted := q.ShowDeleted && readsRestricted
		l, err := simpleListing(q, "expert_pools", parent+"?"+strconv.FormatBool(showDeleted), poolFrom, poolColumns, "ep")
		if err != nil {
			return err
		}
		if assocID != "" {
			if _, err := tx.association(ctx, assocID); err != nil {
				return err
			}
			l.where, l.args = []string{"a.id = ?"}, []any{assocID}
		} else {
			l.where = []string{"a.delete_time IS NULL"}
			if q.Scope != "" {
				// Every association's, narrowed to the scope; a named
				// one was checked against it before the call.
				assocs, err := tx.scopeAssociations(ctx, q.Scope)
				if err != nil {
					return err
				}
				l.where = append(l.where, "a.pk IN ("+pkList(assocs)+")")
			}
		}
		if !showDeleted {
			l.where = append(l.where, "ep.delete_time IS NULL")
		}
		if err := tx.addFilter(ctx, &l, q.Filter, poolSchema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanPool)
		for _, r := range rows {
			out = append(out, r.p)
		}
		page = p
		return err
	})
	return out, page, err
}

// simpleListing is the listing of a collection ordered by create_time or
// its pk.
func simpleListing(q ListQuery, collection, parent, from, columns, alias string) (listing, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return listing{}, err
	}
	keys := map[string]sortKey{"create_time": {expr: alias + ".create_time", kind: kindInt}}
	terms, err := parseOrderBy(q.OrderBy, keys, orderTerm{sortKey: sortKey{expr: alias + ".pk", kind: kindInt}})
	if err != nil {
		return listing{}, err
	}
	return listing{from: from, columns: columns, terms: terms, size: size, token: q.PageToken,
		query: queryChecksum(collection, parent, q.Filter, orderSQL(terms))}, nil
}

func (db *DB) UpdateExpertPool(ctx context.Context, name string, o WriteOptions, apply func(*pb.ExpertPool) error) (*pb.ExpertPool, error) {
	var out *pb.ExpertPool
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.poolByName(ctx, name, "expert_pool.name")
		if err != nil {
			return err
		}
		if err := r.visibleTo(o.ReadsRestricted); err != nil {
			return err
		}
		if err := tx.liveUnder(ctx, name); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.p.Etag, "expert_pool.etag"); err != nil {
			return err
		}
		before := proto.Clone(r.p)
		if err := apply(r.p); err != nil {
			return err
		}
		if unchanged(before, r.p) {
			out = r.p
			return nil
		}
		vals, err := tx.preparePool(ctx, r.p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE expert_pools SET display_name = ?, description = ?, fields = ?, roles = ?,
			update_time = ?, revision = revision + 1 WHERE pk = ?`, append(vals, micros(tx.now), r.pk)...); err != nil {
			return dbError(err)
		}
		assocID, id, _ := parsePoolName(name, "")
		r, err = tx.pool(ctx, assocID, id)
		if err == nil {
			out = r.p
		}
		return err
	})
	return out, err
}

// DeleteExpertPool deletes a pool; one with members or engagements only
// with force, which deletes them too. A caller who does not read
// restricted profiles (o.ReadsRestricted false) is answered as if their
// members and engagements were not there, and its delete takes those it
// sees: the pool keeps the rest and is handed to an administrator
// (handover.go), as DeleteHonorCampaign does.
func (db *DB) DeleteExpertPool(ctx context.Context, name string, force bool, o WriteOptions) error {
	return db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.poolByName(ctx, name, "name")
		if err != nil {
			return err
		}
		if err := r.visibleTo(o.ReadsRestricted); err != nil {
			return err
		}
		if err := tx.liveUnder(ctx, name); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.p.Etag, "etag"); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT 'm', h.pk, h.id, p.id, NOT (`+personUnrestricted+`) FROM expert_pool_members h
			JOIN people p ON p.pk = h.person_pk WHERE h.pool_pk = ?1
			UNION ALL SELECT 'e', h.pk, h.id, p.id, NOT (`+personUnrestricted+`) FROM engagements h
			JOIN people p ON p.pk = h.person_pk WHERE h.pool_pk = ?1`, r.pk)
		if err != nil {
			return dbError(err)
		}
		var seen, hidden []heldRow
		var seenMembers, seenEngagements []int64
		for rows.Next() {
			var h heldRow
			var kind, id string
			var restricted bool
			if err := rows.Scan(&kind, &h.pk, &id, &h.person, &restricted); err != nil {
				rows.Close()
				return dbError(err)
			}
			h.person = "people/" + h.person
			if h.id = "/members/" + id; kind == "e" {
				h.id = "/engagements/" + id
			}
			switch {
			case restricted && !o.ReadsRestricted:
				hidden = append(hidden, h)
			case kind == "m":
				seen, seenMembers = append(seen, h), append(seenMembers, h.pk)
			default:
				seen, seenEngagements = append(seen, h), append(seenEngagements, h.pk)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		if len(seen) > 0 && !force {
			return errorf(FailedPrecondition, "force", "%s has members or engagements; delete them first, or set force to delete them with it", name)
		}
		for _, q := range []string{`DELETE FROM engagements WHERE pk IN (` + pkList(seenEngagements) + `)`,
			`DELETE FROM expert_pool_members WHERE pk IN (` + pkList(seenMembers) + `)`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return dbError(err)
			}
		}
		if len(hidden) > 0 {
			assocID, _, _ := parsePoolName(name, "")
			return tx.handOver(ctx, "expert_pools", "associations/"+assocID+"/expertPools/", r.pk, hidden)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM expert_pools WHERE pk = ?`, r.pk)
		return dbError(err)
	})
}

// poolChildren is a listing of what the pool parent holds in table
// (members, engagements, aliased as): a pool handed to an administrator
// only to admins (readsRestricted), whole (heldListed); a restricted or
// deleted person left out otherwise, as from every listing.
type poolChildren struct {
	table, from, columns, alias string
	schema                      func(ranks) filter.Schema
}

// listPoolChildren lists parent's rows of c for q, read by scan.
func listPoolChildren[R any](ctx context.Context, db *DB, c poolChildren, parent string, q ListQuery, readsRestricted bool,
	scan func(s scanner, extra ...any) (R, error)) ([]R, Page, error) {
	var rows []R
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		pool, err := tx.poolByName(ctx, parent, "parent")
		if err != nil {
			return err
		}
		if err := pool.visibleTo(readsRestricted); err != nil {
			return err
		}
		l, err := simpleListing(q, c.table, parent, c.from, c.columns, c.alias)
		if err != nil {
			return err
		}
		l.where, l.args = []string{c.alias + ".pool_pk = ?", pool.heldListed()}, []any{pool.pk}
		schema, err := tx.expertSchema(ctx, c.schema, q.Scope)
		if err != nil {
			return err
		}
		if err := tx.addFilter(ctx, &l, q.Filter, schema); err != nil {
			return err
		}
		rows, page, err = list(ctx, tx, l, scan)
		return err
	})
	return rows, page, err
}

// poolTakingChildren reads the pool parent names for a new member or
// engagement: one handed to an administrator, or under a deleted
// association, takes none.
func (tx *Tx) poolTakingChildren(ctx context.Context, parent string) (*poolRow, error) {
	pool, err := tx.poolByName(ctx, parent, "parent")
	if err != nil {
		return nil, err
	}
	if pool.handedOver {
		return nil, errHandedOver(parent)
	}
	if err := tx.liveUnder(ctx, parent); err != nil {
		return nil, err
	}
	return pool, nil
}

// deletePoolChild deletes a pool's member or engagement name by del, its
// row's pk, once read (its pk and etag) by read, under a live association
// and with the caller's etag, if any, current.
func (db *DB) deletePoolChild(ctx context.Context, name string, o WriteOptions, del string, read func(tx *Tx) (int64, string, error)) error {
	return db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		pk, current, err := read(tx)
		if err != nil {
			return err
		}
		if err := tx.liveUnder(ctx, name); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, current, "etag"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, del, pk)
		return dbError(err)
	})
}
