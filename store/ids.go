package store

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// Server-assigned ids in time order.
//
// An id the server makes is, as it always was, 16 characters: a letter,
// then 15 lower-case letters or digits (names.ValidID), so the random ids
// made before and these live side by side and no id ever changes. It is
// one number written in base 36 (digits before letters, so that its order
// as a string is its order as a number; the first digit, 0 to 25, written
// a to z):
//
//   - 4 characters: the day it was made, in Vietnam, counted from
//     1970-01-01 (26·36³ days: to the year 5291);
//   - 12 characters (62 bits): the run of the day, below.
//
// A process's first id of a day starts the day's run at a random number
// below 2⁶¹ (61 bits from crypto/rand); each next id that day is the last
// one plus a random step of 1 to 2³² (32 bits). So one process's ids are
// strictly increasing, a tick or a clock stepped back or not (a clock
// behind the last id steps on from it: that id's day then runs ahead of
// the clock), and every insert into an index that leads with an id
// (people's UNIQUE id, the change feed's (resource, seq); those of
// organizations, associations, operations, memberships in their
// association) lands next to the one before it, on one hot page, where
// random ids wrote a random leaf each (BENCHMARKS.md, time-ordered ids).
// Nothing relies on an id being unguessable for secrecy: every read
// checks the caller's role and scope, operations their owner.
//
// Unique without a look-up: one process never repeats itself; two runs of
// the same day (a restart, a second process on the file, a clock set
// back across a restart) share an id with odds about n·m/2⁶¹ for runs of
// n and m ids (a million each: 1 in 2 million; a day's registrations in
// a province are thousands). A run carries into the next day's numbers
// only past 2²⁹ ids (2⁶² - 2⁶¹ at steps of at most 2³²): still
// increasing and valid.
//
// Why the day, not a finer tick: the run, not the tick, puts a process's
// inserts next to each other, so the tick is chosen for what an id tells.
// It tells when its resource was made to whoever holds the id. Those who
// may read the resource read its create_time to the microsecond anyway,
// and the change feed dates each CREATED to the millisecond for those it
// shows the resource to; audit events are an admin's, and their ids carry
// their time already (newEventID). Who may hold an id but not read its
// create_time: a caller who read a person before the person was
// restricted, or before they left the caller's scope (answers name no
// one outside it, nor a restricted look-alike, server/scope.go and
// privacy.go), and whoever is handed an export without its registry
// date column. A person's registry_date, which every reader of the
// person reads, is the day of the create (in Vietnam, unless an import
// set an earlier one), so the day tells such a holder little the
// person's record did not: a finer tick would tell the hour and minute of
// a registration that nothing else gives them, and a coarser one hides
// little more. What the run adds: of two ids of one day, the smaller
// was made first (by one process). The steps keep the neighbours of an
// id unguessable (1 in 2³¹ a try), so knowing one id does not lead to
// the restricted people registered after it.
type idSource struct {
	mu  sync.Mutex
	day int64  // of the last id made; -1 before the first
	run uint64 // the last id's number within its day
}

const (
	idDayDigits = 4
	idRunDigits = 12
	idRunSpan   = 4738381338321616896 // 36¹²
	idDays      = 26 * 36 * 36 * 36   // days the first letter counts
)

// serverIDs makes the ids of this process (newID).
var serverIDs = newIDSource()

func newIDSource() *idSource { return &idSource{day: -1} }

// newID makes a server-assigned id, of today by the wall clock.
// insertPerson uses newIDAt with its transaction's time, so that a
// person's id is of the day of their create_time even under a clock a
// test sets.
func newID() string { return newIDAt(time.Now()) }

// newIDAt makes a server-assigned id of now.
func newIDAt(now time.Time) string { return serverIDs.next(now) }

// next makes an id of now: the next of s's run of the day, or a new run.
func (s *idSource) next(now time.Time) string {
	var b [12]byte
	rand.Read(b[:])
	start := binary.LittleEndian.Uint64(b[:8]) >> 3       // < 2⁶¹, below half of idRunSpan
	step := 1 + uint64(binary.LittleEndian.Uint32(b[8:])) // 1 to 2³²
	day := min(max(idDay(now), 0), idDays-2)              // the last day stays for a carry
	s.mu.Lock()
	if day > s.day {
		s.day, s.run = day, start
	} else if s.run += step; s.run >= idRunSpan {
		s.day, s.run = s.day+1, s.run-idRunSpan
	}
	day, run := s.day, s.run
	s.mu.Unlock()
	return formatID(day, run)
}

// idDay is the day of t in Vietnam, counted from 1970-01-01.
func idDay(t time.Time) int64 {
	y, m, d := t.In(Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// formatID writes day and run as an id: day's first base-36 digit as a
// letter, then the rest of both, zero-padded.
func formatID(day int64, run uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [idDayDigits + idRunDigits]byte
	for i := len(b) - 1; i >= idDayDigits; i-- {
		b[i] = digits[run%36]
		run /= 36
	}
	d := uint64(day)
	for i := idDayDigits - 1; i > 0; i-- {
		b[i] = digits[d%36]
		d /= 36
	}
	b[0] = 'a' + byte(d)
	return string(b[:])
}
