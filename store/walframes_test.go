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

// TestLogFramesWrittenWhole: a log's frames are written header and page
// in one pwrite (tempvfs.go), and the log so written is the one SQLite
// wrote: a copy of the file and its log taken before any checkpoint,
// opened afresh, recovers every committed row from the log's checksums
// (a frame misplaced or a header lost would end the log there), including
// rows that filled pages of several sizes and overflow pages.
func TestLogFramesWrittenWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "frames.db")
	db, err := sql.Open("sqlite3", dsn(path, "_journal_mode=WAL&_synchronous=FULL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_v ON t (v)`); err != nil {
		t.Fatal(err)
	}
	before := walFramesJoined()
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
	}
	joined := walFramesJoined() - before
	if joined < 40 {
		t.Errorf("%d frames written with their header in one pwrite over 40 commits, want every frame", joined)
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
