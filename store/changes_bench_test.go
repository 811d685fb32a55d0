package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// BenchmarkFeedWriteCost is the cost of keeping the change feed: a
// CreatePerson and an UpdatePerson with the feed's triggers, and with
// them dropped.
//
//	go test -tags sqlite_fts5 ./store -run - -bench FeedWriteCost
func BenchmarkFeedWriteCost(b *testing.B) {
	for _, feed := range []bool{true, false} {
		name := map[bool]string{true: "feed", false: "nofeed"}[feed]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db, err := Open(ctx, b.TempDir()+"/bench.db")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
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
			b.ResetTimer()
			for range b.N {
				p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", FamilyName: "Nguyễn"}, CreateOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.GivenName = "Bình"; return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
