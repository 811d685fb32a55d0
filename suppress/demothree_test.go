package suppress

import (
	"slices"
	"strings"
	"testing"
)

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

// The empty combinations hidden beside the small counts were the first
// that could be, in the values' order: knowing the rule, one could tell
// which hidden cells were empty, and so narrow where the small counts
// are. Keyed, they are others, the same for the same key each time, and
// still nothing small follows.
func TestDemoThreeWayEmptiesKeyed(t *testing.T) {
	rows := readJoint(t, "demo-level-field-unit.txt")
	empties := func(key []byte) (fine, coarse string) {
		t.Helper()
		three, hidden, fewer, ok := threeLinkedKeyed(rows, 5, key)
		if !ok || hidden || three.co.TotalHidden {
			t.Fatalf("key %q: rows left out", key)
		}
		if key != nil {
			if got := workedOutThree(three, fewer, 5); got != "" {
				t.Errorf("key %q: %s follows", key, got)
			}
		}
		return emptiesOf(three.fine), emptiesOf(three.co.Cells)
	}
	ruleFine, ruleCoarse := empties(nil)
	if ruleFine == "" {
		t.Fatal("the rule hides no empty cell: the demo no longer tests it")
	}
	differs := 0
	for _, key := range []string{"the first server", "another server", "a third"} {
		fine, coarse := empties([]byte(key))
		if again, againCoarse := empties([]byte(key)); again != fine || againCoarse != coarse {
			t.Errorf("key %q: the same counts hid other empty cells the second time", key)
		}
		if fine != ruleFine || coarse != ruleCoarse {
			differs++
		}
	}
	if differs < 3 {
		t.Errorf("%d of 3 keys hid other empty cells than the rule (%s | %s)", differs, ruleFine, ruleCoarse)
	}
}

// emptiesOf lists the hidden empty cells, in order.
func emptiesOf(cells []*Cell) string {
	var out []string
	for _, c := range cells {
		if c.Suppressed && c.Count == 0 {
			out = append(out, strings.Join(c.Values, "/"))
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}
