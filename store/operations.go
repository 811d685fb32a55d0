package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"google.golang.org/protobuf/proto"
)

// Operation is a long-running operation as stored. Metadata, Response and
// Error are serialized protos the server chose; the store reads none but
// the Report a report's operation keeps (reports.go).
type Operation struct {
	ID         string
	Kind       string
	Principal  string // who started it: only they (and admins) see it
	CreateTime time.Time
	UpdateTime time.Time
	Done       bool
	Metadata   []byte
	Response   []byte
	Error      []byte
	// Report is a file the operation made for its caller to download (an
	// import's annotated copy); it is written with the final state and
	// read only by GetOperationReport.
	Report []byte
}

// NewOperationID makes an operation id.
func NewOperationID() string { return newID() }

// CreateOperation stores a new, running operation.
func (db *DB) CreateOperation(ctx context.Context, op *Operation, audit *AuditEvent) error {
	return db.write(ctx, false, audit, func(tx *Tx) error { return tx.createOperation(ctx, op) })
}

// StartOperation stores op, a new running operation, and answer, what
// the caller is told of it. With o.Request, a repeat of the request is not
// started again: answer is then the first one's, and started false.
func (db *DB) StartOperation(ctx context.Context, op *Operation, answer proto.Message, o CreateOptions) (started bool, err error) {
	return db.startOperation(ctx, op, answer, o, nil)
}

// startOperation is StartOperation, with check run after a repeat is
// recalled and before op is stored (a check of what a repeat may have
// made meanwhile must not refuse it).
func (db *DB) startOperation(ctx context.Context, op *Operation, answer proto.Message, o CreateOptions, check func(tx *Tx) error) (started bool, err error) {
	err = db.write(ctx, false, o.Audit, func(tx *Tx) error {
		started = false // a group's failed attempt is run again alone
		if o.Request != nil {
			if found, err := tx.recall(ctx, o.Request, answer); err != nil || found {
				return err
			}
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		if err := tx.createOperation(ctx, op); err != nil {
			return err
		}
		started = true
		if o.Request != nil {
			return tx.remember(ctx, o.Request, answer)
		}
		return nil
	})
	return started && err == nil, err
}

func (tx *Tx) createOperation(ctx context.Context, op *Operation) error {
	op.CreateTime, op.UpdateTime = tx.now, tx.now
	_, err := tx.ExecContext(ctx, `INSERT INTO operations (id, kind, principal, create_time, update_time, done, metadata)
		VALUES (?, ?, ?, ?, ?, 0, ?)`, op.ID, op.Kind, op.Principal, micros(tx.now), micros(tx.now), op.Metadata)
	return dbError(err)
}

// FinishOperation stores the final state of op.
func (db *DB) FinishOperation(ctx context.Context, op *Operation, audit *AuditEvent) error {
	return db.write(ctx, false, audit, func(tx *Tx) error { return tx.finishOperation(ctx, op) })
}

func (tx *Tx) finishOperation(ctx context.Context, op *Operation) error {
	op.Done, op.UpdateTime = true, tx.now
	_, err := tx.ExecContext(ctx, `UPDATE operations SET done = 1, update_time = ?, metadata = ?, response = ?, error = ?, report = ?
		WHERE id = ?`, micros(tx.now), op.Metadata, op.Response, op.Error, op.Report, op.ID)
	return dbError(err)
}

const operationColumns = `id, kind, principal, create_time, update_time, done, metadata, response, error`

func scanOperation(s scanner) (*Operation, error) {
	var op Operation
	var create, update int64
	if err := s.Scan(&op.ID, &op.Kind, &op.Principal, &create, &update, &op.Done, &op.Metadata, &op.Response, &op.Error); err != nil {
		return nil, err
	}
	op.CreateTime, op.UpdateTime = fromMicros(create), fromMicros(update)
	return &op, nil
}

// GetOperation returns operations/{id}.
func (db *DB) GetOperation(ctx context.Context, id string) (*Operation, error) {
	op, err := scanOperation(db.readRow(ctx, `SELECT `+operationColumns+` FROM operations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "name", "operations/%s does not exist", id)
	}
	return op, db.observe(dbError(err))
}

// GetOperationReport returns the report of operations/{id} and who started
// the operation; the report is nil when it made none.
func (db *DB) GetOperationReport(ctx context.Context, id string) (principal string, report []byte, err error) {
	err = db.readRow(ctx, `SELECT principal, report FROM operations WHERE id = ?`, id).Scan(&principal, &report)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errorf(NotFound, "name", "operations/%s does not exist", id)
	}
	return principal, report, db.observe(dbError(err))
}

// ListOperations returns the operations of principal ("" for everyone's),
// newest first, size at most, after the one with id after when set.
func (db *DB) ListOperations(ctx context.Context, principal string, size int, after string) ([]*Operation, error) {
	var out []*Operation
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+operationColumns+` FROM operations
			WHERE (? = '' OR principal = ?) AND (? = '' OR pk < (SELECT pk FROM operations WHERE id = ?))
			ORDER BY pk DESC LIMIT ?`, principal, principal, after, after, size)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			op, err := scanOperation(rows)
			if err != nil {
				return dbError(err)
			}
			out = append(out, op)
		}
		return dbError(rows.Err())
	})
	return out, err
}

// FailInterruptedOperations ends, with errBlob as their error, the
// operations that were running when the server last stopped: their work was
// in a transaction that never committed. It returns their ids, for the log.
func (db *DB) FailInterruptedOperations(ctx context.Context, errBlob []byte) ([]string, error) {
	var ids []string
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		ids = nil // a retried transaction starts again
		rows, err := tx.QueryContext(ctx, `UPDATE operations SET done = 1, error = ?, update_time = ? WHERE done = 0 RETURNING id`, errBlob, micros(tx.now))
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return dbError(err)
			}
			ids = append(ids, id)
		}
		return dbError(rows.Err())
	})
	return ids, err
}
