package store

import (
	"context"
	"path/filepath"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Open gathers the planner's statistics once there are enough people, and
// again when they have doubled.
func TestOpenGathersStatistics(t *testing.T) {
	defer func(old int64) { analyzeFrom = old }(analyzeFrom)
	analyzeFrom = 3
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stats.db")
	analyzed := func(n int) int64 {
		t.Helper()
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v int64
		db.writer.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM settings WHERE key = 'analyzed_people'), 0)`).Scan(&v)
		for range n {
			if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Hoa", Hometown: "30742"}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
	if v := analyzed(4); v != 0 {
		t.Errorf("statistics of %d people in an empty database", v)
	}
	if v := analyzed(3); v != 4 {
		t.Errorf("statistics of %d people, want 4", v)
	}
	if v := analyzed(2); v != 4 {
		t.Errorf("statistics of %d people at 7, want those of 4 until the table doubles", v)
	}
	if v := analyzed(0); v != 9 {
		t.Errorf("statistics of %d people, want 9", v)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'people'`).Scan(&n); err != nil || n == 0 {
		t.Errorf("no statistics of people: %d, %v", n, err)
	}
}

// An upgrade's new indexes get their statistics at the first start after
// it, though the people have not doubled: without them the planner takes
// an index on name keys (migration 0045) for any other.
func TestOpenGathersStatisticsOfNewIndexes(t *testing.T) {
	defer func(old int64) { analyzeFrom = old }(analyzeFrom)
	analyzeFrom = 3
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stats.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Hoa", MiddleName: "Thị", Hometown: "30742"}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil { // gathers them all
		t.Fatal(err)
	}
	const index = "people_middle_key"
	stats := func() int {
		t.Helper()
		var n int
		if err := db.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = ?`, index).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if stats() != 1 {
		t.Fatalf("no statistics of %s after ANALYZE", index)
	}
	// As after a migration that adds the index, on a database analyzed
	// by an earlier release.
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM sqlite_stat1 WHERE idx = ?`, index); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM settings WHERE key = 'analyzed_schema'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if stats() != 1 {
		t.Errorf("no statistics of %s at the start after its migration", index)
	}
}

// SQLite's memory is bounded, for the whole process, at 64 MiB: 96 MiB
// let a million people's searches take the server's peak resident set to
// 300 MB (BENCHMARKS.md, memory at a million).
func TestSoftHeapLimit(t *testing.T) {
	db := openTest(t)
	var limit int64
	if err := db.reader.QueryRowContext(context.Background(), `PRAGMA soft_heap_limit`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != 64<<20 {
		t.Errorf("soft_heap_limit %d, want %d", limit, 64<<20)
	}
	used, peak := SQLiteMemory(false)
	if used <= 0 || peak < used {
		t.Errorf("SQLite's memory: %d used, %d at the most", used, peak)
	}
}
