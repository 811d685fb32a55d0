//go:build trithuc_bench

package store

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestZZPositions(t *testing.T) {
	ctx := context.Background()
	db, err := OpenWith(ctx, os.Getenv("TRITHUC_BENCH_DB"), Options{IntegrityCheckTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	people, _, err := db.SearchPeople(ctx, SearchQuery{Query: "nguyen thi thanh tam"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pks []int64
	for _, p := range people {
		var pk int64
		db.reader.QueryRowContext(ctx, `SELECT pk FROM people WHERE id = ?`, p.Name[len("people/"):]).Scan(&pk)
		pks = append(pks, pk)
	}
	with := positionKind.ofSQL(len(pks), "c.is_current = 1")
	without := "SELECT c.pk, c.person_pk, c.id, '', c.create_time, c.update_time, c.revision, " + positionKind.columns + " FROM positions c " + positionKind.joins + " WHERE c.person_pk IN (" + placeholders(len(pks)) + ") AND c.is_current = 1 ORDER BY c.person_pk, c.pk"
	for _, q := range []string{with, without} {
		rows, _ := db.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, int64sToAny(pks)...)
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			t.Log(d)
		}
		rows.Close()
	}
	for round := 0; round < 3; round++ {
		for i, q := range []string{with, without} {
			start := time.Now()
			n := 0
			for j := 0; j < 500; j++ {
				rows, err := db.reader.QueryContext(ctx, q, int64sToAny(pks)...)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					n++
				}
				rows.Close()
			}
			t.Logf("%d: %v a query, %d rows", i, time.Since(start)/500, n/500)
		}
	}
}
