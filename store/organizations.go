package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

const organizationColumns = `o.pk, o.id, o.display_name, o.short_name, o.kind, o.sector, o.administrative_unit,
	o.country, COALESCE(parent.id, ''), o.create_time, o.update_time, o.delete_time, o.revision`

const organizationFrom = `organizations o LEFT JOIN organizations parent ON parent.pk = o.parent_pk`

type orgRow struct {
	pk       int64
	revision int64
	deleted  bool
	org      *pb.Organization
}

func scanOrganization(s scanner, extra ...any) (*orgRow, error) {
	var (
		r                      orgRow
		o                      pb.Organization
		id, parent             string
		kind                   int32
		createTime, updateTime int64
		deleteTime             sql.NullInt64
	)
	dest := []any{&r.pk, &id, &o.DisplayName, &o.ShortName, &kind, &o.Sector, &o.AdministrativeUnit,
		&o.Country, &parent, &createTime, &updateTime, &deleteTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	o.Kind = pb.Organization_Kind(kind)
	if parent != "" {
		o.Parent = "organizations/" + parent
	}
	if deleteTime.Valid {
		o.DeleteTime = timestamppb.New(fromMicros(deleteTime.Int64))
		r.deleted = true
	}
	setResourceMeta(&o, "organizations/"+id, createTime, updateTime, etag("organizations/"+id, r.revision))
	r.org = &o
	return &r, nil
}

// OrganizationID returns the {organization} of organizations/{organization}.
func OrganizationID(name, field string) (string, error) {
	var id string
	if !names.Scan(name, names.Organization, &id) {
		return "", errorf(Invalid, field, "want an organization's name, organizations/{id}, not %q", name)
	}
	return id, nil
}

func (tx *Tx) organization(ctx context.Context, id string) (*orgRow, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+organizationColumns+` FROM `+organizationFrom+` WHERE o.id = ?`, id)
	r, err := scanOrganization(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "organizations/%s does not exist", id)
	}
	if err != nil {
		return nil, dbError(err)
	}
	return r, nil
}

// organizationByName finds a live organization that a reference names.
func (tx *Tx) organizationByName(ctx context.Context, name, field string) (*orgRow, error) {
	return organizationByName(ctx, tx, name, field)
}

// organizationByName is Tx.organizationByName through c's lookups.
func organizationByName(ctx context.Context, c checker, name, field string) (*orgRow, error) {
	id, err := OrganizationID(name, field)
	if err != nil {
		return nil, err
	}
	r, err := c.organization(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.deleted {
		return nil, errorf(NotFound, field, "%s is deleted", name)
	}
	return r, nil
}

func (db *DB) GetOrganization(ctx context.Context, name string) (*pb.Organization, error) {
	id, err := OrganizationID(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Organization
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.organization(ctx, id)
		if err == nil {
			out = r.org
		}
		return err
	})
	return out, err
}

// nameSortKey orders organizations' and associations' names in Vietnamese
// order (their sort_key columns): never NULL, which the column refuses.
func nameSortKey(name string) []byte {
	return append([]byte{}, vntext.SortKey(name)...)
}

var organizationSortKeys = map[string]sortKey{
	"display_name": {expr: "o.sort_key", kind: kindBlob},
	"create_time":  {expr: "o.create_time", kind: kindInt},
	"update_time":  {expr: "o.update_time", kind: kindInt},
}

func (db *DB) ListOrganizations(ctx context.Context, q ListQuery) ([]*pb.Organization, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	terms, err := parseOrderBy(q.OrderBy, organizationSortKeys, orderTerm{sortKey: sortKey{expr: "o.pk", kind: kindInt}})
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    organizationFrom,
		columns: organizationColumns,
		terms:   terms,
		query:   queryChecksum("organizations", q.Filter, orderSQL(terms), strconv.FormatBool(q.ShowDeleted)),
		size:    size,
		token:   q.PageToken,
	}
	if !q.ShowDeleted {
		l.where = []string{"o.delete_time IS NULL"}
	}
	var orgs []*pb.Organization
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if err := tx.addFilter(ctx, &l, q.Filter, organizationSchema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanOrganization)
		page = p
		for _, r := range rows {
			orgs = append(orgs, r.org)
		}
		return err
	})
	return orgs, page, err
}

