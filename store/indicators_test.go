package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An indicator is a sum of cells of a one-dimension table: published beside
// the table ComputeStatistics gives for that dimension, it must not tell a
// count the table hid. The people of each case are the auditor's, at the
// threshold 3.
func TestIndicatorsKeepTheTablesHiddenCounts(t *testing.T) {
	type group struct {
		n         int
		gender    pb.Person_Gender
		ethnicity string
		level     string
	}
	for _, c := range []struct {
		name   string
		people []group
		dim    Dimension
		// The table, as ComputeStatistics gives it (* hidden), and the
		// indicators that count from it (* withheld, with its reason).
		table string
		want  map[pb.Indicator_Kind]string
	}{{
		// Women 8 and the 1 without a gender are hidden; 8/22 would give
		// both away.
		name: "WomenGiveAwayTheHiddenGender",
		people: []group{{n: 13, gender: pb.Person_MALE}, {n: 8, gender: pb.Person_FEMALE},
			{n: 1}},
		dim:   pb.ComputeStatisticsRequest_GENDER,
		table: "MALE=13 FEMALE=* =*",
		want:  map[pb.Indicator_Kind]string{pb.Indicator_WOMEN: "*PROTECTS_ANOTHER/22"},
	}, {
		// The master's 4 hide the 1 without a degree; master's or higher
		// 8 would give both away. The doctorates (4) are in the table.
		name:   "MastersGiveAwayTheHiddenLevels",
		people: []group{{n: 10, level: "DAI_HOC"}, {n: 4, level: "THAC_SI"}, {n: 4, level: "TIEN_SI"}, {n: 1}},
		dim:    pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
		table:  "DAI_HOC=10 THAC_SI=* TIEN_SI=4 =*",
		want: map[pb.Indicator_Kind]string{pb.Indicator_MASTER_OR_HIGHER: "*PROTECTS_ANOTHER/19",
			pb.Indicator_DOCTORATE: "4/19"},
	}, {
		// The 4 without an ethnicity hide the 1 Khmer; the minorities, 9,
		// less the Hoa, 8, would give it away.
		name: "MinoritiesGiveAwayTheHiddenKhmer",
		people: []group{{n: 10, ethnicity: "01"}, {n: 1, ethnicity: "05"},
			{n: 8, ethnicity: "06"}, {n: 4}},
		dim:   pb.ComputeStatisticsRequest_ETHNICITY,
		table: "01=10 05=* 06=8 =*",
		want:  map[pb.Indicator_Kind]string{pb.Indicator_ETHNIC_MINORITY: "*PROTECTS_ANOTHER/23"},
	}, {
		// The Khmer 1 and the Hoa 2 are hidden, and stay so beside the
		// minorities, 11: it tells only that they are 3 together, which
		// the total tells already.
		name: "MinoritiesTellNothingNew",
		people: []group{{n: 10, ethnicity: "01"}, {n: 1, ethnicity: "05"},
			{n: 2, ethnicity: "06"}, {n: 8, ethnicity: "07"}},
		dim:   pb.ComputeStatisticsRequest_ETHNICITY,
		table: "01=10 05=* 06=* 07=8",
		want:  map[pb.Indicator_Kind]string{pb.Indicator_ETHNIC_MINORITY: "11/21"},
	}, {
		// A small numerator is below the threshold itself.
		name:   "SmallNumerator",
		people: []group{{n: 10, level: "DAI_HOC"}, {n: 2, level: "TIEN_SI"}, {n: 1}},
		dim:    pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
		table:  "DAI_HOC=10 TIEN_SI=* =*",
		want:   map[pb.Indicator_Kind]string{pb.Indicator_DOCTORATE: "*BELOW_THRESHOLD/13", pb.Indicator_MASTER_OR_HIGHER: "*BELOW_THRESHOLD/13"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			db := openTest(t)
			ctx := context.Background()
			setThreshold(t, db, 3)
			i := 0
			for _, g := range c.people {
				for range g.n {
					i++
					p := &pb.Person{GivenName: fmt.Sprint("P", i), Gender: g.gender, Ethnicity: g.ethnicity}
					p, err := db.CreatePerson(ctx, p, CreateOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if g.level != "" {
						if _, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE,
							Level: g.level, Year: 2010, Major: "Y"}, CreateOptions{}); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			r, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{c.dim}})
			if err != nil {
				t.Fatal(err)
			}
			var table []string
			for _, row := range r.GetRows() {
				n := "*"
				if row.Count != nil {
					n = fmt.Sprint(row.GetCount())
				}
				table = append(table, row.GetValues()[0]+"="+n)
			}
			if got := strings.Join(table, " "); got != c.table {
				t.Fatalf("the table by %v: got %s, want %s", c.dim, got, c.table)
			}
			ind, err := db.GetIndicators(ctx, "", "", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range ind.GetIndicators() {
				want, ok := c.want[in.GetKind()]
				if !ok {
					continue
				}
				got := fmt.Sprintf("%d/%d", in.GetNumerator(), in.GetDenominator())
				if in.GetSuppressed() {
					got = fmt.Sprintf("*%v/%d", in.GetSuppressionReason(), in.GetDenominator())
				}
				if got != want {
					t.Errorf("%v: got %s, want %s", in.GetKind(), got, want)
				}
			}
		})
	}
}
