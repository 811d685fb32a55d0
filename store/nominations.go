package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// Nominations to a campaign (campaigns.go): made, reviewed, selected
// within the quota, and the honour a selection puts on the profile.

const nominationColumns = `n.pk, n.id, c.id, p.id, n.nominator, n.reason, n.state, n.honor, n.create_time, n.update_time, n.revision`

const nominationFrom = `nominations n JOIN honor_campaigns c ON c.pk = n.campaign_pk JOIN people p ON p.pk = n.person_pk`

type nominationRow struct {
	pk, personPK, revision int64
	n                      *pb.Nomination
}

func scanNomination(s scanner, extra ...any) (*nominationRow, error) {
	var r nominationRow
	var n pb.Nomination
	var id, campaignID, personID string
	var state int32
	var createTime, updateTime int64
	dest := []any{&r.pk, &id, &campaignID, &personID, &n.Nominator, &n.Reason, &state, &n.Honor, &createTime, &updateTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	n.Person, n.State = "people/"+personID, pb.Nomination_State(state)
	name := "honorCampaigns/" + campaignID + "/nominations/" + id
	setResourceMeta(&n, name, createTime, updateTime, etag(name, r.revision))
	r.n = &n
	return &r, nil
}

func (tx *Tx) nomination(ctx context.Context, name, field string) (*nominationRow, error) {
	var campaignID, id string
	if !names.Scan(name, names.Nomination, &campaignID, &id) {
		return nil, errorf(Invalid, field, "want honorCampaigns/{honor_campaign}/nominations/{nomination}, not %q", name)
	}
	r, err := scanNomination(tx.QueryRowContext(ctx, `SELECT `+nominationColumns+` FROM `+nominationFrom+`
		WHERE c.id = ? AND n.id = ?`, campaignID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	if err != nil {
		return nil, dbError(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT person_pk FROM nominations WHERE pk = ?`, r.pk).Scan(&r.personPK); err != nil {
		return nil, dbError(err)
	}
	return r, tx.attachDecisions(ctx, r)
}

func (tx *Tx) attachDecisions(ctx context.Context, rs ...*nominationRow) error {
	for _, r := range rs {
		rows, err := tx.QueryContext(ctx, `SELECT state, note, decider, decide_time FROM nomination_decisions
			WHERE nomination_pk = ? ORDER BY pk`, r.pk)
		if err != nil {
			return dbError(err)
		}
		for rows.Next() {
			var d pb.NominationDecision
			var state int32
			var at int64
			if err := rows.Scan(&state, &d.Note, &d.Decider, &at); err != nil {
				rows.Close()
				return dbError(err)
			}
			d.State, d.DecideTime = pb.Nomination_State(state), timestamppb.New(fromMicros(at))
			r.n.Decisions = append(r.n.Decisions, &d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
	}
	return nil
}

func (db *DB) CreateNomination(ctx context.Context, parent string, n *pb.Nomination, o CreateOptions) (*pb.Nomination, error) {
	var out *pb.Nomination
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.Nomination)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		c, err := tx.campaign(ctx, parent, "parent")
		if err != nil {
			return err
		}
		if c.handedOver {
			return errHandedOver(parent)
		}
		d := c.c.NominationDeadline
		if today(tx.now) > ymd(d.Year, d.Month, d.Day) {
			return errorf(FailedPrecondition, "parent", "%s closed for nominations on %04d-%02d-%02d", parent, d.Year, d.Month, d.Day)
		}
		personID, err := PersonID(n.Person, "nomination.person")
		if err != nil {
			return err
		}
		person, err := tx.livePerson(ctx, personID)
		if err != nil {
			return missingReference(err, "nomination.person")
		}
		n.Nominator, n.Reason = normText(n.Nominator), normProse(n.Reason)
		var v Invalids
		checkControl(&v, "nomination.", map[string]string{"nominator": n.Nominator})
		if err := v.err(); err != nil {
			return err
		}
		if dup, err := tx.exists(ctx, `SELECT 1 FROM nominations WHERE campaign_pk = ? AND person_pk = ?`, c.pk, person.pk); err != nil {
			return err
		} else if dup {
			return errorf(AlreadyExists, "nomination.person", "%s is nominated in %s already", n.Person, parent)
		}
		id := o.ID
		if id == "" {
			id = newID()
		} else if !validID(id) {
			return errorf(Invalid, "nomination_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
		} else if taken, err := tx.exists(ctx, `SELECT 1 FROM nominations WHERE campaign_pk = ? AND id = ?`, c.pk, id); err != nil {
			return err
		} else if taken {
			return errorf(AlreadyExists, "nomination_id", "%s/nominations/%s already exists", parent, id)
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO nominations (id, campaign_pk, person_pk, nominator, reason, state, create_time, update_time)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, c.pk, person.pk, n.Nominator, n.Reason, int32(pb.Nomination_SUBMITTED), now, now); err != nil {
			return dbError(err)
		}
		name := parent + "/nominations/" + id
		tx.auditResource(name)
		tx.auditResource(n.Person)
		r, err := tx.nomination(ctx, name, "")
		if err != nil {
			return err
		}
		out = r.n
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

func (db *DB) GetNomination(ctx context.Context, name string) (*pb.Nomination, error) {
	var out *pb.Nomination
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.nomination(ctx, name, "name")
		if err == nil {
			out = r.n
		}
		return err
	})
	return out, err
}

func nominationSchema(ranks) filter.Schema {
	return filter.Schema{
		"state":  {Type: filter.Enum, SQL: "n.state", Enum: enumValues(pb.Nomination_State(0).Descriptor())},
		"person": str("'people/' || p.id"),
	}
}

// ListNominations lists a campaign's nominations; readsRestricted says the
// caller reads restricted profiles (an admin): a campaign handed to an
// administrator is listed to it alone, and whole, as what it holds is
// restricted people's nominations left for it to resolve.
func (db *DB) ListNominations(ctx context.Context, parent string, q ListQuery, readsRestricted bool) ([]*pb.Nomination, Page, error) {
	var out []*pb.Nomination
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		c, err := tx.campaign(ctx, parent, "parent")
		if err != nil {
			return err
		}
		if err := c.visibleTo(readsRestricted); err != nil {
			return err
		}
		l, err := simpleListing(q, "nominations", parent, nominationFrom, nominationColumns, "n")
		if err != nil {
			return err
		}
		l.where, l.args = []string{"n.campaign_pk = ?", personListed}, []any{c.pk}
		if c.handedOver {
			l.where[1] = "p.delete_time IS NULL"
		}
		if err := tx.addFilter(ctx, &l, q.Filter, nominationSchema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanNomination)
		if err != nil {
			return err
		}
		if err := tx.attachDecisions(ctx, rows...); err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, r.n)
		}
		page = p
		return nil
	})
	return out, page, err
}

// nominationMoves are the allowed transitions, by the state they leave.
var nominationMoves = map[pb.Nomination_State][]pb.Nomination_State{
	pb.Nomination_SUBMITTED:   {pb.Nomination_SHORTLISTED, pb.Nomination_REJECTED},
	pb.Nomination_SHORTLISTED: {pb.Nomination_SELECTED, pb.Nomination_REJECTED},
}

// moveNomination records a decision taking the nomination name to state,
// refusing any move the life cycle does not allow; then runs after.
func (db *DB) moveNomination(ctx context.Context, name string, to pb.Nomination_State, note, etagWant string, audit *AuditEvent,
	after func(tx *Tx, r *nominationRow) error) (*pb.Nomination, error) {
	var out *pb.Nomination
	err := db.write(ctx, false, audit, func(tx *Tx) error {
		r, err := tx.nomination(ctx, name, "name")
		if err != nil {
			return err
		}
		if err := checkEtag(etagWant, r.n.Etag, "etag"); err != nil {
			return err
		}
		campaignName := names.Ancestor(name, names.HonorCampaign)
		if c, err := tx.campaign(ctx, campaignName, ""); err != nil {
			return err
		} else if c.handedOver {
			return errHandedOver(campaignName)
		}
		allowed := nominationMoves[r.n.State]
		ok := false
		var names []string
		for _, s := range allowed {
			ok = ok || s == to
			names = append(names, s.String())
		}
		if !ok {
			next := "none: it is final"
			if len(names) > 0 {
				next = strings.Join(names, " or ")
			}
			return errorf(FailedPrecondition, "", "%s is %s and cannot become %s; it can become %s", name, r.n.State, to, next)
		}
		if after != nil {
			if err := after(tx, r); err != nil {
				return err
			}
		}
		decider, _ := tx.principal()
		if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_decisions (nomination_pk, state, note, decider, decide_time)
			VALUES (?, ?, ?, ?, ?)`, r.pk, int32(to), normProse(note), decider, micros(tx.now)); err != nil {
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET state = ?, honor = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			int32(to), r.n.Honor, micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		r, err = tx.nomination(ctx, name, "")
		if err == nil {
			out = r.n
		}
		return err
	})
	return out, err
}

// ReviewNomination shortlists or rejects a nomination; a rejection needs
// a note.
func (db *DB) ReviewNomination(ctx context.Context, name string, to pb.Nomination_State, note, etag string, audit *AuditEvent) (*pb.Nomination, error) {
	switch {
	case to != pb.Nomination_SHORTLISTED && to != pb.Nomination_REJECTED:
		return nil, errorf(Invalid, "decision", "must be SHORTLISTED or REJECTED; select with SelectNomination")
	case to == pb.Nomination_REJECTED && normProse(note) == "":
		return nil, errorf(Invalid, "note", "required to reject: say why")
	}
	return db.moveNomination(ctx, name, to, note, etag, audit, nil)
}

// SelectNomination selects a shortlisted nomination within the campaign's
// quota and puts the honour on the person's profile, in one transaction.
// readsRestricted says the caller reads restricted profiles (quotaCounts).
func (db *DB) SelectNomination(ctx context.Context, name, decisionNumber, etag string, readsRestricted bool, audit *AuditEvent) (*pb.Nomination, error) {
	decisionNumber = normText(decisionNumber)
	if decisionNumber == "" {
		return nil, errorf(Invalid, "decision_number", "required: the number of the decision that confers the honour")
	}
	return db.moveNomination(ctx, name, pb.Nomination_SELECTED, decisionNumber, etag, audit, func(tx *Tx, r *nominationRow) error {
		campaignName := names.Ancestor(name, names.HonorCampaign)
		c, err := tx.campaign(ctx, campaignName, "")
		if err != nil {
			return err
		}
		if c.quotaCounts(readsRestricted) >= c.c.Quota {
			return errorf(FailedPrecondition, "", "%s has selected its quota of %d already", campaignName, c.c.Quota)
		}
		// What stands in the way is the state of things, not the request.
		if c.c.Year > tx.thisYear() {
			return errorf(FailedPrecondition, "", "%s is of %d, a year still ahead: its honours are conferred from 1 January %d", campaignName, c.c.Year, c.c.Year)
		}
		person, err := tx.person(ctx, strings.TrimPrefix(r.n.Person, "people/"))
		if err != nil {
			return err
		}
		if person.deleted {
			return errorf(FailedPrecondition, "", "%s is deleted; undelete the person before selecting their nomination", r.n.Person)
		}
		h, err := honorKind.createTx(ctx, tx, person, "", &pb.Honor{Title: c.c.DisplayName, Kind: c.c.Kind, Year: c.c.Year,
			Issuer: c.c.Issuer, DecisionNumber: decisionNumber})
		if err != nil {
			return fmt.Errorf("store: the honour of %s: %w", name, err)
		}
		r.n.Honor = h.Name
		return nil
	})
}
