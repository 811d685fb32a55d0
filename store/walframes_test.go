package store

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFramesWrittenWhole: a transaction's frames are gathered and
// written in one pwrite (tempvfs.go), and the log so written is the one
// SQLite wrote: a copy of the file and its log taken before any
// checkpoint, opened afresh, recovers every committed row from the log's
// checksums (a frame misplaced or a header lost would end the log
// there), including rows that filled pages of several sizes and overflow
// pages. The writer runs with synchronous=OFF, which publishes a commit
// without a sync: another connection reading after each commit finds
// every frame written all the same, for nothing is held once a commit's
// frame is.
func TestLogFramesWrittenWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "frames.db")
	db, err := sql.Open("sqlite3", dsn(path, "_journal_mode=WAL&_synchronous=OFF"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_v ON t (v)`); err != nil {
		t.Fatal(err)
	}
	reader, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	frames0, writes0 := walGathered()
	want := map[int64][]byte{}
	for tx := 0; tx < 40; tx++ {
		conn, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 25; i++ {
			k := int64(tx*25 + i)
			// Sizes from a few bytes to pages of overflow.
			v := bytes.Repeat([]byte(fmt.Sprintf("%d-", k)), 1+int(k%7)*int(k%97))
			if _, err := conn.Exec(`INSERT INTO t (k, v) VALUES (?, ?)`, k, v); err != nil {
				t.Fatal(err)
			}
			want[k] = v
		}
		// Some rows rewritten, so that a commit overwrites frames of its own.
		if _, err := conn.Exec(`UPDATE t SET v = v || 'x' WHERE k % 11 = ?`, tx%11); err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if k%11 == int64(tx%11) {
				want[k] = append(want[k], 'x')
			}
		}
		if err := conn.Commit(); err != nil {
			t.Fatal(err)
		}
		var n int
		var sum int64
		if err := reader.QueryRow(`SELECT count(*), sum(length(v)) FROM t`).Scan(&n, &sum); err != nil {
			t.Fatalf("a read after commit %d: %v", tx, err)
		}
		var wantSum int64
		for _, v := range want {
			wantSum += int64(len(v))
		}
		if n != len(want) || sum != wantSum {
			t.Fatalf("a read after commit %d finds %d rows of %d bytes, want %d of %d", tx, n, sum, len(want), wantSum)
		}
	}
	frames, writes := walGathered()
	frames, writes = frames-frames0, writes-writes0
	if frames < 40*3 || writes*8 > frames {
		t.Errorf("40 commits: %d frames gathered into %d pwrite calls, want several frames a call", frames, writes)
	}

	// The file and its log as a crash would leave them: no checkpoint ran.
	copyPath := filepath.Join(dir, "copy.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if suffix == "-wal" && len(b) < 40*4096 {
			t.Fatalf("the log holds %d bytes: a checkpoint ran, and the test reads nothing of it", len(b))
		}
		if err := os.WriteFile(copyPath+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := sql.Open("sqlite3", dsn(copyPath, "_journal_mode=WAL"))
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var check string
	if err := cp.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy: %q, %v", check, err)
	}
	rows, err := cp.Query(`SELECT k, v FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := 0
	var wrong []string
	for rows.Next() {
		var k int64
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got++
		if !bytes.Equal(v, want[k]) {
			wrong = append(wrong, fmt.Sprint(k))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got != len(want) || len(wrong) > 0 {
		t.Errorf("the copy recovered %d rows of %d, %d of them wrong (%s)", got, len(want), len(wrong), strings.Join(wrong, " "))
	}
}
