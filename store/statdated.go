package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store/filter"
)

// Dated facts: statistics and indicators for a given as_of read every fact
// as it stood on that day, so that a past year's figures come out the same
// whenever they are asked for (issue 21).
//
//   - a person counts from their registry date (registry_start, migration
//     0043, else create_time: registrydate.go) and until deleted;
//   - a degree or academic title counts from its year (an unknown year, 0,
//     counts: it is held now and nothing says since when);
//   - a position counts while it ran: begun by the day (an unknown start
//     counts as begun) and not ended before it (an end without its day lasts
//     to the end of its month, one without its month to the end of its
//     year); one recorded as not current ran at the latest to the day
//     before it was last written, end or no end (positions.last_day,
//     migration 0038);
//   - a membership counts from its application, in the state it has had
//     since state_time, and before that ACTIVE when approved, else PENDING;
//   - an honour counts from its year.
//
// Work location is that of the position held on the day (worklocation.go).
// Gender, ethnicity, birth date, fields of expertise and expert roles carry
// no dates in the registry and are read as recorded.
//
// Without as_of the answer is today's, read from the columns the triggers
// of 0007_stats.sql keep on people (one scan of an index), but for the
// people whose current position does not run today (statheld.go); with it,
// by the lookups below (one per person and dimension).

// statsDay is the day an answer is as on.
type statsDay struct {
	day   string    // YYYY-MM-DD
	t     time.Time // the day, at midnight UTC
	dated bool      // as_of was given: facts as on the day
	// flagsBehind: today, some current position does not run on the day,
	// and its holder's stored columns are not the day's (statheld.go).
	flagsBehind bool
	// fieldScheme, when set, is the scheme the request counts fields in:
	// a filter on fields.field then matches across schemes (fieldmatch.go).
	fieldScheme string
}

func newStatsDay(day string, dated bool) statsDay {
	t, _ := time.Parse(time.DateOnly, day)
	return statsDay{day: day, t: t, dated: dated}
}

// ymd is the day as the YYYYMMDD integer positions keep.
func (d statsDay) ymd() string { return strings.ReplaceAll(d.day, "-", "") }

func (d statsDay) year() string { return strconv.Itoa(d.t.Year()) }

// end is the first instant after the day in Vietnam, in microseconds.
func (d statsDay) end() string {
	t := time.Date(d.t.Year(), d.t.Month(), d.t.Day()+1, 0, 0, 0, 0, Vietnam)
	return strconv.FormatInt(micros(t), 10)
}

// listed is the condition on people p of those counted on the day.
func (d statsDay) listed() string {
	if !d.dated {
		return personListed
	}
	return "COALESCE(p.registry_start, p.create_time) < " + d.end() + " AND (p.delete_time IS NULL OR p.delete_time >= " + d.end() + ") AND " + personUnrestricted
}

var (
	degreeKind     = strconv.Itoa(int(pb.Qualification_DEGREE))
	titleKind      = strconv.Itoa(int(pb.Qualification_ACADEMIC_TITLE))
	rejectedState  = strconv.Itoa(int(pb.Verification_REJECTED))
	membershipLive = strconv.Itoa(int(pb.Membership_ACTIVE))
	membershipWait = strconv.Itoa(int(pb.Membership_PENDING))
)

// heldQualification is a condition on qualifications q: held on the day
// (as refreshDerived reads them, rejected ones aside).
func (d statsDay) heldQualification(q string) string {
	return q + ".verification_state != " + rejectedState + " AND (" + q + ".year = 0 OR " + q + ".year <= " + d.year() + ")"
}

// qualificationOn is a column of the highest qualification of a kind a
// person held on the day, as refreshDerived orders them; def when none.
func (d statsDay) qualificationOn(kind, col, def, tieBreak string) string {
	return "IFNULL((SELECT q." + col + " FROM qualifications q WHERE q.person_pk = p.pk AND q.kind = " + kind +
		" AND " + d.heldQualification("q") + " ORDER BY q.level_rank DESC, q.year " + tieBreak + " LIMIT 1), " + def + ")"
}

func (d statsDay) levelOn() string { return d.qualificationOn(degreeKind, "level", "''", "DESC") }
func (d statsDay) levelRankOn() string {
	return d.qualificationOn(degreeKind, "level_rank", "0", "DESC")
}
func (d statsDay) titleOn() string     { return d.qualificationOn(titleKind, "level", "''", "ASC") }
func (d statsDay) titleRankOn() string { return d.qualificationOn(titleKind, "level_rank", "0", "ASC") }

// running is a condition on positions h: begun by the day and not ended
// before it, by the last day migration 0038 keeps on every position.
func (d statsDay) running(h string) string {
	day := d.ymd()
	return h + ".start_date <= " + day + " AND " + h + ".last_day >= " + day
}

