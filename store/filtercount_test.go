package store_test

import (
	"context"
	"testing"
)

// Every list of up to 100,000 people counts its matches. The count of a
// filter on the columns Home Affairs combines most (qualification level,
// gender, ethnicity, hometown, birth year, field) reads the indexes alone,
// not each candidate's row: 33 against 1.6 ms for the first below at
// 100,000 people (migration 32, issue 19).
func TestFilteredCountsReadNoRows(t *testing.T) {
	ctx := context.Background()
	db := loadedDB(t, 2000)
	// With the planner's statistics, as a registry has them.
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []string{
		`ethnicity = "05" AND highest_qualification_level >= THAC_SI AND gender = FEMALE`,
		`fields.code = "405" AND birth_date.year >= 1995`,
		`highest_qualification_level >= TIEN_SI AND hometown = "30760"`,
		`hometown = "31078" AND highest_qualification_level >= THAC_SI AND gender = FEMALE`,
		`gender = FEMALE AND birth_date.year >= 1990`,
		`highest_qualification_level >= TIEN_SI`,
	} {
		if reads, plan := db.CountReadsPeopleRows(t, filter); reads {
			t.Errorf("counting %s reads the rows of people: %s", filter, plan)
		}
	}
}
