package store

import "google.golang.org/genproto/googleapis/type/date"

// checkBirthDate checks a birth date whose month and day may be 0
// (unknown), against today (year, month, day).
func checkBirthDate(v *Invalids, d *date.Date, year, month, day int32) {
	switch {
	case d.Year == 0 && (d.Month != 0 || d.Day != 0):
		v.add(personField+"birth_date.year", "required when month or day is given")
	case d.Year == 0:
		return
	case d.Year < 1900:
		v.add(personField+"birth_date.year", "%d is too early; give a year from 1900", d.Year)
	case d.Month < 0 || d.Month > 12:
		v.add(personField+"birth_date.month", "must be 1 to 12, or 0 when unknown")
	case d.Month == 0 && d.Day != 0:
		v.add(personField+"birth_date.month", "required when day is given")
	case d.Day < 0 || d.Day > daysIn(d.Year, d.Month):
		v.add(personField+"birth_date.day", "%d-%02d has no day %d", d.Year, d.Month, d.Day)
	case d.Year > year || d.Year == year && (d.Month > month || d.Month == month && d.Day > day):
		v.add(personField+"birth_date", "is in the future")
	}
}

func daysIn(year, month int32) int32 {
	switch month {
	case 0:
		return 0
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
