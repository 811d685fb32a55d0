package synth

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// On the demo data, the people whose workplace on the last day of the 2024
// districts was in the former Kiên Giang are counted under a 2024 district:
// fewer than 1 % under "unknown" (issue 21: it was 276 of 310).
func TestDemoDataFindsTheir2024District(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Load(ctx, db, 1, 300); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateStatisticsSettings(ctx, "statisticsSettings", store.WriteOptions{}, func(s *pb.StatisticsSettings) error {
		s.SuppressionThreshold = store.MinSuppressionThreshold
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT},
		UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024})
	if err != nil {
		t.Fatal(err)
	}
	unknown := 0
	for _, row := range r.GetRows() {
		if row.GetValues()[0] == "" {
			unknown = int(row.GetCount())
		}
	}
	// Read the workplaces straight from the file: those in the former Kiên
	// Giang (its 2024 districts, or the 2025 communes formed from them,
	// coded from 30742) and the rest (none, or the former An Giang).
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var kg, other int
	err = raw.QueryRowContext(ctx, `SELECT
		IFNULL(SUM(length(unit_on_20250630) = 3 OR (length(unit_on_20250630) = 5 AND unit_on_20250630 >= '30742')), 0),
		IFNULL(SUM(NOT (length(unit_on_20250630) = 3 OR (length(unit_on_20250630) = 5 AND unit_on_20250630 >= '30742'))), 0)
		FROM people WHERE delete_time IS NULL AND restricted = 0`).Scan(&kg, &other)
	if err != nil {
		t.Fatal(err)
	}
	lost := unknown - other
	t.Logf("%d people worked in the former Kiên Giang on 2025-06-30, %d elsewhere or nowhere recorded; %d under unknown", kg, other, unknown)
	if kg == 0 || float64(lost) >= 0.01*float64(kg) {
		t.Errorf("%d of the %d who worked in the former Kiên Giang have no 2024 district", lost, kg)
	}
}
