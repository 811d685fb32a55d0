package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc/names"
	pb "trithuc/proto/trithuc/v1"
	"trithuc/store/filter"
	"trithuc/vntext"
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
// associations those of deleted associations.
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
		if q.Scope != "" {
			assocs, err := tx.scopeAssociations(ctx, q.Scope)
			if err != nil {
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

// RegisterMember registers req.Person or req.NewPerson as a member of the
// association req.Parent: a PENDING membership with the person's consent,
// and the person with their qualifications and positions when they are
// new, in one transaction. Output-only fields of what it carries are the
// caller's to clear.
//
// A new person whose national ID a live person has is linked to that
// person; one whose email, or whose full name and birth date, a live
// person has is created, and the membership names the look-alikes as
// possible duplicates. Errors name the request's fields: "new_person.*",
// "qualifications[i].*", "positions[i].*", "consent.*".
func (db *DB) RegisterMember(ctx context.Context, req *pb.RegisterMemberRequest, o CreateOptions) (*pb.RegisterMemberResponse, error) {
	assocID, err := AssociationID(req.GetParent(), "parent")
	if err != nil {
		return nil, err
	}
	var out *pb.RegisterMemberResponse
	err = db.write(ctx, o.ValidateOnly, func(tx *Tx) error {
		var err error
		out, err = tx.registerMember(ctx, assocID, req, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// registerMember is RegisterMember inside a write transaction.
func (tx *Tx) registerMember(ctx context.Context, assocID string, req *pb.RegisterMemberRequest, o CreateOptions) (out *pb.RegisterMemberResponse, err error) {
	if o.Request != nil {
		prev := new(pb.RegisterMemberResponse)
		found, err := tx.recall(ctx, o.Request, prev)
		if err != nil || found {
			out = prev
			return out, err
		}
	}
	assoc, err := tx.liveAssociation(ctx, assocID)
	if err != nil {
		return out, err
	}
	consent, err := tx.checkRegistration(req)
	if err != nil {
		return out, err
	}
	out = &pb.RegisterMemberResponse{}
	person, err := tx.registrant(ctx, req, out)
	if err != nil {
		return out, err
	}
	// A limited key that links the registration to someone it did not
	// create gains no access to them (store/scope.go), unless they are in
	// its scope already.
	confirmed := out.PersonCreated || o.Scope == ""
	if !confirmed {
		in, err := tx.peopleInScope(ctx, o.Scope, []string{person.person.Name})
		if err != nil {
			return out, err
		}
		confirmed = in[person.person.Name]
	}
	// One membership of an association that has not ended per person.
	var open string
	var state int32
	err = tx.QueryRowContext(ctx, `SELECT id, state FROM memberships WHERE association_pk = ? AND person_pk = ? AND state IN (1, 2, 3)`,
		assoc.pk, person.pk).Scan(&open, &state)
	switch {
	case err == nil:
		field, who := "person", person.person.Name
		if out.LinkedExistingPerson {
			field = "new_person.national_id"
			if !confirmed {
				who = "the registered person with this national ID"
			}
		}
		return out, errorf(AlreadyExists, field, "%s already has a %s membership of associations/%s: associations/%s/memberships/%s",
			who, pb.Membership_State(state), assocID, assocID, open)
	case !errors.Is(err, sql.ErrNoRows):
		return out, dbError(err)
	}
	id := o.ID
	if id == "" {
		id = newID()
	} else if !validID(id) {
		return out, errorf(Invalid, "membership_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
	}
	if found, err := tx.exists(ctx, `SELECT 1 FROM memberships WHERE association_pk = ? AND id = ?`, assoc.pk, id); err != nil {
		return out, err
	} else if found {
		return out, errorf(AlreadyExists, "membership_id", "associations/%s/memberships/%s already exists", assocID, id)
	}
	var dups []*duplicate
	if out.PersonCreated {
		if dups, err = tx.possibleDuplicates(ctx, person); err != nil {
			return out, err
		}
	}

	now := micros(tx.now)
	res, err := tx.ExecContext(ctx, `INSERT INTO memberships (id, association_pk, person_pk, state, apply_time,
		state_time, notes, create_time, update_time, link_confirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, assoc.pk, person.pk, int32(pb.Membership_PENDING), now, now, normText(req.GetNotes()), now, now, confirmed)
	if err != nil {
		return out, dbError(err)
	}
	tx.auditResource(ctx, "associations/"+assocID+"/memberships/"+id)
	tx.auditResource(ctx, person.person.Name)
	pk, err := res.LastInsertId()
	if err != nil {
		return out, dbError(err)
	}
	for _, d := range dups {
		if _, err := tx.ExecContext(ctx, `INSERT INTO membership_duplicates(membership_pk, person_pk, reasons) VALUES (?, ?, ?)`,
			pk, d.pk, encodeEnums(d.reasons)); err != nil {
			return out, dbError(err)
		}
	}
	if _, err := tx.insertConsent(ctx, person, pk, consent); err != nil {
		return out, err
	}
	if !out.PersonCreated {
		if err := tx.touchPerson(ctx, person.pk); err != nil {
			return out, err
		}
	}
	m, err := tx.membership(ctx, assocID, id)
	if err != nil {
		return out, err
	}
	p, err := tx.loadPerson(ctx, strings.TrimPrefix(person.person.Name, "people/"), pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		return out, err
	}
	out.Membership, out.Person = m.m, p
	if o.Request != nil {
		return out, tx.remember(ctx, o.Request, out)
	}
	return out, nil
}

// consentSkew is how far in the future a consent time may lie, for clocks
// that disagree a little.
const consentSkew = 5 * time.Minute

// checkRegistration checks what a registration carries beside the person,
// and returns its consent as it will be kept.
func (tx *Tx) checkRegistration(req *pb.RegisterMemberRequest) (*pb.Consent, error) {
	var v Invalids
	c := req.GetConsent()
	out := &pb.Consent{TextVersion: normText(c.GetTextVersion()), ConsentTime: c.GetConsentTime()}
	if c == nil {
		v.add("consent", "required: the person's consent to the processing of their data, with the purpose REGISTRY")
	} else {
		registry := false
		for _, p := range c.GetPurposes() {
			if p == pb.Consent_REGISTRY {
				registry = true
			}
			if _, ok := pb.Consent_Purpose_name[int32(p)]; !ok || p == pb.Consent_PURPOSE_UNSPECIFIED {
				v.add("consent.purposes", "%d is not a purpose; use REGISTRY, CONTACT or PUBLICATION", p)
			}
		}
		if !registry {
			v.add("consent.purposes", "must include REGISTRY: a person is registered only with their consent to be kept in the registry")
		}
		out.Purposes = c.GetPurposes()
		if out.TextVersion == "" {
			v.add("consent.text_version", "required: the version of the consent text the person agreed to, e.g. \"2025-01\"")
		}
		checkControl(&v, "consent.", map[string]string{"text_version": out.TextVersion})
		switch t := c.GetConsentTime(); {
		case t == nil:
			out.ConsentTime = timestamppb.New(tx.now)
		case t.CheckValid() != nil:
			v.add("consent.consent_time", "is not a valid time")
		case t.AsTime().After(tx.now.Add(consentSkew)):
			v.add("consent.consent_time", "is in the future")
		default:
			out.ConsentTime = timestamppb.New(t.AsTime().Truncate(time.Microsecond))
		}
	}
	checkControl(&v, "", map[string]string{"notes": req.GetNotes()})
	if req.GetNewPerson() == nil {
		if len(req.GetQualifications()) > 0 {
			v.add("qualifications", "only with new_person; add qualifications to a registered person with CreateQualification")
		}
		if len(req.GetPositions()) > 0 {
			v.add("positions", "only with new_person; add positions to a registered person with CreatePosition")
		}
	}
	return out, v.err()
}

// registrant finds or creates the person a registration is for, and says
// which in out.
func (tx *Tx) registrant(ctx context.Context, req *pb.RegisterMemberRequest, out *pb.RegisterMemberResponse) (*personRow, error) {
	if req.GetNewPerson() == nil {
		id, err := PersonID(req.GetPerson(), "person")
		if err != nil {
			return nil, err
		}
		r, err := tx.livePerson(ctx, id)
		var se *Error
		if errors.As(err, &se) && se.Code == NotFound {
			return nil, errorf(Invalid, "person", "%s", se.Message)
		}
		return r, err
	}
	np := req.GetNewPerson()
	if nid := normText(np.GetNationalId()); nid != "" {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE national_id = ? AND delete_time IS NULL`, nid).Scan(&id)
		switch {
		case err == nil:
			out.LinkedExistingPerson = true
			return tx.person(ctx, id)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, dbError(err)
		}
	}
	r, err := tx.createPerson(ctx, "", np)
	if err != nil {
		return nil, reprefix(err, personField, "new_person.")
	}
	out.PersonCreated = true
	// Every bad qualification and position is reported at once; the
	// transaction is rolled back whatever was written before.
	var bad Invalids
	collect := func(err error, from, to string) error {
		err = reprefix(err, from, to)
		var inv Invalids
		var se *Error
		switch {
		case errors.As(err, &inv):
			bad = append(bad, inv...)
		case errors.As(err, &se) && se.Code == Invalid:
			bad = append(bad, se)
		default:
			return err
		}
		return nil
	}
	for i, q := range req.GetQualifications() {
		q.Verification = nil
		if _, err := qualificationKind.createTx(ctx, tx, r, "", q); err != nil {
			if err := collect(err, "qualification.", fmt.Sprintf("qualifications[%d].", i)); err != nil {
				return nil, err
			}
		}
	}
	for i, p := range req.GetPositions() {
		if _, err := positionKind.createTx(ctx, tx, r, "", p); err != nil {
			if err := collect(err, "position.", fmt.Sprintf("positions[%d].", i)); err != nil {
				return nil, err
			}
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return tx.person(ctx, strings.TrimPrefix(r.person.Name, "people/"))
}

// duplicate is a live person whom a new registrant resembles.
type duplicate struct {
	pk      int64
	reasons []pb.PossibleDuplicate_Reason
}

// possibleDuplicates finds the live people other than r with r's email, or
// with r's family, middle and given names (in any case) and birth date.
func (tx *Tx) possibleDuplicates(ctx context.Context, r *personRow) ([]*duplicate, error) {
	p := r.person
	byPK := map[int64]*duplicate{}
	var order []int64
	add := func(pk int64, reason pb.PossibleDuplicate_Reason) {
		d := byPK[pk]
		if d == nil {
			d = &duplicate{pk: pk}
			byPK[pk] = d
			order = append(order, pk)
		}
		d.reasons = append(d.reasons, reason)
	}
	scan := func(query string, args []any, match func(s scanner) (int64, bool, error), reason pb.PossibleDuplicate_Reason) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			pk, ok, err := match(rows)
			if err != nil {
				return dbError(err)
			}
			if ok {
				add(pk, reason)
			}
		}
		return dbError(rows.Err())
	}
	if p.Email != "" {
		err := scan(`SELECT pk FROM people WHERE email = ? COLLATE NOCASE AND delete_time IS NULL AND email != '' AND pk != ?`,
			[]any{p.Email, r.pk}, func(s scanner) (int64, bool, error) {
				var pk int64
				err := s.Scan(&pk)
				return pk, err == nil, err
			}, pb.PossibleDuplicate_EMAIL)
		if err != nil {
			return nil, err
		}
	}
	if d := p.GetBirthDate(); d != nil && d.Year != 0 {
		err := scan(`SELECT pk, family_name, middle_name, given_name FROM people
			WHERE birth_year = ? AND birth_month = ? AND birth_day = ? AND delete_time IS NULL AND pk != ?`,
			[]any{d.Year, d.Month, d.Day, r.pk}, func(s scanner) (int64, bool, error) {
				var pk int64
				var family, middle, given string
				if err := s.Scan(&pk, &family, &middle, &given); err != nil {
					return 0, false, err
				}
				same := vntext.Lower(family) == vntext.Lower(p.FamilyName) &&
					vntext.Lower(middle) == vntext.Lower(p.MiddleName) &&
					vntext.Lower(given) == vntext.Lower(p.GivenName)
				return pk, same, nil
			}, pb.PossibleDuplicate_NAME_AND_BIRTH_DATE)
		if err != nil {
			return nil, err
		}
	}
	out := make([]*duplicate, len(order))
	for i, pk := range order {
		out[i] = byPK[pk]
	}
	return out, nil
}

// Transition is a request to change a membership's state.
type Transition struct {
	// Etag, when set, must be the membership's current etag.
	Etag string
	// Reason says why; required to reject and to suspend.
	Reason string
	// ConfirmDistinctPerson, on approval, says that a registrar checked
	// the possible duplicates and found the person none of them.
	ConfirmDistinctPerson bool
	// ConsentWithdrawn, on withdrawal, records that the person withdrew
	// their consent.
	ConsentWithdrawn bool
	ValidateOnly     bool
	// Scope is the association a registrar key limited to one acts for,
	// empty for any other caller. Such a key may not approve a membership
	// whose link to its person is unconfirmed, nor one that resembles
	// people outside its scope; an approval by any other caller confirms
	// the link (store/scope.go).
	Scope string
}

// action is a change of a membership's state: from which states to which.
type action struct {
	verb string // as in "cannot approve ..."
	done string // as in "can only be approved"
	from []pb.Membership_State
	to   pb.Membership_State
}

var (
	approve   = action{"approve", "approved", []pb.Membership_State{pb.Membership_PENDING}, pb.Membership_ACTIVE}
	reject    = action{"reject", "rejected", []pb.Membership_State{pb.Membership_PENDING}, pb.Membership_REJECTED}
	suspend   = action{"suspend", "suspended", []pb.Membership_State{pb.Membership_ACTIVE}, pb.Membership_SUSPENDED}
	reinstate = action{"reinstate", "reinstated", []pb.Membership_State{pb.Membership_SUSPENDED}, pb.Membership_ACTIVE}
	withdraw  = action{"withdraw", "withdrawn", []pb.Membership_State{pb.Membership_PENDING, pb.Membership_ACTIVE, pb.Membership_SUSPENDED}, pb.Membership_WITHDRAWN}
	actions   = []action{approve, reject, suspend, reinstate, withdraw}
)

// allowedFrom says what can be done with a membership in state s:
// "a PENDING membership can only be approved, rejected or withdrawn".
func allowedFrom(s pb.Membership_State) string {
	var verbs []string
	for _, a := range actions {
		if slices.Contains(a.from, s) {
			verbs = append(verbs, a.done)
		}
	}
	if len(verbs) == 0 {
		return "a " + s.String() + " membership is final: register the person again for a new one"
	}
	list := verbs[len(verbs)-1]
	if len(verbs) > 1 {
		list = strings.Join(verbs[:len(verbs)-1], ", ") + " or " + list
	}
	return "a " + s.String() + " membership can only be " + list
}

// ApproveMembership makes a PENDING membership ACTIVE and gives it the next
// member number of its association.
func (db *DB) ApproveMembership(ctx context.Context, name string, t Transition) (*pb.Membership, error) {
	return db.transition(ctx, name, approve, t)
}

// RejectMembership makes a PENDING membership REJECTED.
func (db *DB) RejectMembership(ctx context.Context, name string, t Transition) (*pb.Membership, error) {
	return db.transition(ctx, name, reject, t)
}

// SuspendMembership makes an ACTIVE membership SUSPENDED.
func (db *DB) SuspendMembership(ctx context.Context, name string, t Transition) (*pb.Membership, error) {
	return db.transition(ctx, name, suspend, t)
}

// ReinstateMembership makes a SUSPENDED membership ACTIVE again.
func (db *DB) ReinstateMembership(ctx context.Context, name string, t Transition) (*pb.Membership, error) {
	return db.transition(ctx, name, reinstate, t)
}

// WithdrawMembership ends a membership that has not ended; with
// t.ConsentWithdrawn it records the withdrawal of the consent too, which on
// a membership that has ended is all it does.
func (db *DB) WithdrawMembership(ctx context.Context, name string, t Transition) (*pb.Membership, error) {
	return db.transition(ctx, name, withdraw, t)
}

// checkReason checks the reason given for a change of state, its field
// named after prefix, and returns it as kept.
func checkReason(prefix string, act action, reason string) (string, error) {
	reason = normText(reason)
	var v Invalids
	checkControl(&v, prefix, map[string]string{"reason": reason})
	if reason == "" && (act.to == pb.Membership_REJECTED || act.to == pb.Membership_SUSPENDED) {
		v.add(prefix+"reason", "required: say why the membership is %s", strings.ToLower(act.to.String()))
	}
	return reason, v.err()
}

func (db *DB) transition(ctx context.Context, name string, act action, t Transition) (*pb.Membership, error) {
	assocID, id, err := parseMembershipName(name, "name")
	if err != nil {
		return nil, err
	}
	reason, err := checkReason("", act, t.Reason)
	if err != nil {
		return nil, err
	}
	var out *pb.Membership
	err = db.write(ctx, t.ValidateOnly, func(tx *Tx) error {
		var err error
		out, err = tx.transition(ctx, name, assocID, id, act, t, reason)
		return err
	})
	return out, err
}

// transition is a state change of a membership inside a write transaction.
func (tx *Tx) transition(ctx context.Context, name, assocID, id string, act action, t Transition, reason string) (out *pb.Membership, err error) {
	assoc, err := tx.liveAssociation(ctx, assocID)
	if err != nil {
		return out, err
	}
	r, err := tx.membership(ctx, assocID, id)
	if err != nil {
		return out, err
	}
	if err := checkEtag(t.Etag, r.m.Etag, "etag"); err != nil {
		return out, err
	}
	now := micros(tx.now)
	consentLive := r.m.Consent != nil && r.m.Consent.WithdrawTime == nil
	if act.verb == withdraw.verb && t.ConsentWithdrawn && !slices.Contains(act.from, r.m.State) {
		// The membership has ended; the consent may still hold.
		if !consentLive {
			return out, errorf(FailedPrecondition, "", "%s is %s and its consent was already withdrawn", name, r.m.State)
		}
		if err := tx.withdrawConsent(ctx, r.pk); err != nil {
			return out, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET update_time = ?, revision = revision + 1 WHERE pk = ?`, now, r.pk); err != nil {
			return out, dbError(err)
		}
		err = tx.finishTransition(ctx, assocID, id, r.personPK, &out)
		return out, err
	}
	if !slices.Contains(act.from, r.m.State) {
		return out, errorf(FailedPrecondition, "", "cannot %s %s: it is %s, and %s", act.verb, name, r.m.State, allowedFrom(r.m.State))
	}
	switch act.verb {
	case approve.verb:
		if err := tx.approve(ctx, assoc, r, t); err != nil {
			return out, err
		}
	case reinstate.verb:
		if _, err := tx.livePersonForMembership(ctx, r); err != nil {
			return out, err
		}
		fallthrough
	default:
		var endTime any
		if act.to == pb.Membership_REJECTED || act.to == pb.Membership_WITHDRAWN {
			endTime = now
		}
		if act.verb == withdraw.verb && t.ConsentWithdrawn {
			if reason == "" {
				reason = "consent withdrawn"
			}
			if consentLive {
				if err := tx.withdrawConsent(ctx, r.pk); err != nil {
					return out, err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE memberships SET state = ?, state_time = ?, state_reason = ?,
			end_time = COALESCE(?, end_time), update_time = ?, revision = revision + 1 WHERE pk = ?`,
			int32(act.to), now, reason, endTime, now, r.pk)
		if err != nil {
			return out, dbError(err)
		}
	}
	err = tx.finishTransition(ctx, assocID, id, r.personPK, &out)
	return out, err
}

func (tx *Tx) withdrawConsent(ctx context.Context, membershipPK int64) error {
	var personPK, consentPK int64
	err := tx.QueryRowContext(ctx, `SELECT person_pk, pk FROM consents WHERE membership_pk = ? AND withdraw_time IS NULL`,
		membershipPK).Scan(&personPK, &consentPK)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbError(err)
	}
	return tx.withdrawConsentPK(ctx, personPK, consentPK)
}

// finishTransition marks the member's profile changed (it shows their
// memberships) and reads the membership back.
func (tx *Tx) finishTransition(ctx context.Context, assocID, id string, personPK int64, out **pb.Membership) error {
	if err := tx.touchPerson(ctx, personPK); err != nil {
		return err
	}
	r, err := tx.membership(ctx, assocID, id)
	if err != nil {
		return err
	}
	*out = r.m
	return nil
}

// livePersonForMembership is the membership's person, who must not be
// deleted for the membership to become ACTIVE.
func (tx *Tx) livePersonForMembership(ctx context.Context, r *membershipRow) (*personRow, error) {
	p, err := tx.person(ctx, strings.TrimPrefix(r.m.Person, "people/"))
	if err != nil {
		return nil, err
	}
	if p.deleted {
		return nil, errorf(FailedPrecondition, "", "%s is deleted; undelete the person first", r.m.Person)
	}
	return p, nil
}

// maxNumberSkips bounds how many member numbers approval skips because a
// changed format made them equal to numbers given before.
const maxNumberSkips = 1000

// approve makes a PENDING membership ACTIVE with the next member number.
// The running number is advanced by one statement inside the write
// transaction, which holds the database's write lock: approvals one after
// another, however many run at once, take consecutive numbers, and one
// that fails rolls its number back with it.
func (tx *Tx) approve(ctx context.Context, assoc *associationRow, r *membershipRow, t Transition) error {
	// Checked first: the errors after it name the person.
	if t.Scope != "" && !r.confirmed {
		return errorf(FailedPrecondition, "", "%s links the registration to a person registered outside %s; a registrar not limited to an association must approve it, which confirms the link",
			r.m.Name, t.Scope)
	}
	if _, err := tx.livePersonForMembership(ctx, r); err != nil {
		return err
	}
	resolved := r.m.DuplicatesResolved
	if len(r.m.PossibleDuplicates) > 0 && !resolved {
		// A limited key may not judge look-alikes it may not see.
		dups := r.m.PossibleDuplicates
		if t.Scope != "" {
			names := make([]string, len(dups))
			for i, d := range dups {
				names[i] = d.Person
			}
			in, err := tx.peopleInScope(ctx, t.Scope, names)
			if err != nil {
				return err
			}
			dups = slices.DeleteFunc(slices.Clone(dups), func(d *pb.PossibleDuplicate) bool { return !in[d.Person] })
			if outside := len(r.m.PossibleDuplicates) - len(dups); outside > 0 {
				return errorf(FailedPrecondition, "", "%s may be a duplicate of %d registered people outside %s; a registrar not limited to an association must check them and approve it",
					r.m.Name, outside, t.Scope)
			}
		}
		if !t.ConfirmDistinctPerson {
			var like []string
			for _, d := range dups {
				var why []string
				for _, reason := range d.Reasons {
					switch reason {
					case pb.PossibleDuplicate_EMAIL:
						why = append(why, "same email")
					case pb.PossibleDuplicate_NAME_AND_BIRTH_DATE:
						why = append(why, "same name and birth date")
					}
				}
				like = append(like, d.Person+" ("+strings.Join(why, ", ")+")")
			}
			return errorf(FailedPrecondition, "", "%s may be a duplicate: %s resembles %s. If they are different people, approve with confirm_distinct_person; if the same, reject this registration and register the existing person instead",
				r.m.Name, r.m.Person, strings.Join(like, "; "))
		}
		resolved = true
	}
	f, msg := parseNumberFormat(assoc.a.MemberNumberFormat)
	if msg != "" {
		return &Error{Code: Internal, Message: "member number format", Err: errors.New(msg)}
	}
	year := tx.now.In(vietnam).Year()
	key := 0
	if f.hasYear {
		key = year
	}
	var number string
	for skips := 0; ; skips++ {
		if skips > maxNumberSkips {
			return errorf(FailedPrecondition, "", "associations/%s: no free member number in the format %q after %d tries; change the format", assoc.a.Code, assoc.a.MemberNumberFormat, maxNumberSkips)
		}
		var seq int64
		err := tx.QueryRowContext(ctx, `INSERT INTO member_counters(association_pk, year, last_seq) VALUES (?, ?, 1)
			ON CONFLICT(association_pk, year) DO UPDATE SET last_seq = last_seq + 1
			RETURNING last_seq`, assoc.pk, key).Scan(&seq)
		if err != nil {
			return dbError(err)
		}
		number = f.format(assoc.a.Code, year, seq)
		taken, err := tx.exists(ctx, `SELECT 1 FROM memberships WHERE association_pk = ? AND member_number = ?`, assoc.pk, number)
		if err != nil {
			return err
		}
		if !taken {
			break
		}
	}
	now := micros(tx.now)
	_, err := tx.ExecContext(ctx, `UPDATE memberships SET state = ?, member_number = ?, approve_time = ?, state_time = ?,
		state_reason = ?, duplicates_resolved = ?, link_confirmed = 1, update_time = ?, revision = revision + 1 WHERE pk = ?`,
		int32(pb.Membership_ACTIVE), number, now, now, normText(t.Reason), resolved, now, r.pk)
	return dbError(err)
}

// UpdateMembership changes a membership's notes: apply gets the current
// membership and changes it in place; what else it changes is ignored,
// since the rest is the server's or the life cycle's to set.
func (db *DB) UpdateMembership(ctx context.Context, name string, o WriteOptions, apply func(*pb.Membership) error) (*pb.Membership, error) {
	assocID, id, err := parseMembershipName(name, "membership.name")
	if err != nil {
		return nil, err
	}
	var out *pb.Membership
	err = db.write(ctx, o.ValidateOnly, func(tx *Tx) error {
		if _, err := tx.liveAssociation(ctx, assocID); err != nil {
			return err
		}
		r, err := tx.membership(ctx, assocID, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.m.Etag, "membership.etag"); err != nil {
			return err
		}
		if err := apply(r.m); err != nil {
			return err
		}
		notes := normText(r.m.Notes)
		var v Invalids
		checkControl(&v, "membership.", map[string]string{"notes": notes})
		if err := v.err(); err != nil {
			return err
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET notes = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			notes, now, r.pk); err != nil {
			return dbError(err)
		}
		return tx.finishTransition(ctx, assocID, id, r.personPK, &out)
	})
	return out, err
}

// BulkMember is a registration and the changes of state that follow it, for
// loading many members at once (trithuc gen).
type BulkMember struct {
	Request *pb.RegisterMemberRequest
	// Then are the states the new membership is moved to, in order: ACTIVE
	// (an approval, with a member number), REJECTED, SUSPENDED or
	// WITHDRAWN.
	Then []BulkStep
}

// BulkStep is one change of a BulkMember's state.
type BulkStep struct {
	To     pb.Membership_State
	Reason string // required to reject and to suspend
}

// BulkRegisterMembers registers members and moves them on as
// RegisterMember and the state changes do, with the same checks, member
// numbers, consents and possible duplicates, in one write transaction for
// them all: a transaction per call, each waiting for its fsync, made
// loading a million people's members take longer than the people.
// Nothing is kept when one fails; the error names it as members[i].
func (db *DB) BulkRegisterMembers(ctx context.Context, members []BulkMember) error {
	return db.write(ctx, false, func(tx *Tx) error {
		for i, m := range members {
			at := func(err error) error { return fmt.Errorf("members[%d]: %w", i, err) }
			assocID, err := AssociationID(m.Request.GetParent(), "parent")
			if err != nil {
				return at(err)
			}
			reg, err := tx.registerMember(ctx, assocID, m.Request, CreateOptions{})
			if err != nil {
				return at(err)
			}
			name := reg.Membership.Name
			_, id, err := parseMembershipName(name, "name")
			if err != nil {
				return at(err)
			}
			for j, step := range m.Then {
				var act action
				switch step.To {
				case pb.Membership_ACTIVE:
					act = approve
				case pb.Membership_REJECTED:
					act = reject
				case pb.Membership_SUSPENDED:
					act = suspend
				case pb.Membership_WITHDRAWN:
					act = withdraw
				default:
					return at(errorf(Invalid, fmt.Sprintf("then[%d].to", j), "want ACTIVE, REJECTED, SUSPENDED or WITHDRAWN, got %s", step.To))
				}
				reason, err := checkReason(fmt.Sprintf("then[%d].", j), act, step.Reason)
				if err != nil {
					return at(err)
				}
				if _, err := tx.transition(ctx, name, assocID, id, act, Transition{Reason: step.Reason}, reason); err != nil {
					return at(err)
				}
			}
		}
		return nil
	})
}
