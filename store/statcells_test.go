package store

import (
	"context"
	"fmt"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/suppress"
)

// Three dimensions with the unit are counted with the 2024 district beside
// them, four at once: every level appears in the count, and each level's
// cells add up to its count by level alone. (The cells' keys packed 21
// bits a dimension into 64: at four, levels merged in pairs.) Counted
// before suppression, which at this size leaves the answer's rows out
// (no suppression of it survives the audit of three dimensions).
func TestThreeDimensionsWithUnitKeepEveryValue(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	bulkLoad(t, db, 3000, 3)
	level := pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
	one, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{level}})
	if err != nil {
		t.Fatal(err)
	}
	q := StatsQuery{Dimensions: []Dimension{level, pb.ComputeStatisticsRequest_GENDER, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}}
	var cells []*suppress.Cell
	if err := db.read(ctx, func(tx *Tx) error {
		on, err := tx.statsDayOf(ctx, tx.today(), false)
		if err != nil {
			return err
		}
		var dims []*statDim
		for i, d := range q.Dimensions {
			sd, err := tx.statDimension(ctx, d, fmt.Sprint("dimensions[", i, "]"), on, q)
			if err != nil {
				return err
			}
			dims = append(dims, sd)
		}
		scope, err := tx.statsScope(ctx, "", "", on, DefaultSuppressionThreshold, false, q.MayFilter)
		if err != nil {
			return err
		}
		partner, err := tx.unitDimension(ctx, on, pb.ComputeStatisticsRequest_HISTORY_2024)
		if err != nil {
			return err
		}
		cells, err = tx.countCells(ctx, append(dims, partner), scope.listed, scope.where, scope.args)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sum := map[string]int32{}
	for _, c := range cells {
		sum[c.Values[0]] += int32(c.Count)
	}
	for _, row := range one.GetRows() {
		if v := row.GetValues()[0]; row.Count != nil && sum[v] != row.GetCount() {
			t.Errorf("%q: %d by level alone, cells adding up to %d by four", v, row.GetCount(), sum[v])
		}
		delete(sum, row.GetValues()[0])
	}
	if len(sum) > 0 {
		t.Errorf("levels counted by four and not by level alone: %v", sum)
	}
}
