package server

import (
	"net/url"
	"testing"
	"unicode/utf8"
)

func TestMayHoldInvalidText(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{"", false},
		{"view=PERSON_VIEW_FULL", false},
		{"pageSize=2&orderBy=given_name+desc", false},
		{"filter=%FF", true},
		{"query=Ph%E1%BA%A1m", true},
		{"query=Phạm", true},
		{"a=\xff", true},
	} {
		if got := mayHoldInvalidText(tt.raw); got != tt.want {
			t.Errorf("mayHoldInvalidText(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// A query mayHoldInvalidText passes over decodes to valid UTF-8 only, so
// that invalidTextParams never lets a bad parameter through unnoted.
func FuzzMayHoldInvalidText(f *testing.F) {
	for _, s := range []string{"view=PERSON_VIEW_FULL", "filter=%FF", "a=\xff&b=c", "q=%C3%A1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if mayHoldInvalidText(raw) {
			return
		}
		q, _ := url.ParseQuery(raw)
		for k, vs := range q {
			for _, v := range vs {
				if !utf8.ValidString(k) || !utf8.ValidString(v) {
					t.Fatalf("%q passed over, yet %q=%q is not UTF-8", raw, k, v)
				}
			}
		}
	})
}
