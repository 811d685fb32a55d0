package suppress

import "testing"

// The demo's answer by level, field and unit (the yearly report's first
// table) kept only its total. It has rows, and no small count, of its
// cells, of those of the answer with the 2024 district for the unit, or
// of the answers by two and by one of their dimensions, follows from
// them.
func TestDemoThreeWayKeepsRows(t *testing.T) {
	three, hidden, fewer, ok := threeLinked(readJoint(t, "demo-level-field-unit.txt"), 5)
	if !ok {
		t.Fatal("an answer by one dimension has no rows")
	}
	if hidden || three.co.TotalHidden {
		t.Fatalf("rows left out: by unit %v, by district %v", hidden, three.co.TotalHidden)
	}
	shown := len(three.fine) - hiddenCells(three.fine)
	t.Logf("%d of %d cells shown by unit, %d of %d by district", shown, len(three.fine),
		len(three.co.Cells)-hiddenCells(three.co.Cells), len(three.co.Cells))
	if shown < 3 {
		t.Errorf("%d of %d cells shown, want at least 3", shown, len(three.fine))
	}
	if got := workedOutThree(three, fewer, 5); got != "" {
		t.Errorf("%s follows from\n%s\n%s", got, tableString(three.fine), tableString(three.co.Cells))
	}
}
