package store

import (
	"context"

	"trithuc.gov.vn/trithuc/store/filter"
)

// Today's answers and the position held. Without as_of, statistics read
// what triggers keep from the current flag of positions: the columns on
// people (current_unit, current_org_kind, current_employment,
// work_location; 0007 and 0023) and, for ORGANIZATION and SECTOR, the
// current position itself, in one scan of an index. As on a day they look
// up the position running that day instead: 3 to 10 times the cost, past
// the 2-second budget of a call at a million people (BENCHMARKS.md), so
// today's answers cannot simply be the day's.
//
// The flag is the day's truth while no current position has passed its
// last day (positions.last_day) and no position starts after today. Two
// kinds of position break that: a current one whose end has passed but
// which the daily EndLapsedPositions has not ended yet (for up to a day,
// or until a server that was down starts again), and one whose start is
// after today (the API refuses such a start, but a clock that ran ahead
// let it through). Neither runs today. So today's answers first look for
// them, two range reads of indexes (migration 0040) that find none on
// most days; when there are some, their holders, and only they, are read
// as an answer as on today reads them, and everyone else from the stored
// columns. Today's answers and those as on today thus agree whatever the
// job has done yet, at no cost while the flags hold.

// flagsBehindSQL selects the pks of people holding a position whose flag
// is not the day's (YYYYMMDD): current past its last day, or not begun.
func flagsBehindSQL(day string) string {
	return "SELECT person_pk FROM positions WHERE is_current = 1 AND end_date != 0 AND last_day < " + day +
		" UNION ALL SELECT person_pk FROM positions WHERE start_date > " + day
}

// statsDayOf is the day an answer is as on: as_of when dated, else today,
// with whether some flag is behind it.
func (tx *Tx) statsDayOf(ctx context.Context, day string, dated bool) (statsDay, error) {
	d := newStatsDay(day, dated)
	if dated {
		return d, nil
	}
	err := tx.QueryRowContext(ctx, "SELECT EXISTS ("+flagsBehindSQL(d.ymd())+")").Scan(&d.flagsBehind)
	return d, dbError(err)
}

// held is a value of the position a person holds, as an SQL expression
// over people p: stored (a column kept from the current flags, or a lookup
// of the current position) today; lookup (of the position running on the
// day, positionOn) as on a day, and today for the people whose flag is
// behind. Only dated, it looks up for every person; the overlay reads of
// people only the rowid and the columns of the index of statistics, and
// so keeps the scan on that index (statsFrom).
func (d statsDay) held(stored, lookup string) string {
	switch {
	case d.dated:
		return lookup
	case !d.flagsBehind:
		return stored
	}
	// The list is read once for the statement, not once per person.
	return "(CASE WHEN p.pk IN (" + flagsBehindSQL(d.ymd()) + ") THEN " + lookup + " ELSE " + stored + " END)"
}

// joinHeldPos is the positions of today's statistics filters: a comparison
// on a current position reads the columns of people that mirror it, and
// looks positions up only for the few people who hold several (0045,
// filter.Held). Looking up every person's positions, in each pass an
// answer makes, took 5.2 s at a million people (BENCHMARKS.md).
var joinHeldPos = &filter.Join{From: joinPos.From, On: joinPos.On, Held: &filter.Held{
	Current: "positions.current",
	Count:   "p.current_positions",
	Fields: map[string]string{
		"positions.administrative_unit":              "p.current_unit",
		"positions.organization.administrative_unit": "p.current_unit",
		"positions.organization.kind":                "p.current_org_kind",
		"positions.employment_type":                  "p.current_employment",
	},
}}
