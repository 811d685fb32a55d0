package store

import (
	"strings"
	"testing"
)

// Approval asks whether a member number is taken through the partial index
// on member numbers, not by scanning the association's memberships: with
// the scan, trithuc gen's approvals slowed as the members grew (issue 19).
func TestMemberNumberTakenUsesIndex(t *testing.T) {
	db := openTest(t)
	plan := queryPlan(t, db.reader, memberNumberTakenSQL, 1, "HYH-0001")
	if p := plan; !strings.Contains(p, "memberships_number") {
		t.Errorf("the member number check does not use memberships_number: %s", p)
	}
}
