package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// universityAndPerson registers a university and a person to hold
// positions there.
func universityAndPerson(t *testing.T, db *DB) (*pb.Organization, *pb.Person) {
	t.Helper()
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Trường Đại học", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}, CreateOptions{ID: "dh"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "An"}, CreateOptions{ID: "le-an"})
	if err != nil {
		t.Fatal(err)
	}
	return org, p
}

// A position is current until the last day its end covers has passed: an
// end of today, of this month or of this year leaves it current today,
// whether sent when the position is created or in an update.
func TestPositionCurrentUntilItsEndPasses(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	setDay(db, 2026, 12, 5)
	org, p := universityAndPerson(t, db)
	for _, c := range []struct {
		name string
		end  *date.Date
		want bool
	}{
		{"CurrentYearOnly", &date.Date{Year: 2026}, true},
		{"CurrentMonthOnly", &date.Date{Year: 2026, Month: 12}, true},
		{"CurrentToday", &date.Date{Year: 2026, Month: 12, Day: 5}, true},
		{"CurrentEndOfMonth", &date.Date{Year: 2026, Month: 12, Day: 31}, true},
		{"EndedYesterday", &date.Date{Year: 2026, Month: 12, Day: 4}, false},
		{"EndedLastMonth", &date.Date{Year: 2026, Month: 11}, false},
		{"EndedLastYear", &date.Date{Year: 2025}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			created, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Giảng viên",
				Start: &date.Date{Year: 2020, Month: 1, Day: 1}, End: c.end, Current: true}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if created.GetCurrent() != c.want {
				t.Errorf("created with end %v: current %v, want %v", c.end, created.GetCurrent(), c.want)
			}
			open, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Giảng viên",
				Start: &date.Date{Year: 2020, Month: 1, Day: 1}, Current: true}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			updated, err := db.UpdatePosition(ctx, open.Name, WriteOptions{}, func(pos *pb.Position) error {
				pos.End = c.end
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if updated.GetCurrent() != c.want {
				t.Errorf("updated to end %v: current %v, want %v", c.end, updated.GetCurrent(), c.want)
			}
		})
	}
}

// The daily run ends a position on the day after the last day its end
// covers, not before: a year-only end lasts through 31 December, a
// month-only one through the month's last day.
func TestEndLapsedPositionsPartialEnds(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Written long before any of the ends, so that each is current.
	setDay(db, 2025, 6, 1)
	org, p := universityAndPerson(t, db)
	days := []struct {
		m time.Month
		d int
		y int
	}{{12, 5, 2026}, {12, 6, 2026}, {12, 31, 2026}, {1, 1, 2027}}
	cases := []struct {
		name string
		end  *date.Date
		// want is whether it is current after the run on each of days.
		want [4]bool
		pos  string
	}{
		{name: "YearOnly", end: &date.Date{Year: 2026}, want: [4]bool{true, true, true, false}},
		{name: "MonthOnly", end: &date.Date{Year: 2026, Month: 12}, want: [4]bool{true, true, true, false}},
		{name: "Today", end: &date.Date{Year: 2026, Month: 12, Day: 5}, want: [4]bool{true, false, false, false}},
		{name: "EndOfMonth", end: &date.Date{Year: 2026, Month: 12, Day: 31}, want: [4]bool{true, true, true, false}},
		{name: "NextYear", end: &date.Date{Year: 2027, Month: 1}, want: [4]bool{true, true, true, true}},
	}
	for i := range cases {
		pos, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: cases[i].name,
			Start: &date.Date{Year: 2020, Month: 1, Day: 1}, End: cases[i].end, Current: true}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !pos.GetCurrent() {
			t.Fatalf("%s: not current when written", cases[i].name)
		}
		cases[i].pos = pos.Name
	}
	for di, day := range days {
		setDay(db, day.y, day.m, day.d)
		if _, err := db.EndLapsedPositions(ctx, nil); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			pos, err := db.GetPosition(ctx, c.pos)
			if err != nil {
				t.Fatal(err)
			}
			if pos.GetCurrent() != c.want[di] {
				t.Errorf("%s (end %v) after the run on %d-%02d-%02d: current %v, want %v",
					c.name, c.end, day.y, day.m, day.d, pos.GetCurrent(), c.want[di])
			}
		}
	}
}

// The last day Go gives an end (preparePosition) is the one the database
// keeps for a current position (positions.last_day): one rule, read in
// two places.
func TestLastDayCoveredAsStored(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	setDay(db, 2020, 1, 1)
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "An"}, CreateOptions{ID: "le-an"})
	if err != nil {
		t.Fatal(err)
	}
	for _, end := range []*date.Date{{Year: 2026, Month: 12, Day: 5}, {Year: 2026, Month: 12}, {Year: 2026}, {Year: 2028, Month: 2}} {
		pos, err := db.CreatePosition(ctx, p.Name, &pb.Position{OrganizationName: "Viện", Start: &date.Date{Year: 2019}, End: end, Current: true}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		err = db.read(ctx, func(tx *Tx) error {
			return tx.QueryRowContext(ctx, `SELECT last_day FROM positions WHERE id = ?`, strings.TrimPrefix(pos.Name, p.Name+"/positions/")).Scan(&got)
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := lastDayCovered(ymd(end.Year, end.Month, end.Day)); got != want {
			t.Errorf("end %v: the database keeps %d, lastDayCovered gives %d", end, got, want)
		}
	}
}
