package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/vntext"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Registration is what a registration carries beside its options: the
// applicant, a registered Person (people/{person}) or a NewPerson with
// their Qualifications and Positions, their Consent, and Notes.
type Registration struct {
	Person         string
	NewPerson      *pb.Person
	Qualifications []*pb.Qualification
	Positions      []*pb.Position
	Consent        *pb.Consent
	Notes          string
}

// RegisterMember registers reg.Person or reg.NewPerson as a member of the
// association parent: a PENDING membership with the person's consent,
// and the person with their qualifications and positions when they are
// new, in one transaction. Output-only fields of what it carries are the
// caller's to clear.
//
// A new person whose national ID a live person has is linked to that
// person; one whose email, or whose full name and birth date, a live
// person has is created, and the membership names the look-alikes as
// possible duplicates. Errors name the request's fields: "new_person.*",
// "qualifications[i].*", "positions[i].*", "consent.*".
func (db *DB) RegisterMember(ctx context.Context, parent string, reg Registration, o CreateOptions) (*pb.RegisterMemberResponse, error) {
	assocID, err := AssociationID(parent, "parent")
	if err != nil {
		return nil, err
	}
	var out *pb.RegisterMemberResponse
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		var err error
		out, err = tx.registerMember(ctx, assocID, reg, o)
		return err
	})
	// The people the registration met are named by its event whatever
	// became of the write: a dry run, or a refusal that a membership is
	// open, told the caller that a registered person holds the national ID
	// (or looks alike), and the person's trail and export must show who
	// asked. A write's rollback drops the names it added (dropResourcesAfter).
	if o.Audit != nil && out != nil {
		if out.LinkedExistingPerson && out.Person.GetName() != "" {
			o.Audit.AddResources(out.Person.GetName())
		}
		for _, d := range out.GetMembership().GetPossibleDuplicates() {
			if d.GetPerson() != "" {
				o.Audit.AddResources(d.GetPerson())
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// registerMember is RegisterMember inside a write transaction.
func (tx *Tx) registerMember(ctx context.Context, assocID string, reg Registration, o CreateOptions) (out *pb.RegisterMemberResponse, err error) {
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
	consent, err := tx.checkRegistration(reg)
	if err != nil {
		return out, err
	}
	out = &pb.RegisterMemberResponse{}
	person, err := tx.registrant(ctx, reg, o.Admin, out)
	if err != nil {
		return out, err
	}
	// A limited key that links the registration to someone it did not
	// create gains no access to them (store/scope.go), unless they are in
	// its scope already.
	confirmed := out.PersonCreated
	if !confirmed {
		if confirmed, err = tx.shownTo(ctx, o.Scope, person.person.Name); err != nil {
			return out, err
		}
	}
	// One membership of an association that has not ended per person.
	var open string
	var state int32
	err = tx.QueryRowContext(ctx, `SELECT id, state FROM memberships WHERE association_pk = ? AND person_pk = ? AND state IN (1, 2, 3)`,
		assoc.pk, person.pk).Scan(&open, &state)
	switch {
	case err == nil:
		out.Person = &pb.Person{Name: person.person.Name} // for the audit (RegisterMember)
		field, who := "person", person.person.Name
		if out.LinkedExistingPerson {
			field = "new_person.national_id"
			if !confirmed {
				who = "the registered person with this national ID"
			}
		}
		if !confirmed {
			// The open membership is one whose person a limited key is
			// not shown: naming it would tie the person to it.
			return out, errorf(AlreadyExists, field, "%s already has a membership of associations/%s that has not ended; a registrar without a limit can tell which",
				who, assocID)
		}
		return out, errorf(AlreadyExists, field, "%s already has a membership of associations/%s that is %s: associations/%s/memberships/%s",
			who, assocID, pb.Membership_State(state), assocID, open)
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

	effects, err := tx.consentEffects(ctx, person.pk)
	if err != nil {
		return out, err
	}
	now := micros(tx.now)
	res, err := tx.ExecContext(ctx, `INSERT INTO memberships (id, association_pk, person_pk, state, apply_time,
		state_time, notes, create_time, update_time, link_confirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, assoc.pk, person.pk, int32(pb.Membership_PENDING), now, now, normProse(reg.Notes), now, now, confirmed)
	if err != nil {
		return out, dbError(err)
	}
	tx.auditResource("associations/" + assocID + "/memberships/" + id)
	tx.auditResource(person.person.Name)
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
		if err := tx.touchHolding(ctx, person.pk, effects, assoc.pk); err != nil {
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
	if err := tx.recordMembershipRevision(ctx, person.pk, nil, m.m); err != nil {
		return out, err
	}
	if err := tx.showPeople(ctx, o.Shown, p); err != nil {
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
func (tx *Tx) checkRegistration(reg Registration) (*pb.Consent, error) {
	var v Invalids
	c := reg.Consent
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
	checkControl(&v, "", map[string]string{"notes": reg.Notes})
	if reg.NewPerson == nil {
		if len(reg.Qualifications) > 0 {
			v.add("qualifications", "only with new_person; add qualifications to a registered person with CreateQualification")
		}
		if len(reg.Positions) > 0 {
			v.add("positions", "only with new_person; add positions to a registered person with CreatePosition")
		}
	}
	return out, v.err()
}

// registrant finds or creates the person a registration is for, and says
// which in out. A restricted person found by national ID is refused unless
// admin, in the words of an import's row (Importer.reach), which do not
// say who holds the ID.
func (tx *Tx) registrant(ctx context.Context, reg Registration, admin bool, out *pb.RegisterMemberResponse) (*personRow, error) {
	if reg.NewPerson == nil {
		id, err := PersonID(reg.Person, "person")
		if err != nil {
			return nil, err
		}
		r, err := tx.person(ctx, id)
		var se *Error
		if errors.As(err, &se) && se.Code == NotFound {
			return nil, errorf(Invalid, "person", "%s", se.Message)
		}
		if err == nil && r.deleted {
			// A state of the registry, as when a membership of a
			// deleted person is approved or reinstated.
			return nil, errorf(FailedPrecondition, "person", "%s is deleted; undelete the person first", r.person.Name)
		}
		return r, err
	}
	np := reg.NewPerson
	if nid := normText(np.GetNationalId()); nid != "" {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE national_id = ? AND delete_time IS NULL`, nid).Scan(&id)
		switch {
		case err == nil:
			r, err := tx.person(ctx, id)
			if err != nil || admin || !r.person.Restricted {
				out.LinkedExistingPerson = err == nil
				return r, err
			}
			return nil, errRestrictedByID("new_person.national_id", "register them")
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
	for i, q := range reg.Qualifications {
		q.Verification = nil
		if _, err := qualificationKind.createTx(ctx, tx, r, "", q); err != nil {
			if err := collect(err, "qualification.", fmt.Sprintf("qualifications[%d].", i)); err != nil {
				return nil, err
			}
		}
	}
	for i, p := range reg.Positions {
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

// bornSameDaySQL finds the live people born on a day, but one: people_birth_date
// holds the day before pk, so the look-alike check of every registration and
// imported row without an ID reads that day's few people, not the year's.
const bornSameDaySQL = `SELECT pk, family_name, middle_name, given_name FROM people
	WHERE birth_year = ? AND birth_month = ? AND birth_day = ? AND delete_time IS NULL AND pk != ?`

// possibleDuplicates finds the live people other than r with r's email, or
// with r's family, middle and given names (in any case, in any of their
// spellings) and birth date.
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
		// A withheld email matches nothing, as in a filter: the answer
		// would tell it.
		err := scan(`SELECT pk FROM people WHERE email = ? COLLATE NOCASE AND delete_time IS NULL AND email != '' AND contact_allowed != 0 AND pk != ?`,
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
		err := scan(bornSameDaySQL, []any{d.Year, d.Month, d.Day, r.pk}, func(s scanner) (int64, bool, error) {
			var pk int64
			var family, middle, given string
			if err := s.Scan(&pk, &family, &middle, &given); err != nil {
				return 0, false, err
			}
			// As spelt, not as typed: HOÀ and Hòa, a no-break space,
			// an Ð for a Đ (vntext.Canonical); and with or without
			// marks, since a name typed without Vietnamese input
			// (Lam Quoc Bao) is most often the same person's, and a
			// possible duplicate is only checked, never merged.
			like := func(a, b string) bool { return vntext.Fold(vntext.Canonical(a)) == vntext.Fold(vntext.Canonical(b)) }
			same := like(family, p.FamilyName) && like(middle, p.MiddleName) && like(given, p.GivenName)
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

// BulkMember is a registration and the changes of state that follow it, for
// loading many members at once (trithuc gen).
type BulkMember struct {
	Parent       string // associations/{association}
	Registration Registration
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
	return db.write(ctx, false, nil, func(tx *Tx) error {
		for i, m := range members {
			at := func(err error) error { return fmt.Errorf("members[%d]: %w", i, err) }
			assocID, err := AssociationID(m.Parent, "parent")
			if err != nil {
				return at(err)
			}
			reg, err := tx.registerMember(ctx, assocID, m.Registration, CreateOptions{Admin: true})
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
