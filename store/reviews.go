package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Unit reviews (rà soát, issue 21): a campaign fixes, when it opens, the
// profiles each of its units must confirm or correct: the people who then
// hold a current position at the unit or an organization under it. A
// review is CONFIRMED once confirmed, CHANGED once anything of the profile
// changed during the campaign (read from the change feed, after the
// campaign's start and up to its close), PENDING otherwise.

const reviewCampaignColumns = `c.pk, c.id, c.display_name, c.deadline, c.state, c.start_seq, c.close_time,
	c.create_time, c.update_time, c.revision`

type reviewCampaignRow struct {
	pk, revision int64
	c            *pb.ReviewCampaign
}

func (tx *Tx) scanReviewCampaign(s scanner, extra ...any) (*reviewCampaignRow, error) {
	var r reviewCampaignRow
	var c pb.ReviewCampaign
	var id string
	var state int32
	var deadline, start, createTime, updateTime int64
	var closeTime sql.NullInt64
	dest := []any{&r.pk, &id, &c.DisplayName, &deadline, &state, &start, &closeTime, &createTime, &updateTime, &r.revision}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Deadline, c.State, c.StartCursor = dateOf(deadline), pb.ReviewCampaign_State(state), tx.db.EncodeCursor(start)
	if closeTime.Valid {
		c.CloseTime = timestamppb.New(fromMicros(closeTime.Int64))
	}
	name := "reviewCampaigns/" + id
	setResourceMeta(&c, name, createTime, updateTime, etag(name, r.revision))
	r.c = &c
	return &r, nil
}

// reviewChanged is the condition that the profile of review r changed
// during its campaign c. A change of the person's memberships or consents
// alone is none of the unit's, which may not read them (holdings.go).
var reviewChanged = `EXISTS (SELECT 1 FROM changes ch WHERE ch.person_pk = r.person_pk AND ch.seq > c.start_seq
	AND (c.end_seq IS NULL OR ch.seq <= c.end_seq) AND ch.type IN (1, 2, 3, 4) AND NOT ` + hiddenChangeSQL(ShownProfile, "ch") + `)`

// reviewState is review r's ProfileReview.State.
var reviewState = `(CASE WHEN ` + reviewChanged + ` THEN 3 WHEN r.confirm_time IS NOT NULL THEN 2 ELSE 1 END)`

// reviewCampaign reads a campaign, its units and their progress: for a
// caller limited to a unit (scope, "" for none), the progress of the units
// within its own only, so that it learns no counts of others.
func (tx *Tx) reviewCampaign(ctx context.Context, name, field, scope string) (*reviewCampaignRow, error) {
	var id string
	if !names.Scan(name, names.ReviewCampaign, &id) {
		return nil, errorf(Invalid, field, "want reviewCampaigns/{review_campaign}, not %q", name)
	}
	r, err := tx.scanReviewCampaign(tx.QueryRowContext(ctx, `SELECT `+reviewCampaignColumns+` FROM review_campaigns c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	if err != nil {
		return nil, dbError(err)
	}
	return r, tx.attachProgress(ctx, r, scope)
}

// attachProgress counts, as the list of reviews shows them, the reviews
// of people who are not restricted: a count with them would tell how many
// there are. A unit's caller counts, as its list has them, only those of
// the people in its scope now: one who has left would go on being told of
// (their profile changed elsewhere, their data restricted).
func (tx *Tx) attachProgress(ctx context.Context, r *reviewCampaignRow, scope string) error {
	var within map[int64]bool
	listed := personUnrestricted
	if strings.HasPrefix(scope, "organizations/") {
		orgs, err := tx.scopeOrganizations(ctx, scope)
		if err != nil {
			return err
		}
		within = map[int64]bool{}
		for _, pk := range orgs {
			within[pk] = true
		}
		listed += " AND " + inUnitSQL("r.person_pk", orgs, today(tx.now))
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.organization_pk, o.id,
			(SELECT COUNT(*) FROM profile_reviews r JOIN review_campaigns c ON c.pk = r.campaign_pk JOIN people p ON p.pk = r.person_pk
				WHERE r.campaign_pk = u.campaign_pk AND r.organization_pk = u.organization_pk AND `+listed+` AND `+reviewState+` = 1),
			(SELECT COUNT(*) FROM profile_reviews r JOIN review_campaigns c ON c.pk = r.campaign_pk JOIN people p ON p.pk = r.person_pk
				WHERE r.campaign_pk = u.campaign_pk AND r.organization_pk = u.organization_pk AND `+listed+` AND `+reviewState+` = 2),
			(SELECT COUNT(*) FROM profile_reviews r JOIN review_campaigns c ON c.pk = r.campaign_pk JOIN people p ON p.pk = r.person_pk
				WHERE r.campaign_pk = u.campaign_pk AND r.organization_pk = u.organization_pk AND `+listed+` AND `+reviewState+` = 3)
		FROM review_campaign_units u JOIN organizations o ON o.pk = u.organization_pk
		WHERE u.campaign_pk = ? ORDER BY u.ord`, r.pk)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pk int64
		var id string
		p := &pb.UnitProgress{}
		if err := rows.Scan(&pk, &id, &p.PendingCount, &p.ConfirmedCount, &p.ChangedCount); err != nil {
			return dbError(err)
		}
		r.c.Organizations = append(r.c.Organizations, "organizations/"+id)
		if within == nil || within[pk] {
			p.Organization = "organizations/" + id
			r.c.Progress = append(r.c.Progress, p)
		}
	}
	return dbError(rows.Err())
}

