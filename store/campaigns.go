package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The yearly honours campaigns: nominations, review, selection within the
// quota, and the honour a selection puts on the profile (issue 17).

const campaignColumns = `c.pk, c.id, c.display_name, c.year, c.kind, c.quota, c.nomination_deadline, c.issuer,
	(SELECT COUNT(*) FROM nominations n WHERE n.campaign_pk = c.pk AND n.state = 4), c.create_time, c.update_time, c.revision,
	(SELECT COUNT(*) FROM nominations n JOIN people p ON p.pk = n.person_pk WHERE n.campaign_pk = c.pk AND n.state = 4 AND NOT (` + personUnrestricted + `))`

type campaignRow struct {
	pk, revision int64
	c            *pb.HonorCampaign
	// hiddenSelected counts the selected nominations of restricted
	// people: they fill the quota, but a caller who does not read
	// restricted profiles is not told of them (seenBy).
	hiddenSelected int32
}

// seenBy is the campaign as a caller sees it: one who does not read
// restricted profiles counts the selections it can list, as a count that
// differs from its listing would tell how many restricted people there are.
func (r *campaignRow) seenBy(readsRestricted bool) *pb.HonorCampaign {
	if readsRestricted || r.hiddenSelected == 0 {
		return r.c
	}
	c := proto.Clone(r.c).(*pb.HonorCampaign)
	c.SelectedCount -= r.hiddenSelected
	return c
}

// quotaCounts is how many selections the quota check counts for a caller:
// one who does not read restricted profiles counts those it sees, since a
// refusal over selections it cannot list would tell that they exist. Their
// selections may so take the total past the quota; an admin, who counts
// them all, sees selected_count above quota and resolves it.
func (r *campaignRow) quotaCounts(readsRestricted bool) int32 {
	return r.seenBy(readsRestricted).SelectedCount
}

func scanCampaign(s scanner, extra ...any) (*campaignRow, error) {
	var r campaignRow
	var c pb.HonorCampaign
	var id string
	var kind int32
	var deadline, createTime, updateTime int64
	dest := []any{&r.pk, &id, &c.DisplayName, &c.Year, &kind, &c.Quota, &deadline, &c.Issuer, &c.SelectedCount,
		&createTime, &updateTime, &r.revision, &r.hiddenSelected}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Kind, c.NominationDeadline = pb.Honor_Kind(kind), dateOf(deadline)
	setResourceMeta(&c, "honorCampaigns/"+id, createTime, updateTime, etag("honorCampaigns/"+id, r.revision))
	r.c = &c
	return &r, nil
}

func (tx *Tx) campaign(ctx context.Context, name, field string) (*campaignRow, error) {
	var id string
	if !names.Scan(name, names.HonorCampaign, &id) {
		return nil, errorf(Invalid, field, "want honorCampaigns/{honor_campaign}, not %q", name)
	}
	r, err := scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM honor_campaigns c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	return r, dbError(err)
}

func prepareCampaign(c *pb.HonorCampaign) ([]any, error) {
	const f = "honor_campaign."
	c.DisplayName, c.Issuer = normText(c.DisplayName), normText(c.Issuer)
	var v Invalids
	checkControl(&v, f, map[string]string{"display_name": c.DisplayName, "issuer": c.Issuer})
	if c.DisplayName == "" {
		v.add(f+"display_name", "required: the honour conferred")
	}
	if c.Year < 1900 || c.Year > 2200 {
		v.add(f+"year", "required: the campaign's year, from 1900")
	}
	if c.Quota < 1 {
		v.add(f+"quota", "required: how many may be selected, at least 1")
	}
	var deadline int64
	if d := c.NominationDeadline; d == nil || d.Month == 0 || d.Day == 0 {
		v.add(f+"nomination_deadline", "required: the last day nominations are accepted, a full date")
	} else {
		checkDate(&v, f+"nomination_deadline", d)
		deadline = ymd(d.Year, d.Month, d.Day)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return []any{c.DisplayName, c.Year, int32(c.Kind), c.Quota, deadline, c.Issuer}, nil
}

func (db *DB) CreateHonorCampaign(ctx context.Context, c *pb.HonorCampaign, o CreateOptions) (*pb.HonorCampaign, error) {
	var out *pb.HonorCampaign
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.HonorCampaign)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		id := o.ID
		if id == "" {
			id = newID()
		} else if !names.ValidID(id) {
			return errorf(Invalid, "honor_campaign_id", "want 1 to 63 lower-case letters, digits and hyphens")
		}
		if taken, err := tx.exists(ctx, `SELECT 1 FROM honor_campaigns WHERE id = ?`, id); err != nil {
			return err
		} else if taken {
			return errorf(AlreadyExists, "honor_campaign_id", "honorCampaigns/%s already exists", id)
		}
		vals, err := prepareCampaign(c)
		if err != nil {
			return err
		}
		now := micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO honor_campaigns (id, display_name, year, kind, quota, nomination_deadline, issuer,
			create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(append([]any{id}, vals...), now, now)...); err != nil {
			return dbError(err)
		}
		tx.auditResource("honorCampaigns/" + id)
		r, err := tx.campaign(ctx, "honorCampaigns/"+id, "")
		if err != nil {
			return err
		}
		out = r.c
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

// GetHonorCampaign reads a campaign; readsRestricted says the caller reads
// restricted profiles (an admin), and so their selections in its count.
func (db *DB) GetHonorCampaign(ctx context.Context, name string, readsRestricted bool) (*pb.HonorCampaign, error) {
	var out *pb.HonorCampaign
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.campaign(ctx, name, "name")
		if err == nil {
			out = r.seenBy(readsRestricted)
		}
		return err
	})
	return out, err
}

