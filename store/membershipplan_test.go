package store

import (
	"context"
	"strings"
	"testing"
)

// Approval asks whether a member number is taken through the partial index
// on member numbers, not by scanning the association's memberships: with
// the scan, trithuc gen's approvals slowed as the members grew (issue 19).
func TestMemberNumberTakenUsesIndex(t *testing.T) {
	db := openTest(t)
	rows, err := db.reader.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+memberNumberTakenSQL, 1, "HYH-0001")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "memberships_number") {
		t.Errorf("the member number check does not use memberships_number: %s", p)
	}
}
