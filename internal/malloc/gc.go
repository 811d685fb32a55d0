package malloc

import (
	"os"
	"runtime/debug"
)

// A server's Go heap holds little that lives long (about 8 MiB at a
// million people): with Go's default (GOGC=100) it is collected whenever
// it doubles, every few hundred calls, and the collector took a tenth of
// a GetPerson's CPU, more with the caches it empties. Letting it grow to
// five times what is live, within a soft limit, cut a GetPerson FULL's
// server CPU from about 280 to 190 µs at 16 callers on 100,000 people,
// for about 50 MiB more resident (issue 19, BENCHMARKS.md). The limit is
// what binds: the runtime held 88-96 MiB of a million people's peak
// resident set with 96 MiB, 60-64 MiB with 64 MiB. At 64 MiB the limit,
// not GOGC, set the pace (the collector ran about twice as often, 10 µs
// more a get, 100-230 µs a search); 80 MiB keeps GOGC's pace for gets
// and peaked at 213-221 MiB (BENCHMARKS.md, memory at a million and
// the twenty-ninth pass). The limit is 16 MiB above that for the FULL
// profiles GetPerson keeps (store/heldperson.go), which live for good:
// within 80 MiB they took that much of the collector's room, and its
// marking went from 2.5 % of a search's CPU at a million to 4-8 % (2-4 %
// at 96 MiB, for no more resident; BENCHMARKS.md, thirty-fifth session).
const (
	serverGCPercent = 400
	serverGCLimit   = 96 << 20
)

// ConfigureServerGC applies a server's settings of the Go collector,
// unless the operator set GOGC or GOMEMLIMIT, which the runtime applied
// already and which win. It returns the GOGC and the soft memory limit in
// force after.
func ConfigureServerGC() (percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverGCLimit)
	}
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}
