package store

import (
	"context"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// StatValues is the value each person counted on asOf (today when nil) has
// by dimension d, by person id, as ComputeStatistics reads it before
// counting: what two answers that should agree can be compared by person.
func (db *DB) StatValues(ctx context.Context, d Dimension, vintage pb.ComputeStatisticsRequest_UnitVintage, asOf *date.Date) (map[string]string, error) {
	on, err := figuresDay(asOf, "as_of", db.Now())
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	err = db.readWithin(ctx, 0, func(tx *Tx) error {
		if on == "" {
			on = tx.today()
		}
		day, err := tx.statsDayOf(ctx, on, asOf != nil)
		if err != nil {
			return err
		}
		sd, err := tx.statDimension(ctx, d, "", day, StatsQuery{UnitVintage: vintage})
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT p.id, "+sd.expr+" FROM people p WHERE "+day.listed(), sd.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, raw string
			if err := rows.Scan(&id, &raw); err != nil {
				return err
			}
			out[id] = sd.value(raw)
		}
		return rows.Err()
	})
	return out, err
}
