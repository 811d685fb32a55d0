//go:build trithuc_bench

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// `trithuc-bench hostile` measures what a few callers sending the costliest
// requests the contract allows do to everyone else (issue 12): a mixed load
// of GetPerson FULL, selective ListPeople and SearchPeople from one key,
// alone and then beside hostile callers from another key, each sending
// ListPeople with sixty OR'ed prefix comparisons on qualifications and a
// page of one. It runs twice in the same run: against the server as it is
// (read budget, fair share of the read pool) and against the same server
// unguarded (no budget, no fair share), as before issue 12.

// hostileFilter is sixty OR'ed prefix comparisons on qualifications that
// match nobody, 1.9 KB: every listing searches every person's
// qualifications sixty times.
func hostileFilter() string {
	parts := make([]string, 60)
	for i := range parts {
		parts[i] = fmt.Sprintf(`qualifications.major = "z%02d*"`, i)
	}
	return strings.Join(parts, " OR ")
}

type hostileRow struct {
	server, phase string
	others        result
	hostile       map[codes.Code]int
}

func runHostile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc-bench hostile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "/tmp/trithuc-bench/50k.db", "the benchmark database `file`; filled up to --people with the bulk path")
	people := fs.Int("people", 50000, "how many `people` the database holds")
	d := fs.Duration("duration", 10*time.Second, "how long each phase is measured")
	warmup := fs.Duration("warmup", 2*time.Second, "how long each phase warms up first, unmeasured")
	conc := fs.Int("concurrency", 8, "concurrent callers of the mixed load")
	hostiles := fs.Int("hostile", 6, "concurrent hostile callers, all with one key")
	out := fs.String("out", "", "also write the results as markdown to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*dbPath), 0o755); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	have, err := db.CountPeople(ctx, true)
	if err == nil && have < *people {
		fmt.Fprintf(stderr, "trithuc-bench: adding %d people to %s\n", *people-have, *dbPath)
		_, err = synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: 1, People: *people - have})
	}
	var othersKey, hostileKey string
	if err == nil {
		_, othersKey, err = db.CreateKey(ctx, "bench others", "admin", time.Now().Add(24*time.Hour))
	}
	if err == nil {
		_, hostileKey, err = db.CreateKey(ctx, "bench hostile", "admin", time.Now().Add(24*time.Hour))
	}
	db.Close()
	if err != nil {
		return err
	}
	plain, err := store.OpenPlain(ctx, *dbPath)
	if err != nil {
		return err
	}
	ids, err := plain.SampleIDs(ctx, 10000)
	plain.Close()
	if err != nil || len(ids) == 0 {
		return fmt.Errorf("sampling people: %d found: %v", len(ids), err)
	}

	var rows []hostileRow
	for _, mode := range []struct {
		name  string
		flags []string
	}{{"guarded (this branch)", nil}, {"unguarded (no budget, no fair share)", []string{"--unguarded"}}} {
		fmt.Fprintf(stderr, "trithuc-bench: %s\n", mode.name)
		ch, err := startChild(*dbPath, os.DevNull, mode.flags...)
		if err != nil {
			return err
		}
		r, err := hostilePhases(ctx, ch, ids, othersKey, hostileKey, *conc, *hostiles, *warmup, *d)
		ch.stop()
		if err != nil {
			return err
		}
		for i := range r {
			r[i].server = mode.name
		}
		rows = append(rows, r...)
	}
	write := func(w io.Writer) {
		fmt.Fprintf(w, "Mixed load (GetPerson FULL, selective ListPeople, SearchPeople; %d callers, one key) on %d people, %s measured per phase, beside %d hostile callers (another key) each sending ListPeople with sixty OR'ed prefixes and page_size 1. Load average %s.\n\n",
			*conc, *people, *d, *hostiles, loadAvg())
		fmt.Fprintln(w, "| server | phase | others' calls/s | p50 | p99 | others' errors | hostile calls: OK / RESOURCE_EXHAUSTED / other |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
		for _, r := range rows {
			h := "–"
			if r.hostile != nil {
				other := 0
				for c, n := range r.hostile {
					if c != codes.OK && c != codes.ResourceExhausted {
						other += n
					}
				}
				h = fmt.Sprintf("%d / %d / %d", r.hostile[codes.OK], r.hostile[codes.ResourceExhausted], other)
			}
			errs := fmt.Sprint(r.others.Errors)
			if r.others.FirstError != "" {
				errs += fmt.Sprintf(" (%.80s)", r.others.FirstError)
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %s | %s |\n", r.server, r.phase, r.others.Throughput,
				r.others.P50.Round(10*time.Microsecond), r.others.P99.Round(10*time.Microsecond), errs, h)
		}
	}
	write(stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		write(f)
		return f.Close()
	}
	return nil
}

// hostilePhases measures the mixed load alone, then beside the hostile
// callers.
func hostilePhases(ctx context.Context, ch *child, ids []string, othersKey, hostileKey string, conc, hostiles int, warmup, d time.Duration) ([]hostileRow, error) {
	others, err := client.Dial(ch.GRPC, client.Options{Token: othersKey, MaxAttempts: 1})
	if err != nil {
		return nil, err
	}
	defer others.Close()
	hostile, err := client.Dial(ch.GRPC, client.Options{Token: hostileKey, MaxAttempts: 1})
	if err != nil {
		return nil, err
	}
	defer hostile.Close()

	mixed := func(ctx context.Context, _ int, r *rand.Rand) error {
		var err error
		switch r.IntN(3) {
		case 0:
			_, err = others.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/" + ids[r.IntN(len(ids))], View: pb.PersonView_PERSON_VIEW_FULL})
		case 1:
			_, err = others.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: listFilters[r.IntN(len(listFilters))]})
		default:
			_, err = others.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: synth.SearchQueries[r.IntN(len(synth.SearchQueries))]})
		}
		return err
	}
	alone := runLoad(ctx, conc, warmup, d, mixed, nil)

	hctx, stop := context.WithCancel(ctx)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[codes.Code]int{}
	)
	filter := hostileFilter()
	for range hostiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for hctx.Err() == nil {
				_, err := hostile.People.ListPeople(hctx, &pb.ListPeopleRequest{PageSize: 1, Filter: filter})
				if hctx.Err() != nil {
					return
				}
				mu.Lock()
				codes[status.Code(err)]++
				mu.Unlock()
			}
		}()
	}
	beside := runLoad(ctx, conc, warmup, d, mixed, nil)
	stop()
	wg.Wait()
	return []hostileRow{
		{phase: "alone", others: alone},
		{phase: fmt.Sprintf("beside %d hostile", hostiles), others: beside, hostile: codes},
	}, nil
}
