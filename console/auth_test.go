package console

import (
	"strconv"
	"testing"
	"time"
)

// TestSignInLimits: failures hold back the account from the failing
// address, and the address; the owner elsewhere is not held back, refused
// attempts record nothing, and a flood of other accounts' names forgets no
// bucket.
func TestSignInLimits(t *testing.T) {
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	var l signInLimits
	l.init()
	// A failed attempt keeps its tokens; allowed asks with an attempt that
	// succeeds, which gives them back.
	fail := func(account, addr string, n int) {
		for i := 0; i < n; i++ {
			l.try(account, addr, now)
		}
	}
	allowed := func(account, addr string) bool {
		a, ok := l.try(account, addr, now)
		if ok {
			a.succeeded()
		}
		return ok
	}
	fail("chu@so.vn", "203.0.113.5", 6)
	for _, tt := range []struct {
		account, addr string
		want          bool
	}{
		{"chu@so.vn", "203.0.113.5", false},  // the guesser
		{"CHU@so.vn ", "203.0.113.5", false}, // spelt otherwise
		{"chu@so.vn", "198.51.100.7", true},  // the owner at work
		{"khac@so.vn", "203.0.113.5", true},  // the guesser's address, 5 of 20 used
	} {
		if got := allowed(tt.account, tt.addr); got != tt.want {
			t.Errorf("allowed(%q, %q) = %v, want %v", tt.account, tt.addr, got, tt.want)
		}
	}
	// Spraying many accounts from one address: held back after 20.
	for i := 0; i < 10002; i++ {
		fail("x"+strconv.Itoa(i)+"@so.vn", "203.0.113.5", 1)
	}
	if allowed("khac@so.vn", "203.0.113.5") {
		t.Error("an address that failed 20 times is let through")
	}
	if n := len(l.people.m); n > addressBurst+1 {
		t.Errorf("%d accounts recorded, want at most %d: refused attempts record nothing", n, addressBurst+1)
	}
	if allowed("chu@so.vn", "203.0.113.5") {
		t.Error("the flood forgot the guesser's bucket")
	}
	// An IPv6 subscriber's /64 is one address.
	for i := 0; i < addressBurst; i++ {
		fail("a"+strconv.Itoa(i)+"@so.vn", "2001:db8:1:2::"+strconv.Itoa(i+1), 1)
	}
	if allowed("b@so.vn", "2001:db8:1:2:ffff::9") {
		t.Error("another address of the same /64 is let through")
	}
	// Attempts sent at once, none answered yet: only the burst passes.
	passed := 0
	for i := 0; i < 40; i++ {
		if _, ok := l.try("song@so.vn", "192.0.2.9", now); ok {
			passed++
		}
	}
	if passed != pairBurst {
		t.Errorf("%d of 40 attempts at once let through, want %d", passed, pairBurst)
	}
	// Time refills the buckets.
	now = now.Add(10 * time.Minute)
	if !allowed("chu@so.vn", "203.0.113.5") {
		t.Error("ten minutes on, still held back")
	}
}