// changeHead is the sequence number of the feed's newest change.
func (tx *Tx) changeHead(ctx context.Context) (int64, error) {
	var head int64
	err := tx.QueryRowContext(ctx, `SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`).Scan(&head)
	return head, dbError(err)
}

func prepareReviewCampaign(c *pb.ReviewCampaign) (int64, error) {
	const f = "review_campaign."
	c.DisplayName = normText(c.DisplayName)
	var v Invalids
	checkControl(&v, f, map[string]string{"display_name": c.DisplayName})
	if c.DisplayName == "" {
		v.add(f+"display_name", "required: what the review is, e.g. \"Rà soát đội ngũ trí thức năm 2026\"")
	}
	var deadline int64
	if d := c.Deadline; d == nil || d.Month == 0 || d.Day == 0 {
		v.add(f+"deadline", "required: the last day profiles may be confirmed, a full date")
	} else {
		checkDate(&v, f+"deadline", d)
		deadline = ymd(d.Year, d.Month, d.Day)
	}
	return deadline, v.err()
}

// CreateReviewCampaign opens a campaign over c.Organizations and fixes its
// profile reviews.
func (db *DB) CreateReviewCampaign(ctx context.Context, c *pb.ReviewCampaign, o CreateOptions) (*pb.ReviewCampaign, error) {
	var out *pb.ReviewCampaign
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.ReviewCampaign)
			if found, err := tx.recall(ctx, o.Request, prev); err != nil || found {
				out = prev
				return err
			}
		}
		id := o.ID
		if id == "" {
			id = newID()
		} else if !names.ValidID(id) {
			return errorf(Invalid, "review_campaign_id", "want 1 to 63 lower-case letters, digits and hyphens")
		}
		if taken, err := tx.exists(ctx, `SELECT 1 FROM review_campaigns WHERE id = ?`, id); err != nil {
			return err
		} else if taken {
			return errorf(AlreadyExists, "review_campaign_id", "reviewCampaigns/%s already exists", id)
		}
		deadline, err := prepareReviewCampaign(c)
		var v Invalids
		if err != nil {
			v = append(v, err.(Invalids)...)
		}
		if len(c.Organizations) == 0 {
			v.add("review_campaign.organizations", "required: the units under review, organizations/{organization}")
		}
		var orgPKs []int64
		for i, name := range c.Organizations {
			field := fmt.Sprintf("review_campaign.organizations[%d]", i)
			org, err := tx.organizationByName(ctx, name, field)
			var se *Error
			switch {
			case errors.As(err, &se) && (se.Code == Invalid || se.Code == NotFound):
				v.add(field, "%s", se.Message)
				continue
			case err != nil:
				return err
			case slices.Contains(orgPKs, org.pk):
				v.add(field, "%s is given twice", name)
			}
			orgPKs = append(orgPKs, org.pk)
		}
		if err := v.err(); err != nil {
			return err
		}
		start, err := tx.changeHead(ctx)
		if err != nil {
			return err
		}
		now := micros(tx.now)
		res, err := tx.ExecContext(ctx, `INSERT INTO review_campaigns (id, display_name, deadline, state, start_seq, create_time, update_time)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, c.DisplayName, deadline, int32(pb.ReviewCampaign_OPEN), start, now, now)
		if err != nil {
			return dbError(err)
		}
		pk, _ := res.LastInsertId()
		for i, orgPK := range orgPKs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_campaign_units (campaign_pk, ord, organization_pk) VALUES (?, ?, ?)`,
				pk, i, orgPK); err != nil {
				return dbError(err)
			}
			under, err := tx.scopeOrganizations(ctx, c.Organizations[i])
			if err != nil {
				return err
			}
			// Someone of two units is reviewed by the first that names them.
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO profile_reviews (campaign_pk, person_pk, organization_pk, create_time, update_time)
				SELECT ?, p.pk, ?, ?, ? FROM people p WHERE `+personListed+` AND `+inUnitSQL("p.pk", under, today(tx.now)),
				pk, orgPK, now, now); err != nil {
				return dbError(err)
			}
		}
		tx.auditResource("reviewCampaigns/" + id)
		r, err := tx.reviewCampaign(ctx, "reviewCampaigns/"+id, "", "")
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

// GetReviewCampaign returns a campaign with its progress, as a caller
// limited to scope ("" for none) may see it.
func (db *DB) GetReviewCampaign(ctx context.Context, name, scope string) (*pb.ReviewCampaign, error) {
	var out *pb.ReviewCampaign
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.reviewCampaign(ctx, name, "name", scope)
		if err == nil {
			out = r.c
		}
		return err
	})
	return out, err
}

// ListReviewCampaigns lists campaigns, newest first.
func (db *DB) ListReviewCampaigns(ctx context.Context, q ListQuery) ([]*pb.ReviewCampaign, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{from: "review_campaigns c", columns: reviewCampaignColumns, size: size, token: q.PageToken,
		terms: []orderTerm{{sortKey: sortKey{expr: "c.pk", kind: kindInt}, desc: true}},
		query: queryChecksum("review_campaigns", q.Scope)}
	var out []*pb.ReviewCampaign
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		rows, p, err := list(ctx, tx, l, tx.scanReviewCampaign)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.attachProgress(ctx, r, q.Scope); err != nil {
				return err
			}
			out = append(out, r.c)
		}
		page = p
		return nil
	})
	return out, page, err
}

// UpdateReviewCampaign changes a campaign's display name or deadline.
func (db *DB) UpdateReviewCampaign(ctx context.Context, name string, o WriteOptions, apply func(*pb.ReviewCampaign) error) (*pb.ReviewCampaign, error) {
	var out *pb.ReviewCampaign
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.reviewCampaign(ctx, name, "review_campaign.name", "")
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.c.Etag, "review_campaign.etag"); err != nil {
			return err
		}
		units := slices.Clone(r.c.Organizations)
		before := proto.Clone(r.c)
		if err := apply(r.c); err != nil {
			return err
		}
		if !slices.Equal(units, r.c.Organizations) {
			return errorf(Invalid, "review_campaign.organizations", "is fixed when the campaign opens; open another campaign for other units")
		}
		deadline, err := prepareReviewCampaign(r.c)
		if err != nil {
			return err
		}
		if r.c.State == pb.ReviewCampaign_CLOSED {
			return errorf(FailedPrecondition, "review_campaign.name", "%s is closed", name)
		}
		if unchanged(before, r.c) {
			out = r.c
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_campaigns SET display_name = ?, deadline = ?, update_time = ?,
			revision = revision + 1 WHERE pk = ?`, r.c.DisplayName, deadline, micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		r, err = tx.reviewCampaign(ctx, name, "", "")
		if err == nil {
			out = r.c
		}
		return err
	})
	return out, err
}

// CloseReviewCampaign ends an OPEN campaign at the feed's head.
func (db *DB) CloseReviewCampaign(ctx context.Context, name, etag string, ev *AuditEvent) (*pb.ReviewCampaign, error) {
	var out *pb.ReviewCampaign
	err := db.write(ctx, false, ev, func(tx *Tx) error {
		r, err := tx.reviewCampaign(ctx, name, "name", "")
		if err != nil {
			return err
		}
		if err := checkEtag(etag, r.c.Etag, "etag"); err != nil {
			return err
		}
		if r.c.State != pb.ReviewCampaign_OPEN {
			return errorf(FailedPrecondition, "name", "%s is closed already", name)
		}
		head, err := tx.changeHead(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_campaigns SET state = ?, end_seq = ?, close_time = ?, update_time = ?,
			revision = revision + 1 WHERE pk = ?`, int32(pb.ReviewCampaign_CLOSED), head, micros(tx.now), micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		r, err = tx.reviewCampaign(ctx, name, "", "")
		if err == nil {
			out = r.c
		}
		return err
	})
	return out, err
}