func campaignSchema(ranks) filter.Schema {
	return filter.Schema{
		"year": {Type: filter.Int, SQL: "c.year"},
		"kind": {Type: filter.Enum, SQL: "c.kind", Enum: enumValues(pb.Honor_Kind(0).Descriptor())},
	}
}

func (db *DB) ListHonorCampaigns(ctx context.Context, q ListQuery, readsRestricted bool) ([]*pb.HonorCampaign, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	terms := []orderTerm{{sortKey: sortKey{expr: "c.year", kind: kindInt}, desc: true}, {sortKey: sortKey{expr: "c.pk", kind: kindInt}}}
	l := listing{from: "honor_campaigns c", columns: campaignColumns, terms: terms, size: size, token: q.PageToken,
		query: queryChecksum("honor_campaigns", q.Filter)}
	var out []*pb.HonorCampaign
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if err := tx.addFilter(ctx, &l, q.Filter, campaignSchema); err != nil {
			return err
		}
		rows, p, err := list(ctx, tx, l, scanCampaign)
		for _, r := range rows {
			out = append(out, r.seenBy(readsRestricted))
		}
		page = p
		return err
	})
	return out, page, err
}

func (db *DB) UpdateHonorCampaign(ctx context.Context, name string, o WriteOptions, apply func(*pb.HonorCampaign) error) (*pb.HonorCampaign, error) {
	var out *pb.HonorCampaign
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.campaign(ctx, name, "honor_campaign.name")
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.c.Etag, "honor_campaign.etag"); err != nil {
			return err
		}
		before := proto.Clone(r.c)
		if err := apply(r.c); err != nil {
			return err
		}
		if unchanged(before, r.c) {
			out = r.seenBy(o.ReadsRestricted)
			return nil
		}
		vals, err := prepareCampaign(r.c)
		if err != nil {
			return err
		}
		// The quota may not be lowered below the selections the caller
		// sees; one who does not see restricted people's may lower it
		// below the total (quotaCounts), and only a lowering is checked, so
		// that a campaign already over its quota can still be edited.
		if seen := r.quotaCounts(o.ReadsRestricted); r.c.Quota < before.(*pb.HonorCampaign).Quota && r.c.Quota < seen {
			return errorf(FailedPrecondition, "honor_campaign.quota", "%d are selected already; the quota cannot go below that", seen)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE honor_campaigns SET display_name = ?, year = ?, kind = ?, quota = ?,
			nomination_deadline = ?, issuer = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			append(vals, micros(tx.now), r.pk)...); err != nil {
			return dbError(err)
		}
		r, err = tx.campaign(ctx, name, "")
		if err == nil {
			out = r.seenBy(o.ReadsRestricted)
		}
		return err
	})
	return out, err
}

// DeleteHonorCampaign deletes a campaign; one with nominations only with
// force, which deletes them and their decisions too. A campaign that
// selected anyone is never deleted: its selected nominations are the
// record of the honours it put on profiles (honorConferred keeps those
// honours while a nomination names them), and deleting them would leave
// the honours without it.
func (db *DB) DeleteHonorCampaign(ctx context.Context, name string, force bool, o WriteOptions) error {
	return db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.campaign(ctx, name, "name")
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.c.Etag, "etag"); err != nil {
			return err
		}
		if r.c.SelectedCount > 0 {
			// No count: it may hold restricted people's (seenBy).
			return errorf(FailedPrecondition, "", "%s has selected nominations and conferred their honours on profiles; it stays as their record and cannot be deleted (correct its details with an update instead)",
				name)
		}
		rows, err := tx.QueryContext(ctx, `SELECT n.id, p.id, p.restricted != 0 FROM nominations n JOIN people p ON p.pk = n.person_pk
			WHERE n.campaign_pk = ? ORDER BY n.pk`, r.pk)
		if err != nil {
			return dbError(err)
		}
		var nominations, people []string
		restricted := 0
		for rows.Next() {
			var id, personID string
			var unseen bool
			if err := rows.Scan(&id, &personID, &unseen); err != nil {
				rows.Close()
				return dbError(err)
			}
			nominations, people = append(nominations, name+"/nominations/"+id), append(people, "people/"+personID)
			if unseen {
				restricted++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		if len(nominations) > 0 && !force {
			// No count: one that differs from the list's would tell a
			// registrar that someone restricted was nominated.
			return errorf(FailedPrecondition, "force", "%s has nominations; set force to delete them with it", name)
		}
		if restricted > 0 && !o.ReadsRestricted {
			return errHoldsRestricted(name, "nominations")
		}
		// The audit says whose nominations went with the campaign.
		for i := range nominations {
			tx.auditResource(nominations[i])
			tx.auditResource(people[i])
		}
		for _, q := range []string{
			`DELETE FROM nomination_decisions WHERE nomination_pk IN (SELECT pk FROM nominations WHERE campaign_pk = ?)`,
			`DELETE FROM nominations WHERE campaign_pk = ?`, `DELETE FROM honor_campaigns WHERE pk = ?`} {
			if _, err := tx.ExecContext(ctx, q, r.pk); err != nil {
				return dbError(err)
			}
		}
		return nil
	})
}

// Nominations.

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

func (db *DB) ListNominations(ctx context.Context, parent string, q ListQuery) ([]*pb.Nomination, Page, error) {
	var out []*pb.Nomination
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		c, err := tx.campaign(ctx, parent, "parent")
		if err != nil {
			return err
		}
		l, err := simpleListing(q, "nominations", parent, nominationFrom, nominationColumns, "n")
		if err != nil {
			return err
		}
		l.where, l.args = []string{"n.campaign_pk = ?", personListed}, []any{c.pk}
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
