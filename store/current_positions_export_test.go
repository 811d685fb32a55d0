package store

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// CurrentPositionsBothWays reads the current positions of every person,
// pages of size people at a time, by currentPositionsOf and by the
// childKind read it stands in for: (new, old), by person name.
func (db *DB) CurrentPositionsBothWays(ctx context.Context, size int) (map[string][]*pb.Position, map[string][]*pb.Position, error) {
	got, want := map[string][]*pb.Position{}, map[string][]*pb.Position{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+personColumns+` FROM people p ORDER BY p.pk DESC`)
		if err != nil {
			return err
		}
		var people []*personRow
		for rows.Next() {
			r, err := scanPerson(rows)
			if err != nil {
				rows.Close()
				return err
			}
			people = append(people, r)
		}
		rows.Close()
		for len(people) > 0 {
			page := people[:min(size, len(people))]
			people = people[len(page):]
			pks := make([]int64, len(page))
			byPK := map[int64]*pb.Person{}
			for i, r := range page {
				pks[i], byPK[r.pk] = r.pk, r.person
			}
			news, err := tx.currentPositionsOf(ctx, pks, byPK)
			if err != nil {
				return err
			}
			olds, err := positionKind.of(ctx, tx, pks, "c.is_current = 1")
			if err != nil {
				return err
			}
			for pk, p := range byPK {
				got[p.Name], want[p.Name] = news[pk], olds[pk]
			}
		}
		return rows.Err()
	})
	return got, want, err
}
