package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The science associations whose members MembershipService registers: the
// provincial Union and its member associations.

// DefaultMemberNumberFormat is the member number format of an association
// that names none: "HYH-2025-0001".
const DefaultMemberNumberFormat = "{code}-{year}-{seq:04}"

const associationColumns = `a.pk, a.id, a.display_name, a.short_name, a.code, COALESCE(ap.id, ''),
	a.member_number_format, a.create_time, a.update_time, a.delete_time, a.revision`

const associationFrom = `associations a LEFT JOIN associations ap ON ap.pk = a.parent_pk`

type associationRow struct {
	pk       int64
	revision int64
	deleted  bool
	a        *pb.Association
}

func scanAssociation(s scanner, extra ...any) (*associationRow, error) {
	var (
		r                      associationRow
		a                      pb.Association
		id, parent             string
		createTime, updateTime int64
		deleteTime             sql.NullInt64
	)
	dest := []any{&r.pk, &id, &a.DisplayName, &a.ShortName, &a.Code, &parent,
		&a.MemberNumberFormat, &createTime, &updateTime, &deleteTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if parent != "" {
		a.Parent = "associations/" + parent
	}
	if deleteTime.Valid {
		a.DeleteTime = timestamppb.New(fromMicros(deleteTime.Int64))
		r.deleted = true
	}
	setResourceMeta(&a, "associations/"+id, createTime, updateTime, etag("associations/"+id, r.revision))
	r.a = &a
	return &r, nil
}

// AssociationID returns the {association} of associations/{association}, or
// an error naming field.
func AssociationID(name, field string) (string, error) {
	var id string
	if !names.Scan(name, names.Association, &id) {
		return "", errorf(Invalid, field, "want an association's name, associations/{id}, not %q", name)
	}
	return id, nil
}

func (tx *Tx) association(ctx context.Context, id string) (*associationRow, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+associationColumns+` FROM `+associationFrom+` WHERE a.id = ?`, id)
	r, err := scanAssociation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "associations/%s does not exist", id)
	}
	if err != nil {
		return nil, dbError(err)
	}
	if err := tx.attachAssociationFields(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// liveAssociation is association, but a deleted one is NOT_FOUND.
func (tx *Tx) liveAssociation(ctx context.Context, id string) (*associationRow, error) {
	r, err := tx.association(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.deleted {
		return nil, errorf(NotFound, "", "associations/%s is deleted; undelete it first", id)
	}
	return r, nil
}

// attachAssociationFields loads the fields of focus of a page of
// associations.
func (tx *Tx) attachAssociationFields(ctx context.Context, rows ...*associationRow) error {
	if len(rows) == 0 {
		return nil
	}
	byPK := map[int64]*pb.Association{}
	pks := make([]int64, len(rows))
	for i, r := range rows {
		pks[i] = r.pk
		byPK[r.pk] = r.a
		r.a.Fields = nil
	}
	q, err := tx.QueryContext(ctx, `SELECT association_pk, field FROM association_fields
		WHERE association_pk IN (`+placeholders(len(pks))+`) ORDER BY association_pk, ordinal`, int64sToAny(pks)...)
	if err != nil {
		return dbError(err)
	}
	defer q.Close()
	for q.Next() {
		var pk int64
		var f string
		if err := q.Scan(&pk, &f); err != nil {
			return dbError(err)
		}
		byPK[pk].Fields = append(byPK[pk].Fields, f)
	}
	return dbError(q.Err())
}

// GetAssociation returns an association, deleted or not.
func (db *DB) GetAssociation(ctx context.Context, name string) (*pb.Association, error) {
	id, err := AssociationID(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Association
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.association(ctx, id)
		if err == nil {
			out = r.a
		}
		return err
	})
	return out, err
}

// AssociationAncestors returns the names of the associations above the
// association name, nearest first: for a member association, the Union.
// A deleted association has its ancestors still.
func (db *DB) AssociationAncestors(ctx context.Context, name string) ([]string, error) {
	id, err := AssociationID(name, "name")
	if err != nil {
		return nil, err
	}
	var out []string
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.association(ctx, id)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `WITH RECURSIVE up(pk, depth) AS (
				SELECT parent_pk, 1 FROM associations WHERE pk = ? AND parent_pk IS NOT NULL
				UNION ALL SELECT a.parent_pk, up.depth + 1 FROM associations a JOIN up ON a.pk = up.pk
				WHERE a.parent_pk IS NOT NULL AND up.depth < 100)
			SELECT a.id FROM up JOIN associations a ON a.pk = up.pk ORDER BY up.depth`, r.pk)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return dbError(err)
			}
			out = append(out, "associations/"+id)
		}
		return dbError(rows.Err())
	})
	return out, err
}

