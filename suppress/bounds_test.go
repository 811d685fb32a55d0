package suppress

import (
	"math/rand/v2"
	"testing"
)

// The audit of answers by two dimensions (bounds.go) lets a small count
// through only when some filling of the hidden cells with whole numbers
// of people, agreeing with everything published, gives it another value:
// checked by trying every filling, on random registries small enough for
// that, with and without what the answers by one dimension hide (and,
// with it, of those answers' small rows too).
func TestBoundsAgreeWithEnumeration(t *testing.T) {
	const threshold = 3
	r := rand.New(rand.NewPCG(7, 8))
	free, pinnedToo := 0, 0
	for trial := range 6000 {
		fine, co, ns, root, ok := randomJoined(r, 2)
		if !ok {
			continue
		}
		var oneWay []map[string]bool
		if trial%2 == 0 {
			if oneWay, ok = oneWayOfLinked(fine, co, ns, threshold); !ok {
				continue
			}
		}
		// Released, before the audit: what it must judge.
		fine, hidden := linkedRounds(fine, 2, threshold, ns, []*Coarse{co}, oneWay, true, nil)
		if hidden || co.TotalHidden || hiddenCells(fine)+hiddenCells(co.Cells) > 8 {
			continue
		}
		if firstPinned(auditedLinked(fine, ns, co, oneWay), &auditLink{key: co.Key, fineKey: co.FineKey}, threshold, true, nil) != nil {
			// It may be stricter: a table of one kind it reads as two
			// dimensions, whose rows the enumeration takes as cells.
			pinnedToo++
			continue
		}
		free++
		sums := publishedSums(fine, co.Cells, co.FineKey, co.Key, threshold, oneWay, co.OneWay)
		rows := append(smallRows(fine, oneWay, threshold), smallRows(co.Cells, co.OneWay, threshold)...)
		if got := workedOutOf(sums, fine, co.Cells, true, rows...); got != "" {
			t.Fatalf("trial %d: the audit lets %s through, worked out from %s", trial, got, joinedString(fine, co.Cells, root))
		}
	}
	if free < 1000 || pinnedToo < 10 {
		t.Errorf("%d answers let through and %d held back: too few to tell", free, pinnedToo)
	}
}

// smallRows are the rows of cells, by each dimension whose one-way answer
// is known, that hold from 1 to threshold-1 people in more than one cell.
func smallRows(cells []*Cell, oneWay []map[string]bool, threshold int) [][]*Cell {
	var out [][]*Cell
	for d := range oneWay {
		if oneWay[d] == nil {
			continue
		}
		for _, row := range groupBy(cells, func(v []string) string { return v[d] }) {
			sum := 0
			for _, c := range row {
				sum += c.Count
			}
			if sum > 0 && sum < threshold && len(row) > 1 {
				out = append(out, row)
			}
		}
	}
	return out
}

// firstPinned is the cells of the first small count the tables give away,
// nil when none.
func firstPinned(tables []audited, link *auditLink, threshold int, cells bool, work *Allowance) []*Cell {
	m := newModel(tables, link, threshold, cells)
	for _, p := range m.counts {
		if !m.free(p, work) {
			return p.cells
		}
	}
	return nil
}
