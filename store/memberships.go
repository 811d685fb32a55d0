package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// Memberships of the science associations: registration (with the person
// and their consent, in one transaction), the state changes of the life
// cycle, and the member numbers approval assigns.

const membershipColumns = `m.pk, m.person_pk, m.association_pk, m.id, a.id, p.id, m.state, m.member_number,
	m.apply_time, m.approve_time, m.end_time, m.state_time, m.state_reason, m.notes, m.duplicates_resolved,
	m.create_time, m.update_time, m.revision, m.link_confirmed`

const membershipFrom = `memberships m JOIN associations a ON a.pk = m.association_pk JOIN people p ON p.pk = m.person_pk`

type membershipRow struct {
	pk, personPK, assocPK int64
	revision              int64
	// confirmed says that the membership may bring its person into the
	// association's scope (store/scope.go).
	confirmed bool
	m         *pb.Membership
}

func scanMembership(s scanner, extra ...any) (*membershipRow, error) {
	var (
		r                      membershipRow
		m                      pb.Membership
		id, assocID, personID  string
		state                  int32
		applyTime, stateTime   int64
		approveTime, endTime   sql.NullInt64
		createTime, updateTime int64
		resolved               bool
	)
	dest := []any{&r.pk, &r.personPK, &r.assocPK, &id, &assocID, &personID, &state, &m.MemberNumber,
		&applyTime, &approveTime, &endTime, &stateTime, &m.StateReason, &m.Notes, &resolved,
		&createTime, &updateTime, &r.revision, &r.confirmed}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	name := "associations/" + assocID + "/memberships/" + id
	m.Person = "people/" + personID
	m.State = pb.Membership_State(state)
	m.ApplyTime = timestamppb.New(fromMicros(applyTime))
	m.StateTime = timestamppb.New(fromMicros(stateTime))
	if approveTime.Valid {
		m.ApproveTime = timestamppb.New(fromMicros(approveTime.Int64))
	}
	if endTime.Valid {
		m.EndTime = timestamppb.New(fromMicros(endTime.Int64))
	}
	m.DuplicatesResolved = resolved
	setResourceMeta(&m, name, createTime, updateTime, etag(name, r.revision))
	r.m = &m
	return &r, nil
}

// parseMembershipName splits associations/{association}/memberships/{membership}.
func parseMembershipName(name, field string) (assocID, id string, err error) {
	if !names.Scan(name, names.Membership, &assocID, &id) {
		return "", "", errorf(Invalid, field, "want associations/{association}/memberships/{membership}, not %q", name)
	}
	return assocID, id, nil
}

func (tx *Tx) membership(ctx context.Context, assocID, id string) (*membershipRow, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+membershipColumns+` FROM `+membershipFrom+` WHERE a.id = ? AND m.id = ?`, assocID, id)
	r, err := scanMembership(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "associations/%s/memberships/%s does not exist", assocID, id)
	}
	if err != nil {
		return nil, dbError(err)
	}
	if err := tx.attachMembershipDetails(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// attachMembershipDetails loads the possible duplicates and the consents
// of a page of memberships.
func (tx *Tx) attachMembershipDetails(ctx context.Context, rows ...*membershipRow) error {
	if len(rows) == 0 {
		return nil
	}
	byPK := map[int64]*pb.Membership{}
	pks := make([]int64, len(rows))
	for i, r := range rows {
		pks[i] = r.pk
		byPK[r.pk] = r.m
		r.m.PossibleDuplicates, r.m.Consent = nil, nil
	}
	in, args := placeholders(len(pks)), int64sToAny(pks)

	dups, err := tx.QueryContext(ctx, `SELECT d.membership_pk, p.id, d.reasons FROM membership_duplicates d
		JOIN people p ON p.pk = d.person_pk WHERE d.membership_pk IN (`+in+`) ORDER BY d.membership_pk, d.person_pk`, args...)
	if err != nil {
		return dbError(err)
	}
	for dups.Next() {
		var pk int64
		var personID, reasons string
		if err := dups.Scan(&pk, &personID, &reasons); err != nil {
			dups.Close()
			return dbError(err)
		}
		d := &pb.PossibleDuplicate{Person: "people/" + personID}
		for _, n := range decodeEnums(reasons) {
			d.Reasons = append(d.Reasons, pb.PossibleDuplicate_Reason(n))
		}
		byPK[pk].PossibleDuplicates = append(byPK[pk].PossibleDuplicates, d)
	}
	dups.Close()
	if err := dups.Err(); err != nil {
		return dbError(err)
	}

	consents, err := tx.QueryContext(ctx, `SELECT `+consentColumns+`, c.membership_pk FROM `+consentFrom+`
		WHERE c.membership_pk IN (`+in+`)`, args...)
	if err != nil {
		return dbError(err)
	}
	defer consents.Close()
	for consents.Next() {
		var pk int64
		c, err := scanConsent(scannerWith{consents, &pk})
		if err != nil {
			return dbError(err)
		}
		byPK[pk].Consent = c.c
	}
	return dbError(consents.Err())
}

// encodeEnums keeps a set of enum numbers as text: "1,3".
func encodeEnums[E ~int32](vals []E) string {
	nums := make([]int, len(vals))
	for i, v := range vals {
		nums[i] = int(v)
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func decodeEnums(s string) []int32 {
	var out []int32
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, int32(n))
		}
	}
	return out
}

