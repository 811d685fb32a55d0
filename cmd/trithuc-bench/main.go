//go:build trithuc_bench

// Command trithuc-bench measures trithuc: it makes a database of synthetic
// profiles with the store's bulk path (timing it against plain SQLite
// inserting the same rows), starts the server on it in a process of its
// own, and runs each scenario (GetPerson FULL, ListPeople with a selective
// filter, SearchPeople with an unaccented query, CreatePerson) at fixed
// concurrency levels for a fixed time, over gRPC and REST. In the same run it
// measures the ceilings: a bare gRPC server answering the same messages from
// memory (transport) and plain SQLite running the store's statements on the
// same file (storage). It reports throughput, p50 and p99 latency and the
// ratios to the ceilings, the server's peak memory, and CPU profiles of the
// server, as a table and as markdown for BENCHMARKS.md.
//
//	trithuc-bench --db /tmp/trithuc-bench/10k.db --people 10000 --duration 3s --out bench-10k.md
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"trithuc.gov.vn/trithuc/client"
	"trithuc.gov.vn/trithuc/internal/malloc"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

type config struct {
	db          string
	people      int
	seed        uint64
	batch       int
	bulk        int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	conc        []int
	transports  []string
	scenarios   []string
	out         string
	profileDir  string
	profileConc int
	serverLog   string

	// An external server instead of a child.
	grpcAddr, httpAddr, token string
	pid                       int

	// The PocketBase binary to run as a peer; none when empty.
	pocketbase string
	// PocketBase built with synchronous=FULL (bench/pocketbase-durable),
	// a second peer beside the first; none when empty.
	pocketbaseDurable string
}

