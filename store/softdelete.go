package store

import "context"

// softDelete says how a resource is deleted softly and undeleted (AIP-164):
// a delete_time on its row, which every read of live rows skips. Deleting
// a deleted resource is NOT_FOUND, undeleting a live one
// FAILED_PRECONDITION; the etag, when given, must be current.
type softDelete[R, T any] struct {
	collection string // "people", as names and messages spell it
	table      string
	parse      func(name, field string) (string, error)
	row        func(tx *Tx, ctx context.Context, id string) (R, error) // a method expression: (*Tx).person
	state      func(R) (pk int64, deleted bool, etag string)
	// check, when set, refuses a delete or undelete that would break a
	// rule of the resource (a code another live one has taken meanwhile).
	check func(ctx context.Context, tx *Tx, id string, r R, deleting bool) error
	// out reads what the call returns, after the change.
	out func(ctx context.Context, tx *Tx, id string) (T, error)
	// after, when set, records what the change derives, in the same
	// transaction (a person's revision).
	after func(ctx context.Context, tx *Tx, id string, before R, out T) error
}

// set deletes (deleted) or undeletes the resource name in one write.
func (s *softDelete[R, T]) set(ctx context.Context, db *DB, name string, o WriteOptions, deleted bool) (T, error) {
	var out T
	id, err := s.parse(name, "name")
	if err != nil {
		return out, err
	}
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := s.row(tx, ctx, id)
		if err != nil {
			return err
		}
		pk, isDeleted, etag := s.state(r)
		switch {
		case deleted && isDeleted:
			return errorf(NotFound, "", "%s/%s is already deleted", s.collection, id)
		case !deleted && !isDeleted:
			return errorf(FailedPrecondition, "", "%s/%s is not deleted", s.collection, id)
		}
		if err := checkEtag(o.Etag, etag, "etag"); err != nil {
			return err
		}
		if s.check != nil {
			if err := s.check(ctx, tx, id, r, deleted); err != nil {
				return err
			}
		}
		var deleteTime any
		if deleted {
			deleteTime = micros(tx.now)
		}
		_, err = tx.ExecContext(ctx, `UPDATE `+s.table+` SET delete_time = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
			deleteTime, micros(tx.now), pk)
		if err != nil {
			return dbError(err)
		}
		if out, err = s.out(ctx, tx, id); err != nil || s.after == nil {
			return err
		}
		return s.after(ctx, tx, id, r, out)
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}
