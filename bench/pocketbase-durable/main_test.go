package main

import (
	"context"
	"database/sql"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
)

// Every connection to data.db, in both pools, runs with synchronous=FULL;
// auxiliary.db keeps PocketBase's NORMAL. Several connections are held at
// once, so that the pragma is seen to apply to each one the pool opens, not
// only to the first.
func TestSynchronousFull(t *testing.T) {
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: t.TempDir(), DBConnect: dbConnect})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	pools := []struct {
		name string
		db   dbx.Builder
		want int
	}{
		{"data.db, reads", app.ConcurrentDB(), 2}, {"data.db, writes", app.NonconcurrentDB(), 2},
		{"auxiliary.db, reads", app.AuxConcurrentDB(), 1}, {"auxiliary.db, writes", app.AuxNonconcurrentDB(), 1},
	}
	ctx := context.Background()
	for _, p := range pools {
		pool := p.db.(*dbx.DB).DB()
		n := min(4, max(1, pool.Stats().MaxOpenConnections))
		var conns []*sql.Conn
		for range n {
			c, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			var got int
			if err := c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != p.want {
				t.Errorf("%s, connection %d: synchronous %d, want %d", p.name, i, got, p.want)
			}
			var mode string
			if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("%s, connection %d: journal_mode %q (%v), want wal as PocketBase", p.name, i, mode, err)
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
	// The route the harness asks reads the same.
	s, err := synchronous(app)
	if err != nil {
		t.Fatal(err)
	}
	if want := (synchronousLevels{Data: 2, DataReads: 2, Auxiliary: 1, AuxiliaryRead: 1}); s != want {
		t.Errorf("synchronous(app) = %+v, want %+v", s, want)
	}
}
