package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Revisions: every write of a person or of what they hold stores, in the
// write's own transaction, which fields changed and their values before
// and after, as RevisionValues holding only those fields. What is kept is
// the values; who may see them is decided when they are read, by the
// redaction of the server, as for the resource itself.

// unrevised are the fields a revision leaves out: they change with every
// write (update_time, etag) or are not the resource's own (what a FULL view
// of a person attaches, which has revisions of its own).
var unrevised = map[protoreflect.Name]bool{
	"name": true, "create_time": true, "update_time": true, "etag": true,
	"qualifications": true, "positions": true, "honors": true, "memberships": true, "restricted": true, "contact_allowed": true,
	"works":                       true,
	"highest_qualification_level": true, "academic_title": true,
}

// diffFields returns the names of the fields that differ between before
// and after (either may be nil), and copies of both holding those only.
func diffFields(before, after proto.Message) (changed []string, b, a proto.Message) {
	ref := after
	if ref == nil {
		ref = before
	}
	desc := ref.ProtoReflect().Descriptor()
	b, a = ref.ProtoReflect().New().Interface(), ref.ProtoReflect().New().Interface()
	fields := desc.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if unrevised[fd.Name()] {
			continue
		}
		var bv, av protoreflect.Value
		bHas := before != nil && before.ProtoReflect().Has(fd)
		aHas := after != nil && after.ProtoReflect().Has(fd)
		if bHas {
			bv = before.ProtoReflect().Get(fd)
		}
		if aHas {
			av = after.ProtoReflect().Get(fd)
		}
		if bHas == aHas && (!bHas || valuesEqual(fd, bv, av)) {
			continue
		}
		changed = append(changed, string(fd.Name()))
		if bHas {
			b.ProtoReflect().Set(fd, bv)
		}
		if aHas {
			a.ProtoReflect().Set(fd, av)
		}
	}
	return changed, b, a
}

// valuesEqual compares one field's values through messages holding that
// field alone, which proto.Equal compares for every kind of field.
func valuesEqual(fd protoreflect.FieldDescriptor, x, y protoreflect.Value) bool {
	mx := dynamicHolder(fd)
	my := dynamicHolder(fd)
	mx.Set(fd, x)
	my.Set(fd, y)
	return proto.Equal(mx.Interface(), my.Interface())
}

func dynamicHolder(fd protoreflect.FieldDescriptor) protoreflect.Message {
	mt, _ := protoTypeOf(fd.ContainingMessage())
	return mt.New()
}

func protoTypeOf(md protoreflect.MessageDescriptor) (protoreflect.MessageType, error) {
	for _, m := range []proto.Message{&pb.Person{}, &pb.Qualification{}, &pb.Position{}, &pb.Honor{}, &pb.Work{}, &pb.Consent{}, &pb.Membership{}} {
		if m.ProtoReflect().Descriptor().FullName() == md.FullName() {
			return m.ProtoReflect().Type(), nil
		}
	}
	return nil, fmt.Errorf("store: no revisions of %s", md.FullName())
}

// revisionValues wraps the changed fields of a resource; nil for none.
func revisionValues(m proto.Message, present bool) *pb.RevisionValues {
	if !present {
		return nil
	}
	switch v := m.(type) {
	case *pb.Person:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Person{Person: v}}
	case *pb.Qualification:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Qualification{Qualification: v}}
	case *pb.Position:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Position{Position: v}}
	case *pb.Honor:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Honor{Honor: v}}
	case *pb.Work:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Work{Work: v}}
	case *pb.Consent:
		return &pb.RevisionValues{Resource: &pb.RevisionValues_Consent{Consent: v}}
	}
	return nil
}

// recordRevision stores a revision of the person personPK: the resource
// written, as it was before (nil when created) and after (nil when
// deleted). A write that changes nothing stores none.
func (tx *Tx) recordRevision(ctx context.Context, personPK int64, resource string, before, after proto.Message) error {
	changed, b, a := diffFields(before, after)
	if len(changed) == 0 {
		return nil
	}
	if before == nil {
		b = nil
	}
	if after == nil {
		a = nil
	}
	return tx.storeRevision(ctx, personPK, resource, changed, b, a)
}

// storeRevision stores a revision of the person personPK whose changed
// fields are changed, with their values before and after (nil for none).
func (tx *Tx) storeRevision(ctx context.Context, personPK int64, resource string, changed []string, before, after proto.Message) error {
	bb, ab, err := revisionBytes(before, after)
	if err != nil {
		return err
	}
	return tx.insertRevision(ctx, personPK, resource, strings.Join(changed, ","), bb, ab)
}

