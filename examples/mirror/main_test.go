package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

type source struct {
	t    *testing.T
	path string
	addr string
	db   *store.DB
	srv  *server.Server
}

func (s *source) start() {
	db, err := store.Open(context.Background(), s.path)
	if err != nil {
		s.t.Fatal(err)
	}
	srv, err := server.New(db, server.Config{GRPCAddr: s.addr, HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		s.t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.db, s.srv, s.addr = db, srv, srv.GRPCAddr()
}

func (s *source) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	s.db.Close()
}

// The mirror equals the source after bursts of concurrent writes with a
// server restart between them, while the mirror follows throughout.
func TestMirrorFollowsThroughRestart(t *testing.T) {
	src := &source{t: t, path: filepath.Join(t.TempDir(), "source.db"), addr: "127.0.0.1:0"}
	src.start()
	defer func() { src.stop() }()
	_, admin, err := src.db.CreateKey(context.Background(), "test", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, svcKey, err := src.db.CreateKey(context.Background(), "mirror", "service", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	writer, err := client.Dial(src.addr, client.Options{Token: admin})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	reader, err := client.Dial(src.addr, client.Options{Token: svcKey})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	m, err := openMirror(filepath.Join(t.TempDir(), "mirror.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.follow(ctx, reader) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	burst := func(round int) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 20 {
					p, err := writer.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: fmt.Sprintf("R%dW%dI%d", round, w, i)}})
					if err != nil {
						t.Error(err)
						return
					}
					if i%3 == 0 {
						if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name}); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
	}
	burst(1)
	src.stop()
	src.start()
	burst(2)

	want := map[string]string{}
	for p, err := range client.All(ctx, &pb.ListPeopleRequest{PageSize: 1000}, writer.People.ListPeople, (*pb.ListPeopleResponse).GetPeople) {
		if err != nil {
			t.Fatal(err)
		}
		want[p.Name] = p.Etag
	}
	var got map[string]string
	for range 600 {
		got = map[string]string{}
		rows, err := m.db.Query(`SELECT name, etag FROM people`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n, e string
			rows.Scan(&n, &e)
			got[n] = e
		}
		rows.Close()
		if equal(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the mirror holds %d people, the source %d", len(got), len(want))
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
