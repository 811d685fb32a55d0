package synth

import (
	"context"
	"fmt"

	"trithuc.gov.vn/trithuc/store"
)

// Load writes the province's organizations and n profiles into db through
// the store's own methods, so that every row passes the checks a client's
// would. It is for the demo and tests; bulk loads of many people take the
// store's bulk path.
func Load(ctx context.Context, db *store.DB, seed uint64, n int) error {
	orgs := Organizations(max(10, n/200))
	for _, o := range orgs {
		if _, err := db.CreateOrganization(ctx, o.Organization, store.CreateOptions{ID: o.ID}); err != nil {
			return fmt.Errorf("organization %s: %w", o.ID, err)
		}
	}
	g := New(seed)
	for i := range n {
		prof := g.Profile(orgs)
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