// configureGC sets this process's collector. The ceilings (store.Plain,
// the bare server) run in it: with the allocator and the collector's
// settings the server runs with, so that the ratios measure the service,
// not the allocator. But not the server's soft memory limit: this process
// also holds the plain target's prepared inserts (about 90 MB live at 10 s
// runs, more with rounds), and at that limit its collector ran back to
// back through every target's run, four cycles a second, its allocations
// assisting it: creates measured at under a fifth of their rate, PocketBase's
// at a quarter to a third (BENCHMARKS.md, "Why creates trail PocketBase's default
// build"). GOMEMLIMIT, when set, still wins.
func configureGC() {
	malloc.ConfigureServerGC()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve-child" {
		if err := runChild(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "trithuc-bench serve-child:", err)
			os.Exit(1)
		}
		return
	}
	configureGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	run := run
	if len(os.Args) > 1 && os.Args[1] == "hostile" {
		run, os.Args = runHostile, os.Args[1:]
	}
	if len(os.Args) > 1 && os.Args[1] == "import" {
		run, os.Args = runImportBench, os.Args[1:]
	}
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "trithuc-bench:", err)
		os.Exit(1)
	}
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a list of positive numbers", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("trithuc-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.db, "db", filepath.Join(os.TempDir(), "trithuc-bench", "bench.db"), "the benchmark database `file`; made, or filled up to --people, with the bulk path")
	fs.IntVar(&c.people, "people", 10000, "how many `people` the database holds")
	fs.Uint64Var(&c.seed, "seed", 1, "the generator's `seed`")
	fs.IntVar(&c.batch, "batch", synth.DefaultBatch, "profiles per bulk transaction")
	fs.IntVar(&c.bulk, "bulk", -1, "time the bulk load of this many `people` into scratch databases, against plain SQLite; -1: time the load of --db when it is made from empty, 0: none")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each scenario runs at each concurrency, measured")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "how long each run warms up first, unmeasured")
	fs.IntVar(&c.rounds, "rounds", 1, "run every target of a scenario back to back this many `times` and report each target's median round (by calls/s): ratios steadier on a shared machine")
	concs := fs.String("concurrency", "1,16,64", "concurrent callers, a comma-separated `list`")
	transports := fs.String("transports", "grpc,rest", "`list` of grpc, rest")
	scenarios := fs.String("scenarios", "get,list,broad,search,create", "`list` of get, list, broad, search, create; none to time only the bulk load")
	fs.StringVar(&c.out, "out", "", "also write the results as markdown to this `file`")
	fs.StringVar(&c.profileDir, "profile-dir", "", "save CPU profiles of the server, one per scenario and transport (gRPC, REST) at --profile-concurrency, in this `directory`")
	fs.IntVar(&c.profileConc, "profile-concurrency", 16, "the concurrency at which to profile")
	fs.StringVar(&c.serverLog, "server-log", os.DevNull, "where the server under test logs its calls")
	fs.StringVar(&c.grpcAddr, "server", "", "benchmark a running server at this gRPC `address` instead of starting one (with --http, --token)")
	fs.StringVar(&c.httpAddr, "http", "", "the running server's REST `address`")
	fs.StringVar(&c.token, "token", "", "an API key of the running server (default $TRITHUC_TOKEN; never printed)")
	fs.IntVar(&c.pid, "server-pid", 0, "the running server's process id, to read its memory")
	fs.StringVar(&c.pocketbase, "pocketbase", os.Getenv("TRITHUC_POCKETBASE"), "run the same scenarios against PocketBase "+pocketBaseVersion+" (its examples/base `binary`) on the same rows, over REST (default $TRITHUC_POCKETBASE)")
	fs.StringVar(&c.pocketbaseDurable, "pocketbase-durable", os.Getenv("TRITHUC_POCKETBASE_DURABLE"), "also run GetPerson and CreatePerson against PocketBase with synchronous=FULL (bench/pocketbase-durable's `binary`, from make pocketbase) on a copy of --pocketbase's data (default $TRITHUC_POCKETBASE_DURABLE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.token == "" {
		c.token = os.Getenv("TRITHUC_TOKEN")
	}
	var err error
	if c.rounds < 1 {
		return fmt.Errorf("--rounds: want 1 or more, not %d", c.rounds)
	}
	if c.conc, err = intList(*concs); err != nil {
		return fmt.Errorf("--concurrency: %w", err)
	}
	c.transports = strings.Split(*transports, ",")
	if *scenarios != "" && *scenarios != "none" {
		c.scenarios = strings.Split(*scenarios, ",")
	}
	if c.profileDir != "" {
		if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.db), 0o755); err != nil {
		return err
	}

	rep := &report{cfg: c, machine: machineInfo()}
	rep.loads.start = loadAvg()
	sampler := startLoadSampler()
	fmt.Fprintf(stderr, "trithuc-bench: %s, %d cores, %s; load average %s\n", rep.machine.CPU, rep.machine.Cores, rep.machine.Go, rep.loads.start)

	// The data.
	made, err := prepareDB(ctx, &c, rep, stderr)
	if err != nil {
		return err
	}
	if c.bulk > 0 || c.bulk == -1 && made > 0 {
		n := c.bulk
		if n < 0 {
			n = made
		}
		if err := benchBulk(ctx, &c, rep, n, c.bulk < 0, stderr); err != nil {
			return fmt.Errorf("bulk benchmark: %w", err)
		}
	}

	if len(c.scenarios) > 0 {
		if err := benchCalls(ctx, &c, rep, stderr); err != nil {
			return err
		}
	}
	rep.loads.end = loadAvg()
	rep.loads.during = sampler.stop()
	rep.write(stdout)
	if c.out != "" {
		f, err := os.Create(c.out)
		if err != nil {
			return err
		}
		rep.write(f)
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "trithuc-bench: wrote %s\n", c.out)
	}
	return nil
}

// prepareDB makes sure the benchmark database holds c.people people, adding
// the missing ones with the bulk path; it returns how many it added, all of
// them timed when it started from empty.
func prepareDB(ctx context.Context, c *config, rep *report, stderr io.Writer) (int, error) {
	if c.grpcAddr != "" {
		return 0, nil
	}
	db, err := store.Open(ctx, c.db)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	have, err := db.CountPeople(ctx, true)
	if err != nil {
		return 0, err
	}
	if have >= c.people {
		fmt.Fprintf(stderr, "trithuc-bench: %s holds %d people\n", c.db, have)
		if have > c.people {
			// Each run's creates stay in the file: a "100,000" run on a
			// grown file measures more people, and past 100,000 the
			// lists and searches stop counting every match.
			fmt.Fprintf(stderr, "trithuc-bench: that is %d more than --people asks for, left by earlier runs' creates; the report is for %d people. Delete %s to measure %d afresh.\n",
				have-c.people, have, c.db, c.people)
		}
		return 0, nil
	}
	fmt.Fprintf(stderr, "trithuc-bench: adding %d people to %s with the bulk path\n", c.people-have, c.db)
	last := time.Now()
	st, err := synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: c.seed, People: c.people - have, Batch: c.batch,
		Progress: func(done int, el time.Duration) {
			if time.Since(last) > 15*time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "  %d people, %.0f/s\n", done, float64(done)/el.Seconds())
			}
		}})
	if err != nil {
		return 0, err
	}
	if have == 0 {
		rep.bulk = &bulkResult{People: st.People, Rows: st.Rows, Elapsed: st.Elapsed, Writing: st.Writing, Load: loadAvg()}
		return st.People, nil
	}
	return 0, nil
}

