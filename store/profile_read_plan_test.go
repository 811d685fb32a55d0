package store

import "testing"

// TestPersonReadBuildsNoTemporaryBTrees holds the one-statement read of a
// profile to no temporary b-tree: SQLite makes one, with a page cache of
// its own, for each ordered aggregate (json_group_array(x ORDER BY y)) on
// every run, and frees it at the end: a FULL read built seven
// (BENCHMARKS.md, issue 19, tenth pass).
func TestPersonReadBuildsNoTemporaryBTrees(t *testing.T) {
	db := openTest(t)
	for _, full := range []bool{false, true} {
		q := `SELECT ` + personColumns + `, ` + attachExprs(full) + ` FROM people p WHERE p.id = ?`
		if n := opcodes(t, db.reader, q, "x")["OpenEphemeral"]; n != 0 {
			t.Errorf("full=%v: the read opens %d temporary b-trees, want none", full, n)
		}
	}
}
