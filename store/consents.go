package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Consents are people/{person}/consents/{consent}: those given with a
// registration (memberships.go) and those recorded on their own. A person
// whose consents are all withdrawn, none resting on a public duty, is
// restricted: the triggers of migration 0010 keep people.restricted.

// personListed is the condition, over the people table as p, that a person
// is in listings: live and not restricted. Every listing of people or of
// what they hold (ListPeople, SearchPeople, the children across people/-,
// ListMemberships) and the statistics use it; only an admin reads a
// restricted profile, and only by its name.
const personListed = "p.delete_time IS NULL AND " + personUnrestricted

// personUnlisted is the opposite of personListed, as the index
// people_unlisted holds it.
const personUnlisted = "(p.delete_time IS NOT NULL OR p.restricted != 0)"

// personUnrestricted is the part of personListed that listings of deleted
// people keep.
const personUnrestricted = "p.restricted = 0"

const consentColumns = `c.pk, c.id, p.id, c.purposes, c.legal_basis, c.text_version, c.consent_time,
	c.withdraw_time, c.recorder, c.create_time, c.update_time, c.revision,
	COALESCE((SELECT 'associations/' || a.id || '/memberships/' || m.id FROM memberships m
		JOIN associations a ON a.pk = m.association_pk WHERE m.pk = c.membership_pk), ''),
	COALESCE((SELECT m.association_pk FROM memberships m WHERE m.pk = c.membership_pk), 0)`

const consentFrom = `consents c JOIN people p ON p.pk = c.person_pk`

type consentRow struct {
	pk       int64
	revision int64
	// assocPK is the association of the registration it came with, 0 for
	// none.
	assocPK int64
	c       *pb.Consent
}

func scanConsent(s scanner) (*consentRow, error) {
	var (
		r                                   consentRow
		c                                   pb.Consent
		id, personID, purposes              string
		basis                               int32
		consentTime, createTime, updateTime int64
		withdraw                            sql.NullInt64
	)
	if err := s.Scan(&r.pk, &id, &personID, &purposes, &basis, &c.TextVersion, &consentTime, &withdraw,
		&c.Recorder, &createTime, &updateTime, &r.revision, &c.Membership, &r.assocPK); err != nil {
		return nil, err
	}
	for _, n := range decodeEnums(purposes) {
		c.Purposes = append(c.Purposes, pb.Consent_Purpose(n))
	}
	c.LegalBasis = pb.Consent_LegalBasis(basis)
	c.ConsentTime = timestamppb.New(fromMicros(consentTime))
	if withdraw.Valid {
		c.WithdrawTime = timestamppb.New(fromMicros(withdraw.Int64))
	}
	name := "people/" + personID + "/consents/" + id
	setResourceMeta(&c, name, createTime, updateTime, etag(name, r.revision))
	r.c = &c
	return &r, nil
}

// principal is who makes the call of tx, for the records that keep it.
func (tx *Tx) principal() (principal, method string) {
	if ev := tx.audit; ev != nil {
		return ev.Principal, ev.Method
	}
	return "", ""
}

