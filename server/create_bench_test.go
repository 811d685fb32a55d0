//go:build trithuc_bench

package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/console"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// BenchmarkCreatePersonGatewayPath is CreatePerson, a new synthetic person
// each call, made in process (the interceptors and the handler) and
// through the server's HTTP handler with a JSON body (our wrappers, the
// gateway, the body's decoding), as the harness's REST creates send it.
// cpu-ns/op is the process's CPU a create, the writer's included, less
// what making the people and their bodies took.
//
//	go test -tags sqlite_fts5,trithuc_bench ./server -run '^$' -bench CreatePersonGatewayPath -benchmem
func BenchmarkCreatePersonGatewayPath(b *testing.B) {
	ctx := context.Background()
	srv, _, admin := benchServer(b)
	g := synth.New(7).StartAt(1000)
	// next makes people a batch at a time, the CPU of which is taken off
	// the measure.
	var batch []*pb.Person
	var made int64
	next := func() *pb.Person {
		if len(batch) == 0 {
			start := rusageNanos()
			for range 256 {
				batch = append(batch, g.Person())
			}
			made += rusageNanos() - start
		}
		p := batch[0]
		batch = batch[1:]
		return p
	}
	measure := func(b *testing.B) func() {
		made = 0
		start := rusageNanos()
		return func() {
			b.ReportMetric(float64(rusageNanos()-start-made)/float64(b.N), "cpu-ns/op")
		}
	}
	b.Run("inproc", func(b *testing.B) {
		defer measure(b)()
		c := pb.NewPersonServiceClient(srv.inproc)
		md := metadata.Pairs("authorization", "Bearer "+admin, console.ClientMetadata, "127.0.0.1")
		for b.Loop() {
			if _, err := c.CreatePerson(metadata.NewOutgoingContext(ctx, md), &pb.CreatePersonRequest{Person: next()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http-handler", func(b *testing.B) {
		defer measure(b)()
		h := srv.http.Handler
		for b.Loop() {
			p := next()
			start := rusageNanos()
			body, err := protojson.Marshal(p)
			if err != nil {
				b.Fatal(err)
			}
			made += rusageNanos() - start
			req := httptest.NewRequest("POST", "/v1/people", bytes.NewReader(body))
			req.RemoteAddr = "127.0.0.1:40000"
			req.Header.Set("Authorization", "Bearer "+admin)
			req.Header.Set("Content-Type", "application/json")
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != 0 && w.code != http.StatusOK {
				b.Fatal(w.code)
			}
		}
	})
}

// BenchmarkCreatePersonBodyDecode is the gateway's reading of a
// CreatePerson's JSON body into the request's person, with the server's
// marshaler, alone.
//
//	go test -tags sqlite_fts5,trithuc_bench ./server -run '^$' -bench CreatePersonBodyDecode -benchmem
func BenchmarkCreatePersonBodyDecode(b *testing.B) {
	m := newFastJSONPb(&runtime.JSONPb{UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false}})
	g := synth.New(7)
	var bodies [][]byte
	for range 256 {
		body, err := protojson.Marshal(g.Person())
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	defer cpuPerCall(b)()
	i := 0
	for b.Loop() {
		i++
		var req pb.CreatePersonRequest
		if err := m.NewDecoder(bytes.NewReader(bodies[i%len(bodies)])).Decode(&req.Person); err != nil {
			b.Fatal(err)
		}
	}
}

func rusageNanos() int64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return u.Utime.Nano() + u.Stime.Nano()
}

// BenchmarkCarriedPeople is carriedPeople on a CreatePersonRequest with a
// synthetic person, and the walk of every field's options it replaced.
//
//	go test -tags sqlite_fts5,trithuc_bench ./server -run '^$' -bench CarriedPeople -benchmem
func BenchmarkCarriedPeople(b *testing.B) {
	req := &pb.CreatePersonRequest{Person: synth.New(7).Person()}
	for _, f := range []struct {
		name string
		fn   func(proto.Message) []string
	}{{"walk", walkedCarriedPeople}, {"plan", carriedPeople}} {
		b.Run(f.name, func(b *testing.B) {
			defer cpuPerCall(b)()
			for b.Loop() {
				f.fn(req)
			}
		})
	}
}
