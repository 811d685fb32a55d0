package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestZZExplain(t *testing.T) {
	path := os.Getenv("EXPLAIN_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	show := func(q string, args []any) {
		fmt.Println("SQL:", strings.Join(strings.Fields(q), " "))
		db.read(ctx, func(tx *Tx) error {
			rows, err := tx.Tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				fmt.Println(err)
				return nil
			}
			for rows.Next() {
				var a, b, c int
				var d string
				rows.Scan(&a, &b, &c, &d)
				fmt.Printf("   %d %d %s\n", a, b, d)
			}
			rows.Close()
			for i := 0; i < 3; i++ {
				t0 := time.Now()
				r, _ := tx.Tx.QueryContext(ctx, q, args...)
				n := 0
				for r.Next() {
					n++
					if n == 1 && strings.HasPrefix(q, "SELECT count") {
						var c int
						r.Scan(&c)
						fmt.Println("   count =", c)
					}
				}
				r.Close()
				fmt.Println("   rows", n, time.Since(t0))
			}
			return nil
		})
	}
	for _, q := range strings.Split(os.Getenv("EXPLAIN_SQL"), ";;") {
		if q != "" {
			show(q, nil)
		}
	}
	for _, f := range strings.Split(os.Getenv("EXPLAIN_FILTERS"), ";") {
		if f == "" {
			continue
		}
		db.read(ctx, func(tx *Tx) error {
			l, err := tx.peopleListing(ctx, ListQuery{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			q, a := l.countSQL()
			show(q, a)
			show(l.pageSQL(l.where), a)
			return nil
		})
	}
	for _, s := range strings.Split(os.Getenv("EXPLAIN_QUERIES"), ";") {
		if s == "" {
			continue
		}
		db.read(ctx, func(tx *Tx) error {
			l, err := tx.searchListing(ctx, SearchQuery{Query: s})
			if err != nil {
				t.Fatal(err)
			}
			q, a := l.countSQL()
			show(q, a)
			show(l.pageSQL(l.where), a)
			return nil
		})
	}
}
