package synth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// Bulk loads: many generated profiles straight into a database file through
// the store's bulk path, generated on one goroutine while the previous batch
// is written on another.

// DefaultBatch is how many profiles one bulk transaction writes.
const DefaultBatch = 5000

// BulkOptions say what BulkLoad makes.
type BulkOptions struct {
	Seed   uint64
	People int
	// Batch is the number of profiles per transaction; DefaultBatch when 0.
	Batch int
	// CacheBytes is the writer's page cache during the load;
	// store.BulkCacheBytes when 0.
	CacheBytes int64
	// Progress, when set, is called after each batch.
	Progress func(done int, elapsed time.Duration)
}

// BulkStats say what a load did and how long it took.
type BulkStats struct {
	People, Organizations int
	// Rows is the number of rows written, in every table.
	Rows int
	// Elapsed is the whole load; Writing the time spent in the store's
	// write transactions, generating and preparing the rows excluded (they
	// run beside it).
	Elapsed, Writing time.Duration
}

// OrganizationsFor is the set of organizations for a registry of n people.
func OrganizationsFor(n int) []OrgSeed { return Organizations(max(10, n/200)) }

// EnsureOrganizations creates those of orgs that db does not hold yet.
func EnsureOrganizations(ctx context.Context, db *store.DB, orgs []OrgSeed) (int, error) {
	var missing []store.BulkOrganization
	for _, o := range orgs {
		_, err := db.GetOrganization(ctx, "organizations/"+o.ID)
		var se *store.Error
		switch {
		case errors.As(err, &se) && se.Code == store.NotFound:
			missing = append(missing, store.BulkOrganization{ID: o.ID, Organization: o.Organization})
		case err != nil:
			return 0, err
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	return len(missing), db.BulkCreateOrganizations(ctx, missing)
}

// Batch is a batch of generated profiles for the store's bulk path.
type Batch struct {
	Profiles []store.BulkProfile
}

// Batches generates n profiles numbered from start+1, in batches, on a
// goroutine of its own; it stops early when ctx is done.
func Batches(ctx context.Context, seed uint64, start, n, batch int, orgs []OrgSeed) <-chan Batch {
	if batch <= 0 {
		batch = DefaultBatch
	}
	out := make(chan Batch, 1)
	go func() {
		defer close(out)
		g := New(seed).StartAt(start)
		for done := 0; done < n; {
			size := min(batch, n-done)
			b := Batch{Profiles: make([]store.BulkProfile, size)}
			for i := range b.Profiles {
				p := g.Profile(orgs)
				b.Profiles[i] = store.BulkProfile{ID: g.ID(), Person: p.Person, Qualifications: p.Qualifications,
					Positions: p.Positions, Honors: p.Honors}
			}
			done += size
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// BulkLoad adds o.People generated profiles to db, and the organizations
// they work at. People already in db are kept: the new ones are numbered
// after them, so their ids and national IDs do not collide.
func BulkLoad(ctx context.Context, db *store.DB, o BulkOptions) (st BulkStats, err error) {
	start := time.Now()
	have, err := db.CountPeople(ctx, true)
	if err != nil {
		return st, err
	}
	orgs := OrganizationsFor(have + o.People)
	if st.Organizations, err = EnsureOrganizations(ctx, db, orgs); err != nil {
		return st, fmt.Errorf("organizations: %w", err)
	}
	cache := o.CacheBytes
	if cache <= 0 {
		cache = store.BulkCacheBytes
	}
	restore, err := db.GrowWriterCache(ctx, cache)
	if err != nil {
		return st, err
	}
	defer func() {
		if rerr := restore(); err == nil {
			err = rerr
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Three stages, so that both cores work: generating, preparing the
	// rows (normalizing, checking, deriving), and writing them.
	type prepared struct {
		rows  *store.BulkRows
		batch Batch
		err   error
	}
	ready := make(chan prepared, 1)
	go func() {
		defer close(ready)
		for batch := range Batches(ctx, o.Seed, have, o.People, o.Batch, orgs) {
			rows, err := db.PrepareBulk(ctx, batch.Profiles)
			select {
			case ready <- prepared{rows, batch, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for p := range ready {
		first := have + st.People + 1
		if p.err != nil {
			return st, fmt.Errorf("people %d to %d: %w", first, first+len(p.batch.Profiles)-1, p.err)
		}
		t := time.Now()
		if err := db.WriteBulk(ctx, p.rows); err != nil {
			return st, fmt.Errorf("people %d to %d: %w", first, first+len(p.batch.Profiles)-1, err)
		}
		st.Writing += time.Since(t)
		st.People += p.rows.People()
		st.Rows += p.rows.Rows()
		if o.Progress != nil {
			o.Progress(st.People, time.Since(start))
		}
	}
	// Statistics for the query planner, for what the load changed.
	if err := db.Analyze(ctx); err != nil {
		return st, err
	}
	st.Elapsed = time.Since(start)
	return st, ctx.Err()
}
