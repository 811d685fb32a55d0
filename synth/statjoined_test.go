package synth

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// On generated people, who moved and so join the units and the 2024
// districts into groups of several districts, where a district's count is a part of the group's,
// the sum of no units: the answers by unit hide no count to guard one,
// so that an answer with no small count hides nothing, and one unit's
// answer is its total.
func TestStatsByUnitJoinedByMoversHideOnlyWhatTheyMust(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := BulkLoad(ctx, db, BulkOptions{Seed: 7, People: 3000}); err != nil {
		t.Fatal(err)
	}
	unit, kind := pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT, pb.ComputeStatisticsRequest_ORGANIZATION_KIND
	level := pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
	units, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{unit}})
	if err != nil || len(units.GetRows()) < 2 {
		t.Fatalf("by unit: %v, %v", units, err)
	}
	// A unit all of whose people, past and present, are there now.
	one := ""
	for _, row := range units.GetRows() {
		f := fmt.Sprintf("positions.administrative_unit = %q", row.GetValues()[0])
		r, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{level}, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if row.Count != nil && r.GetTotal() == row.GetCount() {
			one = f
			break
		}
	}
	if one == "" {
		t.Fatal("no unit whose people have always been there")
	}
	for _, tc := range []struct {
		name string
		q    store.StatsQuery
		// rows is how many rows the answer must show, 0 for any.
		rows int
	}{
		{"unit and kind", store.StatsQuery{Dimensions: []store.Dimension{unit, kind}}, 0},
		{"unit and kind, women", store.StatsQuery{Dimensions: []store.Dimension{unit, kind}, Filter: "gender = FEMALE"}, 0},
		{"one unit", store.StatsQuery{Dimensions: []store.Dimension{unit}, Filter: one}, 1},
		{"one kind by unit", store.StatsQuery{Dimensions: []store.Dimension{unit}, Filter: "positions.organization.kind = RESEARCH_INSTITUTE"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := db.ComputeStatistics(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			small, hidden := 0, 0
			for _, row := range r.GetRows() {
				switch row.GetSuppressionReason() {
				case pb.SuppressionReason_BELOW_THRESHOLD:
					small++
				case pb.SuppressionReason_PROTECTS_ANOTHER:
					hidden++
				}
			}
			if len(r.GetRows()) == 0 || tc.rows > 0 && len(r.GetRows()) != tc.rows {
				t.Fatalf("%d rows (total %d); want %d", len(r.GetRows()), r.GetTotal(), tc.rows)
			}
			if small == 0 && hidden > 0 {
				t.Errorf("no count is small, yet %d of %d rows are hidden", hidden, len(r.GetRows()))
			}
		})
	}

	// By level and unit, for one unit, as by level alone.
	alone, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{level}, Filter: one})
	if err != nil {
		t.Fatal(err)
	}
	both, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{level, unit}, Filter: one})
	if err != nil {
		t.Fatal(err)
	}
	shown := func(r *pb.ComputeStatisticsResponse) map[string]int32 {
		out := map[string]int32{}
		for _, row := range r.GetRows() {
			if row.Count != nil {
				out[row.GetValues()[0]] = row.GetCount()
			}
		}
		return out
	}
	if a, b := shown(alone), shown(both); !maps.Equal(a, b) {
		t.Errorf("levels of one unit shown by level and unit: %v; by level alone: %v", b, a)
	}
}
