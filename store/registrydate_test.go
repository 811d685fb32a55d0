package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registry date is a whole date from 1900 to today in Vietnam; a bad one
// is refused naming person.registry_date, and nothing is registered.
func TestRegistryDateValidation(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// 18:00 UTC on 1 March 2026: already 2 March in Vietnam.
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name  string
		d     *date.Date
		field string // "" when accepted
	}{
		{"OK unset", nil, ""},
		{"OK a past day", &date.Date{Year: 2025, Month: 6, Day: 1}, ""},
		{"OK the first day of 1900", &date.Date{Year: 1900, Month: 1, Day: 1}, ""},
		{"OK today in Vietnam", &date.Date{Year: 2026, Month: 3, Day: 2}, ""},
		{"OK 29 February of a leap year", &date.Date{Year: 2024, Month: 2, Day: 29}, ""},
		{"ErrTomorrow", &date.Date{Year: 2026, Month: 3, Day: 3}, "person.registry_date"},
		{"ErrNextYear", &date.Date{Year: 2027, Month: 1, Day: 1}, "person.registry_date"},
		{"ErrBefore1900", &date.Date{Year: 1899, Month: 12, Day: 31}, "person.registry_date.year"},
		{"ErrYearOnly", &date.Date{Year: 2025}, "person.registry_date"},
		{"ErrNoDay", &date.Date{Year: 2025, Month: 6}, "person.registry_date"},
		{"ErrNoYear", &date.Date{Month: 6, Day: 1}, "person.registry_date"},
		{"ErrMonth13", &date.Date{Year: 2025, Month: 13, Day: 1}, "person.registry_date.month"},
		{"ErrNegativeDay", &date.Date{Year: 2025, Month: 6, Day: -1}, "person.registry_date.day"},
		{"Err31June", &date.Date{Year: 2025, Month: 6, Day: 31}, "person.registry_date.day"},
		{"Err29FebruaryOf2025", &date.Date{Year: 2025, Month: 2, Day: 29}, "person.registry_date.day"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := countPeople(t, db)
			p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", RegistryDate: c.d}, CreateOptions{})
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := c.d
				if want == nil {
					want = &date.Date{Year: 2026, Month: 3, Day: 2}
				}
				if got := p.GetRegistryDate(); got.GetYear() != want.Year || got.GetMonth() != want.Month || got.GetDay() != want.Day {
					t.Errorf("registry_date %v, want %v", got, want)
				}
				return
			}
			var inv Invalids
			if !errors.As(err, &inv) || len(inv) != 1 || inv[0].Field != c.field || inv[0].Code != Invalid {
				t.Fatalf("%v, want INVALID_ARGUMENT naming %s", err, c.field)
			}
			if n := countPeople(t, db); n != before {
				t.Errorf("%d people after a refused create, want %d", n, before)
			}
		})
	}
}

func countPeople(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.read(context.Background(), func(tx *Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM people`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// A person registered today with a registry date of 2025-06-01 counts in
// the figures as on 2025-12-31; one registered today without does not.
// Reads give the date back, and an update may not change it.
func TestRegistryDateCountsFrom(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	// Three each, so that no count is below the threshold.
	setThreshold(t, db, 3)
	listed := &date.Date{Year: 2025, Month: 6, Day: 1}
	var early, late []*pb.Person
	for i := range 3 {
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprint("Sớm", i), RegistryDate: listed}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		early = append(early, p)
		if p, err = db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprint("Muộn", i)}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		late = append(late, p)
	}
	total := func(y, m, d int32) int32 {
		t.Helper()
		r, err := db.ComputeStatistics(ctx, StatsQuery{AsOf: &date.Date{Year: y, Month: m, Day: d},
			Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetTotal()
	}
	if n := total(2025, 12, 31); n != 3 {
		t.Errorf("as on 2025-12-31: %d counted, want the 3 listed from 2025-06-01", n)
	}
	if n := total(2025, 5, 31); n != 0 {
		t.Errorf("as on 2025-05-31: %d counted, want none", n)
	}
	if n := total(2026, 3, 1); n != 6 {
		t.Errorf("as on 2026-03-01: %d counted, want all 6", n)
	}
	report := &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: 2025, Month: 12, Day: 31}}
	if err := db.CheckReport(ctx, report, ""); err != nil {
		t.Errorf("a report as on 2025-12-31: %v, want it accepted", err)
	}
	report.AsOf = &date.Date{Year: 2025, Month: 5, Day: 31}
	if err := db.CheckReport(ctx, report, ""); errCode(err) != FailedPrecondition {
		t.Errorf("a report as on 2025-05-31: %v, want FAILED_PRECONDITION", err)
	}

	for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL} {
		got, err := db.GetPerson(ctx, early[0].Name, view)
		if err != nil {
			t.Fatal(err)
		}
		if d := got.GetRegistryDate(); d.GetYear() != 2025 || d.GetMonth() != 6 || d.GetDay() != 1 {
			t.Errorf("%v: registry_date %v, want 2025-06-01", view, d)
		}
		if got, err = db.GetPerson(ctx, late[0].Name, view); err != nil {
			t.Fatal(err)
		}
		if d := got.GetRegistryDate(); d.GetYear() != 2026 || d.GetMonth() != 3 || d.GetDay() != 1 {
			t.Errorf("%v: registry_date %v, want the day of registration, 2026-03-01", view, d)
		}
	}

	// An update that leaves it out keeps it; one that changes it is refused.
	if _, err := db.UpdatePerson(ctx, early[0].Name, WriteOptions{}, func(p *pb.Person) error {
		p.RegistryDate, p.MiddleName = nil, "Văn"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdatePerson(ctx, late[0].Name, WriteOptions{}, func(p *pb.Person) error {
		p.RegistryDate = &date.Date{Year: 2020, Month: 1, Day: 1}
		return nil
	})
	if e, ok := err.(*Error); !ok || e.Code != Invalid || e.Field != "person.registry_date" {
		t.Errorf("changing registry_date: %v, want INVALID_ARGUMENT naming person.registry_date", err)
	}
	if n := total(2025, 12, 31); n != 3 {
		t.Errorf("as on 2025-12-31 after the updates: %d counted, want 3", n)
	}
}