var associationSortKeys = map[string]sortKey{
	"display_name": {expr: "a.sort_key", kind: kindBlob},
	"code":         {expr: "a.code", kind: kindText},
	"create_time":  {expr: "a.create_time", kind: kindInt},
	"update_time":  {expr: "a.update_time", kind: kindInt},
}

var joinAssociationFields = &filter.Join{From: "association_fields af", On: "af.association_pk = a.pk"}

// associationSchema is what ListAssociations filters on.
func associationSchema(ranks) filter.Schema {
	return filter.Schema{
		"display_name": sorted(str("a.display_name"), "a.sort_key"),
		"short_name":   str("a.short_name"),
		"code":         str("a.code"),
		"parent":       str("IFNULL('associations/' || ap.id, '')"),
		"fields":       {Type: filter.String, SQL: "af.field", Join: joinAssociationFields, Repeated: true},
		"create_time":  {Type: filter.Timestamp, SQL: "a.create_time"},
		"update_time":  {Type: filter.Timestamp, SQL: "a.update_time"},
	}
}

// ListAssociations lists associations in registration order, or in
// q.OrderBy's.
func (db *DB) ListAssociations(ctx context.Context, q ListQuery) ([]*pb.Association, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	terms, err := parseOrderBy(q.OrderBy, associationSortKeys, orderTerm{sortKey: sortKey{expr: "a.pk", kind: kindInt}})
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    associationFrom,
		columns: associationColumns,
		terms:   terms,
		query:   queryChecksum("associations", q.Filter, orderSQL(terms), strconv.FormatBool(q.ShowDeleted)),
		size:    size,
		token:   q.PageToken,
	}
	if !q.ShowDeleted {
		l.where = []string{"a.delete_time IS NULL"}
	}
	var out []*pb.Association
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if err := tx.addFilter(ctx, &l, q.Filter, associationSchema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanAssociation)
		if err != nil {
			return err
		}
		if err := tx.attachAssociationFields(ctx, rows...); err != nil {
			return err
		}
		page = p
		for _, r := range rows {
			out = append(out, r.a)
		}
		return nil
	})
	return out, page, err
}

// CreateAssociation registers an association.
func (db *DB) CreateAssociation(ctx context.Context, a *pb.Association, o CreateOptions) (*pb.Association, error) {
	var out *pb.Association
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.Association)
			found, err := tx.recall(ctx, o.Request, prev)
			if err != nil || found {
				out = prev
				return err
			}
		}
		id := o.ID
		if id == "" {
			id = newID()
		} else if !validID(id) {
			return errorf(Invalid, "association_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
		}
		if _, err := tx.association(ctx, id); err == nil {
			return errorf(AlreadyExists, "association_id", "associations/%s already exists", id)
		}
		vals, err := tx.prepareAssociation(ctx, id, a)
		if err != nil {
			return err
		}
		now := micros(tx.now)
		res, err := tx.ExecContext(ctx, `INSERT INTO associations (id, display_name, short_name, code, parent_pk,
			member_number_format, sort_key, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(append([]any{id}, vals...), now, now)...)
		if err != nil {
			return dbError(err)
		}
		tx.auditResource("associations/" + id)
		pk, err := res.LastInsertId()
		if err != nil {
			return dbError(err)
		}
		if err := tx.writeAssociationFields(ctx, pk, a.Fields); err != nil {
			return err
		}
		r, err := tx.association(ctx, id)
		if err != nil {
			return err
		}
		out = r.a
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

// prepareAssociation normalizes and checks an association about to be
// written as id, and returns the values of its writable columns (and its
// sort key).
func (tx *Tx) prepareAssociation(ctx context.Context, id string, a *pb.Association) ([]any, error) {
	const f = "association."
	for _, s := range []*string{&a.DisplayName, &a.ShortName, &a.Code, &a.Parent, &a.MemberNumberFormat} {
		*s = normText(*s)
	}
	for i := range a.Fields {
		a.Fields[i] = normText(a.Fields[i])
	}
	if a.MemberNumberFormat == "" {
		a.MemberNumberFormat = DefaultMemberNumberFormat
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"display_name": a.DisplayName, "short_name": a.ShortName})
	if a.DisplayName == "" {
		v.add(f+"display_name", "required: the association's name, e.g. \"Hội Y học tỉnh Kiên Giang\"")
	}
	if !associationCode.MatchString(a.Code) {
		v.add(f+"code", "want 1 to 10 capital letters and digits, starting with a letter, e.g. \"HYH\"; member numbers begin with it")
	}
	if _, msg := parseNumberFormat(a.MemberNumberFormat); msg != "" {
		v.add(f+"member_number_format", "%s", msg)
	}
	seen := map[string]bool{}
	for i, field := range a.Fields {
		path := f + "fields[" + itoa(int64(i)) + "]"
		if seen[field] {
			v.add(path, "%s is listed twice", field)
			continue
		}
		seen[field] = true
		if field == "" {
			v.add(path, "empty: give a field's name, e.g. \"fields/vn2008-3\" (see ListFields)")
			continue
		}
		if err := tx.checkRef(ctx, &v, RefField, path, field, time.Time{}); err != nil {
			return nil, err
		}
	}
	var parentPK any
	if a.Parent != "" {
		parentID, err := AssociationID(a.Parent, f+"parent")
		var parent *associationRow
		if err == nil {
			parent, err = tx.association(ctx, parentID)
			if err == nil && parent.deleted {
				err = errorf(NotFound, "", "%s is deleted", a.Parent)
			}
		}
		var se *Error
		switch {
		case errors.As(err, &se) && (se.Code == Invalid || se.Code == NotFound):
			v.add(f+"parent", "%s", se.Message)
		case err != nil:
			return nil, err
		case parentID == id:
			v.add(f+"parent", "an association cannot be its own parent")
		default:
			cyclic, err := tx.ancestorIs(ctx, "associations", parent.pk, id)
			if err != nil {
				return nil, err
			}
			if cyclic {
				v.add(f+"parent", "%s belongs to associations/%s; an association cannot be below itself", a.Parent, id)
			}
			parentPK = parent.pk
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT id FROM associations WHERE code = ? AND delete_time IS NULL AND id != ?`, a.Code, id).Scan(&other)
	switch {
	case err == nil:
		return nil, errorf(AlreadyExists, f+"code", "associations/%s has the code %s; codes are unique", other, a.Code)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, dbError(err)
	}
	return []any{a.DisplayName, a.ShortName, a.Code, parentPK, a.MemberNumberFormat, nameSortKey(a.DisplayName)}, nil
}

