package store

import (
	"context"
	"strings"
	"testing"
)

// A filter on a hometown or a level reads the index it starts from in the
// order of people (registration order, a list's default), so that its page
// stops at its size. The indexes were ordered by the filter's column and
// then by restricted, level, gender and ethnicity (0032): a page sorted
// every match first, and at a million people every create wrote a page at
// random in each of them (0054_indexes_in_registration_order.sql).
func TestFilteredPagesReadTheirIndexInOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	bulkLoad(t, db, 3000, 7)
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ filter, index string }{
		{`hometown = "30760"`, "people_hometown"},
		{`hometown = "30760" AND gender = FEMALE`, "people_hometown"},
		{`hometown = "31078" AND highest_qualification_level >= THAC_SI`, "people_hometown"},
		{`highest_qualification_level = TIEN_SI`, "people_highest_level_rank"},
	} {
		err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.peopleListing(ctx, ListQuery{Filter: tt.filter, PageSize: 10})
			if err != nil {
				return err
			}
			q := l.pageSQL(l.where)
			plan := queryPlan(t, tx, q, append(append([]any(nil), l.withArgs...), l.args...)...)
			if !strings.Contains(plan, "USING INDEX "+tt.index+" (") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%s: the page's plan is %q, want a read of %s in the order of people", tt.filter, plan, tt.index)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The look-alike check of registrations and imported rows finds a birth
// date by its day in people_birth_date: 0.2 ms at a million people, where
// that index in year and then pk order (tried for 0054) read the year's
// people, 5 ms.
func TestLookalikeBirthDateReadsItsDay(t *testing.T) {
	db := openTest(t)
	bulkLoad(t, db, 3000, 7)
	if err := db.Analyze(context.Background()); err != nil {
		t.Fatal(err)
	}
	plan := queryPlan(t, db.reader, bornSameDaySQL, 1985, 3, 15, 0)
	if !strings.Contains(plan, "people_birth_date (birth_year=? AND birth_month=? AND birth_day=?)") {
		t.Errorf("the look-alike check's plan is %q, want a search of people_birth_date by the whole date", plan)
	}
}
