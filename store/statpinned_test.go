package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// pinnedFixture is 28 people, threshold 3. From 30742: 10 men, 4 women,
// 2 with no gender; from 30766: 6 men, 6 women. By gender, everyone: Nam
// 16, Nữ 10 hidden to protect the 2, "" 2 hidden. From 30742: Nam 10, Nữ 4
// hidden to protect the 2, "" 2 hidden. From 30766: both shown.
func pinnedFixture(t *testing.T) (*DB, context.Context) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	add := func(n int, g pb.Person_Gender, hometown string) {
		for i := range n {
			if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A" + itoa(int64(i)), Gender: g, Hometown: hometown}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(10, pb.Person_MALE, "30742")
	add(4, pb.Person_FEMALE, "30742")
	add(2, pb.Person_GENDER_UNSPECIFIED, "30742")
	add(6, pb.Person_MALE, "30766")
	add(6, pb.Person_FEMALE, "30766")
	setThreshold(t, db, 3)
	return db, ctx
}

// statsText writes an answer as "total; value=count, ..." with * for a
// hidden count, and the reason of a hidden total.
func statsText(r *pb.ComputeStatisticsResponse) string {
	total := "*" + r.GetTotalSuppressionReason().String()
	if r.Total != nil {
		total = itoa(int64(r.GetTotal()))
	}
	var rows []string
	for _, row := range r.GetRows() {
		n := "*"
		if row.Count != nil {
			n = itoa(int64(row.GetCount()))
		}
		rows = append(rows, strings.Join(row.GetValues(), "/")+"="+n)
	}
	return total + "; " + strings.Join(rows, ", ")
}

// A filter that pins a dimension to values the table of it, without
// that comparison, hides is answered with nothing: its total (or its
// rows' sum) would be the hidden count, and beside the table's shown
// ones, tell the small one it protects. Filters whose values are shown
// there are answered as before.
func TestStatisticsFilterOnHiddenCell(t *testing.T) {
	db, ctx := pinnedFixture(t)
	gender := []Dimension{pb.ComputeStatisticsRequest_GENDER}
	level := []Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL}
	// The tables the filters are judged against, as a caller gets them.
	for _, c := range []struct{ filter, want string }{
		{"", "28; MALE=16, FEMALE=*, =*"},
		{`hometown = "30742"`, "16; MALE=10, FEMALE=*, =*"},
		{`hometown = "30766"`, "12; MALE=6, FEMALE=6"},
	} {
		r, err := db.ComputeStatistics(ctx, StatsQuery{Filter: c.filter, Dimensions: gender})
		if err != nil {
			t.Fatal(err)
		}
		if got := statsText(r); got != c.want {
			t.Fatalf("fixture by gender, filter %q: got %s, want %s", c.filter, got, c.want)
		}
	}
	withheld := "*PROTECTS_ANOTHER; "
	for _, c := range []struct {
		name   string
		filter string
		dims   []Dimension
		want   string
	}{
		// Before, 10: with Nam 16 of 28, the 2 with no gender.
		{"ErrPinsHiddenCell", "gender = FEMALE", level, withheld},
		{"ErrPinsHiddenCellRows", "gender = FEMALE", gender, withheld},
		// Before, 18: Nữ by difference, and so the 2.
		{"ErrPinsSetWithHiddenCell", "gender = MALE OR gender = GENDER_UNSPECIFIED", level, withheld},
		{"ErrNotShownValue", "NOT gender = FEMALE", level, withheld},
		// Judged against the table for the rest of the filter: before, 4,
		// and with Nam 10 of 16 from 30742, the 2 there.
		{"ErrPinsCellHiddenInRest", `gender = FEMALE AND hometown = "30742"`, level, withheld},
		{"ErrPinsCellHiddenInRestRows", `hometown = "30742" AND gender = FEMALE`, gender, withheld},
		// Safe: the values are shown in the table without the comparison.
		{"OKShownValue", "gender = MALE", level, "16; =16"},
		{"OKShownValueRows", "gender = MALE", gender, "16; MALE=16"},
		{"OKShownInRest", `gender = FEMALE AND hometown = "30766"`, level, "6; =6"},
		{"OKShownInRestMale", `hometown = "30742" AND gender = MALE`, level, "10; =10"},
		// Safe: every hidden count whole, whose sum everyone's total less
		// Nam tells anyway.
		{"OKEveryHiddenCellWhole", "gender != MALE", level, "12; =12"},
		// No dimension's values pinned.
		{"OKNoDimension", `hometown = "30742"`, level, "16; =16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := db.ComputeStatistics(ctx, StatsQuery{Filter: c.filter, Dimensions: c.dims})
			if err != nil {
				t.Fatal(err)
			}
			if got := statsText(r); got != c.want {
				t.Errorf("filter %q: got %s, want %s", c.filter, got, c.want)
			}
		})
	}
}

// The indicators' denominator is the filter's total: withheld alike.
func TestIndicatorsFilterOnHiddenCell(t *testing.T) {
	db, ctx := pinnedFixture(t)
	for _, c := range []struct {
		filter string
		den    int32 // 0: every indicator withheld
	}{
		{"gender = FEMALE", 0},
		{`gender = FEMALE AND hometown = "30742"`, 0},
		{`gender = FEMALE AND hometown = "30766"`, 6},
		{"gender = MALE", 16},
	} {
		r, err := db.GetIndicators(ctx, c.filter, "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range r.GetIndicators() {
			if c.den == 0 {
				if !ind.GetSuppressed() || ind.Denominator != nil || ind.GetSuppressionReason() != pb.SuppressionReason_PROTECTS_ANOTHER {
					t.Errorf("filter %q: %v is shown (denominator %d), want withheld", c.filter, ind.GetKind(), ind.GetDenominator())
				}
			} else if ind.GetDenominator() != c.den {
				t.Errorf("filter %q: %v has denominator %d, want %d", c.filter, ind.GetKind(), ind.GetDenominator(), c.den)
			}
		}
	}
}