var associationCode = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}$`)

func (tx *Tx) writeAssociationFields(ctx context.Context, pk int64, fields []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM association_fields WHERE association_pk = ?`, pk); err != nil {
		return dbError(err)
	}
	for i, f := range fields {
		_, err := tx.ExecContext(ctx, `INSERT INTO association_fields(association_pk, ordinal, field, code) VALUES (?, ?, ?, ?)`,
			pk, i, f, fieldCodeOf(f))
		if err != nil {
			return dbError(err)
		}
	}
	return nil
}

// UpdateAssociation changes an association: apply gets the current one and
// changes it in place, inside the transaction.
func (db *DB) UpdateAssociation(ctx context.Context, name string, o WriteOptions, apply func(*pb.Association) error) (*pb.Association, error) {
	id, err := AssociationID(name, "association.name")
	if err != nil {
		return nil, err
	}
	var out *pb.Association
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.liveAssociation(ctx, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.a.Etag, "association.etag"); err != nil {
			return err
		}
		before := proto.Clone(r.a)
		if err := apply(r.a); err != nil {
			return err
		}
		if unchanged(before, r.a) {
			out = r.a
			return nil
		}
		vals, err := tx.prepareAssociation(ctx, id, r.a)
		if err != nil {
			return err
		}
		parent, err := tx.parentOf(ctx, "associations", r.pk)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE associations SET display_name = ?, short_name = ?, code = ?, parent_pk = ?,
			member_number_format = ?, sort_key = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			append(vals, micros(tx.now), r.pk)...)
		if err != nil {
			return dbError(err)
		}
		if err := tx.writeAssociationFields(ctx, r.pk, r.a.Fields); err != nil {
			return err
		}
		if err := tx.tellScopeMove(ctx, "associations", r.pk, parent); err != nil {
			return err
		}
		r, err = tx.association(ctx, id)
		if err == nil {
			out = r.a
		}
		return err
	})
	return out, err
}

// DeleteAssociation deletes an association softly. One that still has
// memberships that have not ended, or live associations under it, is
// FAILED_PRECONDITION.
func (db *DB) DeleteAssociation(ctx context.Context, name string, o WriteOptions) (*pb.Association, error) {
	return associationsSoftDelete.set(ctx, db, name, o, true)
}