func (db *DB) CreateOrganization(ctx context.Context, o *pb.Organization, opts CreateOptions) (*pb.Organization, error) {
	var out *pb.Organization
	err := db.write(ctx, opts.ValidateOnly, opts.Audit, func(tx *Tx) error {
		if opts.Request != nil {
			prev := new(pb.Organization)
			found, err := tx.recall(ctx, opts.Request, prev)
			if err != nil || found {
				out = prev
				return err
			}
		}
		id := opts.ID
		if id == "" {
			id = newID()
		} else if !validID(id) {
			return errorf(Invalid, "organization_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
		}
		if _, err := tx.organization(ctx, id); err == nil {
			return errorf(AlreadyExists, "organization_id", "organizations/%s already exists", id)
		}
		vals, err := prepareOrganization(ctx, tx, id, o, "")
		if err != nil {
			return err
		}
		now := micros(tx.now)
		_, err = tx.ExecContext(ctx, `INSERT INTO organizations (id, display_name, short_name, kind, sector,
			administrative_unit, country, parent_pk, sort_key, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(append([]any{id}, vals...), now, now)...)
		if err != nil {
			return dbError(err)
		}
		tx.auditResource("organizations/" + id)
		r, err := tx.organization(ctx, id)
		if err != nil {
			return err
		}
		out = r.org
		if opts.Request != nil {
			return tx.remember(ctx, opts.Request, out)
		}
		return nil
	})
	return out, err
}

// prepareOrganization normalizes and checks an organization about to be
// written as id, and returns the values of its writable columns (and its
// sort key). wasSector
// is the sector it has now: a text from before sectors were codes may stay.
func prepareOrganization(ctx context.Context, c checker, id string, o *pb.Organization, wasSector string) ([]any, error) {
	const f = "organization."
	for _, s := range []*string{&o.DisplayName, &o.ShortName, &o.Sector, &o.AdministrativeUnit, &o.Country, &o.Parent} {
		*s = normText(*s)
	}
	if o.Country == "" {
		o.Country = "VN"
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"display_name": o.DisplayName, "short_name": o.ShortName, "sector": o.Sector})
	if o.DisplayName == "" {
		v.add(f+"display_name", "required: the organization's name")
	}
	if err := c.checkRef(ctx, &v, RefCountry, f+"country", o.Country, time.Time{}); err != nil {
		return nil, err
	}
	if o.Sector != wasSector {
		if err := c.checkRef(ctx, &v, RefSector, f+"sector", o.Sector, time.Time{}); err != nil {
			return nil, err
		}
	}
	if o.AdministrativeUnit != "" {
		if err := c.checkRef(ctx, &v, RefAdminUnit, f+"administrative_unit", o.AdministrativeUnit, time.Time{}); err != nil {
			return nil, err
		}
	}
	var parentPK any
	if o.Parent != "" {
		parent, err := c.organizationByName(ctx, o.Parent, f+"parent")
		var se *Error
		switch {
		case errors.As(err, &se) && (se.Code == Invalid || se.Code == NotFound):
			v.add(f+"parent", "%s", se.Message)
		case err != nil:
			return nil, err
		case parent.org.Name == "organizations/"+id:
			v.add(f+"parent", "an organization cannot be its own parent")
		default:
			// Refuse cycles: the new parent must not be below this one.
			cyclic, err := c.base().ancestorIs(ctx, "organizations", parent.pk, id)
			if err != nil {
				return nil, err
			}
			if cyclic {
				v.add(f+"parent", "%s belongs to organizations/%s; an organization cannot be below itself", o.Parent, id)
			}
			parentPK = parent.pk
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return []any{o.DisplayName, o.ShortName, int32(o.Kind), o.Sector, o.AdministrativeUnit, o.Country, parentPK,
		nameSortKey(o.DisplayName)}, nil
}

// ancestorIs reports whether the row of table (organizations or
// associations, which both keep a parent_pk) with the id is pk or one of
// its ancestors: a parent that would make a cycle.
func (tx *Tx) ancestorIs(ctx context.Context, table string, pk int64, id string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(pk, depth) AS (
			SELECT ?, 0
			UNION ALL SELECT t.parent_pk, up.depth + 1 FROM `+table+` t JOIN up ON t.pk = up.pk
			WHERE t.parent_pk IS NOT NULL AND up.depth < 100)
		SELECT COUNT(*) FROM up JOIN `+table+` t ON t.pk = up.pk WHERE t.id = ?`, pk, id).Scan(&n)
	return n > 0, dbError(err)
}

func (db *DB) UpdateOrganization(ctx context.Context, name string, opts WriteOptions, apply func(*pb.Organization) error) (*pb.Organization, error) {
	id, err := OrganizationID(name, "organization.name")
	if err != nil {
		return nil, err
	}
	var out *pb.Organization
	err = db.write(ctx, opts.ValidateOnly, opts.Audit, func(tx *Tx) error {
		r, err := tx.liveOrganization(ctx, id)
		if err != nil {
			return err
		}
		if err := checkEtag(opts.Etag, r.org.Etag, "organization.etag"); err != nil {
			return err
		}
		was := r.org.Sector
		before := proto.Clone(r.org)
		if err := apply(r.org); err != nil {
			return err
		}
		if unchanged(before, r.org) {
			out = r.org
			return nil
		}
		vals, err := prepareOrganization(ctx, tx, id, r.org, was)
		if err != nil {
			return err
		}
		parent, err := tx.parentOf(ctx, "organizations", r.pk)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE organizations SET display_name = ?, short_name = ?, kind = ?, sector = ?,
			administrative_unit = ?, country = ?, parent_pk = ?, sort_key = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			append(vals, micros(tx.now), r.pk)...)
		if err != nil {
			return dbError(err)
		}
		// The people who work there are found by its name.
		if err := tx.reindexWhere(ctx, nil, `SELECT DISTINCT person_pk FROM positions WHERE organization_pk = ?`, r.pk); err != nil {
			return err
		}
		if err := tx.tellScopeMove(ctx, "organizations", r.pk, parent); err != nil {
			return err
		}
		r, err = tx.organization(ctx, id)
		if err == nil {
			out = r.org
		}
		return err
	})
	return out, err
}

func (tx *Tx) liveOrganization(ctx context.Context, id string) (*orgRow, error) {
	r, err := tx.organization(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.deleted {
		return nil, errorf(NotFound, "", "organizations/%s is deleted; undelete it first", id)
	}
	return r, nil
}

// DeleteOrganization deletes an organization softly; positions keep
// referring to it.
func (db *DB) DeleteOrganization(ctx context.Context, name string, opts WriteOptions) (*pb.Organization, error) {
	return organizationsSoftDelete.set(ctx, db, name, opts, true)
}

// UndeleteOrganization restores a deleted organization.
func (db *DB) UndeleteOrganization(ctx context.Context, name string, opts WriteOptions) (*pb.Organization, error) {
	return organizationsSoftDelete.set(ctx, db, name, opts, false)
}

var organizationsSoftDelete = &softDelete[*orgRow, *pb.Organization]{
	collection: "organizations", table: "organizations", parse: OrganizationID,
	row:   (*Tx).organization,
	state: func(r *orgRow) (int64, bool, string) { return r.pk, r.deleted, r.org.Etag },
	out: func(ctx context.Context, tx *Tx, id string) (*pb.Organization, error) {
		r, err := tx.organization(ctx, id)
		if err != nil {
			return nil, err
		}
		return r.org, nil
	},
}
