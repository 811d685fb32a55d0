package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// holdWriter starts a write that keeps the writer until release is
// closed, and returns once it runs.
func holdWriter(t *testing.T, db *DB) (release func(), done <-chan error) {
	t.Helper()
	running, stop := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- db.write(context.Background(), false, nil, func(tx *Tx) error {
			close(running)
			<-stop
			return nil
		})
	}()
	<-running
	return func() { close(stop) }, errc
}

// waitQueued waits until n writes wait for the writer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		db.queue.mu.Lock()
		got := len(db.queue.waiting)
		db.queue.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", got, n)
		}
	}
}

// inOneGroup runs write(i) for i in [0, n) from n goroutines, all queued
// behind a held writer before it is released, so that they are applied
// as one group; it returns once every write returned.
func inOneGroup(t *testing.T, db *DB, n int, write func(i int)) {
	t.Helper()
	release, held := holdWriter(t, db)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { write(i) })
	}
	waitQueued(t, db, n)
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// Writes that wait together commit in one transaction, each in its own
// savepoint: a refused write refuses only itself, leaves no change and
// no audit event, and the feed of the others has no gap.
func TestGroupRefusedWriteRefusesOnlyItself(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", NationalId: "079199001122"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before := db.queue.commits.Load()
	const n = 12
	errs := make([]error, n)
	names := make([]string, n)
	inOneGroup(t, db, n, func(i int) {
		switch i % 4 {
		case 1: // refused by the store's own check
			_, errs[i] = db.CreatePerson(ctx, &pb.Person{GivenName: "Bình", NationalId: "079199001122"}, CreateOptions{})
		case 3: // refused after it wrote: its rows must go
			ev := NewAuditEvent(time.Now())
			ev.Method = "/test/Refused"
			errs[i] = db.write(ctx, false, ev, func(tx *Tx) error {
				if _, err := tx.createPerson(ctx, newID(), &pb.Person{GivenName: fmt.Sprintf("Refused %d", i)}); err != nil {
					return err
				}
				return errorf(Invalid, "person", "refused on purpose")
			})
		default:
			var p *pb.Person
			p, errs[i] = db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("Chi %d", i)}, CreateOptions{})
			if p != nil {
				names[i] = p.Name
			}
		}
	})
	for i, err := range errs {
		switch i % 4 {
		case 1:
			var se *Error
			if !errors.As(err, &se) || se.Code != AlreadyExists && se.Code != Invalid && se.Code != FailedPrecondition {
				t.Errorf("write %d: want its own refusal, got %v", i, err)
			}
		case 3:
			var se *Error
			if !errors.As(err, &se) || se.Message == "" || se.Code != Invalid {
				t.Errorf("write %d: want its own refusal, got %v", i, err)
			}
		default:
			if err != nil {
				t.Errorf("write %d was refused with the others: %v", i, err)
			} else if _, err := db.GetPerson(ctx, names[i], 0); err != nil {
				t.Errorf("acknowledged %s is not there: %v", names[i], err)
			}
		}
	}
	// The held write, then the twelve together.
	if got := db.queue.commits.Load() - before; got != 2 {
		t.Errorf("%d commits, want 2: the queued writes were not grouped", got)
	}
	if got, _ := db.CountPeople(ctx, false); got != 1+6 {
		t.Errorf("%d people, want %d", got, 1+6)
	}
	all := readFeed(t, db, ChangeQuery{})
	if len(all) != 1+6 {
		t.Errorf("changes: %q; want the first create and the six of the group", summary(all))
	}
	for i, c := range all {
		if c.Sequence != int64(i+1) {
			t.Fatalf("change %d has sequence %d: a gap", i+1, c.Sequence)
		}
	}
	var refused int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE method = '/test/Refused'`).Scan(&refused); err != nil {
		t.Fatal(err)
	}
	if refused != 0 {
		t.Errorf("%d audit events of refused writes", refused)
	}
}

// A caller that goes away while its write waits is told so, and its
// write is not applied; the others of its group are.
func TestGroupCancelledWaiter(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	release, held := holdWriter(t, db)
	cctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var cerr, ok1, ok2 error
	var queuedThenCancelled, inGroupCancelled error
	wg.Go(func() { _, ok1 = db.CreatePerson(ctx, &pb.Person{GivenName: "A"}, CreateOptions{}) })
	waitQueued(t, db, 1)
	wg.Go(func() { _, queuedThenCancelled = db.CreatePerson(cctx, &pb.Person{GivenName: "Gone"}, CreateOptions{}) })
	waitQueued(t, db, 2)
	// One whose caller goes away while its group runs it.
	gctx, gcancel := context.WithCancel(ctx)
	wg.Go(func() {
		inGroupCancelled = db.write(gctx, false, nil, func(tx *Tx) error {
			gcancel()
			_, err := tx.createPerson(gctx, newID(), &pb.Person{GivenName: "Gone too"})
			return err
		})
	})
	waitQueued(t, db, 3)
	wg.Go(func() { _, ok2 = db.CreatePerson(ctx, &pb.Person{GivenName: "B"}, CreateOptions{}) })
	waitQueued(t, db, 4)
	cancel()
	waitQueued(t, db, 3)
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if !errors.Is(queuedThenCancelled, context.Canceled) || !errors.Is(inGroupCancelled, context.Canceled) {
		t.Errorf("cancelled writes: %v, %v; want context.Canceled", queuedThenCancelled, inGroupCancelled)
	}
	if ok1 != nil || ok2 != nil || cerr != nil {
		t.Errorf("the others: %v, %v", ok1, ok2)
	}
	if n, _ := db.CountPeople(ctx, false); n != 2 {
		t.Errorf("%d people, want 2", n)
	}
}

// Many callers creating at once: every create lands, the feed has one
// change each and no gap, and they share commits.
func TestGroupConcurrentCreates(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const callers, each = 16, 15
	before := db.queue.commits.Load()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var made []string
	for c := range callers {
		wg.Go(func() {
			for i := range each {
				p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("C%dI%d", c, i)}, CreateOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				made = append(made, p.Name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, name := range made {
		if _, err := db.GetPerson(ctx, name, 0); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	all := readFeed(t, db, ChangeQuery{})
	if len(all) != callers*each {
		t.Fatalf("%d changes, want %d", len(all), callers*each)
	}
	for i, c := range all {
		if c.Sequence != int64(i+1) {
			t.Fatalf("change %d has sequence %d: a gap", i+1, c.Sequence)
		}
	}
	t.Logf("%d creates in %d commits", callers*each, db.queue.commits.Load()-before)
}

// A revoked key is refused on the very next lookup, though a live key is
// remembered between calls.
func TestRevokedKeyRefusedAtOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	k, secret, err := db.CreateKey(ctx, "test", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := db.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, secret); !errors.Is(err, ErrBadKey) {
		t.Fatalf("a revoked key: %v", err)
	}
}

// A read whose caller goes away is stopped inside SQLite (through its
// budget's handler, not the driver) and reports the cancellation.
func TestReadStopsWhenCancelled(t *testing.T) {
	db := openTest(t)
	db.SetReadBudget(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.read(ctx, func(tx *Tx) error {
		time.AfterFunc(20*time.Millisecond, cancel)
		var n int64
		return tx.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
			SELECT count(*) FROM (SELECT x FROM c LIMIT 4000000000)`).Scan(&n)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled read: %v, want context.Canceled", err)
	}
}

