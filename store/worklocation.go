package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Where a person works (work_location, work_country) follows from their
// current position: a registrar types the position, and the location is
// not typed twice. Triggers of migration 0023 keep the columns from the
// position whatever writes it; here is the person's side (a typed value
// that contradicts the position is refused) and the same rule as on a date
// for statistics. A typed value stays only for a person whose current
// position does not say where, or who has none.

// checkWorkCountry checks the typed location's country.
func checkWorkCountry(ctx context.Context, c checker, v *Invalids, p *pb.Person) error {
	switch {
	case p.WorkLocation == pb.Person_ABROAD && p.WorkCountry == "":
		v.add(personField+"work_country", "required when work_location is ABROAD: the country's ISO 3166-1 alpha-2 code")
	case p.WorkLocation != pb.Person_ABROAD && p.WorkCountry != "" && p.WorkCountry != "VN":
		v.add(personField+"work_country", "only a person who works ABROAD has a work country other than VN")
	case p.WorkCountry != "":
		return c.checkRef(ctx, v, RefCountry, personField+"work_country", p.WorkCountry, time.Time{})
	}
	return nil
}

// followPositions makes the person pk's stored location the one their
// current position gives, after an update wrote p. A location left
// unspecified takes the position's; one that contradicts it is refused,
// naming the position, so that a stale copy does not silently win or lose.
func (tx *Tx) followPositions(ctx context.Context, id string, pk int64, p *pb.Person) error {
	var where int32
	var country, position string
	err := tx.QueryRowContext(ctx, `SELECT l.work_location, l.work_country, pos.id FROM person_location l
		JOIN positions pos ON pos.pk = l.position_pk WHERE l.person_pk = ?`, pk).Scan(&where, &country, &position)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return dbError(err)
	}
	got := pb.Person_WorkLocation(where)
	if p.WorkLocation != pb.Person_WORK_LOCATION_UNSPECIFIED &&
		(p.WorkLocation != got || (got == pb.Person_ABROAD && p.WorkCountry != country)) {
		want := got.String()
		if got == pb.Person_ABROAD {
			want += " in " + country
		}
		return errorf(Invalid, personField+"work_location",
			"follows from the current position people/%s/positions/%s, which is %s; leave it unset, or change or end that position",
			id, position, want)
	}
	_, err = tx.ExecContext(ctx, `UPDATE people SET work_location = ?, work_country = ? WHERE pk = ?`, where, country, pk)
	return dbError(err)
}

// workLocationOn is where a person worked on the day, by the rule the
// triggers of 0023 keep today's by: the position held then (the latest
// begun, as positionOn and person_location take it) when it says where;
// otherwise the typed value, which carries no date and so is read as
// recorded, as gender is. A value the current position gave is not typed:
// on a day its position did not run, it is 0 (not known then). On today
// this is people.work_location, so that answers as on today agree with
// today's.
func (d statsDay) workLocationOn() string {
	return d.positionOn("(SELECT l.work_location FROM position_location l WHERE l.pk = h.pk)",
		"IFNULL((SELECT 0 FROM person_location c WHERE c.person_pk = p.pk), p.work_location)")
}
