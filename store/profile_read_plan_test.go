package store

import (
	"slices"
	"testing"
)

// TestPersonReadBuildsNoTemporaryBTrees holds the one-statement read of a
// profile to no temporary b-tree and no sorter: SQLite makes a b-tree,
// with a page cache of its own, for each ordered aggregate
// (json_group_array(x ORDER BY y)) on every run, and frees it at the end
// (a FULL read built seven, BENCHMARKS.md, issue 19, tenth pass); and a
// sorter, with a buffer of a page, for each ORDER BY that no index gives
// (a FULL read ran five, twelfth pass).
func TestPersonReadBuildsNoTemporaryBTrees(t *testing.T) {
	db := openTest(t)
	for _, full := range []bool{false, true} {
		q := personReadQueries()[0]
		if full {
			q = personReadQueries()[1]
		}
		ops := opcodes(t, db.reader, q, "x")
		if n := ops["OpenEphemeral"]; n != 0 {
			t.Errorf("full=%v: the read opens %d temporary b-trees, want none", full, n)
		}
		if n := ops["SorterOpen"]; n != 0 {
			t.Errorf("full=%v: the read opens %d sorters, want none", full, n)
		}
	}
}

// TestParseRowsInOrder: with no ORDER BY in the statement, the order of a
// person's rows is the one parseRowsInOrder makes from their first values.
func TestParseRowsInOrder(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []int64 // the first values, in order
		err  bool
	}{
		{text: `[]`, want: []int64{}},
		{text: `[[3,"c"],[1,"a"],[2,"b"]]`, want: []int64{1, 2, 3}},
		{text: `[[2,"x"],[1,"y"],[2,"z"]]`, want: []int64{1, 2, 2}},
		{text: `[7,5,6]`, want: []int64{5, 6, 7}},
		{text: `[["a",1]]`, err: true},
		{text: `[[]]`, err: true},
		{text: `[[1.5,"x"]]`, err: true},
		{text: `[[null,"x"]]`, err: true},
	} {
		rows, err := parseRowsInOrder(tc.text)
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", tc.text)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		got := []int64{}
		for _, r := range rows {
			got = append(got, r[0].i)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: first values %v, want %v", tc.text, got, tc.want)
		}
	}
	// Equal first values keep their order (a stable sort).
	rows, err := parseRowsInOrder(`[[2,"x"],[1,"y"],[2,"z"]]`)
	if err != nil || rows[1][1].s != "x" || rows[2][1].s != "z" {
		t.Errorf("equal keys reordered: %v, %v", rows, err)
	}
}
