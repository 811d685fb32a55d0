package main

import (
	"fmt"
	"strings"
	"testing"
)

// --as-of takes a date as Vietnamese writes it too (the console's form,
// the files' headings, import's --registry-date): 31/12/2025 was refused.
func TestStatsAsOfDates(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"2025-12-31", "2025-12-31", ""},
		{"31/12/2025", "2025-12-31", ""},
		{"1/6/2025", "2025-06-01", ""},
		{"31/02/2025", "", "DD/MM/YYYY"},
		{"12/31/2025", "", "DD/MM/YYYY"},
		{"hôm qua", "", "DD/MM/YYYY"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := parseDay(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("parseDay(%q) = %v, %v; want an error saying %q", tc.in, d, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseDay(%q): %v", tc.in, err)
			}
			if got := fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day); got != tc.want {
				t.Errorf("parseDay(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}
