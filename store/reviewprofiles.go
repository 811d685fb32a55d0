package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The profile reviews of a campaign (reviews.go). A review's id is its
// person's, so that its name tells whose profile it is, and a scope check
// on the person holds for it.

var profileReviewColumns = `r.pk, c.id, p.id, o.id, r.confirm_time, r.confirmer, r.create_time, r.update_time, r.revision, ` +
	reviewState + `, (SELECT group_concat(DISTINCT ch.resource) FROM changes ch WHERE ch.person_pk = r.person_pk
		AND ch.seq > c.start_seq AND (c.end_seq IS NULL OR ch.seq <= c.end_seq) AND ch.type IN (1, 2, 3, 4)
		AND NOT ` + hiddenChangeSQL(ShownProfile, "ch") + `)`

const profileReviewFrom = `profile_reviews r JOIN review_campaigns c ON c.pk = r.campaign_pk
	JOIN people p ON p.pk = r.person_pk JOIN organizations o ON o.pk = r.organization_pk`

type profileReviewRow struct {
	pk, revision int64
	r            *pb.ProfileReview
}

func scanProfileReview(s scanner, extra ...any) (*profileReviewRow, error) {
	var row profileReviewRow
	var r pb.ProfileReview
	var campaignID, personID, orgID string
	var state int32
	var confirmTime sql.NullInt64
	var changed sql.NullString
	var createTime, updateTime int64
	dest := []any{&row.pk, &campaignID, &personID, &orgID, &confirmTime, &r.Confirmer, &createTime, &updateTime, &row.revision,
		&state, &changed}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.Person, r.Organization, r.State = "people/"+personID, "organizations/"+orgID, pb.ProfileReview_State(state)
	if confirmTime.Valid {
		r.ConfirmTime = timestamppb.New(fromMicros(confirmTime.Int64))
	}
	if changed.String != "" {
		r.ChangedResources = strings.Split(changed.String, ",")
		slices.Sort(r.ChangedResources)
	}
	name := "reviewCampaigns/" + campaignID + "/profileReviews/" + personID
	// The state changes with the profile, not only with the review's own
	// writes: the etag covers both.
	setResourceMeta(&r, name, createTime, updateTime, etag(fmt.Sprintf("%s#%d", name, state), row.revision))
	row.r = &r
	return &row, nil
}

func (tx *Tx) profileReview(ctx context.Context, name, field string) (*profileReviewRow, error) {
	var campaignID, personID string
	if !names.Scan(name, names.ProfileReview, &campaignID, &personID) {
		return nil, errorf(Invalid, field, "want reviewCampaigns/{review_campaign}/profileReviews/{profile_review}, not %q", name)
	}
	r, err := scanProfileReview(tx.QueryRowContext(ctx, `SELECT `+profileReviewColumns+` FROM `+profileReviewFrom+`
		WHERE c.id = ? AND p.id = ?`, campaignID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "%s does not exist", name)
	}
	return r, dbError(err)
}

// GetProfileReview returns a profile review.
func (db *DB) GetProfileReview(ctx context.Context, name string) (*pb.ProfileReview, error) {
	var out *pb.ProfileReview
	err := db.read(ctx, func(tx *Tx) error {
		r, err := tx.profileReview(ctx, name, "name")
		if err == nil {
			out = r.r
		}
		return err
	})
	return out, err
}

func profileReviewSchema(ranks) filter.Schema {
	return filter.Schema{
		"state":        {Type: filter.Enum, SQL: reviewState, Enum: enumValues(pb.ProfileReview_State(0).Descriptor())},
		"organization": {Type: filter.String, SQL: "('organizations/' || o.id)"},
	}
}

// ListProfileReviews lists a campaign's profile reviews; for a caller
// limited to a scope (q.Scope), those of the people in it only.
func (db *DB) ListProfileReviews(ctx context.Context, parent string, q ListQuery) ([]*pb.ProfileReview, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	var out []*pb.ProfileReview
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		c, err := tx.reviewCampaign(ctx, parent, "parent", q.Scope)
		if err != nil {
			return err
		}
		l := listing{from: profileReviewFrom, columns: profileReviewColumns, size: size, token: q.PageToken,
			// A restricted person is the admins' alone, as in every list.
			where: []string{"r.campaign_pk = ?", personUnrestricted}, args: []any{c.pk},
			terms: []orderTerm{{sortKey: sortKey{expr: "p.sort_key", kind: kindBlob}}, {sortKey: sortKey{expr: "r.pk", kind: kindInt}}},
			query: queryChecksum("profile_reviews", parent, q.Filter, q.Scope)}
		if err := tx.addFilter(ctx, &l, q.Filter, profileReviewSchema); err != nil {
			return err
		}
		if cond, err := tx.scopeCond(ctx, q.Scope, "r.person_pk"); err != nil {
			return err
		} else if cond != "" {
			l.where = append(l.where, cond)
		}
		rows, p, err := list(ctx, tx, l, scanProfileReview)
		if err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, r.r)
		}
		page = p
		return nil
	})
	return out, page, err
}

// ConfirmProfileReview records that by confirmed the profile as it stands,
// while the campaign is OPEN and its deadline has not passed.
func (db *DB) ConfirmProfileReview(ctx context.Context, name, etag, by, principal string, ev *AuditEvent) (*pb.ProfileReview, error) {
	var out *pb.ProfileReview
	err := db.write(ctx, false, ev, func(tx *Tx) error {
		r, err := tx.profileReview(ctx, name, "name")
		if err != nil {
			return err
		}
		if err := checkEtag(etag, r.r.Etag, "etag"); err != nil {
			return err
		}
		campaign := name[:strings.Index(name, "/profileReviews/")]
		c, err := tx.reviewCampaign(ctx, campaign, "name", "")
		if err != nil {
			return err
		}
		d := c.c.Deadline
		switch {
		case c.c.State != pb.ReviewCampaign_OPEN:
			return errorf(FailedPrecondition, "name", "%s is closed; nothing more is confirmed in it", campaign)
		case today(tx.now) > ymd(d.Year, d.Month, d.Day):
			return errorf(FailedPrecondition, "name", "%s ended on %04d-%02d-%02d; ask for the deadline to be extended", campaign, d.Year, d.Month, d.Day)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE profile_reviews SET confirm_time = ?, confirmer = ?, confirmer_principal = ?,
			update_time = ?, revision = revision + 1 WHERE pk = ?`, micros(tx.now), by, principal, micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		r, err = tx.profileReview(ctx, name, "")
		if err == nil {
			out = r.r
		}
		return err
	})
	return out, err
}

// ProfileReviewConfirmers are the principals that confirmed the profile
// reviews named, by name: "" for a review confirmed before they were kept
// (migration 0047). Reviews not found are left out.
func (db *DB) ProfileReviewConfirmers(ctx context.Context, reviews []string) (map[string]string, error) {
	out := map[string]string{}
	err := db.read(ctx, func(tx *Tx) error {
		for _, name := range reviews {
			var campaign, person string
			if !names.Scan(name, names.ProfileReview, &campaign, &person) {
				continue
			}
			var principal string
			err := tx.QueryRowContext(ctx, `SELECT r.confirmer_principal FROM profile_reviews r
				JOIN review_campaigns c ON c.pk = r.campaign_pk JOIN people p ON p.pk = r.person_pk
				WHERE c.id = ? AND p.id = ?`, campaign, person).Scan(&principal)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				continue
			case err != nil:
				return dbError(err)
			}
			out[name] = principal
		}
		return nil
	})
	return out, err
}
