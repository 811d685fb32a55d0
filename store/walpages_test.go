package store_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// TestWALPagesPerCreate measures which b-trees the log's pages of a group
// of creates belong to (BENCHMARKS.md, "WAL pages a create"). It writes
// into the database named by TRITHUC_WALPAGES_DB (a copy: it creates
// people there) and needs the sqlite3 command, whose build has dbstat:
//
//	TRITHUC_WALPAGES_DB=/tmp/copy.db go test -tags sqlite_fts5 ./store -run WALPages -v
func TestWALPagesPerCreate(t *testing.T) {
	path := os.Getenv("TRITHUC_WALPAGES_DB")
	if path == "" {
		t.Skip("TRITHUC_WALPAGES_DB names a copy of a database to create people in")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// Statements to try before measuring (FTS5 settings, say), ";"-separated.
	for _, q := range strings.Split(os.Getenv("TRITHUC_WALPAGES_SQL"), ";") {
		if strings.TrimSpace(q) == "" {
			continue
		}
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rounds, _ := strconv.Atoi(os.Getenv("TRITHUC_WALPAGES_ROUNDS"))
	rounds = max(rounds, 3)
	g := synth.New(77).StartAt(5_000_000 + int(time.Now().Unix()%1000)*2000)
	var mu sync.Mutex
	next := func() *store.AuditEvent {
		return &store.AuditEvent{Time: time.Now(), Principal: "keys/bench", PrincipalName: "bench", Role: "registrar",
			Method: "/trithuc.v1.PersonService/CreatePerson", RequestID: "r", ClientAddress: "127.0.0.1", Transport: "grpc"}
	}
	for _, n := range []int{1, 8, 16} {
		total := map[string]int{}
		frames := 0
		for range rounds {
			// Settle: let the checkpoint goroutine run, then empty the log.
			time.Sleep(300 * time.Millisecond)
			if _, err := raw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			db.ApplyAsOneGroup(n, func(int) {
				mu.Lock()
				p := g.Person()
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.CreatePerson(ctx, p, store.CreateOptions{Audit: next()}); err != nil {
						t.Error(err)
					}
				}()
			})
			wg.Wait()
			pages := walPages(t, path+"-wal")
			frames += len(pages)
			owner := pageOwners(t, path)
			for _, p := range pages {
				name := owner[p]
				if name == "" {
					name = "(freelist)"
				}
				total[name]++
			}
		}
		var names []string
		for k := range total {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool { return total[names[i]] > total[names[j]] })
		t.Logf("group of %d: %.1f frames a create (%d groups)", n, float64(frames)/float64(n*rounds), rounds)
		for _, k := range names {
			t.Logf("  %-40s %6.2f", k, float64(total[k])/float64(n*rounds))
		}
	}
}

// walPages returns the page numbers of the frames of the log's current
// generation (the frames whose salts are the header's).
func walPages(t *testing.T, path string) []uint32 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 32 {
		return nil
	}
	pageSize := int(binary.BigEndian.Uint32(b[8:12]))
	salt1, salt2 := binary.BigEndian.Uint32(b[16:20]), binary.BigEndian.Uint32(b[20:24])
	var out []uint32
	for off := 32; off+24+pageSize <= len(b); off += 24 + pageSize {
		h := b[off : off+24]
		if binary.BigEndian.Uint32(h[8:12]) != salt1 || binary.BigEndian.Uint32(h[12:16]) != salt2 {
			break
		}
		out = append(out, binary.BigEndian.Uint32(h[0:4]))
	}
	return out
}

// pageOwners maps each page to its b-tree's name, with the sqlite3
// command's dbstat (the driver's build has none).
func pageOwners(t *testing.T, path string) map[uint32]string {
	out, err := exec.Command("sqlite3", "-readonly", path, "SELECT pageno, name FROM dbstat").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := map[uint32]string{1: "(page 1)"}
	for _, line := range strings.Split(string(out), "\n") {
		no, name, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		p, err := strconv.ParseUint(no, 10, 32)
		if err != nil {
			t.Fatal(fmt.Errorf("dbstat: %q", line))
		}
		m[uint32(p)] = name
	}
	return m
}
