package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

const genUsage = `Usage:
  trithuc gen --db PATH --people N [--seed S] [--batch B] [--memberships=false]
  trithuc gen --api [--server HOST:PORT] [--token KEY] --people N [--seed S] [--workers W]

Adds N synthetic but realistic profiles, the same ones for the same seed:
Vietnamese, Khmer and Hoa names in the shares of the province, genders,
birth years of a working population, qualifications distributed like a
real workforce (mostly bachelor's, fewer master's, few doctorates, very few
professors), fields, positions at the province's organizations (which are
created too), administrative units current and historical, and honours.
People already there are kept; the new ones are numbered after them.

With --db the profiles go straight into the database file through the
store's bulk path, B profiles (default 5000) per transaction and a 1 GiB
page cache, fast enough for a million people in minutes; no server may be
writing to the file.
With --api they go through a running server, one call per person and per
qualification, position and honour, which suits small N; when the server's
rate limit refuses a call, gen waits as long as the server asks and goes on.

With --db, about a third of the new people are then registered as members
of the province's science associations (created when missing), by their
primary field, through MembershipService's own registration, approval and
state changes, a thousand people's in a transaction: most approved with
member numbers, some pending, a few rejected, suspended or withdrawn. That
is slower than the bulk path (a few hundred members a second);
--memberships=false leaves it out. --api adds no memberships.
`

// genOptions are the flags of gen.
type genOptions struct {
	client                 clientFlags
	dbPath                 string
	api, memberships       bool
	people, batch, workers int
	seed                   uint64
}

// register adds the flags of gen to fs (completion too).
func (o *genOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.dbPath, "db", "", "write straight into this database `file` (never $TRITHUC_DB: synthetic people go only where asked)")
	fs.BoolVar(&o.api, "api", false, "write through a running server (see --server and --token)")
	fs.IntVar(&o.people, "people", 0, "how many `people` to add")
	fs.Uint64Var(&o.seed, "seed", 1, "the generator's `seed`: the same seed makes the same people")
	fs.IntVar(&o.batch, "batch", synth.DefaultBatch, "profiles per transaction with --db")
	fs.IntVar(&o.workers, "workers", 4, "concurrent calls with --api")
	fs.BoolVar(&o.memberships, "memberships", true, "with --db, register about a third of the new people as members of the associations")
	o.client.register(fs)
}

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, genUsage); fs.PrintDefaults() }
	var o genOptions
	o.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("gen takes no arguments, got %q", fs.Args()))
	case o.people <= 0:
		return usageError("gen: --people must be positive")
	case (o.dbPath == "") == !o.api:
		return usageError("gen: give either --db PATH or --api")
	case o.batch <= 0 || o.workers <= 0:
		return usageError("gen: --batch and --workers must be positive")
	}
	if o.api {
		return genAPI(ctx, &o.client, o.people, o.seed, o.workers, stdout, stderr)
	}

	db, err := store.Open(ctx, o.dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	// The new people are those created from now on: the bulk path stamps
	// them with the time of their batch.
	since := time.Now().UTC().Truncate(time.Microsecond)
	last := time.Now()
	st, err := synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: o.seed, People: o.people, Batch: o.batch,
		Progress: func(done int, elapsed time.Duration) {
			if time.Since(last) >= 10*time.Second || done == o.people {
				last = time.Now()
				fmt.Fprintf(stderr, "gen: %d of %d people, %.0f people/s\n", done, o.people, float64(done)/elapsed.Seconds())
			}
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added %d people (%d rows) and %d organizations to %s in %s: %.0f people/s; %.0f people/s in the store's transactions (%s).\n",
		st.People, st.Rows, st.Organizations, db.Path(), st.Elapsed.Round(time.Millisecond),
		float64(st.People)/st.Elapsed.Seconds(), float64(st.People)/st.Writing.Seconds(), st.Writing.Round(time.Millisecond))
	if !o.memberships {
		return nil
	}
	start := time.Now()
	n, err := synth.LoadMemberships(ctx, db, o.seed, fmt.Sprintf("create_time >= %q", since.Format(time.RFC3339Nano)))
	if err != nil {
		return fmt.Errorf("gen: memberships, after %d registered: %w", n, err)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "Registered %d memberships of the new people in %s: %.0f a second.\n",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	return nil
}

// genAPI adds people through a running server.
func genAPI(ctx context.Context, cf *clientFlags, n int, seed uint64, workers int, stdout, stderr io.Writer) error {
	// A bulk load runs into the server's rate limit by design: it waits as
	// long as the server asks, call after call, instead of giving up.
	cf.attempts = 1000
	c, err := cf.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	list, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1, ShowDeleted: true})
	if err != nil {
		return fmt.Errorf("counting people: %w", err)
	}
	have := int(list.TotalSize)
	if have == 0 && list.NextPageToken != "" {
		return fmt.Errorf("the server does not count its people (it holds too many); add them with --db instead")
	}
	orgs := synth.OrganizationsFor(have + n)
	newOrgs := 0
	for _, o := range orgs {
		_, err := c.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: o.Organization, OrganizationId: o.ID})
		switch status.Code(err) {
		case codes.OK:
			newOrgs++
		case codes.AlreadyExists:
		default:
			return fmt.Errorf("organization %s: %w", o.ID, err)
		}
	}

	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		done     atomic.Int64
	)
	for batch := range synth.Batches(ctx, seed, have, n, 100, orgs) {
		work := make(chan store.BulkProfile)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range work {
					if err := createProfile(ctx, c.People, p); err != nil {
						once.Do(func() { firstErr = err; cancel() })
						return
					}
					done.Add(1)
				}
			}()
		}
	feed:
		for _, p := range batch.Profiles {
			select {
			case work <- p:
			case <-ctx.Done():
				break feed
			}
		}
		close(work)
		wg.Wait()
		if firstErr != nil {
			return firstErr
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "Added %d people and %d organizations through %s in %s: %.0f people/s.\n",
		done.Load(), newOrgs, cf.server, el.Round(time.Millisecond), float64(done.Load())/el.Seconds())
	return nil
}

func createProfile(ctx context.Context, c pb.PersonServiceClient, p store.BulkProfile) error {
	person, err := c.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p.Person, PersonId: p.ID})
	if err != nil {
		return fmt.Errorf("people/%s: %w", p.ID, err)
	}
	for _, q := range p.Qualifications {
		if _, err := c.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: person.Name, Qualification: q}); err != nil {
			return fmt.Errorf("%s, qualification: %w", person.Name, err)
		}
	}
	for _, pos := range p.Positions {
		if _, err := c.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: person.Name, Position: pos}); err != nil {
			return fmt.Errorf("%s, position: %w", person.Name, err)
		}
	}
	for _, h := range p.Honors {
		if _, err := c.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: person.Name, Honor: h}); err != nil {
			return fmt.Errorf("%s, honour: %w", person.Name, err)
		}
	}
	return nil
}
