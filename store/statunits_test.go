package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A filter on hometown or on a workplace's unit by a province or district
// matches the units in its area, as it stood on as_of.
func TestStatisticsFilterByUnitArea(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2025, 8, 1, 3, 0, 0, 0, time.UTC) }
	setThreshold(t, db, 3)
	// Four born in each: Xã Giồng Riềng (2025, formed from Huyện Giồng
	// Riềng), Huyện Giồng Riềng (2024), Phường Long Xuyên (2025, formed
	// from the former An Giang), Thành phố Rạch Giá (2024). Each works in
	// the same unit, since 2010 (a 2024 unit) or 2025-07-01 (a 2025 one).
	for i, home := range []string{"30904", "906", "30307", "899"} {
		for j := range 4 {
			// Registered in 2018, the unit recorded as it is named in 2025.
			db.Now = func() time.Time { return time.Date(2018, 1, 1, 3, 0, 0, 0, time.UTC) }
			p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprint("P", i, j)}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return time.Date(2025, 8, 1, 3, 0, 0, 0, time.UTC) }
			if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.Hometown = home; return nil }); err != nil {
				t.Fatal(err)
			}
			start := &date.Date{Year: 2010, Month: 1}
			if len(home) == 5 {
				start = &date.Date{Year: 2025, Month: 7, Day: 1}
			}
			if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{OrganizationName: "UBND", AdministrativeUnit: home, Current: true,
				Start: start}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Now = func() time.Time { return time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC) }
	count := func(filter string, asOf *date.Date) int32 {
		t.Helper()
		r, err := db.ComputeStatistics(ctx, StatsQuery{Filter: filter, AsOf: asOf, Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER}})
		if err != nil {
			t.Fatalf("%s on %v: %v", filter, asOf, err)
		}
		return r.GetTotal()
	}
	in2020 := &date.Date{Year: 2020, Month: 6, Day: 1}
	for _, c := range []struct {
		filter string
		asOf   *date.Date
		want   int32
	}{
		// Today 91 is the new An Giang: everyone.
		{`hometown = "91"`, nil, 16},
		// In 2020 it was Kiên Giang: not the former An Giang's commune.
		{`hometown = "91"`, in2020, 12},
		{`hometown != "91"`, in2020, 4},
		// A 2024 district: itself and the 2025 communes formed from it,
		// today too.
		{`hometown = "906"`, in2020, 8},
		{`hometown = "906"`, nil, 8},
		// A commune stands for itself.
		{`hometown = "30904"`, nil, 4},
		{`positions.administrative_unit = "91"`, in2020, 8},
		{`positions.administrative_unit = "91"`, nil, 16},
		{`positions.administrative_unit = "906"`, nil, 8},
		{`positions.current = true AND positions.administrative_unit = "899"`, in2020, 4},
	} {
		if got := count(c.filter, c.asOf); got != c.want {
			t.Errorf("%s on %v: %d, want %d", c.filter, c.asOf, got, c.want)
		}
	}
}

// A statistics filter naming a unit or a field that no list has is
// refused, naming the code, rather than counting no one as if that were a
// figure; a code that exists, and "" (not recorded), are taken.
func TestStatisticsFilterUnknownCode(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, filter, scheme, want string // want: "" for accepted
	}{
		{"OK province", `hometown = "91"`, "", ""},
		{"OK 2024 district", `positions.administrative_unit = "906"`, "", ""},
		{"OK not recorded", `hometown = ""`, "", ""},
		{"OK field", `fields.field = "fields/vn2008-5"`, "", ""},
		{"OK field in scheme", `fields.field = "fields/vn2025-1"`, "vn2025", ""},
		{"ErrUnknownHometown", `hometown = "99999"`, "", `"99999"`},
		{"ErrUnknownUnitNot", `positions.administrative_unit != "abc"`, "", `"abc"`},
		{"ErrUnknownOrgUnit", `positions.organization.administrative_unit = "9100"`, "", `"9100"`},
		{"ErrUnknownField", `fields.field = "fields/vn2008-999"`, "", `"fields/vn2008-999"`},
		{"ErrUnknownFieldInScheme", `fields.field = "fields/vn2008-999"`, "vn2025", `"fields/vn2008-999"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.ComputeStatistics(ctx, StatsQuery{Filter: c.filter, FieldScheme: c.scheme,
				Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER}})
			if c.want == "" {
				if err != nil {
					t.Fatalf("%s: %v", c.filter, err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || se.Code != Invalid || se.Field != "filter" || !strings.Contains(se.Message, c.want) {
				t.Fatalf("%s: %v, want INVALID_ARGUMENT on filter naming %s", c.filter, err, c.want)
			}
		})
	}
}
