package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An answer and its transposition publish the same cells: were secondary
// suppression to break its ties by the order the dimensions were asked in
// (or the cells counted in), the two answers would hide different cells,
// and together tell which hidden cells are empty, or the small counts.
func TestSuppressionIgnoresDimensionOrder(t *testing.T) {
	ctx := context.Background()
	const (
		level  = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
		unit   = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
		gender = pb.ComputeStatisticsRequest_GENDER
		field  = pb.ComputeStatisticsRequest_FIELD
		age    = pb.ComputeStatisticsRequest_AGE_BAND
	)
	secondary := false
	for _, threshold := range []int32{3, 5} {
		// A few hundred people over many cells: most are small, and many
		// small ones are equal, so secondary suppression meets ties.
		db := openTest(t)
		db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
		db.SetReadBudget(0)
		bulkLoad(t, db, 400, 7)
		setThreshold(t, db, threshold)
		sets := [][]Dimension{{level, unit}, {gender, level}, {level, field}, {unit, gender}, {field, age},
			{level, unit, gender}, {gender, age, level}}
		for _, set := range sets {
			vintages := []pb.ComputeStatisticsRequest_UnitVintage{pb.ComputeStatisticsRequest_CURRENT}
			if slices.Contains(set, unit) {
				vintages = append(vintages, pb.ComputeStatisticsRequest_HISTORY_2024)
			}
			for _, vintage := range vintages {
				var first, firstName string
				for _, order := range permutations(set) {
					name := fmt.Sprintf("threshold %d, %v %v", threshold, order, vintage)
					r, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: order, UnitVintage: vintage})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					got := publishedCells(r)
					secondary = secondary || strings.Contains(got, "PROTECTS_ANOTHER")
					if first == "" {
						first, firstName = got, name
						continue
					}
					if got != first {
						t.Errorf("%s publishes\n%s\nbut %s publishes\n%s", name, got, firstName, first)
					}
				}
			}
		}
	}
	if !secondary {
		t.Error("no answer hides a cell to protect another: no ties to break")
	}
}

// permutations lists every order of dims.
func permutations(dims []Dimension) [][]Dimension {
	if len(dims) <= 1 {
		return [][]Dimension{slices.Clone(dims)}
	}
	var out [][]Dimension
	for i := range dims {
		rest := slices.Delete(slices.Clone(dims), i, i+1)
		for _, p := range permutations(rest) {
			out = append(out, append([]Dimension{dims[i]}, p...))
		}
	}
	return out
}

// publishedCells is an answer's total and rows as a set keyed by the
// dimensions' values, named by dimension, in one order whatever the
// order of the answer's dimensions.
func publishedCells(r *pb.ComputeStatisticsResponse) string {
	total := fmt.Sprint("total ", r.GetTotal())
	if r.GetTotalSuppressed() {
		total = "total hidden"
	}
	var rows []string
	for _, row := range r.GetRows() {
		var key []string
		for i, d := range r.GetDimensions() {
			key = append(key, fmt.Sprintf("%v=%s", d, row.GetValues()[i]))
		}
		slices.Sort(key)
		n := fmt.Sprint(row.GetCount())
		if row.GetSuppressed() {
			n = "hidden " + row.GetSuppressionReason().String()
		}
		rows = append(rows, strings.Join(key, ",")+": "+n)
	}
	slices.Sort(rows)
	return total + "\n" + strings.Join(rows, "\n")
}
