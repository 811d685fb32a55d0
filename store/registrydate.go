package store

import (
	"database/sql"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A person's registry date (Ngày vào danh sách) is the day from which they
// count in the figures as on a date (statdated.go, listed): the day of
// their registration unless their create said otherwise, as a province
// that imports the lists it kept before does. It never changes after the
// create, so that a report made again for a day gives the same figures.
// people.registry_start (migration 0043) keeps the first instant of the
// day in Vietnam, NULL for the day of registration.

// checkRegistryDate checks a registry date given on a create, against
// today (YYYYMMDD in Vietnam), under the field name field.
func checkRegistryDate(v *Invalids, d *date.Date, field string, today int64) {
	switch {
	case d.Year == 0 || d.Month == 0 || d.Day == 0:
		v.add(field, "want a full date, day, month and year: the day from which the person is on the registry's lists")
	case d.Year < 1900:
		v.add(field+".year", "%d is too early; give a year from 1900", d.Year)
	case d.Month < 0 || d.Month > 12:
		v.add(field+".month", "must be 1 to 12")
	case d.Day < 0 || d.Day > daysIn(d.Year, d.Month):
		v.add(field+".day", "%d-%02d has no day %d", d.Year, d.Month, d.Day)
	case ymd(d.Year, d.Month, d.Day) > today:
		v.add(field, "%s is in the future: a person is on the lists from a day that has come", dateText(d))
	}
}

func dateText(d *date.Date) string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// registryStart is the value people.registry_start keeps for p: the first
// instant of its registry date in Vietnam, or NULL when it has none.
func registryStart(p *pb.Person) any {
	d := p.GetRegistryDate()
	if d == nil {
		return nil
	}
	return micros(time.Date(int(d.Year), time.Month(d.Month), int(d.Day), 0, 0, 0, 0, Vietnam))
}

// registryDate is a person's registry date as read: the day of start in
// Vietnam, or of their registration when start is NULL.
func registryDate(start sql.NullInt64, createTime int64) *date.Date {
	us := createTime
	if start.Valid {
		us = start.Int64
	}
	t := time.UnixMicro(us).In(Vietnam)
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// keepRegistryDate keeps an update from changing the registry date: unset,
// the stored one stays; another is refused.
func keepRegistryDate(before, after *pb.Person) error {
	if after.RegistryDate == nil {
		after.RegistryDate = before.RegistryDate
		return nil
	}
	if !proto.Equal(after.RegistryDate, before.RegistryDate) {
		return errorf(Invalid, personField+"registry_date",
			"person.registry_date cannot be changed once the person is registered: it is %s, and reports as on a date count the person from it", dateText(before.RegistryDate))
	}
	return nil
}

// CheckImportRegistryDate checks the registry date an import gives the
// people it creates (ImportOptions.RegistryDate), under the field name
// field, before the import starts.
func (db *DB) CheckImportRegistryDate(d *date.Date, field string) error {
	if d == nil {
		return nil
	}
	var v Invalids
	checkRegistryDate(&v, d, field, today(db.Now()))
	return v.err()
}

// withRegistryDate is a row to create, with the import's registry date
// when it gives none.
func (im *Importer) withRegistryDate(p *pb.Person) *pb.Person {
	if p.RegistryDate == nil && im.o.RegistryDate != nil {
		p.RegistryDate = proto.Clone(im.o.RegistryDate).(*date.Date)
	}
	return p
}
