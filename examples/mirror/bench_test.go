package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// BenchmarkMirrorCatchUp times a new mirror with a service key replaying
// the changes of 5,000 people registered and 500 of them deleted (5,500
// changes), on a server without a rate limit and on one with the default
// limit (100 calls a second, bursts of 200). Run it with -benchtime=1x:
// each iteration is a whole catch-up.
func BenchmarkMirrorCatchUp(b *testing.B) {
	for _, rate := range []float64{0, 100} {
		b.Run(fmt.Sprintf("rate=%g", rate), func(b *testing.B) {
			ctx := context.Background()
			src := &source{t: b, path: filepath.Join(b.TempDir(), "source.db"), addr: "127.0.0.1:0", rate: rate}
			src.start()
			defer src.stop()
			const people, deleted = 5000, 500
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					for i := w; i < people; i += 8 {
						p, err := src.db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: fmt.Sprintf("Người %d", i)}, store.CreateOptions{})
						if err != nil {
							b.Error(err)
							return
						}
						if i%(people/deleted) == 0 {
							if _, err := src.db.DeletePerson(ctx, p.Name, store.WriteOptions{}); err != nil {
								b.Error(err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			head, err := src.db.ChangeHead(ctx)
			if err != nil {
				b.Fatal(err)
			}
			_, key, err := src.db.CreateKey(ctx, "mirror", "service", time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				m, err := openMirror(filepath.Join(b.TempDir(), "mirror.db"))
				if err != nil {
					b.Fatal(err)
				}
				reader, err := client.Dial(src.addr, client.Options{Token: key})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(ctx)
				done := make(chan error, 1)
				go func() { done <- m.follow(ctx, reader) }()
				for {
					if cur, _ := m.cursor(); cur == src.db.EncodeCursor(head) {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				reader.Close()
				var n int
				m.db.QueryRow(`SELECT COUNT(*) FROM people`).Scan(&n)
				m.db.Close()
				if n != people-deleted {
					b.Fatalf("the mirror holds %d people, want %d", n, people-deleted)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(people+deleted)*float64(b.N)/time.Since(start).Seconds(), "changes/s")
		})
	}
}
