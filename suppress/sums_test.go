package suppress

import (
	"cmp"
	"slices"
	"testing"
)

func TestSumsSafe(t *testing.T) {
	in := func(vs ...string) func(string) bool { return func(v string) bool { return slices.Contains(vs, v) } }
	for _, c := range []struct {
		name  string
		rows  []string
		sets  []func(string) bool
		want  bool
		table string // the cells Table hides, to check the case reads as meant
		// threshold is 3 unless set.
		threshold int
	}{
		{"OK_NothingHidden", []string{"a 10", "b 8"}, []func(string) bool{in("b")}, true, "", 0},
		{"OK_TwoSmallTogether", []string{"kinh 10", "khmer 1", "hoa 2", "cham 8"},
			[]func(string) bool{in("khmer", "hoa", "cham")}, true, "khmer hoa", 0},
		{"ErrSmallSum", []string{"a 10", "b 8", "c 2"}, []func(string) bool{in("c")}, false, "b c", 0},
		{"ErrSmallRest", []string{"a 10", "b 8", "c 2"}, []func(string) bool{in("a", "b")}, false, "b c", 0},
		{"ErrOneHiddenSmall", []string{"nam 13", "nu 8", "unknown 1"}, []func(string) bool{in("nu")}, false, "nu unknown", 0},
		{"ErrAllOnes", []string{"a 10", "b 1", "c 1", "d 8", "e 4"}, []func(string) bool{in("b", "c")}, false, "b c e", 0},
		// Nested, at the threshold 5: the band between the two sets, 4,
		// is known by difference.
		{"ErrBandOfNested", []string{"dh 10", "ths 2", "ck2 2", "ts 8"},
			[]func(string) bool{in("ths", "ck2", "ts"), in("ts")}, false, "ths ck2", 5},
		{"OK_NestedOuterAlone", []string{"dh 10", "ths 2", "ck2 2", "ts 8"},
			[]func(string) bool{in("ths", "ck2", "ts")}, true, "ths ck2", 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			threshold := cmp.Or(c.threshold, 3)
			cells, _ := Table(table(c.rows...), 1, threshold)
			if got := hidden(cells); got != c.table {
				t.Fatalf("the table hides %q, want %q", got, c.table)
			}
			if got := SumsSafe(cells, threshold, c.sets); got != c.want {
				t.Errorf("SumsSafe = %v, want %v", got, c.want)
			}
		})
	}
}
