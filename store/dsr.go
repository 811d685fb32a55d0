package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Data-subject requests: what a person asked of the registry about their
// data, by when it must be answered, and what was done. The person is kept
// by name so that a request outlives the purge it allowed.

// DefaultDSRDue is how long a request may wait: its due time, unless it
// gives an earlier one.
const DefaultDSRDue = 72 * time.Hour

const dsrColumns = `r.pk, r.id, r.kind, r.person, r.requester, r.details, r.due_time, r.state, r.state_reason,
	r.actions, r.create_time, r.update_time, r.revision`

type dsrRow struct {
	pk, revision int64
	r            *pb.DataSubjectRequest
}

func scanDSR(s scanner) (*dsrRow, error) {
	var (
		row                   dsrRow
		r                     pb.DataSubjectRequest
		id, actions           string
		kind, state           int32
		due, create, updateTm int64
	)
	if err := s.Scan(&row.pk, &id, &kind, &r.Person, &r.Requester, &r.Details, &due, &state, &r.StateReason,
		&actions, &create, &updateTm, &row.revision); err != nil {
		return nil, err
	}
	r.Kind = pb.DataSubjectRequest_Kind(kind)
	r.State = pb.DataSubjectRequest_State(state)
	r.DueTime = timestamppb.New(fromMicros(due))
	if actions != "" {
		r.Actions = strings.Split(actions, "\n")
	}
	name := "dataSubjectRequests/" + id
	setResourceMeta(&r, name, create, updateTm, etag(name, row.revision))
	row.r = &r
	return &row, nil
}

func dsrID(name, field string) (string, error) {
	id, ok := strings.CutPrefix(name, "dataSubjectRequests/")
	if !ok || !validID(id) {
		return "", errorf(Invalid, field, "want dataSubjectRequests/{id}, not %q", name)
	}
	return id, nil
}