// insertConsent stores a consent of the person, given with the membership
// membershipPK (0 for none).
func (tx *Tx) insertConsent(ctx context.Context, person *personRow, membershipPK int64, c *pb.Consent) (*pb.Consent, error) {
	id := newID()
	basis := c.LegalBasis
	if basis == pb.Consent_LEGAL_BASIS_UNSPECIFIED {
		basis = pb.Consent_CONSENT
	}
	consentTime := tx.now
	if c.ConsentTime != nil {
		consentTime = c.ConsentTime.AsTime()
	}
	var membership any
	if membershipPK != 0 {
		membership = membershipPK
	}
	principal, _ := tx.principal()
	now := micros(tx.now)
	_, err := tx.ExecContext(ctx, `INSERT INTO consents (id, person_pk, membership_pk, purposes, legal_basis,
		text_version, consent_time, recorder, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, person.pk, membership, encodeEnums(c.Purposes), int32(basis), normText(c.TextVersion),
		micros(consentTime), principal, now, now)
	if err != nil {
		return nil, dbError(err)
	}
	name := person.person.Name + "/consents/" + id
	tx.auditResource(name)
	out, err := tx.consent(ctx, strings.TrimPrefix(person.person.Name, "people/"), id)
	if err != nil {
		return nil, err
	}
	return out.c, tx.recordRevision(ctx, person.pk, name, nil, out.c)
}

func parseConsentName(name, field string) (personID, id string, err error) {
	return parseChildName(name, "consents", field)
}

func (tx *Tx) consent(ctx context.Context, personID, id string) (*consentRow, error) {
	return tx.consentAs(ctx, ShownAll, personID, id)
}

// consentAs is consent as a caller reading s reads it: one it is not
// shown does not exist (consentShownSQL).
func (tx *Tx) consentAs(ctx context.Context, s Shown, personID, id string) (*consentRow, error) {
	shown, err := tx.consentShownSQL(ctx, s)
	if err != nil {
		return nil, err
	}
	r, err := scanConsent(tx.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM `+consentFrom+`
		WHERE p.id = ? AND c.id = ? AND `+shown, personID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "people/%s/consents/%s does not exist", personID, id)
	}
	return r, dbError(err)
}

// consentShownSQL is the condition, over the consents c, that a caller
// reading s is shown the consent. A key limited to an association is shown
// those that came with a registration with its associations, or with
// none: the consent a registration with another association carries is
// that association's, as the registration is (hideOtherAssociations), and
// would tell the key of it.
func (tx *Tx) consentShownSQL(ctx context.Context, s Shown) (string, error) {
	if s.level != shownAssociation {
		return "1", nil
	}
	assocs, err := tx.scopeAssociations(ctx, s.scope)
	if err != nil {
		return "", err
	}
	return "(c.membership_pk IS NULL OR " +
		inAssociationsSQL("(SELECT m.association_pk FROM memberships m WHERE m.pk = c.membership_pk)", assocs) + ")", nil
}

// otherConsentChangeSQL is the condition that the change c (an alias of
// changes) is of a consent that came with a registration with an
// association other than assocs: a key limited to those is not shown it
// (consentShownSQL), nor its changes in the feed.
func otherConsentChangeSQL(c string, assocs []int64) string {
	return `(` + c + `.type = 8 AND EXISTS (SELECT 1 FROM consents oc JOIN memberships om ON om.pk = oc.membership_pk
		JOIN people op ON op.pk = oc.person_pk WHERE oc.person_pk = ` + c + `.person_pk
		AND ` + c + `.resource = 'people/' || op.id || '/consents/' || oc.id AND NOT ` + inAssociationsSQL("om.association_pk", assocs) + `))`
}

// consentsOf returns the consents of the people personPKs that a caller
// reading s is shown, by person, oldest first.
func (tx *Tx) consentsOf(ctx context.Context, s Shown, personPKs []int64) (map[int64][]*pb.Consent, error) {
	out := map[int64][]*pb.Consent{}
	if len(personPKs) == 0 {
		return out, nil
	}
	shown, err := tx.consentShownSQL(ctx, s)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+consentColumns+`, c.person_pk FROM `+consentFrom+`
		WHERE c.person_pk IN (`+placeholders(len(personPKs))+`) AND `+shown+` ORDER BY c.pk`, int64sToAny(personPKs)...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var personPK int64
		r, err := scanConsent(scannerWith{rows, &personPK})
		if err != nil {
			return nil, dbError(err)
		}
		out[personPK] = append(out[personPK], r.c)
	}
	return out, dbError(rows.Err())
}

// scannerWith scans the columns a scan function reads and then extra ones.
type scannerWith struct {
	s     scanner
	extra *int64
}

func (sw scannerWith) Scan(dest ...any) error { return sw.s.Scan(append(dest, sw.extra)...) }