// membershipsOf returns the memberships of the given people, for the FULL
// view of a profile, in registration order, by person.
func (tx *Tx) membershipsOf(ctx context.Context, personPKs []int64) (map[int64][]*pb.Membership, error) {
	out := map[int64][]*pb.Membership{}
	if len(personPKs) == 0 {
		return out, nil
	}
	q, err := tx.QueryContext(ctx, membershipsOfSQL(len(personPKs)), int64sToAny(personPKs)...)
	if err != nil {
		return nil, dbError(err)
	}
	var rows []*membershipRow
	for q.Next() {
		r, err := scanMembership(q)
		if err != nil {
			q.Close()
			return nil, dbError(err)
		}
		rows = append(rows, r)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, dbError(err)
	}
	if err := tx.attachMembershipDetails(ctx, rows...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.personPK] = append(out[r.personPK], r.m)
	}
	return out, nil
}

// GetMembership returns a membership.
func (db *DB) GetMembership(ctx context.Context, name string) (*pb.Membership, error) {
	assocID, id, err := parseMembershipName(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Membership
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.membership(ctx, assocID, id)
		if err == nil {
			out = r.m
		}
		return err
	})
	return out, err
}

var membershipStateEnum = enumValues(pb.Membership_State(0).Descriptor())

var joinDuplicates = &filter.Join{
	From: "membership_duplicates md JOIN people dp ON dp.pk = md.person_pk",
	On:   "md.membership_pk = m.pk",
}

// membershipSchema is what ListMemberships filters on: the membership's
// fields, and the member's profile as person.*, as ListPeople has it.
func membershipSchema(r ranks) filter.Schema {
	s := filter.Schema{}
	for k, v := range personSchema(r) {
		s["person."+k] = v
	}
	maps.Copy(s, filter.Schema{
		"state":                      {Type: filter.Enum, SQL: "m.state", Enum: membershipStateEnum},
		"person":                     str("('people/' || p.id)"),
		"association":                str("('associations/' || a.id)"),
		"association.code":           str("a.code"),
		"member_number":              str("m.member_number"),
		"apply_time":                 {Type: filter.Timestamp, SQL: "m.apply_time"},
		"approve_time":               {Type: filter.Timestamp, SQL: "IFNULL(m.approve_time, 0)"},
		"end_time":                   {Type: filter.Timestamp, SQL: "IFNULL(m.end_time, 0)"},
		"state_time":                 {Type: filter.Timestamp, SQL: "m.state_time"},
		"update_time":                {Type: filter.Timestamp, SQL: "m.update_time"},
		"duplicates_resolved":        {Type: filter.Bool, SQL: "m.duplicates_resolved"},
		"possible_duplicates.person": {Type: filter.String, SQL: "('people/' || dp.id)", Join: joinDuplicates, Repeated: true},
	})
	return s
}

var membershipSortKeys = map[string]sortKey{
	"apply_time":          {expr: "m.apply_time", kind: kindInt},
	"approve_time":        {expr: "IFNULL(m.approve_time, 0)", kind: kindInt},
	"member_number":       {expr: "m.member_number", kind: kindText},
	"update_time":         {expr: "m.update_time", kind: kindInt},
	"person.display_name": {expr: "p.sort_key", kind: kindBlob},
}

// ListMemberships lists an association's memberships, or every
// association's when parent is associations/-, in registration order or in
// q.OrderBy's. Memberships of deleted people are left out, and across
// associations those of deleted associations, and for q.Scope those of
// associations outside it.
func (db *DB) ListMemberships(ctx context.Context, parent string, q ListQuery) ([]*pb.Membership, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	var assocID string
	if parent != "associations/-" {
		if assocID, err = AssociationID(parent, "parent"); err != nil {
			return nil, Page{}, err
		}
	}
	var out []*pb.Membership
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		schema, keys := membershipSchema, membershipSortKeys
		var assocs []int64
		if q.Scope != "" {
			if assocs, err = tx.scopeAssociations(ctx, q.Scope); err != nil {
				return err
			}
			schema, keys = scopedMembershipSchema(assocs), scopedMembershipSortKeys(assocs)
		}
		terms, err := parseOrderBy(q.OrderBy, keys, orderTerm{sortKey: sortKey{expr: "m.pk", kind: kindInt}})
		if err != nil {
			return err
		}
		l := listing{
			from:    membershipFrom,
			columns: membershipColumns,
			terms:   terms,
			where:   []string{personListed},
			query:   queryChecksum("memberships", parent, q.Filter, orderSQL(terms)),
			size:    size,
			token:   q.PageToken,
		}
		if assocID != "" {
			if _, err := tx.association(ctx, assocID); err != nil {
				return err
			}
			l.where, l.args = append(l.where, "a.id = ?"), []any{assocID}
		} else {
			l.where = append(l.where, "a.delete_time IS NULL")
			if q.Scope != "" {
				// Across associations, a limited caller's are those of its
				// scope (the sheet of memberships of its export).
				l.where = append(l.where, inAssociationsSQL("m.association_pk", assocs))
			}
		}
		if err := tx.addFilter(ctx, &l, q.Filter, schema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanMembership)
		if err != nil {
			return err
		}
		if err := tx.attachMembershipDetails(ctx, rows...); err != nil {
			return err
		}
		page = p
		for _, r := range rows {
			out = append(out, r.m)
		}
		return nil
	})
	return out, page, err
}
