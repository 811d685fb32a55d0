package store

import (
	"context"
	"slices"
	"testing"

	"trithuc.gov.vn/trithuc/store/filter"
)

// heldFilters are statistics filters on positions, held (one current
// position with the columns that mirror it) and not.
var heldFilters = []string{
	`positions.current = true`,
	`positions.current != false`,
	`NOT positions.current = true`,
	`positions.current = false`,
	`positions.current = true AND positions.administrative_unit = "91"`,
	`positions.current = true AND positions.administrative_unit = "30292"`,
	`positions.current = true AND positions.administrative_unit = "30337"`,
	`positions.current = true AND positions.administrative_unit != "91"`,
	`positions.current = true AND positions.organization.administrative_unit = "30313"`,
	`positions.current != false AND positions.administrative_unit = "91"`,
	`positions.current = true AND positions.organization.kind = UNIVERSITY`,
	`positions.current = true AND positions.organization.kind != HOSPITAL`,
	`positions.current = true AND positions.employment_type = CONTRACT`,
	`positions.current = true AND positions.employment_type != CIVIL_SERVANT`,
	`positions.current = true AND positions.organization.kind = UNIVERSITY AND positions.administrative_unit = "91"`,
	`NOT (positions.current = true AND positions.administrative_unit = "91")`,
	`gender = MALE AND positions.current = true AND positions.administrative_unit = "91"`,
	`positions.current = true AND positions.administrative_unit = "91" OR gender = FEMALE`,
	`positions.current = false AND positions.administrative_unit = "91"`,
	`positions.administrative_unit = "91"`,
	`positions.current = true AND positions.administrative_unit = "91" AND positions.employment_type = PUBLIC_EMPLOYEE`,
}

// selectedPKs is the pks of the listed people that where selects.
func selectedPKs(t *testing.T, tx *Tx, from, where string, args []any) []int64 {
	t.Helper()
	rows, err := tx.QueryContext(context.Background(), "SELECT p.pk FROM "+from+" WHERE "+personListed+" AND "+where, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			t.Fatal(err)
		}
		pks = append(pks, pk)
	}
	slices.Sort(pks)
	return pks
}

// Today's statistics filters on the current positions read the columns of
// people for those who hold one, and select exactly the people that
// looking up every person's positions selects.
func TestHeldPositionsSelectAsLookedUp(t *testing.T) {
	db := heldPositionsTest(t)
	ctx := context.Background()
	err := db.read(ctx, func(tx *Tx) error {
		on, err := tx.statsDayOf(ctx, tx.today(), false)
		if err != nil {
			return err
		}
		units, err := tx.unitHistory(ctx)
		if err != nil {
			return err
		}
		lookedUp := func(r ranks) filter.Schema {
			s := statsSchemaOn(on, units, nil)(r)
			for k, f := range s {
				if f.Join == joinHeldPos {
					f.Join = joinPos
					s[k] = f
				}
			}
			return s
		}
		selected := 0
		for _, f := range heldFilters {
			where, args, err := tx.compileStatsFilter(ctx, f, on, nil)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			old, oldArgs, err := tx.compileFilter(ctx, f, lookedUp)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			got := selectedPKs(t, tx, statsFrom(where, false), where, args)
			want := selectedPKs(t, tx, "people p", old, oldArgs)
			if !slices.Equal(got, want) {
				t.Errorf("%s selects %v; looking the positions up, %v\n%s", f, got, want, where)
			}
			if len(want) > 0 && len(want) < 13 {
				selected++
			}
		}
		if selected < len(heldFilters)/2 {
			t.Errorf("only %d filters select some but not all: the test's people tell little", selected)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
