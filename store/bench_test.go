//go:build trithuc_bench

package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// Benchmarks of the store's hot paths, each beside plain SQLite running the
// same statements on the same file (store.Plain), so that their ratio holds
// on a busy machine. They run only with -bench (make bench-go), on 10,000
// synthetic people kept in the temporary directory between runs, or on the
// database TRITHUC_BENCH_DB names (a copy: Open migrates it), so that a
// change can be measured at the harness's 100,000 people.

const benchPeople = 10_000

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

func benchDB(b *testing.B) (*store.DB, *store.Plain, []string) {
	b.Helper()
	ctx := context.Background()
	benchOnce.Do(func() {
		benchPath = filepath.Join(os.TempDir(), fmt.Sprintf("trithuc-store-bench-%d.db", benchPeople))
		if p := os.Getenv("TRITHUC_BENCH_DB"); p != "" {
			benchPath = p
		}
		db, err := store.Open(ctx, benchPath)
		if err != nil {
			benchErr = err
			return
		}
		defer db.Close()
		n, err := db.CountPeople(ctx, true)
		if err == nil && n < benchPeople {
			_, err = synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: 1, People: benchPeople - n})
		}
		benchErr = err
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	db, err := store.Open(ctx, benchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	plain, err := store.OpenPlain(ctx, benchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { plain.Close() })
	ids, err := plain.SampleIDs(ctx, 1000)
	if err != nil {
		b.Fatal(err)
	}
	return db, plain, ids
}

func BenchmarkGetPersonFull(b *testing.B) {
	db, plain, ids := benchDB(b)
	ctx := context.Background()
	for _, one := range []bool{false, true} {
		b.Run(readName("store", one), func(b *testing.B) {
			defer store.SetOneReadAttach(store.SetOneReadAttach(one))
			r := rand.New(rand.NewPCG(1, 2))
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, err := db.GetPerson(ctx, "people/"+ids[r.IntN(len(ids))], pb.PersonView_PERSON_VIEW_FULL); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// Nothing in memory (heldperson.go): each get reads the profile.
	b.Run("store-one-cold", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		defer cpuPerOp(b)()
		for b.Loop() {
			db.ForgetHeld()
			if _, err := db.GetPerson(ctx, "people/"+ids[r.IntN(len(ids))], pb.PersonView_PERSON_VIEW_FULL); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Members: their memberships' consent and possible duplicates are
	// read for every answer, from memory or not.
	b.Run("store-one-members", func(b *testing.B) {
		members := benchMembers(b, db, 200)
		r := rand.New(rand.NewPCG(1, 2))
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := db.GetPerson(ctx, members[r.IntN(len(members))], pb.PersonView_PERSON_VIEW_FULL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		defer cpuPerOp(b)()
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := plain.GetPersonFull(ctx, ids[r.IntN(len(ids))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchMembers registers n synthetic people, with their qualifications
// and positions, as approved members of an association, once (the file is
// kept between runs), and returns their names. They are numbered apart
// from the registry's people, and come after the pks SampleIDs takes.
func benchMembers(b *testing.B, db *store.DB, n int) []string {
	ctx := context.Background()
	a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Tin học (bench)", Code: "HTHB"}, store.CreateOptions{ID: "bench-members"})
	var e *store.Error
	if errors.As(err, &e) && e.Code == store.AlreadyExists {
		ms, _, err := db.ListMemberships(ctx, "associations/bench-members", store.ListQuery{PageSize: n})
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Person)
		}
		return names
	}
	if err != nil {
		b.Fatal(err)
	}
	orgs := synth.OrganizationsFor(benchPeople)
	if _, err := synth.EnsureOrganizations(ctx, db, orgs); err != nil {
		b.Fatal(err)
	}
	g := synth.New(7).StartAt(9_000_000)
	var names []string
	for range n {
		p := g.Profile(orgs)
		reg, err := db.RegisterMember(ctx, a.Name, store.Registration{NewPerson: p.Person, Qualifications: p.Qualifications,
			Positions: p.Positions, Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}},
			store.CreateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ApproveMembership(ctx, reg.GetMembership().GetName(), store.Transition{ConfirmDistinctPerson: true}); err != nil {
			b.Fatal(err)
		}
		names = append(names, reg.GetMembership().GetPerson())
	}
	return names
}

const benchFilter = `highest_qualification_level >= THAC_SI AND hometown = "30760"`

func BenchmarkListPeopleFiltered(b *testing.B) {
	db, plain, _ := benchDB(b)
	ctx := context.Background()
	q := store.ListQuery{Filter: benchFilter}
	b.Run("store", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, _, err := db.ListPeople(ctx, q, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	l, err := plain.PeopleListing(ctx, db, q, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("plain", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := l.Run(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSearchPeople(b *testing.B) {
	db, plain, _ := benchDB(b)
	ctx := context.Background()
	q := store.SearchQuery{Query: "nguyen thi thanh"}
	warmSearches(b, db, q)
	b.Run("store", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, _, err := db.SearchPeople(ctx, q, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	l, err := plain.SearchListing(ctx, db, q, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("plain", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := l.Run(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSearchPeopleNames is the first page (BASIC, 50) of each of the
// harness's searches.
func BenchmarkSearchPeopleNames(b *testing.B) {
	benchSearches(b, synth.SearchQueries)
}

// BenchmarkSearchPeopleAccented is the first page (BASIC, 50) of searches
// typed with diacritics, which read the names as typed too.
func BenchmarkSearchPeopleAccented(b *testing.B) {
	benchSearches(b, []string{"Nguyễn Thị Thanh Tâm", "Trần Quốc Bảo", "Huỳnh Thị Ngọc Hân"})
}

// benchSearches is the first page of each search, a sub-benchmark each.
func benchSearches(b *testing.B, queries []string) {
	db, _, _ := benchDB(b)
	ctx := context.Background()
	for _, query := range queries {
		warmSearches(b, db, store.SearchQuery{Query: query})
	}
	for _, query := range queries {
		q := store.SearchQuery{Query: query}
		b.Run(strings.ReplaceAll(query, " ", "_"), func(b *testing.B) {
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, _, err := db.SearchPeople(ctx, q, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// warmSearches runs a search as often as the store's memory of an index's
// state waits for before it reads (wordsets.go, nameorder.go), as the
// harness's warm-up does, so that a run of few calls measures the state a
// server settles in.
func warmSearches(b *testing.B, db *store.DB, q store.SearchQuery) {
	for range 40 {
		if _, _, err := db.SearchPeople(context.Background(), q, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// readName names a sub-benchmark by how it reads what people hold: a
// statement per kind (each) or one statement (one).
func readName(name string, one bool) string {
	if one {
		return name + "-one"
	}
	return name + "-each"
}

// BenchmarkListPeopleFull is a page of 50 FULL profiles.
func BenchmarkListPeopleFull(b *testing.B) {
	db, _, _ := benchDB(b)
	ctx := context.Background()
	q := store.ListQuery{PageSize: 50}
	b.Run("store", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, _, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_FULL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerOp reports the process's CPU time per call (user and system, every
// goroutine and SQLite's own work), which a busy machine moves less than
// the wall time: defer cpuPerOp(b)() before the loop.
func cpuPerOp(b *testing.B) func() {
	cpu := func() int64 {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return u.Utime.Nano() + u.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}

// CreatePerson from 16 goroutines on the benchmark's database, people as
// the harness creates them (synth, numbered after every national ID held),
// each with an audit event as the server stores: cpu-ns/op is what a
// create costs the process, writer and checkpoints included.
func BenchmarkCreatePeople(b *testing.B) {
	db, plain, _ := benchDB(b)
	ctx := context.Background()
	serials, err := plain.NationalIDSerials(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	g := synth.New(7).StartAt(synth.LastNumber(serials))
	next := func() *pb.Person {
		mu.Lock()
		defer mu.Unlock()
		return g.Person()
	}
	b.SetParallelism(8) // 16 callers on 2 cores
	defer cpuPerOp(b)()
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			ev := &store.AuditEvent{Time: time.Now(), Principal: "keys/bench", PrincipalName: "bench", Role: "registrar",
				Method: "/trithuc.v1.PersonService/CreatePerson", ClientAddress: "127.0.0.1", Transport: "grpc"}
			if _, err := db.CreatePerson(ctx, next(), store.CreateOptions{Audit: ev}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