// CreateConsent records a consent, or another legal basis, for a person.
func (db *DB) CreateConsent(ctx context.Context, parent string, c *pb.Consent, audit *AuditEvent) (*pb.Consent, error) {
	personID, err := PersonID(parent, "parent")
	if err != nil {
		return nil, err
	}
	if c.LegalBasis == pb.Consent_CONSENT || c.LegalBasis == pb.Consent_LEGAL_BASIS_UNSPECIFIED {
		if c.ConsentTime != nil && c.ConsentTime.AsTime().After(db.Now()) {
			return nil, errorf(Invalid, "consent.consent_time", "is in the future")
		}
	}
	var out *pb.Consent
	err = db.write(ctx, false, audit, func(tx *Tx) error {
		p, err := tx.livePerson(ctx, personID)
		if err != nil {
			return err
		}
		effects, err := tx.consentEffects(ctx, p.pk)
		if err != nil {
			return err
		}
		if out, err = tx.insertConsent(ctx, p, 0, c); err != nil {
			return err
		}
		return tx.touchHolding(ctx, p.pk, effects, 0)
	})
	return out, err
}

// GetConsent returns one consent, as a caller reading s reads it.
func (db *DB) GetConsent(ctx context.Context, name string, s Shown) (*pb.Consent, error) {
	personID, id, err := parseConsentName(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Consent
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.consentAs(ctx, s, personID, id)
		if err == nil {
			out = r.c
		}
		return err
	})
	return out, err
}

// ListConsents returns every consent of a person a caller reading s is
// shown, oldest first: a person has a few.
func (db *DB) ListConsents(ctx context.Context, parent string, s Shown) ([]*pb.Consent, error) {
	personID, err := PersonID(parent, "parent")
	if err != nil {
		return nil, err
	}
	var out []*pb.Consent
	err = db.read(ctx, func(tx *Tx) error {
		p, err := tx.person(ctx, personID)
		if err != nil {
			return err
		}
		all, err := tx.consentsOf(ctx, s, []int64{p.pk})
		out = all[p.pk]
		return err
	})
	return out, err
}

// WithdrawConsent records the withdrawal of a consent, one o.Shown is
// shown. Withdrawing one that is withdrawn already is FAILED_PRECONDITION.
func (db *DB) WithdrawConsent(ctx context.Context, name string, o WriteOptions) (*pb.Consent, error) {
	personID, id, err := parseConsentName(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Consent
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		p, err := tx.person(ctx, personID)
		if err != nil {
			return err
		}
		r, err := tx.consentAs(ctx, o.Shown, personID, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.c.Etag, "etag"); err != nil {
			return err
		}
		if r.c.WithdrawTime != nil {
			return errorf(FailedPrecondition, "", "%s was withdrawn already, at %s", name,
				r.c.WithdrawTime.AsTime().Format("2006-01-02 15:04:05Z07:00"))
		}
		effects, err := tx.consentEffects(ctx, p.pk)
		if err != nil {
			return err
		}
		if err := tx.withdrawConsentPK(ctx, p.pk, r.pk); err != nil {
			return err
		}
		after, err := tx.consent(ctx, personID, id)
		if err != nil {
			return err
		}
		out = after.c
		return tx.touchConsent(ctx, p.pk, effects, r.assocPK)
	})
	return out, err
}

// withdrawConsentPK withdraws the consent consentPK of the person personPK
// and records the revision; the triggers restrict the person if it was
// their last basis.
func (tx *Tx) withdrawConsentPK(ctx context.Context, personPK, consentPK int64) error {
	before, err := scanConsent(tx.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM `+consentFrom+` WHERE c.pk = ?`, consentPK))
	if err != nil {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE consents SET withdraw_time = ?, update_time = ?, revision = revision + 1
		WHERE pk = ? AND withdraw_time IS NULL`, micros(tx.now), micros(tx.now), consentPK); err != nil {
		return dbError(err)
	}
	after, err := scanConsent(tx.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM `+consentFrom+` WHERE c.pk = ?`, consentPK))
	if err != nil {
		return dbError(err)
	}
	return tx.recordRevision(ctx, personPK, before.c.Name, before.c, after.c)
}

// PersonRestricted reports whether the person people/{person} is
// restricted; a name of nobody is not.
func (db *DB) PersonRestricted(ctx context.Context, name string) (bool, error) {
	id, err := PersonID(name, "name")
	if err != nil {
		return false, nil
	}
	var restricted bool
	err = db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT restricted != 0 FROM people WHERE id = ?`, id).Scan(&restricted)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return dbError(err)
	})
	return restricted, err
}

