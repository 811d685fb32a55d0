package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// querier is a *sql.DB or a *Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryPlan is what EXPLAIN QUERY PLAN says of query, its steps joined by
// "; ": the tests that hold a statement to an index read it.
func queryPlan(t testing.TB, q querier, query string, args ...any) string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "; ")
}

// opcodes counts the instructions of each kind that EXPLAIN lists for
// query: the tests that hold a statement to the work SQLite does per run
// (a temporary b-tree is OpenEphemeral) read it.
func opcodes(t testing.TB, q querier, query string, args ...any) map[string]int {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var addr, p1, p2, p3, p5 int
		var op string
		var p4, comment sql.NullString
		if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
			t.Fatal(err)
		}
		counts[op]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}
