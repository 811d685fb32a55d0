package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// heldPositionsTest registers people holding no, one and several current
// positions, at organizations and without, in the province and outside,
// some moved, ended and deleted since, and returns the store and the
// statistics day (today, flags holding).
func heldPositionsTest(t *testing.T) *DB {
	t.Helper()
	db := openTest(t)
	ctx := context.Background()
	org := func(name, unit string, kind pb.Organization_Kind) string {
		o, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: name, AdministrativeUnit: unit, Kind: kind}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}
	uni := org("Trường Đại học An Giang", "30292", pb.Organization_UNIVERSITY)
	hosp := org("Bệnh viện Đa khoa", "30337", pb.Organization_HOSPITAL)
	nowhere := org("Công ty không địa chỉ", "", pb.Organization_ENTERPRISE)
	o, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Đại học Tokyo", Country: "JP", Kind: pb.Organization_UNIVERSITY}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	abroad := o.Name
	type pos struct {
		org, unit string
		kind      pb.Position_EmploymentType
		current   bool
		start     int32
	}
	people := [][]pos{
		nil,
		{{org: uni, current: true, kind: pb.Position_PUBLIC_EMPLOYEE}},
		{{org: hosp, current: true, kind: pb.Position_CIVIL_SERVANT}},
		{{unit: "30301", current: true}},
		{{unit: "30301", current: false}},
		{{org: nowhere, unit: "30301", current: true}},
		{{current: true}},
		{{org: uni, current: false}, {org: hosp, current: true}},
		// Several current: the latest outside, an older one inside (start
		// is a day of August 2025, after 2000: units began in July).
		{{org: uni, current: true, start: 2010, kind: pb.Position_CONTRACT}, {org: hosp, current: true, start: 2020}},
		{{org: hosp, current: true, start: 2010}, {org: uni, current: true, start: 2020}},
		{{org: hosp, current: true, start: 2010}, {unit: "30346", current: true, start: 2020}, {unit: "30292", current: true, start: 2015}},
		{{org: abroad, current: true}},
		{{org: abroad, current: true, start: 2021}, {org: hosp, current: true, start: 2011}},
	}
	var names []string
	for i, ps := range people {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: fmt.Sprint("Người ", i), Gender: pb.Person_Gender(1 + i%2)}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
		for _, x := range ps {
			start := x.start
			if start == 0 {
				start = 2018
			}
			unregistered := ""
			if x.org == "" {
				unregistered = "Ủy ban nhân dân xã"
			}
			if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: x.org, OrganizationName: unregistered, AdministrativeUnit: x.unit, Title: "Cán bộ",
				EmploymentType: x.kind, Current: x.current, Start: &date.Date{Year: 2025, Month: 8, Day: start - 2000}}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Writes since: a position ended, one moved, one deleted, an
	// organization moved; the columns must follow each.
	ps, _, err := db.ListPositions(ctx, names[9], ListQuery{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Organization == uni {
			if _, err := db.UpdatePosition(ctx, p.Name, WriteOptions{}, func(p *pb.Position) error {
				p.Current = false
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ps, _, err = db.ListPositions(ctx, names[3], ListQuery{PageSize: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePosition(ctx, ps[0].Name, WriteOptions{}, func(p *pb.Position) error {
		p.AdministrativeUnit = "30307"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if ps, _, err = db.ListPositions(ctx, names[10], ListQuery{PageSize: 10}); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.AdministrativeUnit == "30346" {
			if err := db.DeletePosition(ctx, p.Name, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := db.UpdateOrganization(ctx, nowhere, WriteOptions{}, func(o *pb.Organization) error {
		o.AdministrativeUnit = "30313"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

// A statistics filter on the current positions reads people from the
// index of statistics, looking positions up only for those who hold
// several: it looked up every person's, in each of the passes an answer
// makes, 5.2 s at a million people.
func TestHeldPositionsReadStatisticsIndex(t *testing.T) {
	db := heldPositionsTest(t)
	ctx := context.Background()
	err := db.read(ctx, func(tx *Tx) error {
		on, err := tx.statsDayOf(ctx, tx.today(), false)
		if err != nil {
			return err
		}
		for _, f := range []string{
			`positions.current = true`,
			`positions.current = true AND positions.administrative_unit = "91"`,
			`positions.current = true AND positions.organization.kind = UNIVERSITY AND positions.employment_type = CONTRACT`,
		} {
			where, args, err := tx.compileStatsFilter(ctx, f, on, nil)
			if err != nil {
				t.Fatal(err)
			}
			plan := queryPlan(t, tx, "SELECT COUNT(*) FROM "+statsFrom(where, false)+" WHERE "+personListed+" AND "+where, args...)
			if !strings.HasPrefix(plan, "SCAN p USING INDEX people_statistics") {
				t.Errorf("%s: plan %q, want a scan of people_statistics", f, plan)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
