package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
	"trithuc.gov.vn/trithuc/store"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// BenchmarkIdleWatchers holds 1,000 idle WatchChanges streams and reports
// the heap and goroutines they cost (both ends in this process), then
// the cost of a write that wakes them all.
//
//	go test -tags sqlite_fts5 ./server -run - -bench IdleWatchers -benchtime 20x
func BenchmarkIdleWatchers(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv, err := New(db, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		TransportLimits: TransportLimits{MaxStreamsPerConn: 2000}})
	if err != nil {
		b.Fatal(err)
	}
	// One key's watchers, past what a credential and the server may hold:
	// the cost of each is what this measures.
	const watchers = 1000
	srv.watches.each, srv.watches.all = watchers, watchers
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	_, admin, err := db.CreateKey(ctx, "bench", RoleAdmin, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.Dial(srv.GRPCAddr(), client.Options{Token: admin})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()
	streams := make([]pb.ChangeService_WatchChangesClient, watchers)
	for i := range streams {
		s, err := c.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Recv(); err != nil {
			b.Fatal(err)
		}
		streams[i] = s
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapInuse-before.HeapInuse) / watchers
	goroutines := float64(runtime.NumGoroutine()-g0) / watchers
	b.ResetTimer()
	for i := range b.N {
		if _, err := c.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "An"}}); err != nil {
			b.Fatal(err)
		}
		for _, s := range streams {
			if _, err := s.Recv(); err != nil {
				b.Fatal(i, err)
			}
		}
	}
	b.ReportMetric(heap, "heap-B/watcher")
	b.ReportMetric(goroutines, "goroutines/watcher")
}
