package synth

import (
	"context"
	"path/filepath"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// By level and academic title on generated people, a level nobody of
// which holds a title is one row, its count the answer by level's: it is
// shown wherever that answer shows it, though the professors' small
// count is hidden (the associate professors' count, which the answer by
// title hides, is not taken as published).
func TestStatsByLevelAndTitleShowUntitledLevels(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := BulkLoad(ctx, db, BulkOptions{Seed: 7, People: 15000}); err != nil {
		t.Fatal(err)
	}
	level, title := pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_ACADEMIC_TITLE
	byLevel, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{level}})
	if err != nil {
		t.Fatal(err)
	}
	both, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{level, title}})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	small := false
	for _, row := range both.GetRows() {
		rows[row.GetValues()[0]]++
		small = small || row.GetSuppressionReason() == pb.SuppressionReason_BELOW_THRESHOLD
	}
	if !small {
		t.Fatal("no small count by level and title: the test needs one")
	}
	untitled := 0
	for _, row := range both.GetRows() {
		lv := row.GetValues()[0]
		if rows[lv] != 1 {
			continue
		}
		untitled++
		for _, l := range byLevel.GetRows() {
			if l.GetValues()[0] == lv && l.Count != nil && row.Count == nil {
				t.Errorf("%s: %d by level, hidden by level and title", lv, l.GetCount())
			}
		}
	}
	if untitled == 0 {
		t.Fatal("no level without titles")
	}
}
