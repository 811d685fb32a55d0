package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Work adds a work to the person ref names, checked as CreateWork checks
// it; the same work on the same person is Unchanged.
func (im *Importer) Work(ctx context.Context, ref PersonRef, w *pb.Work) (*ChildOutcome, error) {
	return importChild(ctx, im, workKind, ref, w)
}

// MembershipImport is a row of a memberships sheet: the registration of
// the person Person names (or, when no live person has its national ID, of
// NewPerson with that national ID) as a member of Association, moved on to
// State.
type MembershipImport struct {
	Association string // associations/{association}
	Person      PersonRef
	NewPerson   *pb.Person
	State       pb.Membership_State // PENDING (when unspecified), ACTIVE or SUSPENDED
	// MemberNumber, when given, is compared with the number the
	// association's approval gives, never set: a different one is a
	// conflict (an export's row imports back unchanged).
	MemberNumber string
	// Reason is the approval's reason for an ACTIVE membership, the
	// suspension's (required) for a SUSPENDED one.
	Reason         string
	ConsentVersion string
	// Contact adds CONTACT to the consent's purposes (REGISTRY).
	Contact bool
	Notes   string
}

// MembershipOutcome is what a membership row did: Created (a
// registration, approved and suspended as the row says), or Unchanged when
// the person already holds a membership of the association that has not
// ended; Conflicts then lists a state that differs from the row's, which
// the import does not change (that is what the state-changing methods,
// with their reasons, are for). When the caller is not shown the person
// (a limited key, someone outside its scope), Membership is empty and
// Conflicts holds the row's state, Withheld: neither compared nor applied.
type MembershipOutcome struct {
	Action     ImportAction
	Membership string
	Conflicts  []Conflict
	// Duplicates are the registered people a new person resembles, as
	// RegisterMember flags them on the membership.
	Duplicates []string
	// Ended says the row is a registration that has ended (WITHDRAWN,
	// REJECTED), as the registry holds it: a list of ended registrations
	// exported is read, not imported, and the row changes nothing.
	Ended bool
}

// Membership applies a membership row by the rules of RegisterMember and of
// the state changes, for a caller acting for scope (empty when not limited
// to an association): a registration links a registered person outside
// the scope without bringing them into it, and such a key approves only
// what it may approve. Errors name the row's fields as membership.* (the
// new person's as membership.new_person.*), person.name and
// person.national_id.
func (im *Importer) Membership(ctx context.Context, row MembershipImport, scope string) (*MembershipOutcome, error) {
	var out *MembershipOutcome
	err := im.savepoint(ctx, func() error {
		var err error
		out, err = im.membership(ctx, row, scope)
		return err
	})
	return out, err
}

