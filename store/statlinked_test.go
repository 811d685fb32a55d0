package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// linkedUnits makes the registry the auditor found the answers by unit
// and by 2024 district differencing on: organizations in Xã Giồng Riềng
// (30904, formed from district 906), Xã Tân Hiệp (30850, from 904), Xã
// Tân Hội (30856, from 904) and Xã Châu Thành (30880, from 905) holding
// 4, 2, 7 and 10 people, current since 2020, and 23 people with no
// position; the threshold is 3.
func linkedUnits(t *testing.T) *DB {
	db := openTest(t)
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	setThreshold(t, db, 3)
	for _, o := range []struct {
		unit string
		n    int
	}{{"30904", 4}, {"30850", 2}, {"30856", 7}, {"30880", 10}, {"", 23}} {
		var org *pb.Organization
		if o.unit != "" {
			var err error
			if org, err = db.CreateOrganization(ctx, &pb.Organization{DisplayName: "UBND " + o.unit, Kind: pb.Organization_STATE_AGENCY,
				AdministrativeUnit: o.unit}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range o.n {
			p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: fmt.Sprint("P", o.unit, i)}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if org == nil {
				continue
			}
			if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Chuyên viên",
				Start: &date.Date{Year: 2020, Month: 1, Day: 1}, Current: true}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

// districtOfUnit is how the units of linkedUnits lie in the districts.
var districtOfUnit = map[string]string{"30904": "906", "30850": "904", "30856": "904", "30880": "905", "": ""}

// figure is a count as an answer shows it: its value, or that it is
// hidden, and whether for being small.
type figure struct {
	count           int
	hidden, primary bool
}

// figures reads the rows of an answer by the unit (or district) at index
// i of the values.
func figures(s *pb.ComputeStatisticsResponse, i int) map[string]figure {
	out := map[string]figure{}
	for _, r := range s.GetRows() {
		out[r.GetValues()[i]] = figure{int(r.GetCount()), r.GetSuppressed(), r.GetSuppressionReason() == pb.SuppressionReason_BELOW_THRESHOLD}
	}
	return out
}

// workedOut is the attacker with both answers: every way of filling in
// the hidden units (a small one at least 1, another any count)
// that agrees with the total and the districts shown. It returns the
// small counts, of units or districts, that have one possible value.
func workedOut(t *testing.T, units, districts map[string]figure, total, threshold int) []string {
	t.Helper()
	var hidden []string
	known := 0
	for u, f := range units {
		if f.hidden {
			hidden = append(hidden, u)
		} else {
			known += f.count
		}
	}
	seen := map[string]map[int]bool{}
	note := func(k string, n int) {
		if seen[k] == nil {
			seen[k] = map[int]bool{}
		}
		seen[k][n] = true
	}
	value := map[string]int{}
	var fill func(i, left int)
	fill = func(i, left int) {
		if i == len(hidden) {
			if left != 0 {
				return
			}
			sums := map[string]int{}
			for u, f := range units {
				n := f.count
				if f.hidden {
					n = value[u]
				}
				sums[districtOfUnit[u]] += n
			}
			for d, f := range districts {
				if !f.hidden && sums[d] != f.count || f.primary && sums[d] < 1 {
					return
				}
			}
			for _, u := range hidden {
				note("unit "+u, value[u])
			}
			for d := range districts {
				note("district "+d, sums[d])
			}
			return
		}
		lo := 0
		if units[hidden[i]].primary {
			lo = 1
		}
		for n := lo; n <= left; n++ {
			value[hidden[i]] = n
			fill(i+1, left-n)
		}
	}
	fill(0, total-known)
	var out []string
	for u, f := range units {
		if f.primary && len(seen["unit "+u]) < 2 {
			out = append(out, fmt.Sprintf("unit %q = %v", u, seen["unit "+u]))
		}
	}
	for d, f := range districts {
		if f.primary && len(seen["district "+d]) < 2 {
			out = append(out, fmt.Sprintf("district %q = %v", d, seen["district "+d]))
		}
	}
	return out
}

// The answer by unit and the answer by 2024 district are suppressed
// together: Tân Hiệp's 2 is not Huyện Tân Hiệp's 9 less Tân Hội's 7.
func TestUnitAndDistrictAnswersDoNotDifference(t *testing.T) {
	db := linkedUnits(t)
	ctx := context.Background()
	unit := []Dimension{pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}
	byUnit, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: unit})
	if err != nil {
		t.Fatal(err)
	}
	byDistrict, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: unit, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024})
	if err != nil {
		t.Fatal(err)
	}
	units, districts := figures(byUnit, 0), figures(byDistrict, 0)
	if !units["30850"].primary || byUnit.GetTotal() != 46 || byDistrict.GetTotal() != 46 {
		t.Fatalf("units %v, total %d and %d; want Tân Hiệp small and 46", units, byUnit.GetTotal(), byDistrict.GetTotal())
	}
	if got := workedOut(t, units, districts, 46, 3); got != nil {
		t.Errorf("worked out from the two answers: %v (units %v, districts %v)", got, units, districts)
	}

	// In the yearly report, the table by unit (by level and field too,
	// which nobody has recorded here) and the one by district.
	r, err := db.MakeReport(ctx, &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: &date.Date{Year: 2026, Month: 3, Day: 1}}, "")
	if err != nil {
		t.Fatal(err)
	}
	units, districts = figures(r.GetTables()[0].GetStatistics(), 2), figures(r.GetTables()[1].GetStatistics(), 1)
	if got := workedOut(t, units, districts, 46, 3); got != nil {
		t.Errorf("worked out from the report: %v (units %v, districts %v)", got, units, districts)
	}
	// And the report says its total, 46, in every table, and shows the
	// units that protect nothing.
	for i, tb := range r.GetTables() {
		if tb.GetStatistics().GetTotalSuppressed() || tb.GetStatistics().GetTotal() != 46 {
			t.Errorf("table %d: total %d, suppressed %v; want 46 shown", i+1, tb.GetStatistics().GetTotal(), tb.GetStatistics().GetTotalSuppressed())
		}
	}
	if f := units["30880"]; f.hidden || f.count != 10 {
		t.Errorf("the report's table 1 hides Châu Thành: %v", units)
	}

	// By level and unit, where nobody has a level recorded: the table by
	// unit, not every cell and the total hidden.
	byLevel, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
		pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := figures(byLevel, 1), figures(byUnit, 0); fmt.Sprint(got) != fmt.Sprint(want) || byLevel.GetTotal() != 46 {
		t.Errorf("by level and unit: %v, total %d; want %v, 46", got, byLevel.GetTotal(), want)
	}
}
