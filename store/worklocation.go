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

// workLocationOn is the location of the position a person held on the day,
// over positions h; when none held then says where, 0 (not known then) for
// a person whose positions say where at some time, and the typed value for
// one whose never do.
func (d statsDay) workLocationOn() string {
	return "IFNULL((SELECT l.work_location FROM positions h JOIN position_location l ON l.pk = h.pk WHERE h.person_pk = p.pk AND " +
		d.running("h") + " AND l.work_location IS NOT NULL ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), " +
		"CASE WHEN EXISTS (SELECT 1 FROM position_location l WHERE l.person_pk = p.pk AND l.work_location IS NOT NULL) THEN 0 ELSE p.work_location END)"
}
