package store

import (
	"strings"
	"testing"
)

func TestValidORCID(t *testing.T) {
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"0000-0002-1825-0097", true}, // ORCID's own example
		{"0000-0001-5109-3700", true},
		{"0000-0002-1694-233X", true}, // check character X (10)
		{"0000-0002-1825-0098", false},
		{"0000-0002-1694-2330", false},
		{"0000-0002-1694-233x", false}, // only a capital X
		{"0000000218250097", false},
		{"0000-0002-1825-009", false},
		{"0000-0002-1825-00970", false},
		{"0000_0002-1825-0097", false},
		{"000A-0002-1825-0097", false},
		{"", false},
	} {
		if got := ValidORCID(tt.id); got != tt.want {
			t.Errorf("ValidORCID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// FuzzValidORCID checks that the validator never panics and accepts only
// the ORCID shape, and that changing any one digit of a valid iD makes it
// invalid (MOD 11-2 catches every single-digit error).
func FuzzValidORCID(f *testing.F) {
	for _, s := range []string{"0000-0002-1825-0097", "0000-0002-1694-233X", "", "----------", "0000-0002-1825-009\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !ValidORCID(id) {
			return
		}
		if len(id) != 19 || strings.Count(id, "-") != 3 {
			t.Fatalf("%q accepted without the ORCID shape", id)
		}
		b := []byte(id)
		for i := 0; i < 18; i++ {
			if b[i] == '-' {
				continue
			}
			orig := b[i]
			b[i] = '0' + (orig-'0'+1)%10
			if ValidORCID(string(b)) {
				t.Fatalf("%q and %q both valid", id, b)
			}
			b[i] = orig
		}
	})
}
