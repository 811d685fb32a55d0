package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// The yearly report's table by level and 2024 district is what
// ComputeStatistics answers by the same dimensions as on the same day. It
// was suppressed together with the report's table by level, field and
// unit, and so hid other cells than the call, which is suppressed with
// the answer by level and unit: as on 1 July 2021, on the people below,
// the report hid the doctors of district 899 that the call shows, and the
// two hid different cells elsewhere, which each tells of the other. On
// the demo's people with a registry date in 2000, for a few days: every
// cell either hides, the other hides too, and the answers are the same.
func TestReportDistrictTableIsComputeStatistics(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	// synth.Load, with the people on the lists since 2000, so that the
	// report can be as on past days.
	orgs := synth.Organizations(10)
	for _, o := range orgs {
		if _, err := db.CreateOrganization(ctx, o.Organization, store.CreateOptions{ID: o.ID}); err != nil {
			t.Fatal(err)
		}
	}
	g := synth.New(7)
	for range 500 {
		prof := g.Profile(orgs)
		prof.Person.RegistryDate = &date.Date{Year: 2000, Month: 1, Day: 1}
		p, err := db.CreatePerson(ctx, prof.Person, store.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range prof.Qualifications {
			if _, err := db.CreateQualification(ctx, p.Name, q, store.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, pos := range prof.Positions {
			if _, err := db.CreatePosition(ctx, p.Name, pos, store.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, on := range []*date.Date{{Year: 2021, Month: 7, Day: 1}, {Year: 2017, Month: 7, Day: 1}, {Year: 2025, Month: 7, Day: 1}} {
		r, err := db.MakeReport(ctx, &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: on}, "")
		if err != nil {
			t.Fatal(err)
		}
		report := r.GetTables()[1].GetStatistics()
		direct, err := db.ComputeStatistics(ctx, store.StatsQuery{Dimensions: []store.Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
			pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024, AsOf: on})
		if err != nil {
			t.Fatal(err)
		}
		// What one answer tells of each cell the other hides: its count,
		// or, not listing it, that it is empty.
		told := func(hides, tells *pb.ComputeStatisticsResponse) []string {
			rows := map[string]*pb.StatisticsRow{}
			for _, row := range tells.GetRows() {
				rows[strings.Join(row.GetValues(), "/")] = row
			}
			var out []string
			for _, row := range hides.GetRows() {
				k := strings.Join(row.GetValues(), "/")
				switch other := rows[k]; {
				case !row.GetSuppressed():
				case other == nil && len(tells.GetRows()) > 0:
					out = append(out, k+" is empty")
				case other != nil && !other.GetSuppressed():
					out = append(out, fmt.Sprintf("%s = %d", k, other.GetCount()))
				}
			}
			return out
		}
		if got := told(report, direct); got != nil {
			t.Errorf("as on %s, ComputeStatistics tells of the cells the report hides: %v", isoDay(on), got)
		}
		if got := told(direct, report); got != nil {
			t.Errorf("as on %s, the report tells of the cells ComputeStatistics hides: %v", isoDay(on), got)
		}
		if !proto.Equal(report, direct) {
			t.Errorf("as on %s, the report's table by 2024 district:\n%s\nComputeStatistics:\n%s", isoDay(on), shownCells(report), shownCells(direct))
		}
	}
}

// shownCells is an answer's rows as values=count, x for a hidden one.
func shownCells(s *pb.ComputeStatisticsResponse) string {
	var out []string
	for _, row := range s.GetRows() {
		c := fmt.Sprint(row.GetCount())
		if row.GetSuppressed() {
			c = "x"
		}
		out = append(out, strings.Join(row.GetValues(), "/")+"="+c)
	}
	return fmt.Sprintf("%s (total %d)", strings.Join(out, " "), s.GetTotal())
}

func isoDay(d *date.Date) string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }
