//go:build trithuc_bench

package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	"trithuc.gov.vn/trithuc/client"
	"trithuc.gov.vn/trithuc/console"
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
	srv, people, admin := benchServer(b)
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

// BenchmarkGetPersonGatewayPath is what the HTTP side adds to a GetPerson
// FULL: the server's HTTP handler (our wrappers, the gateway, the JSON)
// called directly with a recorded answer, against the same call made
// in process (the interceptors and the handler, which both run). No
// network, no client: the difference is ours and the gateway's.
//
//	go test -tags sqlite_fts5,trithuc_bench ./server -run '^$' -bench GetPersonGatewayPath -benchmem
func BenchmarkGetPersonGatewayPath(b *testing.B) {
	ctx := context.Background()
	srv, people, admin := benchServer(b)
	b.Run("inproc", func(b *testing.B) {
		defer cpuPerCall(b)()
		c := pb.NewPersonServiceClient(srv.inproc)
		md := metadata.Pairs("authorization", "Bearer "+admin, console.ClientMetadata, "127.0.0.1")
		i := 0
		for b.Loop() {
			i++
			if _, err := c.GetPerson(metadata.NewOutgoingContext(ctx, md), &pb.GetPersonRequest{Name: people[i%len(people)].Name,
				View: pb.PersonView_PERSON_VIEW_FULL}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http-handler", func(b *testing.B) {
		defer cpuPerCall(b)()
		h := srv.http.Handler
		i := 0
		for b.Loop() {
			i++
			req := httptest.NewRequest("GET", "/v1/"+people[i%len(people)].Name+"?view=PERSON_VIEW_FULL", nil)
			req.RemoteAddr = "127.0.0.1:40000"
			req.Header.Set("Authorization", "Bearer "+admin)
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != 0 && w.code != http.StatusOK {
				b.Fatal(w.code)
			}
		}
	})
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, as cheap as a writer can be.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

func cpuPerCall(b *testing.B) func() {
	cpu := func() int64 {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return u.Utime.Nano() + u.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}

// benchServer is a running server on loopback over 50 synthetic people
// (listed), with an admin key; both end with b.
func benchServer(b *testing.B) (*Server, []*pb.Person, string) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
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
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	_, admin, err := db.CreateKey(ctx, "bench", RoleAdmin, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	return srv, people, admin
}
