package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/store"
)

// Load writes the province's organizations and n profiles into db through
// the store's own methods, so that every row passes the checks a client's
// would. It is for the demo and tests; bulk loads of many people take the
// store's bulk path.
func Load(ctx context.Context, db *store.DB, seed uint64, n int) error {
	return load(ctx, db, seed, n, nil)
}

// LoadListed is Load with the people on the registry's lists since days
// before today (in Vietnam): most since 1 January three years back, as a
// province that imported its earlier lists has them, the others since a
// day after, up to today. Registered today, no one would count in figures
// as on a past day, and last year's report would count no one: the demo
// shows these too. The same seed lists the same people.
func LoadListed(ctx context.Context, db *store.DB, seed uint64, n int, today time.Time) error {
	r := rand.New(rand.NewPCG(seed, 0x4c6973746564)) // apart from the people's own draws
	first := time.Date(today.Year()-3, time.January, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	return load(ctx, db, seed, n, func() *date.Date {
		d := first
		if r.Float64() >= 0.6 {
			d = first.AddDate(0, 0, 1+r.IntN(days))
		}
		return &date.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}
	})
}

// load is Load, each person listed since listed's day (nil: today).
func load(ctx context.Context, db *store.DB, seed uint64, n int, listed func() *date.Date) error {
	orgs := Organizations(max(10, n/200))
	for _, o := range orgs {
		if _, err := db.CreateOrganization(ctx, o.Organization, store.CreateOptions{ID: o.ID}); err != nil {
			return fmt.Errorf("organization %s: %w", o.ID, err)
		}
	}
	g := New(seed)
	for i := range n {
		prof := g.Profile(orgs)
		if listed != nil {
			prof.Person.RegistryDate = listed()
		}
		p, err := db.CreatePerson(ctx, prof.Person, store.CreateOptions{})
		if err != nil {
			return fmt.Errorf("person %d: %w", i, err)
		}
		for _, q := range prof.Qualifications {
			if _, err := db.CreateQualification(ctx, p.Name, q, store.CreateOptions{}); err != nil {
				return fmt.Errorf("person %d, qualification %v: %w", i, q, err)
			}
		}
		for _, pos := range prof.Positions {
			if _, err := db.CreatePosition(ctx, p.Name, pos, store.CreateOptions{}); err != nil {
				return fmt.Errorf("person %d, position %v: %w", i, pos, err)
			}
		}
		for _, h := range prof.Honors {
			if _, err := db.CreateHonor(ctx, p.Name, h, store.CreateOptions{}); err != nil {
				return fmt.Errorf("person %d, honour %v: %w", i, h, err)
			}
		}
	}
	return nil
}
