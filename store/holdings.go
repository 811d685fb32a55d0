package store

import (
	"context"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a person holds that not every caller may read: their memberships
// (no unit's caller, no internal service reads them) and their consents
// (nor does home_affairs). A change of them alone bumps the person's
// revision, for those who read them, but tells the others nothing: the
// person's etag and update_time as they see them stay, the person's
// change in their feed is left out, and a unit's review does not turn
// CHANGED (migration 0048). A key limited to an association reads the
// memberships of its associations alone, and the consents that came with
// them or with no registration: the changes of another's are hidden from
// it so (migration 0049).

// Shown is how much of what a person holds a caller reads beside the
// profile proper. The zero value, ShownAll, reads all of it.
type Shown struct {
	level shownLevel
	// scope, for shownAssociation, is the association
	// (associations/{association}) whose memberships, and those of the
	// associations under it, the caller reads.
	scope string
}

type shownLevel int

const (
	shownAll shownLevel = iota
	shownMemberships
	shownProfile
	shownAssociation
)

var (
	// ShownAll reads memberships and consents (admins, registrars).
	ShownAll = Shown{}
	// ShownMemberships reads memberships, not consents (home_affairs).
	ShownMemberships = Shown{level: shownMemberships}
	// ShownProfile reads neither (a unit's callers, internal services).
	ShownProfile = Shown{level: shownProfile}
)

// ShownAssociation is what a key limited to the association scope
// (associations/{association}) reads: the memberships of the associations
// in its scope, not another's, and the consents that came with them or
// with no registration (consentShownSQL).
func ShownAssociation(scope string) Shown {
	return Shown{level: shownAssociation, scope: scope}
}

// hiddenColumns are the counter, last revision and time columns of the
// changes s does not see (all "" for ShownAll; for ShownAssociation, of
// the changes of memberships, or their consents, alone, of which it sees
// some).
func (s Shown) hiddenColumns() (count, last, at string) {
	switch s.level {
	case shownMemberships:
		return "consents_hidden", "consents_last", "consents_time"
	case shownProfile:
		return "holdings_hidden", "holdings_last", "holdings_time"
	case shownAssociation:
		return "members_hidden", "members_last", "members_time"
	}
	return "", "", ""
}

// marker is the mark the feed's row of a person bears when the change is
// one s does not see ("" for ShownAll; for ShownAssociation, one it may
// not see, as ~a{association_pk} marks tell).
func (s Shown) marker() string {
	switch s.level {
	case shownMemberships:
		return ",~consents,"
	case shownProfile:
		return ",~holdings,"
	case shownAssociation:
		return ",~members,"
	}
	return ""
}

// hiddenChangeSQL is the condition that the change c (an alias of
// changes) is one of a person that s does not see: their memberships or
// consents alone changed. "0" for ShownAll. For ShownAssociation, see
// Tx.hiddenChanges.
func hiddenChangeSQL(s Shown, c string) string {
	m := s.marker()
	if m == "" {
		return "0"
	}
	return "(" + c + ".type = 1 AND " + c + ".kind = 2 AND instr(" + c + ".fields, '" + m + "') > 0)"
}

// hiddenChanges is hiddenChangeSQL for any s: to a key limited to an
// association, a change of memberships (or their consents) alone is
// hidden unless it was of one in its scope.
func (tx *Tx) hiddenChanges(ctx context.Context, s Shown, c string) (string, error) {
	if s.level != shownAssociation {
		return hiddenChangeSQL(s, c), nil
	}
	assocs, err := tx.scopeAssociations(ctx, s.scope)
	if err != nil {
		return "", err
	}
	seen := []string{"0"}
	for _, pk := range assocs {
		seen = append(seen, "instr("+c+".fields, ',~a"+strconv.FormatInt(pk, 10)+",') > 0")
	}
	return "(" + hiddenChangeSQL(s, c) + " AND NOT (" + strings.Join(seen, " OR ") + "))", nil
}

// consentEffects is what a person's consents decide of the profile every
// reader sees: whether it is restricted, and whether it shows contact
// details. A change of consents that changes them is a change of the
// profile.
func (tx *Tx) consentEffects(ctx context.Context, personPK int64) (string, error) {
	var restricted, contact bool
	err := tx.QueryRowContext(ctx, `SELECT restricted != 0, contact_allowed != 0 FROM people WHERE pk = ?`, personPK).Scan(&restricted, &contact)
	if err != nil {
		return "", dbError(err)
	}
	return strings.Join([]string{boolText(restricted), boolText(contact)}, ","), nil
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// touchHolding marks a person changed by a change of their memberships
// in the association assocPK (a registration, a change of state or notes)
// or, assocPK 0, of their consents alone, effects being consentEffects
// from before it: when the change moved those, the profile changed for
// everyone (touchPerson). Otherwise the revision moves for those who read
// what changed, and the counters of the others keep their etag and
// update_time (Tx.shownSQL).
func (tx *Tx) touchHolding(ctx context.Context, personPK int64, effects string, assocPK int64) error {
	return tx.touchHidden(ctx, personPK, effects, assocPK, assocPK == 0)
}

// touchConsent is touchHolding for a change of a consent alone that came
// with a registration with the association assocPK (0 for none): it is
// hidden from those who read no consents, and, as a change of that
// registration, from keys limited to another association.
func (tx *Tx) touchConsent(ctx context.Context, personPK int64, effects string, assocPK int64) error {
	return tx.touchHidden(ctx, personPK, effects, assocPK, true)
}

// touchHidden is touchHolding and touchConsent: consents says whether
// the change is of consents, assocPK whether it is of the association's
// (0 for none).
func (tx *Tx) touchHidden(ctx context.Context, personPK int64, effects string, assocPK int64, consents bool) error {
	now, err := tx.consentEffects(ctx, personPK)
	if err != nil {
		return err
	}
	if now != effects {
		return tx.touchPerson(ctx, personPK)
	}
	levels := []Shown{ShownProfile}
	if consents {
		levels = append(levels, ShownMemberships)
	}
	if assocPK != 0 {
		levels = append(levels, ShownAssociation(""))
	}
	var sets []string
	for _, s := range levels {
		count, last, at := s.hiddenColumns()
		// The time from before the run of hidden revisions this one
		// joins, or starts (the newest revision was a shown one).
		sets = append(sets, at+" = CASE WHEN "+last+" = revision THEN "+at+" ELSE update_time END",
			last+" = revision + 1", count+" = "+count+" + 1")
	}
	_, err = tx.ExecContext(ctx, `UPDATE people SET `+strings.Join(sets, ", ")+`, update_time = ?, revision = revision + 1 WHERE pk = ?`,
		micros(tx.now), personPK)
	if err != nil || assocPK == 0 {
		return dbError(err)
	}
	// Which association's memberships changed: keys limited to one see
	// the changes of theirs alone.
	if _, err := tx.ExecContext(ctx, `INSERT INTO association_holdings (person_pk, association_pk, changes, last_time) VALUES (?, ?, 1, ?)
		ON CONFLICT (person_pk, association_pk) DO UPDATE SET changes = changes + 1, last_time = excluded.last_time`, personPK, assocPK, micros(tx.now)); err != nil {
		return dbError(err)
	}
	mark := "~a" + strconv.FormatInt(assocPK, 10) + ","
	_, err = tx.ExecContext(ctx, `UPDATE changes SET fields = fields || ?1
		WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = ?2))
		AND instr(fields, ',~members,') > 0 AND instr(fields, ',' || ?1) = 0`, mark, personPK)
	return dbError(err)
}

// shownSQL are the SQL expressions of the revision and update time of the
// person p as s sees them.
func (tx *Tx) shownSQL(ctx context.Context, s Shown) (revision, updateTime string, err error) {
	count, last, at := s.hiddenColumns()
	switch {
	case count == "":
		return "p.revision", "p.update_time", nil
	case s.level == shownAssociation:
		// Of the changes of memberships alone, those of its associations
		// are changes it sees.
		assocs, err := tx.scopeAssociations(ctx, s.scope)
		if err != nil {
			return "", "", err
		}
		own := func(agg string) string {
			return "COALESCE((SELECT " + agg + " FROM association_holdings h WHERE h.person_pk = p.pk AND " +
				inAssociationsSQL("h.association_pk", assocs) + "), 0)"
		}
		return "p.revision - p.members_hidden + " + own("SUM(h.changes)"),
			"CASE WHEN p.members_last = p.revision THEN MAX(p.members_time, " + own("MAX(h.last_time)") + ") ELSE p.update_time END", nil
	}
	return "p.revision - p." + count, "CASE WHEN p." + last + " = p.revision THEN p." + at + " ELSE p.update_time END", nil
}

// showPeople sets, in place, the etag and update time of each of people,
// as read in tx, to those a caller that reads s of what they hold sees.
// It reads in the transaction that read them, so that both are of the
// revision the profile is; nothing for ShownAll.
func (tx *Tx) showPeople(ctx context.Context, s Shown, people ...*pb.Person) error {
	if s == ShownAll || len(people) == 0 {
		return nil
	}
	byID := make(map[string][]*pb.Person, len(people))
	ids := make([]any, 0, len(people))
	for _, p := range people {
		id := strings.TrimPrefix(p.GetName(), "people/")
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], p)
	}
	revision, updateTime, err := tx.shownSQL(ctx, s)
	if err != nil {
		return err
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		rows, err := tx.QueryContext(ctx, `SELECT p.id, `+revision+`, `+updateTime+` FROM people p WHERE p.id IN (`+placeholders(len(part))+`)`, part...)
		if err != nil {
			return dbError(err)
		}
		for rows.Next() {
			var id string
			var rev, at int64
			if err := rows.Scan(&id, &rev, &at); err != nil {
				rows.Close()
				return dbError(err)
			}
			for _, p := range byID[id] {
				p.Etag, p.UpdateTime = etag(id, rev), timestamppb.New(fromMicros(at))
			}
		}
		if err := rows.Close(); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// shownEtag is the etag of the person personPK as s sees it.
func (tx *Tx) shownEtag(ctx context.Context, personPK int64, s Shown) (string, error) {
	revision, _, err := tx.shownSQL(ctx, s)
	if err != nil {
		return "", err
	}
	var id string
	var rev int64
	if err := tx.QueryRowContext(ctx, `SELECT p.id, `+revision+` FROM people p WHERE p.pk = ?`, personPK).Scan(&id, &rev); err != nil {
		return "", dbError(err)
	}
	return etag(id, rev), nil
}
