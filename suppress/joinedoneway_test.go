package suppress

import (
	"math/rand/v2"
	"testing"
)

// As TestLinkedJoinedGroupsRandom by unit and kind, knowing what the
// answers by one dimension hide (LinkedOneWay): a unit's (district's, kind's)
// row is then published only where the answer by that dimension alone
// shows it, the hidden ones together. No small count may follow from a
// linear combination of what is published, nor, where the hidden cells are
// few enough to try every filling, from whole numbers of people at all.
func TestLinkedOneWayJoinedRandom(t *testing.T) {
	const threshold = 3
	r := rand.New(rand.NewPCG(5, 6))
	leftOut, pessimistic, enumerated, trials := 0, 0, 0, 0
	for trial := range 4000 {
		fine, co, ns, root, ok := randomJoined(r, 2)
		if !ok {
			continue
		}
		oneWay, ok := oneWayOfLinked(fine, co, ns, threshold)
		if !ok {
			continue
		}
		trials++
		was, wasCoarse := copyCells(fine), &Coarse{Cells: copyCells(co.Cells), Dims: 2, Key: co.Key, FineKey: co.FineKey, Joined: co.Joined}
		if _, hidden := Linked(was, 2, threshold, ns, []*Coarse{wasCoarse}); hidden || wasCoarse.TotalHidden {
			pessimistic++
		}
		fine, hidden := LinkedOneWay(fine, 2, threshold, oneWay, ns, []*Coarse{co})
		if hidden || co.TotalHidden {
			leftOut++
			continue
		}
		sums := publishedSums(fine, co.Cells, co.FineKey, co.Key, threshold, oneWay, co.OneWay)
		rows := append(smallRows(fine, oneWay, threshold), smallRows(co.Cells, co.OneWay, threshold)...)
		if got := workedOutOf(sums, fine, co.Cells, false, rows...); got != "" {
			t.Fatalf("trial %d: %s worked out from %s", trial, got, joinedString(fine, co.Cells, root))
		}
		if hiddenCells(fine)+hiddenCells(co.Cells) <= 12 {
			enumerated++
			if got := workedOutOf(sums, fine, co.Cells, true, rows...); got != "" {
				t.Fatalf("trial %d: %s worked out from %s", trial, got, joinedString(fine, co.Cells, root))
			}
		}
	}
	t.Logf("%d trials: rows left out in %d (%d taking every row of the threshold as published); %d tried by every filling",
		trials, leftOut, pessimistic, enumerated)
}

func hiddenCells(cells []*Cell) int {
	n := 0
	for _, c := range cells {
		if c.Suppressed {
			n++
		}
	}
	return n
}
