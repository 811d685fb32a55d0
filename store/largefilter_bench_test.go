package store

import (
	"context"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The filters that read every person at a million people before migration
// 0045: on the middle and display names (a first page of ListPeople, with
// its count), and today's statistics on the current positions. On a copy
// of a large registry (Open migrates it):
//
//	cp 300k.db /tmp/copy.db
//	go test -tags sqlite_fts5 ./store -run '^$' -bench LargeFilters -benchtime 3x -stats-db /tmp/copy.db -stats-no-budget
func BenchmarkLargeFilters(b *testing.B) {
	ctx := context.Background()
	if *statsDB == "" {
		b.Skip("give -stats-db, a copy of a large registry")
	}
	start := time.Now()
	db, err := Open(ctx, *statsDB)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Logf("opened in %v", time.Since(start).Round(time.Millisecond))
	if *statsNoBudget {
		db.SetReadBudget(0)
	}
	for _, f := range []string{
		`middle_name = "Văn"`, `middle_name = "Hữu"`, `middle_name = "Van*"`, `middle_name = "Hu*"`,
		`display_name = "Nguyễn Văn An"`, `display_name = "Nguyen Van A*"`, `display_name = "Phan Thị Hồng Nhung"`,
	} {
		b.Run("list/"+f, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, _, err := db.ListPeople(ctx, ListQuery{Filter: f, PageSize: 50}, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
	const level = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
	for _, f := range []string{
		`positions.current = true AND positions.administrative_unit = "91"`,
		`positions.current = true AND positions.administrative_unit = "30292"`,
		`positions.current = true AND positions.organization.kind = UNIVERSITY`,
	} {
		b.Run("stats/"+f, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, err := db.ComputeStatistics(ctx, StatsQuery{Filter: f,
					Dimensions: []Dimension{pb.ComputeStatisticsRequest_WORK_LOCATION, level}}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}
