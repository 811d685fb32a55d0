package store

import (
	"context"
	"time"
)

// checker is what the shared checks of a write (checkPersonFields,
// prepareQualification, preparePosition, prepareOrganization, ...) read
// through. A *Tx asks the database every time; a *BulkTx answers the
// lookups that the rows of a batch repeat from what it asked before. The
// checks themselves are the same code either way.
type checker interface {
	// base is the transaction the checks run in.
	base() *Tx
	// exists reports whether query selects a row.
	exists(ctx context.Context, query string, args ...any) (bool, error)
	levelRank(ctx context.Context, code string) (int, error)
	titleRank(ctx context.Context, code string) (int, error)
	organization(ctx context.Context, id string) (*orgRow, error)
	checkRef(ctx context.Context, v *Invalids, kind RefKind, field, code string, on time.Time) error
	organizationByName(ctx context.Context, name, field string) (*orgRow, error)
}

func (tx *Tx) base() *Tx { return tx }

var (
	_ checker = (*Tx)(nil)
	_ checker = (*BulkTx)(nil)
)
