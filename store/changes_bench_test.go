package store

import (
	"context"
	"slices"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// BenchmarkFeedWriteCost is the cost of keeping the change feed: a
// CreatePerson and an UpdatePerson with the feed's triggers, and with
// them dropped. Every commit is an fsync on a shared disk, so a plain
// mean swings by more than the difference: each iteration is a round of
// pairs on each database in turn (both meet the same disk), and the
// report is the fastest round and the median round per pair of each, and
// the difference of the fastest.
//
//	go test -tags sqlite_fts5 ./store -run - -bench FeedWriteCost -benchtime 40x
func BenchmarkFeedWriteCost(b *testing.B) {
	const pairs = 10
	ctx := context.Background()
	open := func(feed bool) *DB {
		db, err := Open(ctx, b.TempDir()+"/bench.db")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if !feed {
			rows, err := db.writer.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_change_%'`)
			if err != nil {
				b.Fatal(err)
			}
			var names []string
			for rows.Next() {
				var n string
				rows.Scan(&n)
				names = append(names, n)
			}
			rows.Close()
			for _, n := range names {
				if _, err := db.writer.Exec(`DROP TRIGGER ` + n); err != nil {
					b.Fatal(err)
				}
			}
		}
		return db
	}
	dbs := [2]*DB{open(true), open(false)}
	var rounds [2][]time.Duration
	b.ResetTimer()
	for range b.N {
		for i, db := range dbs {
			start := time.Now()
			for range pairs {
				p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", FamilyName: "Nguyễn"}, CreateOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.GivenName = "Bình"; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			rounds[i] = append(rounds[i], time.Since(start)/pairs)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for i, name := range []string{"feed", "nofeed"} {
		slices.Sort(rounds[i])
		b.ReportMetric(ms(rounds[i][0]), "ms/pair-"+name+"-min")
		b.ReportMetric(ms(rounds[i][len(rounds[i])/2]), "ms/pair-"+name+"-median")
	}
	b.ReportMetric(ms(rounds[0][0]-rounds[1][0]), "ms/pair-feed-cost-min")
}
