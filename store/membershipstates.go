package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

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
	// Audit is the event of the call, stored with the write (DB.write).
	Audit *AuditEvent
	// Scope is the association a registrar key limited to one acts for,
	// empty for any other caller. Such a key may not approve a membership
	// whose link to its person is unconfirmed, nor one that resembles
	// people outside its scope; an approval by any other caller confirms
	// the link (store/scope.go).
	Scope string
	// ReadsRestricted says the caller reads restricted profiles (an
	// admin); to anyone else a refusal names no restricted look-alike, as
	// the membership it reads does not (server/privacy.go: hideRestricted).
	ReadsRestricted bool
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
	a := "a "
	if strings.ContainsRune("AEIOU", rune(s.String()[0])) {
		a = "an " // an ACTIVE membership
	}
	if len(verbs) == 0 {
		return a + s.String() + " membership is final: register the person again for a new one"
	}
	list := verbs[len(verbs)-1]
	if len(verbs) > 1 {
		list = strings.Join(verbs[:len(verbs)-1], ", ") + " or " + list
	}
	return a + s.String() + " membership can only be " + list
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
	reason = normProse(reason)
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
	err = db.write(ctx, t.ValidateOnly, t.Audit, func(tx *Tx) error {
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
	before := proto.Clone(r.m).(*pb.Membership)
	effects, err := tx.consentEffects(ctx, r.personPK)
	if err != nil {
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
		err = tx.finishTransition(ctx, assocID, id, r.personPK, r.assocPK, effects, before, &out)
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
	err = tx.finishTransition(ctx, assocID, id, r.personPK, r.assocPK, effects, before, &out)
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

// finishTransition marks the member's profile changed for those who read
// their memberships (touchHolding, effects being consentEffects from
// before), reads the membership back and stores the change from before as
// a revision of the person.
func (tx *Tx) finishTransition(ctx context.Context, assocID, id string, personPK, assocPK int64, effects string, before *pb.Membership, out **pb.Membership) error {
	if err := tx.touchHolding(ctx, personPK, effects, assocPK); err != nil {
		return err
	}
	r, err := tx.membership(ctx, assocID, id)
	if err != nil {
		return err
	}
	*out = r.m
	return tx.recordMembershipRevision(ctx, personPK, before, r.m)
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

// memberNumberTakenSQL says whether an association has given a member
// number. It repeats the condition of the partial index memberships_number
// (a number is not empty) so that SQLite may use it; without it every
// approval scanned the association's memberships, and loading members
// slowed as they grew.
const memberNumberTakenSQL = `SELECT 1 FROM memberships WHERE association_pk = ? AND member_number = ? AND member_number != ''`

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
				who := d.Person
				if !t.ReadsRestricted {
					if hidden, err := tx.exists(ctx, `SELECT 1 FROM people WHERE id = ? AND restricted != 0`, strings.TrimPrefix(d.Person, "people/")); err != nil {
						return err
					} else if hidden {
						who = "a registered person you may not see"
					}
				}
				var why []string
				for _, reason := range d.Reasons {
					switch reason {
					case pb.PossibleDuplicate_EMAIL:
						why = append(why, "same email")
					case pb.PossibleDuplicate_NAME_AND_BIRTH_DATE:
						why = append(why, "same name and birth date")
					}
				}
				like = append(like, who+" ("+strings.Join(why, ", ")+")")
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
	year := int(tx.thisYear())
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
		taken, err := tx.exists(ctx, memberNumberTakenSQL, assoc.pk, number)
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
		int32(pb.Membership_ACTIVE), number, now, now, normProse(t.Reason), resolved, now, r.pk)
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
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
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
		before := proto.Clone(r.m).(*pb.Membership)
		effects, err := tx.consentEffects(ctx, r.personPK)
		if err != nil {
			return err
		}
		if err := apply(r.m); err != nil {
			return err
		}
		notes := normProse(r.m.Notes)
		var v Invalids
		checkControl(&v, "membership.", map[string]string{"notes": notes})
		if err := v.err(); err != nil {
			return err
		}
		if r.m.Notes = notes; unchanged(before, r.m) {
			out = before
			return nil
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET notes = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			notes, now, r.pk); err != nil {
			return dbError(err)
		}
		return tx.finishTransition(ctx, assocID, id, r.personPK, r.assocPK, effects, before, &out)
	})
	return out, err
}