// revisionBytes are a revision's values as stored: before and after
// (nil for none) each in a RevisionValues, nil (NULL) for none.
func revisionBytes(before, after proto.Message) (bb, ab []byte, err error) {
	if bb, err = proto.Marshal(revisionValues(before, before != nil)); err != nil {
		return nil, nil, err
	}
	if ab, err = proto.Marshal(revisionValues(after, after != nil)); err != nil {
		return nil, nil, err
	}
	return bb, ab, nil
}

// insertRevision stores a revision of the person personPK made of its
// changed fields (joined by commas) and its values as revisionBytes made
// them.
func (tx *Tx) insertRevision(ctx context.Context, personPK int64, resource, changed string, before, after []byte) error {
	principal, method := tx.principal()
	_, err := tx.ExecContext(ctx, `INSERT INTO person_revisions (id, person_pk, revision_time, principal, method,
		resource, changed_fields, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID(), personPK, micros(tx.now), principal, method, resource, changed, before, after)
	return dbError(err)
}

// membershipUnrevised are the fields of a membership its revisions leave
// out besides unrevised's: the consent has revisions of its own, and the
// look-alikes are what the registry said of other people.
var membershipUnrevised = []string{"consent", "possible_duplicates"}

// recordMembershipRevision stores a change of a membership (before nil
// when registered) as a revision of its person, who holds it: the fields
// are memberships[{membership}].{field}, and the values a Person holding
// that membership alone, with its changed fields.
func (tx *Tx) recordMembershipRevision(ctx context.Context, personPK int64, before, after *pb.Membership) error {
	var b proto.Message
	if before != nil {
		b = before
	}
	changed, bm, am := diffFields(b, after)
	prefix := "memberships[" + after.Name + "]."
	var paths []string
	for _, f := range changed {
		if !containsString(membershipUnrevised, f) {
			paths = append(paths, prefix+f)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	wrap := func(m proto.Message, present bool) proto.Message {
		if !present {
			return nil
		}
		mm := m.(*pb.Membership)
		mm.Name, mm.Consent, mm.PossibleDuplicates = after.Name, nil, nil
		return &pb.Person{Memberships: []*pb.Membership{mm}}
	}
	return tx.storeRevision(ctx, personPK, after.Name, paths, wrap(bm, before != nil), wrap(am, true))
}

const revisionColumns = `r.pk, r.id, p.id, r.revision_time, r.principal, r.method, r.resource, r.changed_fields, r.before, r.after`

func scanRevision(s scanner) (int64, *pb.PersonRevision, error) {
	var (
		pk                    int64
		id, personID, changed string
		t                     int64
		before, after         []byte
		rev                   pb.PersonRevision
	)
	if err := s.Scan(&pk, &id, &personID, &t, &rev.Principal, &rev.Method, &rev.Resource, &changed, &before, &after); err != nil {
		return 0, nil, err
	}
	rev.Name = "people/" + personID + "/revisions/" + id
	rev.CreateTime = timestamppb.New(fromMicros(t))
	if changed != "" {
		rev.ChangedFields = strings.Split(changed, ",")
	}
	for _, v := range []struct {
		raw []byte
		dst **pb.RevisionValues
	}{{before, &rev.Before}, {after, &rev.After}} {
		if len(v.raw) == 0 {
			continue
		}
		*v.dst = &pb.RevisionValues{}
		if err := proto.Unmarshal(v.raw, *v.dst); err != nil {
			return 0, nil, err
		}
	}
	return pk, &rev, nil
}

// ListPersonRevisions lists the revisions of a person and of what they
// hold, newest first; for a limited key (scope), those of its
// associations' memberships alone of all the memberships' (none for a key
// limited to an organization), and of the consents that came with them or
// with none; those of the person's consents only where consents says the
// caller reads them (ListConsents).
func (db *DB) ListPersonRevisions(ctx context.Context, parent string, pageSizeWant int, token, scope string, consents bool) ([]*pb.PersonRevision, string, error) {
	personID, err := PersonID(parent, "parent")
	if err != nil {
		return nil, "", err
	}
	size, err := pageSize(pageSizeWant)
	if err != nil {
		return nil, "", err
	}
	terms := []orderTerm{{sortKey: sortKey{expr: "r.pk", kind: kindInt}, path: "pk", desc: true}}
	query := queryChecksum("personRevisions", parent, scope, fmt.Sprint(consents))
	var out []*pb.PersonRevision
	var next string
	err = db.read(ctx, func(tx *Tx) error {
		p, err := tx.person(ctx, personID)
		if err != nil {
			return err
		}
		where, args := []string{"r.person_pk = ?"}, []any{p.pk}
		if scope != "" {
			// A limited key reads the person's memberships of its
			// associations alone (none for a key limited to an
			// organization): the revisions of another's are not listed,
			// nor do they fill a page.
			assocs, err := tx.scopeAssociations(ctx, scope)
			if err != nil {
				return err
			}
			where = append(where, `(r.resource NOT LIKE 'associations/%' OR EXISTS (SELECT 1 FROM associations sa WHERE `+
				inAssociationsSQL("sa.pk", assocs)+` AND substr(r.resource, 1, length(sa.id) + 14) = 'associations/' || sa.id || '/'))`)
			// Nor those of the consents that came with a registration
			// with another association (consentShownSQL).
			where = append(where, `NOT EXISTS (SELECT 1 FROM consents c JOIN memberships m ON m.pk = c.membership_pk
				WHERE c.person_pk = r.person_pk AND r.resource = 'people/' || p.id || '/consents/' || c.id AND NOT `+
				inAssociationsSQL("m.association_pk", assocs)+`)`)
		}
		if !consents {
			// A caller that may not read the consents reads none in
			// their revisions either: what they allow, on what basis,
			// and when each was given (with a registration it may not
			// read) are not its to know.
			where = append(where, `r.resource NOT LIKE 'people/%/consents/%'`)
		}
		if token != "" {
			after, _, err := db.decodePageToken(token, query, terms)
			if err != nil {
				return err
			}
			cond, condArgs := afterSQL(terms, after)
			where, args = append(where, cond), append(args, condArgs...)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+revisionColumns+` FROM person_revisions r
			JOIN people p ON p.pk = r.person_pk`+whereSQL(where)+` ORDER BY r.pk DESC`+fmt.Sprintf(" LIMIT %d", size+1), args...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		var lastPK int64
		for rows.Next() {
			if len(out) == size {
				next = db.encodePageToken(query, terms, []any{lastPK}, 0)
				break
			}
			pk, rev, err := scanRevision(rows)
			if err != nil {
				return dbError(err)
			}
			lastPK = pk
			out = append(out, rev)
		}
		return dbError(rows.Err())
	})
	return out, next, err
}

// revisionsOf returns every revision of a person, oldest first.
func (tx *Tx) revisionsOf(ctx context.Context, personPK int64) ([]*pb.PersonRevision, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+revisionColumns+` FROM person_revisions r
		JOIN people p ON p.pk = r.person_pk WHERE r.person_pk = ? ORDER BY r.pk`, personPK)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*pb.PersonRevision
	for rows.Next() {
		_, rev, err := scanRevision(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, rev)
	}
	return out, dbError(rows.Err())
}

// RestorePersonRevision sets the fields paths of a person back to their
// values before a revision of the person's own fields. Each path must be a
// field the revision changed.
func (db *DB) RestorePersonRevision(ctx context.Context, name string, paths []string, o WriteOptions) (*pb.Person, error) {
	personID, id, err := parseChildName(name, "revisions", "name")
	if err != nil {
		return nil, err
	}
	var rev *pb.PersonRevision
	err = db.read(ctx, func(tx *Tx) error {
		_, rev, err = scanRevision(tx.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM person_revisions r
			JOIN people p ON p.pk = r.person_pk WHERE p.id = ? AND r.id = ?`, personID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(NotFound, "", "%s does not exist", name)
		}
		return dbError(err)
	})
	if err != nil {
		return nil, err
	}
	if rev.Resource != "people/"+personID || rev.GetAfter().GetPerson() == nil {
		return nil, errorf(FailedPrecondition, "name", "%s is a revision of %s; only revisions of the person's own fields can be restored", name, rev.Resource)
	}
	var v Invalids
	if len(paths) == 0 {
		v.add("field_mask", "name the fields to restore; this revision changed %s", strings.Join(rev.ChangedFields, ", "))
	}
	for i, p := range paths {
		if !containsString(rev.ChangedFields, p) {
			v.add(fmt.Sprintf("field_mask.paths[%d]", i), "%q is not a field this revision changed (%s)", p, strings.Join(rev.ChangedFields, ", "))
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	before := rev.GetBefore().GetPerson()
	if before == nil {
		before = &pb.Person{}
	}
	return db.UpdatePerson(ctx, "people/"+personID, o, func(p *pb.Person) error {
		src, dst := before.ProtoReflect(), p.ProtoReflect()
		for _, path := range paths {
			fd := dst.Descriptor().Fields().ByName(protoreflect.Name(path))
			if src.Has(fd) {
				dst.Set(fd, src.Get(fd))
			} else {
				dst.Clear(fd)
			}
		}
		return nil
	})
}

func containsString(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