func (im *Importer) membership(ctx context.Context, row MembershipImport, scope string) (*MembershipOutcome, error) {
	tx := im.tx
	const f = "membership."
	var v Invalids
	if row.Association == "" {
		v.add(f+"association", "required: the association, as the drop-down gives it (associations/...)")
	}
	state := row.State
	ended := state == pb.Membership_WITHDRAWN || state == pb.Membership_REJECTED
	switch state {
	case pb.Membership_STATE_UNSPECIFIED:
		state = pb.Membership_PENDING
	case pb.Membership_PENDING, pb.Membership_ACTIVE, pb.Membership_SUSPENDED:
	case pb.Membership_WITHDRAWN, pb.Membership_REJECTED:
		// The person's ended registration, as exported: found below.
	default:
		v.add(f+"state", "%s: import PENDING, ACTIVE or SUSPENDED memberships; a membership that has ended is not imported", state)
	}
	reason, err := checkReason(f+"state_", suspend, row.Reason)
	if state != pb.Membership_SUSPENDED {
		reason, err = checkReason(f+"state_", approve, row.Reason)
	}
	if err != nil {
		v = append(v, asInvalids(err)...)
	}
	if reason != "" && state == pb.Membership_PENDING {
		v.add(f+"state_reason", "only for an ACTIVE or SUSPENDED membership: a registration has no reason")
	}
	if row.Person.Name == "" && row.Person.NationalID == "" {
		v.add("person", "say whose membership this is: the Mã hồ sơ (people/...) of a registered person, or the Số CCCD of a registered or a new person")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	assocID, err := AssociationID(row.Association, f+"association")
	if err != nil {
		return nil, err
	}
	assoc, err := tx.liveAssociation(ctx, assocID)
	if err != nil {
		return nil, fieldless(err, f+"association")
	}

	// The person's membership that has not ended is the row imported
	// before: the same file twice changes nothing.
	var person *personRow
	switch {
	case row.Person.Name != "":
		if person, err = im.personOf(ctx, PersonRef{Name: row.Person.Name}); err != nil {
			return nil, reprefix(fieldless(err, "person"), "person.", "person.name.")
		}
	default:
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE national_id = ? AND delete_time IS NULL`, row.Person.NationalID).Scan(&id)
		switch {
		case err == nil:
			if person, err = tx.livePerson(ctx, id); err != nil {
				return nil, err
			}
			im.meet(person.person.Name)
			if err := im.reach(person, "person.national_id", false); err != nil {
				return nil, err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return nil, dbError(err)
		}
	}
	if ended {
		return im.endedMembership(ctx, person, assoc.pk, assocID, state, scope)
	}
	if person != nil {
		var id, number string
		var have int32
		err := tx.QueryRowContext(ctx, `SELECT id, state, COALESCE(member_number, '') FROM memberships WHERE association_pk = ? AND person_pk = ? AND state IN (1, 2, 3)`,
			assoc.pk, person.pk).Scan(&id, &have, &number)
		switch {
		case err == nil:
			shown, err := tx.shownTo(ctx, scope, person.person.Name)
			if err != nil {
				return nil, err
			}
			if !shown {
				// The key is shown this membership without its person:
				// naming it, or whether its state is the file's, would
				// tie the person to it, as RegisterMember's refusal
				// would (registration.go).
				return &MembershipOutcome{Action: Unchanged, Conflicts: []Conflict{{Field: f + "state", Imported: state.String(), Withheld: true}}}, nil
			}
			out := &MembershipOutcome{Action: Unchanged, Membership: "associations/" + assocID + "/memberships/" + id}
			if pb.Membership_State(have) != state {
				out.Conflicts = append(out.Conflicts, Conflict{Field: f + "state", Registered: pb.Membership_State(have).String(), Imported: state.String()})
			}
			out.Conflicts = append(out.Conflicts, memberNumberConflict(number, row.MemberNumber)...)
			return out, nil
		case !errors.Is(err, sql.ErrNoRows):
			return nil, dbError(err)
		}
	}

	purposes := []pb.Consent_Purpose{pb.Consent_REGISTRY}
	if row.Contact {
		purposes = append(purposes, pb.Consent_CONTACT)
	}
	reg := Registration{Consent: &pb.Consent{Purposes: purposes, TextVersion: row.ConsentVersion}, Notes: row.Notes}
	if row.Person.Name != "" {
		reg.Person = person.person.Name
	} else {
		// RegisterMember's new_person: the registered person with this
		// national ID, or a new one.
		np := proto.Clone(row.NewPerson).(*pb.Person)
		if np == nil {
			np = &pb.Person{}
		}
		np.NationalId = row.Person.NationalID
		// The import's registry date, as a new person of the people
		// sheet gets it; a registered person keeps theirs.
		reg.NewPerson = im.withRegistryDate(np)
	}
	res, err := tx.registerMember(ctx, assocID, reg, CreateOptions{Scope: scope, Admin: im.o.Admin})
	if err != nil {
		err = reprefix(err, "new_person.", f+"new_person.")
		err = reprefix(err, "consent.", f+"consent.")
		err = reprefix(err, "notes.", f+"notes.")
		return nil, reprefix(err, "person.", "person.name.")
	}
	name := res.Membership.Name
	_, id, err := parseMembershipName(name, "name")
	if err != nil {
		return nil, err
	}
	if state == pb.Membership_ACTIVE || state == pb.Membership_SUSPENDED {
		t := Transition{Scope: scope}
		if state == pb.Membership_ACTIVE {
			t.Reason = reason
		}
		if _, err := tx.transition(ctx, name, assocID, id, approve, t, t.Reason); err != nil {
			return nil, fieldless(err, f+"state")
		}
	}
	if state == pb.Membership_SUSPENDED {
		if _, err := tx.transition(ctx, name, assocID, id, suspend, Transition{Reason: reason, Scope: scope}, reason); err != nil {
			return nil, fieldless(err, f+"state")
		}
	}
	number := ""
	if state != pb.Membership_PENDING {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(member_number, '') FROM memberships WHERE association_pk = ? AND id = ?`, assoc.pk, id).Scan(&number); err != nil {
			return nil, dbError(err)
		}
	}
	out := &MembershipOutcome{Action: Created, Membership: name, Conflicts: memberNumberConflict(number, row.MemberNumber)}
	for _, d := range res.Membership.PossibleDuplicates {
		out.Duplicates = append(out.Duplicates, d.Person)
	}
	im.meet(out.Duplicates...)
	return out, nil
}

// endedMembership is a row of an ended registration: the person's
// registration of the association in that state, which the row leaves as
// it is; one the registry does not hold (or the key is not shown) is
// refused as a state no import registers.
func (im *Importer) endedMembership(ctx context.Context, person *personRow, assocPK int64, assocID string, state pb.Membership_State, scope string) (*MembershipOutcome, error) {
	refuse := errorf(Invalid, "membership.state", "%s: import PENDING, ACTIVE or SUSPENDED memberships; a membership that has ended is not imported", state)
	if person == nil {
		return nil, refuse
	}
	var id string
	err := im.tx.QueryRowContext(ctx, `SELECT id FROM memberships WHERE association_pk = ? AND person_pk = ? AND state = ? ORDER BY pk DESC LIMIT 1`,
		assocPK, person.pk, int32(state)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse
	} else if err != nil {
		return nil, dbError(err)
	}
	if shown, err := im.tx.shownTo(ctx, scope, person.person.Name); err != nil {
		return nil, err
	} else if !shown {
		return nil, refuse
	}
	return &MembershipOutcome{Action: Unchanged, Membership: "associations/" + assocID + "/memberships/" + id, Ended: true}, nil
}

// memberNumberConflict is a row's member number that is not the
// membership's: approvals number an association's members, an import
// does not.
func memberNumberConflict(registered, imported string) []Conflict {
	if imported == "" || imported == registered {
		return nil
	}
	return []Conflict{{Field: "membership.member_number", Registered: registered, Imported: imported}}
}

// fieldless names field in a store error that names none, so that an
// import marks the cell it is about.
func fieldless(err error, field string) error {
	var se *Error
	if errors.As(err, &se) && se.Field == "" && se.Code != Internal {
		c := *se
		c.Field = field
		return &c
	}
	return err
}

// asInvalids is err's field errors.
func asInvalids(err error) Invalids {
	var inv Invalids
	var se *Error
	switch {
	case errors.As(err, &inv):
		return inv
	case errors.As(err, &se):
		return Invalids{se}
	}
	return Invalids{{Code: Invalid, Message: strings.TrimSpace(err.Error())}}
}
