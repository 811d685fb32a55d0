package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// checkIDs fails t unless ids are valid server ids, strictly increasing.
func checkIDs(t *testing.T, ids []string) {
	t.Helper()
	for i, id := range ids {
		if len(id) != 16 || id[0] < 'a' || id[0] > 'z' || !names.ValidID(id) {
			t.Fatalf("id %d = %q: want a letter, then 15 lower-case letters or digits", i, id)
		}
		if i > 0 && id <= ids[i-1] {
			t.Fatalf("id %d = %q, not after id %d = %q", i, id, i-1, ids[i-1])
		}
	}
}

func TestNewIDsIncrease(t *testing.T) {
	ids := make([]string, 100000)
	for i := range ids {
		ids[i] = newID()
	}
	checkIDs(t, ids)

	// From goroutines at once: each one's in order, all distinct.
	var mu sync.Mutex
	var all []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			mine := make([]string, 5000)
			for i := range mine {
				mine[i] = newID()
			}
			checkIDs(t, mine)
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Strings(all)
	checkIDs(t, all)
}

// vn is a time in Vietnam.
func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Vietnam)
}

func TestIDDay(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Unix(0, 0), "a000"},
		{vn(1970, 1, 1, 23, 59), "a000"},
		{vn(1970, 1, 2, 0, 0), "a001"},
		{vn(1969, 12, 31, 12, 0), "a000"}, // before the first day: the first
		{vn(2026, 12, 6, 0, 0), "ag1l"},
		{vn(2026, 12, 6, 23, 59), "ag1l"},
		{time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC), "ag1m"}, // midnight in Vietnam
		{time.Date(2026, 12, 6, 16, 59, 0, 0, time.UTC), "ag1l"},
		{vn(2097, 9, 25, 12, 0), "azzy"},
		{vn(2097, 9, 26, 12, 0), "azzz"},
		{vn(2097, 9, 27, 12, 0), "b000"},
		{vn(2100, 3, 1, 12, 0), "b0ol"},
		{vn(9999, 1, 1, 0, 0), "zzzy"}, // past the last day: the one before it
	} {
		id := newIDSource().next(c.at)
		if id[:4] != c.want || !names.ValidID(id) || len(id) != 16 {
			t.Errorf("id at %v = %q, want %s then 12 more", c.at, id, c.want)
		}
	}
}

func TestFormatIDOrder(t *testing.T) {
	for _, c := range []struct {
		day  int64
		run  uint64
		want string
	}{
		{0, 0, "a000000000000000"},
		{0, 35, "a00000000000000z"},
		{1, 0, "a001000000000000"},
		{46656, 36, "b000000000000010"},
		{idDays - 1, idRunSpan - 1, "zzzzzzzzzzzzzzzz"},
	} {
		if got := formatID(c.day, c.run); got != c.want {
			t.Errorf("formatID(%d, %d) = %q, want %q", c.day, c.run, got, c.want)
		}
	}
	// As strings in the order of their numbers.
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		d1, d2 := r.Int64N(idDays), r.Int64N(idDays)
		r1, r2 := r.Uint64N(idRunSpan), r.Uint64N(idRunSpan)
		if r.IntN(4) == 0 {
			d2 = d1
		}
		a, b := formatID(d1, r1), formatID(d2, r2)
		if (a < b) != (d1 < d2 || d1 == d2 && r1 < r2) {
			t.Fatalf("formatID(%d, %d) = %q, formatID(%d, %d) = %q: out of order", d1, r1, a, d2, r2, b)
		}
	}
}

func TestIDsClockStepsBack(t *testing.T) {
	t0 := vn(2026, 12, 6, 10, 0)
	var times []time.Time
	for i := range 1000 {
		times = append(times, t0.Add(time.Duration(i)*time.Nanosecond)) // one tick
	}
	for i := range 1000 {
		times = append(times, t0.Add(-time.Duration(i)*time.Minute)) // stepped back, a day too
	}
	times = append(times, t0.Add(-72*time.Hour), t0.Add(25*time.Hour), t0, t0.Add(49*time.Hour))
	s := newIDSource()
	var made []string
	for _, at := range times {
		made = append(made, s.next(at))
	}
	checkIDs(t, made)
	// A clock behind steps on from the last id's day; a clock ahead
	// starts its day.
	for i, want := range map[int]string{0: "ag1l", 999: "ag1l", 1999: "ag1l", 2000: "ag1l", 2001: "ag1m", 2002: "ag1m", 2003: "ag1n"} {
		if made[i][:4] != want {
			t.Errorf("id %d (at %v) = %q, want it of the day %s", i, times[i], made[i], want)
		}
	}

	// A restart with the clock set back: the run of a second source meets
	// none of the first's ids of the same days.
	other := newIDSource()
	seen := map[string]bool{}
	for _, id := range made {
		seen[id] = true
	}
	for i := range 20000 {
		at := t0.Add(-time.Duration(i) * time.Second)
		if id := other.next(at); seen[id] {
			t.Fatalf("second source made %q again", id)
		}
	}
}

func TestCreatePersonIDsInTimeOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Days after any real clock a test runs at, so that this process's
	// ids are still of the days below (serverIDs never goes back).
	var clock atomic.Int64
	db.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	days := []struct {
		at   time.Time
		want string // the day the ids are of
	}{
		{vn(2100, 3, 1, 10, 0), "b0ol"},
		{vn(2100, 2, 27, 10, 0), "b0ol"}, // the clock stepped back
		{vn(2100, 3, 1, 9, 0), "b0ol"},
		{vn(2100, 3, 5, 8, 0), "b0op"},
	}
	var made []string
	for d, day := range days {
		clock.Store(day.at.UnixNano())
		for i := range 5 {
			p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: fmt.Sprintf("Ngày %d số %d", d, i)}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id, err := PersonID(p.Name, "name")
			if err != nil {
				t.Fatal(err)
			}
			if id[:4] != day.want {
				t.Errorf("%s made at %v: want an id of the day %s", p.Name, day.at, day.want)
			}
			if !p.CreateTime.AsTime().Equal(day.at) {
				t.Errorf("%s: create_time %v, want %v", p.Name, p.CreateTime.AsTime(), day.at)
			}
			got, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC)
			if err != nil || got.GivenName != p.GivenName {
				t.Fatalf("GetPerson(%s) = %v, %v", p.Name, got, err)
			}
			made = append(made, id)
		}
	}
	checkIDs(t, made)
	// A client's id still goes in beside them.
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Chọn"}, CreateOptions{ID: "chon-id"}); err != nil {
		t.Fatal(err)
	}
}
