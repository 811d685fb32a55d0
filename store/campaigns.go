package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

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
	(SELECT COUNT(*) FROM nominations n JOIN people p ON p.pk = n.person_pk WHERE n.campaign_pk = c.pk AND n.state = 4 AND NOT (` + personUnrestricted + `)), c.delete_time`

type campaignRow struct {
	pk, revision int64
	c            *pb.HonorCampaign
	// hiddenSelected counts the selected nominations of restricted
	// people: they fill the quota, but a caller who does not read
	// restricted profiles is not told of them (seenBy).
	hiddenSelected int32
	// handedOver says a caller who does not read restricted profiles
	// deleted it while it held their nominations (DeleteHonorCampaign):
	// it is the admins' alone, and to everyone else does not exist.
	handedOver bool
}

// visibleTo refuses a campaign handed to an administrator to everyone
// else, as if it had been deleted.
func (r *campaignRow) visibleTo(readsRestricted bool) error {
	if r.handedOver && !readsRestricted {
		return errorf(NotFound, "", "%s does not exist", r.c.Name)
	}
	return nil
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
	var deleteTime sql.NullInt64
	dest := []any{&r.pk, &id, &c.DisplayName, &c.Year, &kind, &c.Quota, &deadline, &c.Issuer, &c.SelectedCount,
		&createTime, &updateTime, &r.revision, &r.hiddenSelected, &deleteTime}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Kind, c.NominationDeadline = pb.Honor_Kind(kind), dateOf(deadline)
	setResourceMeta(&c, "honorCampaigns/"+id, createTime, updateTime, etag("honorCampaigns/"+id, r.revision))
	if deleteTime.Valid {
		r.handedOver, c.DeleteTime = true, timestamppb.New(fromMicros(deleteTime.Int64))
	}
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
			err = r.visibleTo(readsRestricted)
		}
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
	// Those handed to an administrator are listed to admins alone, and
	// only when asked for (AIP-164).
	showDeleted := q.ShowDeleted && readsRestricted
	l := listing{from: "honor_campaigns c", columns: campaignColumns, terms: terms, size: size, token: q.PageToken,
		query: queryChecksum("honor_campaigns", q.Filter, strconv.FormatBool(showDeleted))}
	if !showDeleted {
		l.where = []string{"c.delete_time IS NULL"}
	}
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
		if err := r.visibleTo(o.ReadsRestricted); err != nil {
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
//
// A caller who does not read restricted profiles (o.ReadsRestricted
// false) is answered as if their nominations were not there, since any
// other answer would tell it that someone restricted was nominated: what
// it sees decides, and its delete takes what it sees. Those it does not
// see are not deleted behind its back either: the campaign keeps them and
// is handed to an administrator (handOver).
func (db *DB) DeleteHonorCampaign(ctx context.Context, name string, force bool, o WriteOptions) error {
	return db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.campaign(ctx, name, "name")
		if err != nil {
			return err
		}
		if err := r.visibleTo(o.ReadsRestricted); err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.c.Etag, "etag"); err != nil {
			return err
		}
		if r.quotaCounts(o.ReadsRestricted) > 0 {
			// No count: it may hold restricted people's (seenBy).
			return errorf(FailedPrecondition, "", "%s has selected nominations and conferred their honours on profiles; it stays as their record and cannot be deleted (correct its details with an update instead)",
				name)
		}
		rows, err := tx.QueryContext(ctx, `SELECT n.pk, n.id, p.id, NOT (`+personUnrestricted+`) FROM nominations n
			JOIN people p ON p.pk = n.person_pk WHERE n.campaign_pk = ? ORDER BY n.pk`, r.pk)
		if err != nil {
			return dbError(err)
		}
		var seen, hidden []heldRow
		for rows.Next() {
			var h heldRow
			var id string
			var restricted bool
			if err := rows.Scan(&h.pk, &id, &h.person, &restricted); err != nil {
				rows.Close()
				return dbError(err)
			}
			h.id, h.person = "/nominations/"+id, "people/"+h.person
			if restricted && !o.ReadsRestricted {
				hidden = append(hidden, h)
			} else {
				seen = append(seen, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err)
		}
		if len(seen) > 0 && !force {
			return errorf(FailedPrecondition, "force", "%s has nominations; set force to delete them with it", name)
		}
		// The audit says whose nominations went with the campaign.
		for _, h := range seen {
			tx.auditResource(name + h.id)
			tx.auditResource(h.person)
		}
		pks := pkList(heldPKs(seen))
		for _, q := range []string{
			`DELETE FROM nomination_decisions WHERE nomination_pk IN (` + pks + `)`,
			`DELETE FROM nominations WHERE pk IN (` + pks + `)`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return dbError(err)
			}
		}
		if len(hidden) > 0 {
			return tx.handOver(ctx, "honor_campaigns", "honorCampaigns/", r.pk, hidden)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM honor_campaigns WHERE pk = ?`, r.pk)
		return dbError(err)
	})
}