// lastDayCovered is the last day a position's end (YYYYMMDD, whose month
// and day may be 0) covers, as positions.last_day computes it for a
// current position: an end without its day lasts to the end of its month,
// one without its month to the end of its year. The result compares with
// YYYYMMDD days but need not be one (20260231 for February 2026).
func lastDayCovered(end int64) int64 {
	switch {
	case end%100 != 0:
		return end
	case end%10000 != 0:
		return end + 31
	}
	return end + 1231
}

// positionOn is a value of the position a person held on the day (the
// latest begun, then the last recorded), over positions h and their
// organizations ho; def when none.
func (d statsDay) positionOn(value, def string) string {
	return "IFNULL((SELECT " + value + " FROM positions h LEFT JOIN organizations ho ON ho.pk = h.organization_pk WHERE h.person_pk = p.pk AND " +
		d.running("h") + " ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), " + def + ")"
}

// membershipStateOn is the state of memberships m on the day, NULL before
// the application.
func (d statsDay) membershipStateOn(m string) string {
	end := d.end()
	return "(CASE WHEN " + m + ".apply_time >= " + end + " THEN NULL WHEN " + m + ".state_time < " + end + " THEN " + m + ".state" +
		" WHEN " + m + ".approve_time IS NOT NULL AND " + m + ".approve_time < " + end + " THEN " + membershipLive +
		" ELSE " + membershipWait + " END)"
}

// heldHonor is a condition on honours h: awarded by the day.
func (d statsDay) heldHonor(h string) string {
	return "(" + h + ".year = 0 OR " + h + ".year <= " + d.year() + ")"
}

// statsSchemaOn is the statistics filter schema read as on the day: the
// related rows a filter reaches are those of the day, and the derived
// level and title those held then.
func statsSchemaOn(d statsDay, units *refdata.UnitHistory, fields func(string) ([]string, error)) func(ranks) filter.Schema {
	return func(r ranks) filter.Schema {
		s := statsSchema(r)
		if fields != nil {
			f := s["fields.field"]
			f.Expand = fields
			s["fields.field"] = f
		}
		// A province or district stands for the units in its area, as it
		// stood on the day; a code no version of the list has counts no
		// one, which a typo must not pass for.
		if units != nil {
			for _, name := range []string{"hometown", "positions.administrative_unit", "positions.organization.administrative_unit"} {
				f := s[name]
				f.Expand = func(code string) ([]string, error) {
					if _, ok := units.On(code, d.day); !ok && code != "" {
						return nil, fmt.Errorf("there is no administrative unit %q, now or before 2025; write its code, as \"91\" for the province (see ListAdministrativeUnits)", code)
					}
					return units.Under(code, d.day), nil
				}
				s[name] = f
			}
		}
		// Where people work: the position held on the day, and today the
		// columns kept from the current flags, while these hold
		// (statheld.go).
		where := s["work_location"]
		where.SQL = d.held(where.SQL, d.workLocationOn())
		s["work_location"] = where
		if !d.dated && !d.flagsBehind {
			// The current positions, mirrored in columns of people while
			// the flags hold (statheld.go).
			for name, f := range s {
				if f.Join == joinPos {
					f.Join = joinHeldPos
					s[name] = f
				}
			}
			return s
		}
		// A position counts once begun; "current" is running on the day.
		// Today, one not current does not run (it ran at the latest to
		// the day before it was last written).
		pos := &filter.Join{From: joinPos.From, On: joinPos.On + " AND pos.start_date <= " + d.ymd()}
		cur := s["positions.current"]
		cur.SQL = "(" + d.running("pos") + ")"
		if !d.dated {
			cur.SQL = "(pos.is_current AND " + d.running("pos") + ")"
		}
		s["positions.current"] = cur
		quals := &filter.Join{From: joinQuals.From, On: joinQuals.On + " AND " + d.heldQualification("q")}
		honors := &filter.Join{From: joinHonors.From, On: joinHonors.On + " AND " + d.heldHonor("h")}
		for name, f := range s {
			switch {
			case f.Join == joinPos:
				f.Join = pos
			case f.Join == joinQuals && d.dated:
				f.Join = quals
			case f.Join == joinHonors && d.dated:
				f.Join = honors
			}
			s[name] = f
		}
		if !d.dated {
			return s
		}
		lvl := s["highest_qualification_level"]
		lvl.SQL = d.levelRankOn()
		s["highest_qualification_level"] = lvl
		title := s["academic_title.title"]
		title.SQL = d.titleRankOn()
		s["academic_title.title"] = title
		return s
	}
}
