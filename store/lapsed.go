package store

import "context"

// EndLapsedPositions marks as no longer current every position whose end
// date has passed (on Vietnam's calendar: the day after the last day it
// covers, positions.last_day) but whose current flag was set
// when it was written: a contract that ran out with nobody editing the
// profile. The triggers then keep what follows from the current positions
// (the unit, the kind of workplace, the work location) and the change feed
// records each position and person changed, in the same transaction as the
// update; audit is the run's event, stored only when a position ended. It
// returns how many positions ended.
func (db *DB) EndLapsedPositions(ctx context.Context, audit *AuditEvent) (int64, error) {
	const lapsed = `is_current = 1 AND end_date != 0 AND last_day < ?`
	var n int64
	err := db.read(ctx, func(tx *Tx) error {
		return dbError(tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM positions WHERE `+lapsed+`)`,
			today(tx.now)).Scan(&n))
	})
	if err != nil || n == 0 {
		return 0, err
	}
	err = db.write(ctx, false, audit, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE positions SET is_current = 0, update_time = ?, revision = revision + 1
			WHERE `+lapsed, micros(tx.now), today(tx.now))
		if err != nil {
			return dbError(err)
		}
		n, err = res.RowsAffected()
		return dbError(err)
	})
	return n, err
}
