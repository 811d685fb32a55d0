package store

import (
	"context"
	"slices"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Three dimensions with the unit are counted with the 2024 district beside
// them, four at once: every level appears in the answer, and each level's
// cells add up to its count by level alone. (The cells' keys packed 21
// bits a dimension into 64: at four, levels merged in pairs.)
func TestThreeDimensionsWithUnitKeepEveryValue(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	bulkLoad(t, db, 3000, 3)
	level := pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
	one, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{level}})
	if err != nil {
		t.Fatal(err)
	}
	three, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{level,
		pb.ComputeStatisticsRequest_GENDER, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}})
	if err != nil {
		t.Fatal(err)
	}
	levels := func(r *pb.ComputeStatisticsResponse) []string {
		var out []string
		for _, row := range r.GetRows() {
			if !slices.Contains(out, row.GetValues()[0]) {
				out = append(out, row.GetValues()[0])
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := levels(three), levels(one); !slices.Equal(got, want) {
		t.Fatalf("levels by level, gender and unit: %v; by level alone: %v", got, want)
	}
	if len(three.GetRows()) == 0 {
		t.Fatal("no rows")
	}
	// Each level shown whole by level alone and whose cells are all shown
	// by three adds up the same.
	sum, hidden := map[string]int32{}, map[string]bool{}
	for _, row := range three.GetRows() {
		if row.Count == nil {
			hidden[row.GetValues()[0]] = true
		}
		sum[row.GetValues()[0]] += row.GetCount()
	}
	for _, row := range one.GetRows() {
		v := row.GetValues()[0]
		if row.Count != nil && !hidden[v] && sum[v] != row.GetCount() {
			t.Errorf("%s: %d by level alone, cells adding up to %d by three", v, row.GetCount(), sum[v])
		}
	}
}
