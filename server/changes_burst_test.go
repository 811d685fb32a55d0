package server

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// burstWrites is how many writes TestChangesBurstRestartResume makes:
// the 10,000, or a tenth of it under -short.
func burstWrites() int {
	if testing.Short() {
		return 1000
	}
	return 10000
}

// No change is lost or duplicated across a burst of concurrent writes
// with a server restart in the middle: every acknowledged write is one
// change of its kind, numbered without gaps; a follower watching
// throughout (and reconnecting across the restart) receives each exactly
// once, in order; and a reader resuming from every tenth cursor reads
// exactly the tail after it.
func TestChangesBurstRestartResume(t *testing.T) {
	// The second start listens on the first's port, so that the follower's
	// connection comes back by itself, as a deployed client's would.
	addr := "127.0.0.1:0"
	e := newEnvWith(t, func(c *Config) { c.GRPCAddr = addr })
	addr = e.srv.GRPCAddr()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	watcher, err := client.Dial(addr, client.Options{Token: e.token})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	var mu sync.Mutex
	var followed []*pb.Change
	f := &client.Follower{Changes: watcher.Changes, Cursor: e.db.EncodeCursor(0),
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Handle: func(_ context.Context, c *pb.Change) error {
			mu.Lock()
			followed = append(followed, c)
			mu.Unlock()
			return nil
		}}
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Each writer owns the people it makes: create, then update or delete,
	// so what each person's changes must be is known.
	var wmu sync.Mutex
	want := map[string][]pb.Change_Kind{}
	phase := func(round, writes int) {
		const writers = 32
		var next atomic.Int64
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(writes/2) {
						return
					}
					p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: fmt.Sprintf("R%dI%d", round, i)}})
					if err != nil {
						t.Error(err)
						return
					}
					second := pb.Change_UPDATED
					if i%2 == 0 {
						_, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, FamilyName: "Trần"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"family_name"}}})
					} else {
						second = pb.Change_DELETED
						_, err = e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name})
					}
					if err != nil {
						t.Error(err)
						return
					}
					wmu.Lock()
					want[p.Name] = []pb.Change_Kind{pb.Change_CREATED, second}
					wmu.Unlock()
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	n := burstWrites()
	phase(1, n/2)
	e.stop()
	e.start(nil)
	phase(2, n-n/2)

	// The feed as a whole: one change per write, gapless, of the right kinds.
	all := feedOf(t, e.client.Changes, "")
	if len(all) != n {
		t.Fatalf("%d changes for %d writes", len(all), n)
	}
	got := map[string][]pb.Change_Kind{}
	for i, c := range all {
		if c.Sequence != int64(i+1) {
			t.Fatalf("change %d has sequence %d: a gap or a repeat", i+1, c.Sequence)
		}
		got[c.Resource] = append(got[c.Resource], c.Kind)
	}
	if len(got) != len(want) {
		t.Errorf("changes name %d people, the writes made %d", len(got), len(want))
	}
	for name, kinds := range want {
		if !slices.Equal(got[name], kinds) {
			t.Errorf("%s: changes %v, want %v", name, got[name], kinds)
		}
	}

	// The follower, across the restart: each change once, in order.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		mu.Lock()
		have := len(followed)
		mu.Unlock()
		if have >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("the follower stopped: %v", err)
	}
	mu.Lock()
	for i, c := range followed {
		if c.Sequence != int64(i+1) {
			t.Fatalf("the follower's change %d is sequence %d: lost or repeated", i+1, c.Sequence)
		}
	}
	if len(followed) != n {
		t.Fatalf("the follower received %d of %d changes", len(followed), n)
	}
	mu.Unlock()

	// Resuming from every tenth cursor. Going from the newest back, the
	// page after cursor i must be exactly all[i:i+page], ending at cursor
	// i+page, whose own tail was checked before: so the whole tail after
	// every tenth cursor is right, for a tenth of the reading.
	const page = 100
	for i := len(all) - len(all)%10; i >= 0; i -= 10 {
		cursor := e.db.EncodeCursor(0)
		if i > 0 {
			cursor = all[i-1].Cursor
		}
		r, err := e.client.Changes.ListChanges(context.Background(), &pb.ListChangesRequest{PageToken: cursor, PageSize: page})
		if err != nil {
			t.Fatalf("from cursor %d: %v", i, err)
		}
		end := min(i+page, len(all))
		if len(r.Changes) != end-i {
			t.Fatalf("from cursor %d: %d changes, want %d", i, len(r.Changes), end-i)
		}
		for j, c := range r.Changes {
			if c.Sequence != all[i+j].Sequence || c.Resource != all[i+j].Resource || c.Kind != all[i+j].Kind {
				t.Fatalf("from cursor %d, change %d is %v, want %v", i, j, c, all[i+j])
			}
		}
		if end < len(all) && (r.NextPageToken != all[end-1].Cursor) {
			t.Fatalf("from cursor %d: the next page starts at %q, want the cursor of change %d", i, r.NextPageToken, end)
		}
		if end == len(all) && r.NextPageToken != "" {
			t.Fatalf("from cursor %d: a next page past the newest change", i)
		}
	}
}