// A dry run waiting beside queued writes never joins their group: it
// runs alone and changes nothing, and they commit.
func TestGroupDryRunStaysAlone(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	release, held := holdWriter(t, db)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range 3 {
		wg.Go(func() {
			_, errs[i] = db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("Real %d", i)}, CreateOptions{})
		})
	}
	waitQueued(t, db, 3)
	wg.Go(func() {
		_, errs[3] = db.CreatePerson(ctx, &pb.Person{GivenName: "Dry"}, CreateOptions{ValidateOnly: true})
	})
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if n, _ := db.CountPeople(ctx, false); n != 3 {
		t.Errorf("%d people, want the 3 real ones", n)
	}
	if got := readFeed(t, db, ChangeQuery{}); len(got) != 3 {
		t.Errorf("changes: %q", summary(got))
	}
}

// The writes of a group reach the full-text indexes after its last
// savepoint, in one segment an index (FTS5 writes a segment at every
// savepoint once it holds terms of the transaction), and every applied
// write is found by search while a refused one leaves no document.
func TestGroupIndexesOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// No merges, so that the segments count the flushes.
	for _, fts := range []string{"people_search", "people_names"} {
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO `+fts+`(`+fts+`, rank) VALUES ('automerge', 0)`); err != nil {
			t.Fatal(err)
		}
	}
	segments := func() (n [2]int) {
		for i, fts := range []string{"people_search", "people_names"} {
			if err := db.writer.QueryRowContext(ctx, `SELECT count(DISTINCT segid) FROM `+fts+`_idx`).Scan(&n[i]); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	before := segments()
	const n = 9
	errs := make([]error, n)
	inOneGroup(t, db, n, func(i int) {
		if i%3 == 2 { // refused after it wrote its documents
			errs[i] = db.write(ctx, false, nil, func(tx *Tx) error {
				if _, err := tx.createPerson(ctx, newID(), &pb.Person{FamilyName: "Refused", GivenName: fmt.Sprint(i)}); err != nil {
					return err
				}
				return errorf(Invalid, "person", "refused on purpose")
			})
			return
		}
		_, errs[i] = db.CreatePerson(ctx, &pb.Person{FamilyName: "Đặng", GivenName: fmt.Sprintf("Chi %d", i)}, CreateOptions{})
	})
	for i, err := range errs {
		if (i%3 == 2) != (err != nil) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	after := segments()
	for i, fts := range []string{"people_search", "people_names"} {
		if got := after[i] - before[i]; got != 1 {
			t.Errorf("%s: the group of %d writes made %d segments, want 1", fts, n, got)
		}
	}
	found, _, err := db.SearchPeople(ctx, SearchQuery{Query: "dang chi"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 6 {
		t.Errorf("search found %d of the 6 created", len(found))
	}
	refused, _, err := db.SearchPeople(ctx, SearchQuery{Query: "refused"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 0 {
		t.Errorf("search found %d refused writes", len(refused))
	}
}

// A write apart (a purge) commits alone: the writes queued before it form
// a group, and those after it another.
func TestGroupWriteApartCommitsAlone(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	before := db.queue.commits.Load()
	release, held := holdWriter(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	var order []string
	var mu sync.Mutex
	for i, apart := range []bool{false, false, false, true, false, false} {
		write := db.writeGrouped
		if apart {
			write = db.writeApart
		}
		wg.Go(func() {
			errs <- write(ctx, nil, func(tx *Tx) error {
				mu.Lock()
				order = append(order, fmt.Sprint(i))
				mu.Unlock()
				return nil
			})
		})
		waitQueued(t, db, i+1)
	}
	release()
	wg.Wait()
	close(errs)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := db.queue.commits.Load() - before; got != 4 {
		t.Errorf("%d commits, want 4: the held write, the three before the write apart, it, the two after", got)
	}
	if got := strings.Join(order, ""); got != "012345" {
		t.Errorf("applied in the order %s, want the queue's", got)
	}
}

// A write queued behind a group that met another program's write lock
// fails with that group, with the same UNAVAILABLE error, instead of
// waiting busy_timeout again: two writes took twice busy_timeout to fail.
// None of them is applied, and the first write after the lock is let go
// commits.
func TestGroupLockedFailsQueuedWrites(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	other, err := sql.Open("sqlite3", dsn(db.path, "_busy_timeout=10000"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	before := db.queue.commits.Load()

	type result struct {
		err error
		at  time.Time
	}
	create := func(name string, out chan<- result) {
		_, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Khóa", GivenName: name}, CreateOptions{})
		out <- result{err, time.Now()}
	}
	first, queued := make(chan result, 1), make(chan result, 2)
	go create("Một", first)
	// The first write leads: its group waits for the lock.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		db.queue.mu.Lock()
		leading, waiting := db.queue.leading, len(db.queue.waiting)
		db.queue.mu.Unlock()
		if leading && waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first write never took the writer")
		}
	}
	go create("Hai", queued)
	go create("Ba", queued)
	waitQueued(t, db, 2)

	a := <-first
	results := []result{a, <-queued, <-queued}
	for i, r := range results {
		var se *Error
		if !errors.As(r.err, &se) || se.Code != Unavailable || se.Message != msgLocked {
			t.Errorf("write %d: %v; want UNAVAILABLE %q", i, r.err, msgLocked)
		}
		// Before, each queued write waited busy_timeout of its own after
		// the first failed; half of it is far beyond a slow machine's
		// scheduling.
		if late := r.at.Sub(a.at); late > busyTimeout/2 {
			t.Errorf("write %d failed %v after the write that met the lock; want with it", i, late.Round(time.Millisecond))
		}
	}
	if h, _ := db.Health(); h.State != Locked {
		t.Errorf("state %v, want %v", h.State, Locked)
	}
	if n := db.queue.commits.Load() - before; n != 0 {
		t.Errorf("%d groups committed while the lock was held", n)
	}

	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Khóa", GivenName: "Bốn"}, CreateOptions{}); err != nil {
		t.Fatalf("a write after the lock was let go: %v", err)
	}
	if n, _ := db.CountPeople(ctx, false); n != 1 {
		t.Errorf("%d people, want only the write made after the lock", n)
	}
	if h, _ := db.Health(); h.State != Healthy {
		t.Errorf("state %v after a commit, want %v", h.State, Healthy)
	}
}
