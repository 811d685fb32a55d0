package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The cost of the plan's yearly report (CreateReport's computation) over a
// large registry, the same one BenchmarkComputeStatistics loads:
//
//	go test -tags sqlite_fts5 ./store -run '^$' -bench MakeReport -benchtime 1x \
//		-stats-people 1000000 -stats-db /tmp/stats-1m.db
//
// (with -stats-as-of the day trithuc-bench made a database of its own).
func BenchmarkMakeReport(b *testing.B) {
	ctx := context.Background()
	path := *statsDB
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	opened := time.Now()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Opening an older database migrates it: timed, since at a million
	// people a migration that rewrites people is not free.
	b.Logf("opened in %v", time.Since(opened).Round(time.Millisecond))
	if statErr != nil {
		start := time.Now()
		bulkLoad(b, db, *statsPeople, 1)
		b.Logf("loaded %d people in %v", *statsPeople, time.Since(start).Round(time.Millisecond))
	}
	r := &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: benchAsOf(b)}
	cpu := cpuTime()
	for b.Loop() {
		if _, err := db.MakeReport(ctx, r, ""); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
