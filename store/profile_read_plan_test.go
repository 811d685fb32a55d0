package store

import "testing"

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
