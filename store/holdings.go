package store

import (
	"context"
	"strings"
	"time"
)

// What a person holds that not every caller may read: their memberships
// (no unit's caller, no internal service reads them) and their consents
// (nor does home_affairs). A change of them alone bumps the person's
// revision, for those who read them, but tells the others nothing: the
// person's etag and update_time as they see them stay, the person's
// change in their feed is left out, and a unit's review does not turn
// CHANGED (migration 0048).

// Shown is how much of what a person holds a caller reads beside the
// profile proper.
type Shown int

const (
	// ShownAll reads memberships and consents (admins, registrars).
	ShownAll Shown = iota
	// ShownMemberships reads memberships, not consents (home_affairs).
	ShownMemberships
	// ShownProfile reads neither (a unit's callers, internal services).
	ShownProfile
)

// hiddenColumns are the counter, last revision and time columns of the
// changes s does not see (all "" for ShownAll).
func (s Shown) hiddenColumns() (count, last, at string) {
	switch s {
	case ShownMemberships:
		return "consents_hidden", "consents_last", "consents_time"
	case ShownProfile:
		return "holdings_hidden", "holdings_last", "holdings_time"
	}
	return "", "", ""
}

// marker is the mark the feed's row of a person bears when the change is
// one s does not see ("" for ShownAll).
func (s Shown) marker() string {
	switch s {
	case ShownMemberships:
		return ",~consents,"
	case ShownProfile:
		return ",~holdings,"
	}
	return ""
}

// hiddenChangeSQL is the condition that the change c (an alias of
// changes) is one of a person that s does not see: their memberships or
// consents alone changed. "0" for ShownAll.
func hiddenChangeSQL(s Shown, c string) string {
	m := s.marker()
	if m == "" {
		return "0"
	}
	return "(" + c + ".type = 1 AND " + c + ".kind = 2 AND instr(" + c + ".fields, '" + m + "') > 0)"
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
// (consentsOnly false: a registration, a change of state or notes) or of
// their consents alone, effects being consentEffects from before it: when
// the change moved those, the profile changed for everyone (touchPerson).
// Otherwise the revision moves for those who read what changed, and the
// counters of the others keep their etag and update_time (PeopleShown).
func (tx *Tx) touchHolding(ctx context.Context, personPK int64, effects string, consentsOnly bool) error {
	now, err := tx.consentEffects(ctx, personPK)
	if err != nil {
		return err
	}
	if now != effects {
		return tx.touchPerson(ctx, personPK)
	}
	levels := []Shown{ShownProfile}
	if consentsOnly {
		levels = append(levels, ShownMemberships)
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
	return dbError(err)
}

// shownSQL are the SQL expressions of the revision and update time of the
// person p as s sees them.
func shownSQL(s Shown) (revision, updateTime string) {
	count, last, at := s.hiddenColumns()
	if count == "" {
		return "p.revision", "p.update_time"
	}
	return "p.revision - p." + count, "CASE WHEN p." + last + " = p.revision THEN p." + at + " ELSE p.update_time END"
}

// noRevision is a revision no person has: its etag matches none.
const noRevision = -1

// ShownMeta is a person's etag and update time as a caller sees them.
type ShownMeta struct {
	Etag       string
	UpdateTime time.Time
}

// PeopleShown returns the etag and update time of each of the people
// read (people/{id} → the etag of the answer that read them) as a caller
// that reads s of what they hold sees them; names of no one are left out.
//
// It reads after the answer did. A person written in between (their etag
// no longer the answer's) gets an etag of no revision, so that an update
// made with it is refused as stale, and the caller reads again: an etag
// newer than the profile it came with would let that update overwrite
// what the caller never saw.
func (db *DB) PeopleShown(ctx context.Context, read map[string]string, s Shown) (map[string]ShownMeta, error) {
	ids := make([]any, 0, len(read))
	for n := range read {
		if id, ok := strings.CutPrefix(n, "people/"); ok && id != "" && !strings.Contains(id, "/") {
			ids = append(ids, id)
		}
	}
	out := make(map[string]ShownMeta, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	revision, updateTime := shownSQL(s)
	err := db.read(ctx, func(tx *Tx) error {
		for start := 0; start < len(ids); start += 500 {
			part := ids[start:min(start+500, len(ids))]
			rows, err := tx.QueryContext(ctx, `SELECT p.id, p.revision, `+revision+`, `+updateTime+` FROM people p WHERE p.id IN (`+placeholders(len(part))+`)`, part...)
			if err != nil {
				return dbError(err)
			}
			for rows.Next() {
				var id string
				var now, rev, at int64
				if err := rows.Scan(&id, &now, &rev, &at); err != nil {
					rows.Close()
					return dbError(err)
				}
				if read["people/"+id] != etag(id, now) {
					rev = noRevision
				}
				out["people/"+id] = ShownMeta{Etag: etag(id, rev), UpdateTime: fromMicros(at)}
			}
			if err := rows.Close(); err != nil {
				return dbError(err)
			}
		}
		return nil
	})
	return out, err
}

// shownEtag is the etag of the person personPK as s sees it.
func (tx *Tx) shownEtag(ctx context.Context, personPK int64, s Shown) (string, error) {
	revision, _ := shownSQL(s)
	var id string
	var rev int64
	if err := tx.QueryRowContext(ctx, `SELECT p.id, `+revision+` FROM people p WHERE p.pk = ?`, personPK).Scan(&id, &rev); err != nil {
		return "", dbError(err)
	}
	return etag(id, rev), nil
}