// UndeleteAssociation restores a deleted association; its code must still
// be free.
func (db *DB) UndeleteAssociation(ctx context.Context, name string, o WriteOptions) (*pb.Association, error) {
	return associationsSoftDelete.set(ctx, db, name, o, false)
}

var associationsSoftDelete = &softDelete[*associationRow, *pb.Association]{
	collection: "associations", table: "associations", parse: AssociationID,
	row:   (*Tx).association,
	state: func(r *associationRow) (int64, bool, string) { return r.pk, r.deleted, r.a.Etag },
	check: func(ctx context.Context, tx *Tx, id string, r *associationRow, deleting bool) error {
		if deleting {
			var open, children int
			err := tx.QueryRowContext(ctx, `SELECT
				(SELECT COUNT(*) FROM memberships WHERE association_pk = ?1 AND state IN (1, 2, 3)),
				(SELECT COUNT(*) FROM associations WHERE parent_pk = ?1 AND delete_time IS NULL)`, r.pk).Scan(&open, &children)
			if err != nil {
				return dbError(err)
			}
			switch {
			case open > 0:
				return errorf(FailedPrecondition, "", "associations/%s has %d pending, active or suspended memberships; withdraw or reject them first", id, open)
			case children > 0:
				return errorf(FailedPrecondition, "", "associations/%s has %d member associations; delete them or move them to another parent first", id, children)
			}
			return nil
		}
		var other string
		err := tx.QueryRowContext(ctx, `SELECT id FROM associations WHERE code = ? AND delete_time IS NULL`, r.a.Code).Scan(&other)
		switch {
		case err == nil:
			return errorf(AlreadyExists, "", "associations/%s has taken the code %s meanwhile; change its code first", other, r.a.Code)
		case !errors.Is(err, sql.ErrNoRows):
			return dbError(err)
		}
		return nil
	},
	out: func(ctx context.Context, tx *Tx, id string) (*pb.Association, error) {
		r, err := tx.association(ctx, id)
		if err != nil {
			return nil, err
		}
		return r.a, nil
	},
}

// numberFormat is a parsed member number format.
type numberFormat struct {
	parts   []numberPart
	hasYear bool
}

type numberPart struct {
	literal     string
	placeholder string // "code", "year" or "seq"; empty for a literal
	width       int    // of seq: pad with zeros to this many digits
}

// parseNumberFormat parses a member number format, or says what is wrong
// with it.
func parseNumberFormat(s string) (numberFormat, string) {
	var f numberFormat
	seen := map[string]bool{}
	rest := s
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		lit := rest
		if open >= 0 {
			lit = rest[:open]
		}
		if i := strings.IndexFunc(lit, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-/._", r))
		}); i >= 0 {
			return f, "outside placeholders, use only letters, digits and - / . _ (" + strconv.Quote(lit[i:i+1]) + " is not one)"
		}
		if lit != "" {
			f.parts = append(f.parts, numberPart{literal: lit})
		}
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return f, "a { has no closing }"
		}
		ph := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		p := numberPart{placeholder: ph}
		if w, ok := strings.CutPrefix(ph, "seq:"); ok {
			n, err := strconv.Atoi(w)
			if err != nil || n < 1 || n > 12 || len(w) > 2 {
				return f, "{" + ph + "}: the width of {seq:N} is a number from 1 to 12, e.g. {seq:04}"
			}
			p = numberPart{placeholder: "seq", width: n}
		}
		switch p.placeholder {
		case "code", "year", "seq":
		default:
			return f, "unknown placeholder {" + ph + "}; use {code}, {year}, {seq} or {seq:N}"
		}
		if seen[p.placeholder] {
			return f, "{" + p.placeholder + "} appears twice"
		}
		seen[p.placeholder] = true
		f.parts = append(f.parts, p)
	}
	if !seen["seq"] {
		return f, "needs {seq} (or {seq:N}), the running number, so that every member number is unique; e.g. " + DefaultMemberNumberFormat
	}
	f.hasYear = seen["year"]
	return f, ""
}

// format writes a member number.
func (f numberFormat) format(code string, year int, seq int64) string {
	var b strings.Builder
	for _, p := range f.parts {
		switch p.placeholder {
		case "":
			b.WriteString(p.literal)
		case "code":
			b.WriteString(code)
		case "year":
			b.WriteString(strconv.Itoa(year))
		case "seq":
			n := strconv.FormatInt(seq, 10)
			if pad := p.width - len(n); pad > 0 {
				b.WriteString(strings.Repeat("0", pad))
			}
			b.WriteString(n)
		}
	}
	return b.String()
}