// RestrictedPeople reports which of the people names are restricted.
func (db *DB) RestrictedPeople(ctx context.Context, names []string) (map[string]bool, error) {
	out := map[string]bool{}
	var ids []any
	for _, n := range names {
		if id, err := PersonID(n, "name"); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM people WHERE restricted != 0 AND id IN (`+placeholders(len(ids))+`)`, ids...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return dbError(err)
			}
			out["people/"+id] = true
		}
		return dbError(rows.Err())
	})
	return out, err
}

// MemberRestricted reports whether the member of the membership name is
// restricted; a name of no membership is not.
func (db *DB) MemberRestricted(ctx context.Context, name string) (bool, error) {
	assocID, id, err := parseMembershipName(name, "name")
	if err != nil {
		return false, nil
	}
	return db.holderRestricted(ctx, `SELECT p.restricted != 0 FROM memberships m
		JOIN associations a ON a.pk = m.association_pk JOIN people p ON p.pk = m.person_pk
		WHERE a.id = ? AND m.id = ?`, assocID, id)
}

// NominationRestricted reports whether the person of the nomination name
// is restricted; a name of no nomination is not.
func (db *DB) NominationRestricted(ctx context.Context, name string) (bool, error) {
	var campaignID, id string
	if !names.Scan(name, names.Nomination, &campaignID, &id) {
		return false, nil
	}
	return db.holderRestricted(ctx, `SELECT p.restricted != 0 FROM `+nominationFrom+`
		WHERE c.id = ? AND n.id = ?`, campaignID, id)
}

// PoolMemberRestricted reports whether the person of the expert pool's
// member name is restricted; a name of no member is not.
func (db *DB) PoolMemberRestricted(ctx context.Context, name string) (bool, error) {
	var assocID, poolID, id string
	if !names.Scan(name, names.PoolMember, &assocID, &poolID, &id) {
		return false, nil
	}
	return db.holderRestricted(ctx, `SELECT p.restricted != 0 FROM `+memberFrom+`
		WHERE a.id = ? AND ep.id = ? AND m.id = ?`, assocID, poolID, id)
}

// EngagementRestricted reports whether the expert of the engagement name
// is restricted; a name of no engagement is not.
func (db *DB) EngagementRestricted(ctx context.Context, name string) (bool, error) {
	var assocID, poolID, id string
	if !names.Scan(name, names.Engagement, &assocID, &poolID, &id) {
		return false, nil
	}
	return db.holderRestricted(ctx, `SELECT p.restricted != 0 FROM `+engagementFrom+`
		WHERE a.id = ? AND ep.id = ? AND e.id = ?`, assocID, poolID, id)
}

// holderRestricted runs query, which selects whether the person of one
// row is restricted; no row is not.
func (db *DB) holderRestricted(ctx context.Context, query string, args ...any) (bool, error) {
	var restricted bool
	err := db.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, query, args...).Scan(&restricted)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return dbError(err)
	})
	return restricted, err
}

// ContactWithheld reports which of the people names may not be contacted:
// their CONTACT consent is absent or withdrawn and no public duty covers it
// (people.contact_allowed, 0015_contact.sql).
func (db *DB) ContactWithheld(ctx context.Context, names []string) (map[string]bool, error) {
	out := map[string]bool{}
	var ids []any
	for _, n := range names {
		if id, err := PersonID(n, "name"); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM people WHERE contact_allowed = 0 AND id IN (`+placeholders(len(ids))+`)`, ids...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return dbError(err)
			}
			out["people/"+id] = true
		}
		return dbError(rows.Err())
	})
	return out, err
}
