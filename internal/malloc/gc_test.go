package malloc_test

import (
	"runtime/debug"
	"testing"

	"trithuc.gov.vn/trithuc/internal/malloc"
)

func TestConfigureServerGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	for _, tc := range []struct {
		name        string
		gogc, limit string
		// what the runtime applied from the environment at start
		startPercent int
		startLimit   int64
		wantPercent  int
		wantLimit    int64
	}{
		{"defaults", "", "", 100, 1<<63 - 1, 400, 96 << 20},
		{"operator's GOGC", "50", "", 50, 1<<63 - 1, 50, 96 << 20},
		{"operator's GOGC=off", "off", "", -1, 1<<63 - 1, -1, 96 << 20},
		{"operator's limit", "", "1GiB", 100, 1 << 30, 400, 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.limit)
			debug.SetGCPercent(tc.startPercent)
			debug.SetMemoryLimit(tc.startLimit)
			p, l := malloc.ConfigureServerGC()
			if p != tc.wantPercent || l != tc.wantLimit {
				t.Errorf("GOGC %d, limit %d; want %d, %d", p, l, tc.wantPercent, tc.wantLimit)
			}
			if got := debug.SetGCPercent(100); got != tc.wantPercent {
				t.Errorf("the runtime's GOGC is %d, want %d", got, tc.wantPercent)
			}
		})
	}
}