// benchBulk times the bulk path against plain SQLite inserting the same rows
// into an empty database with the same schema and indexes. When the bulk
// load of the benchmark database was timed already (reuse), only the plain
// one runs.
func benchBulk(ctx context.Context, c *config, rep *report, n int, reuse bool, stderr io.Writer) error {
	dir, err := os.MkdirTemp(filepath.Dir(c.db), "bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if !reuse || rep.bulk == nil {
		fmt.Fprintf(stderr, "trithuc-bench: bulk-loading %d people into a scratch database\n", n)
		db, err := store.Open(ctx, filepath.Join(dir, "bulk.db"))
		if err != nil {
			return err
		}
		st, err := synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: c.seed, People: n, Batch: c.batch})
		db.Close()
		if err != nil {
			return err
		}
		rep.bulk = &bulkResult{People: st.People, Rows: st.Rows, Elapsed: st.Elapsed, Writing: st.Writing, Load: loadAvg()}
		os.Remove(filepath.Join(dir, "bulk.db"))
	}

	// Plain SQLite: the same rows, prepared by the store beforehand (not
	// timed), inserted batch by batch with prepared statements.
	fmt.Fprintf(stderr, "trithuc-bench: plain SQLite inserting the same %d people\n", n)
	path := filepath.Join(dir, "plain.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs := synth.OrganizationsFor(n)
	if _, err := synth.EnsureOrganizations(ctx, db, orgs); err != nil {
		return err
	}
	plain, err := store.OpenPlain(ctx, path)
	if err != nil {
		return err
	}
	defer plain.Close()
	restore, err := plain.GrowWriterCache(ctx, store.BulkCacheBytes)
	if err != nil {
		return err
	}
	defer restore()
	var inserting time.Duration
	rows := 0
	for b := range synth.Batches(ctx, c.seed, 0, n, c.batch, orgs) {
		prepared, err := db.PrepareBulk(ctx, b.Profiles)
		if err != nil {
			return err
		}
		t := time.Now()
		if err := plain.InsertBulkRows(ctx, prepared); err != nil {
			return err
		}
		inserting += time.Since(t)
		rows += prepared.Rows()
	}
	rep.bulk.Plain = inserting
	rep.bulk.PlainRows = rows
	return ctx.Err()
}

// auditFlush is longer than the server's audit flush interval.
const auditFlush = 1500 * time.Millisecond