func (tx *Tx) dsr(ctx context.Context, id string) (*dsrRow, error) {
	r, err := scanDSR(tx.QueryRowContext(ctx, `SELECT `+dsrColumns+` FROM data_subject_requests r WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "dataSubjectRequests/%s does not exist", id)
	}
	return r, dbError(err)
}

// action is a line of a request's actions: when, and what.
func (tx *Tx) action(what string) string {
	return tx.now.Format(time.RFC3339) + " " + strings.ReplaceAll(what, "\n", " ")
}

// CreateDataSubjectRequest records a request, RECEIVED.
func (db *DB) CreateDataSubjectRequest(ctx context.Context, r *pb.DataSubjectRequest, audit *AuditEvent) (*pb.DataSubjectRequest, error) {
	var v Invalids
	const f = "data_subject_request."
	if r.Kind == pb.DataSubjectRequest_KIND_UNSPECIFIED || pb.DataSubjectRequest_Kind_name[int32(r.Kind)] == "" {
		v.add(f+"kind", "required: ACCESS, CORRECTION, ERASURE, RESTRICTION or OBJECTION")
	}
	personID, err := PersonID(r.Person, f+"person")
	if err != nil {
		v.add(f+"person", "%s", err.(*Error).Message)
	}
	if strings.TrimSpace(r.Requester) == "" {
		v.add(f+"requester", "required: who asked, as they named themselves")
	}
	// A due time may bring the legal time limit forward, never push it
	// back: a request answered later is moved on with the reason for the
	// delay (TransitionDataSubjectRequest), on the record.
	if now := db.Now(); r.DueTime != nil && !r.DueTime.AsTime().After(now) {
		v.add(f+"due_time", "is not in the future")
	} else if r.DueTime != nil && r.DueTime.AsTime().After(now.Add(DefaultDSRDue)) {
		v.add(f+"due_time", "is later than %d hours after the request is received, the time limit for answering it: "+
			"leave it unset for that limit, and give the reason for a delay when moving the request on", int(DefaultDSRDue.Hours()))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *pb.DataSubjectRequest
	err = db.write(ctx, false, audit, func(tx *Tx) error {
		if _, err := tx.person(ctx, personID); err != nil {
			return missingReference(err, f+"person")
		}
		due := tx.now.Add(DefaultDSRDue)
		if r.DueTime != nil {
			due = r.DueTime.AsTime()
		}
		id, now := newID(), micros(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_subject_requests (id, kind, person, requester, details,
			due_time, state, actions, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, int32(r.Kind), r.Person, normText(r.Requester), normProse(r.Details), micros(due),
			int32(pb.DataSubjectRequest_RECEIVED), tx.action("received"), now, now); err != nil {
			return dbError(err)
		}
		tx.auditResource("dataSubjectRequests/" + id)
		row, err := tx.dsr(ctx, id)
		if err == nil {
			out = row.r
		}
		return err
	})
	return out, err
}

// GetDataSubjectRequest returns one request.
func (db *DB) GetDataSubjectRequest(ctx context.Context, name string) (*pb.DataSubjectRequest, error) {
	id, err := dsrID(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.DataSubjectRequest
	err = db.read(ctx, func(tx *Tx) error {
		r, err := tx.dsr(ctx, id)
		if err == nil {
			out = r.r
		}
		return err
	})
	return out, err
}

// ListDataSubjectRequests lists requests, oldest first, of one person when
// person is set.
func (db *DB) ListDataSubjectRequests(ctx context.Context, person string, size int, token string) ([]*pb.DataSubjectRequest, string, error) {
	size, err := pageSize(size)
	if err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	if person != "" {
		if _, err := PersonID(person, "person"); err != nil {
			return nil, "", err
		}
		where, args = append(where, "r.person = ?"), append(args, person)
	}
	terms := []orderTerm{{sortKey: sortKey{expr: "r.pk", kind: kindInt}, path: "pk"}}
	query := queryChecksum("dataSubjectRequests", person)
	var out []*pb.DataSubjectRequest
	var next string
	err = db.read(ctx, func(tx *Tx) error {
		if token != "" {
			after, _, err := db.decodePageToken(token, query, terms)
			if err != nil {
				return err
			}
			cond, condArgs := afterSQL(terms, after)
			where, args = append(where, cond), append(args, condArgs...)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+dsrColumns+` FROM data_subject_requests r`+whereSQL(where)+
			fmt.Sprintf(" ORDER BY r.pk LIMIT %d", size+1), args...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		var last int64
		for rows.Next() {
			if len(out) == size {
				next = db.encodePageToken(query, terms, []any{last}, 0)
				break
			}
			r, err := scanDSR(rows)
			if err != nil {
				return dbError(err)
			}
			last = r.pk
			out = append(out, r.r)
		}
		return dbError(rows.Err())
	})
	return out, next, err
}

// TransitionDataSubjectRequest moves a request on: RECEIVED → IN_PROGRESS →
// COMPLETED or REFUSED (RECEIVED may go to either at once). REFUSED needs a
// reason, and so does any move of a request past its due date: the delay
// is explained on the record. A COMPLETED RESTRICTION restricts the
// person's profile.
func (db *DB) TransitionDataSubjectRequest(ctx context.Context, name string, to pb.DataSubjectRequest_State, reason, what string, o WriteOptions) (*pb.DataSubjectRequest, error) {
	id, err := dsrID(name, "name")
	if err != nil {
		return nil, err
	}
	reason, what = normProse(reason), normProse(what)
	var out *pb.DataSubjectRequest
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.dsr(ctx, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, r.r.Etag, "etag"); err != nil {
			return err
		}
		from := r.r.State
		switch {
		case from == pb.DataSubjectRequest_COMPLETED || from == pb.DataSubjectRequest_REFUSED:
			return errorf(FailedPrecondition, "state", "%s is %s already; a finished request does not change", name, from)
		case to == pb.DataSubjectRequest_IN_PROGRESS && from != pb.DataSubjectRequest_RECEIVED:
			return errorf(FailedPrecondition, "state", "%s is %s; only a RECEIVED request goes IN_PROGRESS", name, from)
		case to == pb.DataSubjectRequest_REFUSED && reason == "":
			return errorf(Invalid, "reason", "required when refusing: why the request is refused")
		case reason == "" && tx.now.After(r.r.DueTime.AsTime()):
			return errorf(Invalid, "reason", "required: %s was due at %s; say why it is late",
				name, r.r.DueTime.AsTime().Format(time.RFC3339))
		}
		line := to.String()
		if reason != "" {
			line += ": " + reason
		}
		actions := append(r.r.Actions, tx.action(line))
		if what != "" {
			actions = append(actions, tx.action(what))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE data_subject_requests SET state = ?, state_reason = ?, actions = ?,
			update_time = ?, revision = revision + 1 WHERE pk = ?`,
			int32(to), reason, strings.Join(actions, "\n"), micros(tx.now), r.pk); err != nil {
			return dbError(err)
		}
		if to == pb.DataSubjectRequest_COMPLETED && r.r.Kind == pb.DataSubjectRequest_RESTRICTION {
			if _, err := tx.ExecContext(ctx, `UPDATE people SET restricted = restricted | 2, update_time = ?,
				revision = revision + 1 WHERE id = ?`, micros(tx.now), strings.TrimPrefix(r.r.Person, "people/")); err != nil {
				return dbError(err)
			}
			tx.auditResource(r.r.Person)
		}
		row, err := tx.dsr(ctx, id)
		if err == nil {
			out = row.r
		}
		return err
	})
	return out, err
}
