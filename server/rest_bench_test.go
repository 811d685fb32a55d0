//go:build trithuc_bench

package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// BenchmarkGetPersonTransport is GetPerson FULL over gRPC and over REST,
// through the real server on loopback, in one run; cpu-ns/op is the whole
// process's CPU a call (both ends), which a busy machine moves less than
// the wall time.
//
//	go test -tags sqlite_fts5,trithuc_bench ./server -run '^$' -bench GetPersonTransport
func BenchmarkGetPersonTransport(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 1, 50); err != nil {
		b.Fatal(err)
	}
	people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 50}, 0)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(db, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
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
	hc := &http.Client{}
	b.Run("grpc", func(b *testing.B) {
		defer cpuPerCall(b)()
		i := 0
		for b.Loop() {
			i++
			if _, err := c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: people[i%len(people)].Name,
				View: pb.PersonView_PERSON_VIEW_FULL}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rest", func(b *testing.B) {
		defer cpuPerCall(b)()
		i := 0
		for b.Loop() {
			i++
			req, _ := http.NewRequest("GET", "http://"+srv.HTTPAddr()+"/v1/"+people[i%len(people)].Name+"?view=PERSON_VIEW_FULL", nil)
			req.Header.Set("Authorization", "Bearer "+admin)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
	})
}

func cpuPerCall(b *testing.B) func() {
	cpu := func() int64 {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return u.Utime.Nano() + u.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}