// benchCalls runs every scenario against the server and the ceilings.
func benchCalls(ctx context.Context, c *config, rep *report, stderr io.Writer) error {
	w := &world{
		http:    &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}},
		filters: listFilters,
		queries: synth.SearchQueries,
	}
	pid := c.pid
	grpcAddr, httpAddr := c.grpcAddr, c.httpAddr
	var ch *child
	if grpcAddr == "" {
		var err error
		if ch, err = startChild(c.db, c.serverLog); err != nil {
			return err
		}
		defer func() {
			if ch != nil {
				ch.stop()
			}
		}()
		grpcAddr, httpAddr, w.token, pid = ch.GRPC, ch.HTTP, ch.Token, ch.PID
	} else {
		w.token = c.token
	}
	w.base = "http://" + httpAddr
	cl, err := client.Dial(grpcAddr, client.Options{Token: w.token, MaxAttempts: 1})
	if err != nil {
		return err
	}
	defer cl.Close()
	w.people = cl.People

	// The storage ceiling reads the same file; with an external server,
	// --db must be its file.
	db, err := store.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	w.db = db
	if w.plain, err = store.OpenPlain(ctx, c.db); err != nil {
		return err
	}
	defer w.plain.Close()
	if w.ids, err = w.plain.SampleIDs(ctx, 10000); err != nil || len(w.ids) == 0 {
		return fmt.Errorf("sampling people: %d found: %v", len(w.ids), err)
	}
	serials, err := w.plain.NationalIDSerials(ctx)
	if err != nil {
		return err
	}
	// People created by the service are numbered after every national ID
	// in the database, and the rows prepared for plain SQLite (more than a
	// run inserts) 200,000 further on, so that neither this run's nor a
	// later run's national IDs collide (they are unique for ten million
	// numbers; a run creates about 40,000 people).
	last := synth.LastNumber(serials)
	w.creators = &creators{g: synth.New(c.seed + 1).StartAt(last)}
	w.plainCreators = &creators{g: synth.New(c.seed + 2).StartAt(last + 200_000)}
	w.bareCreators = &creators{g: synth.New(c.seed + 4)}
	if rep.people, err = db.CountPeople(ctx, false); err != nil {
		return err
	}
	if fi, err := os.Stat(c.db); err == nil {
		rep.dbBytes = fi.Size()
	}
	rep.selectivity = map[string]int{}
	for _, f := range w.filters {
		l, err := w.plain.PeopleListing(ctx, db, store.ListQuery{Filter: f}, false)
		if err != nil {
			return fmt.Errorf("filter %q: %w", f, err)
		}
		if rep.selectivity["filter: "+f], err = l.Count(ctx); err != nil {
			return err
		}
	}
	for _, q := range w.queries {
		l, err := w.plain.SearchListing(ctx, db, store.SearchQuery{Query: q}, false)
		if err != nil {
			return fmt.Errorf("query %q: %w", q, err)
		}
		if rep.selectivity["query: "+q], err = l.Count(ctx); err != nil {
			return err
		}
	}

	bare, bareAddr, err := startBare(ctx, w)
	if err != nil {
		return fmt.Errorf("transport ceiling: %w", err)
	}
	defer bare.Stop()
	bconn, err := grpc.NewClient(bareAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer bconn.Close()
	w.bare = pb.NewPersonServiceClient(bconn)

	maxConc := 0
	for _, n := range c.conc {
		maxConc = max(maxConc, n)
	}
	// Enough prepared inserts for plain SQLite at over a thousand commits a
	// second.
	pool := max(2000, int(c.duration.Seconds()+c.warmup.Seconds())*1500*len(c.conc)*c.rounds)
	scens, err := w.scenarios(ctx, c.scenarios, pool)
	if err != nil {
		return err
	}
	var targets []string
	for _, t := range c.transports {
		switch t {
		case "grpc":
			targets = append(targets, targetGRPC)
		case "rest":
			targets = append(targets, targetREST)
		default:
			return fmt.Errorf("unknown transport %q; transports: grpc, rest", t)
		}
	}
	targets = append(targets, targetBare, targetPlain)
	peers, err := startPeers(ctx, c, rep, w, scens, last, stderr)
	if err != nil {
		return err
	}
	defer peers.stop(rep, stderr)
	targets = append(targets, peers.targets...)

	for _, s := range scens {
		for _, n := range c.conc {
			// The targets back to back, so that they share the
			// machine's conditions as far as they can; in rounds, so
			// that a burst of load elsewhere moves one round of each.
			for round := range c.rounds {
				for _, t := range targets {
					if err := ctx.Err(); err != nil {
						return err
					}
					if s.ops[t] == nil {
						continue // a peer that does not run this scenario
					}
					if err := w.plain.Checkpoint(ctx); err != nil {
						return fmt.Errorf("copying the log into %s before %s: %w", c.db, t, err)
					}
					flushWrites()
					profDone := make(chan error, 1)
					prof := ""
					if ch != nil && c.profileDir != "" && round == 0 && (t == targetGRPC || t == targetREST) && n == c.profileConc {
						prof = filepath.Join(c.profileDir, fmt.Sprintf("server-%s-%s-c%d.pprof", s.Key, strings.ToLower(t), n))
						go func() {
							time.Sleep(c.warmup)
							profDone <- ch.profile(c.duration, prof)
						}()
					} else {
						profDone <- nil
					}
					// The server's CPU over the measured window only, as the
					// calls it is divided by.
					var cpu0, self0 atomic.Int64
					cpuPID, peerPID := pid, peers.pids[t]
					if peerPID != 0 {
						cpuPID = peerPID
					}
					// A read's audit event is stored by the server's next
					// flush (every second); the database grows by nothing else
					// while reads run.
					audited := (t == targetGRPC || t == targetREST) && s.Key != "create"
					var used0 int64
					if audited {
						time.Sleep(auditFlush)
						used0, _ = w.plain.UsedBytes(ctx)
					}
					res := runLoad(ctx, n, c.warmup, c.duration, s.ops[t], func() {
						cpu0.Store(int64(cpuTime(cpuPID)))
						self0.Store(int64(cpuTime(os.Getpid())))
					})
					res.HarnessCPU = cpuTime(os.Getpid()) - time.Duration(self0.Load())
					if audited {
						time.Sleep(auditFlush)
						if used1, err := w.plain.UsedBytes(ctx); err == nil && used0 > 0 && res.Calls > 0 {
							res.AuditBytes = float64(used1-used0) / float64(res.Calls)
						}
					}
					switch t {
					case targetGRPC, targetREST:
						res.ServerCPU = cpuTime(pid) - time.Duration(cpu0.Load())
					}
					if peerPID != 0 {
						res.ServerCPU = cpuTime(peerPID) - time.Duration(cpu0.Load())
						// PocketBase goes on working after a run (its
						// garbage collector over a heap of a gigabyte, its
						// request log): the next run, the service's, must
						// not pay for it.
						settle(peerPID)
					}
					if err := <-profDone; err != nil {
						fmt.Fprintf(stderr, "trithuc-bench: profiling: %v\n", err)
					} else if prof != "" {
						rep.profiles = append(rep.profiles, prof)
					}
					rep.add(s, t, n, res)
					cpuText := ""
					if res.Ops > 0 && res.ServerCPU > 0 {
						cpuText += "server " + fmtDur(res.ServerCPU/time.Duration(res.Ops)) + " "
					}
					if res.Ops > 0 && res.HarnessCPU > 0 {
						cpuText += "harness " + fmtDur(res.HarnessCPU/time.Duration(res.Ops)) + " a call "
					}
					fmt.Fprintf(stderr, "  %-30s %-12s c=%-3d %8.0f/s  p50 %-9s p99 %-9s %serrors %d %s\n", s.Name, t, n,
						res.Throughput, fmtDur(res.P50), fmtDur(res.P99), cpuText, res.Errors, res.FirstError)
				}
			}
		}
		if pid != 0 {
			peak, cur, _ := memory(pid)
			rep.memory = append(rep.memory, memSample{after: s.Name, peak: peak, rss: cur})
			if ch != nil {
				fmt.Fprintf(stderr, "trithuc-bench: server memory over %s: %s\n", s.Name, ch.memSplit())
				if c.profileDir != "" {
					if err := ch.heap(filepath.Join(c.profileDir, "server-heap-after-"+s.Key+".pprof")); err != nil {
						fmt.Fprintf(stderr, "trithuc-bench: heap profile: %v\n", err)
					}
				}
			}
		}
	}
	if pid != 0 {
		rep.peakRSS, rep.rss, _ = memory(pid)
	}
	if ch != nil {
		err := ch.stop()
		ch = nil
		if err != nil {
			return fmt.Errorf("the server under test: %w", err)
		}
	}
	return nil
}

// The filters the list scenario takes: questions the Department of Home
// Affairs asks, each matching well under 1% of the registry. (The search
// scenario takes synth.SearchQueries.)
var listFilters = []string{
	`highest_qualification_level >= TIEN_SI AND hometown = "30760"`,
	`ethnicity = "05" AND highest_qualification_level >= THAC_SI AND gender = FEMALE`,
	`fields.code = "405" AND birth_date.year >= 1995`,
	`hometown = "31078" AND highest_qualification_level >= THAC_SI AND gender = FEMALE`,
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
}
