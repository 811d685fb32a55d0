package vntext

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"OKPlain", "Nguyễn Thị Ánh", "Nguyễn Thị Ánh"},
		{"OKCombiningMarksToNFC", "Nguye\u0302\u0303n", "Nguyễn"},
		{"OKTrimmed", "  Hòa \t", "Hòa"},
		{"NoBreakSpace", "Trần\u00a0Hòa", "Trần Hòa"},
		{"IdeographicSpace", "Trần\u3000Hòa", "Trần Hòa"},
		{"RunOfSpaces", "Trần   Thị \u00a0 \u2002Hòa", "Trần Thị Hòa"},
		{"SpacesAtEnds", "\u00a0Hòa\u3000", "Hòa"},
		{"EthForĐ", "Ðặng Ðình", "Đặng Đình"},
		{"EthAfterPunctuation", "Lê-Ðức (Ðào)", "Lê-Đức (Đào)"},
		{"OKEthInsideAWord", "GUÐRÚN Guðrún", "GUÐRÚN Guðrún"},
		{"OKLineBreakKept", "một\nhai", "một\nhai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Clean(tt.want); got != tt.want {
				t.Errorf("Clean(%q) = %q, not itself", tt.want, got)
			}
		})
	}
	if got := Tidy(" Trần\u00a0\u00a0Hòa "); got != " Trần Hòa " {
		t.Errorf("Tidy kept %q", got)
	}
}

func TestTones(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Hòa", "Hoà"},
		{"Hoà", "Hoà"},
		{"HÒA", "HOÀ"},
		{"Ho\u0300a", "Hoà"},
		{"khỏe", "khoẻ"},
		{"Thủy", "Thuỷ"},
		{"Thùy", "Thuỳ"},
		{"thụy", "thuỵ"},
		{"Quý", "Quý"},
		{"Qúy", "Quý"},
		{"Đoàn Thị Hòa Thủy", "Đoàn Thị Hoà Thuỷ"},
		{"Trần Kiểmtra Hòa", "Trần Kiểmtra Hoà"},
		// Before a final, or with a third vowel, the tone has one place.
		{"Hoàng", "Hoàng"},
		{"Huỳnh", "Huỳnh"},
		{"Khoái", "Khoái"},
		{"Thuyết", "Thuyết"},
		// Not such a syllable: left as it is.
		{"Hòan", "Hòan"},
		{"Hoa", "Hoa"},
		{"Zoë", "Zoë"},
		{"Ôa", "Ôa"},
		{"São Paulo", "São Paulo"},
		{"北京 Москва", "北京 Москва"},
	}
	for _, tt := range tests {
		if got := Tones(tt.in); got != tt.want {
			t.Errorf("Tones(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	same := [][]string{
		{"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa", "TRẦN KIỂMTRA HOÀ", "TRẦN KIỂMTRA HÒA", "Trần\u00a0Kiểmtra  Hòa ", "Tra\u0302\u0300n Kie\u0302\u0309mtra Ho\u0300a"},
		{"Đặng Eth Hải", "Ðặng Eth Hải", "ĐẶNG ETH HẢI", "ÐẶNG\u3000ETH HẢI"},
		{"Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ"},
		{"Lê Quý", "Lê Qúy"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			if Canonical(s) != Canonical(group[0]) {
				t.Errorf("Canonical(%q) = %q, but Canonical(%q) = %q", s, Canonical(s), group[0], Canonical(group[0]))
			}
		}
	}
	for _, pair := range [][2]string{{"Hòa", "Hà"}, {"Hoà", "Hoàng"}, {"Guðrún", "Guđrún"}, {"Đào", "Dào"}, {"Thủy", "Thúy"}} {
		if Canonical(pair[0]) == Canonical(pair[1]) {
			t.Errorf("Canonical takes %q and %q for the same", pair[0], pair[1])
		}
	}
}

func TestSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hà", []string{"Hà"}},
		{"Hoà", []string{"Hoà", "Hòa"}},
		{"Hòa", []string{"Hòa", "Hoà"}},
		{"Trần Hòa", []string{"Trần Hòa", "Trần Hoà"}},
		{"Hòa Thuỷ", []string{"Hòa Thuỷ", "Hòa Thủy", "Hoà Thuỷ", "Hoà Thủy"}},
		{"Đặng Hải", []string{"Đặng Hải", "Ðặng Hải"}},
		{"Hoà-Đoà", []string{"Hoà-Đoà", "Hoà-Đòa", "Hoà-Ðoà", "Hoà-Ðòa", "Hòa-Đoà", "Hòa-Đòa", "Hòa-Ðoà", "Hòa-Ðòa"}},
	}
	for _, tt := range tests {
		got := Spellings(tt.in)
		if got[0] != tt.in {
			t.Errorf("Spellings(%q) starts with %q", tt.in, got[0])
		}
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Spellings(%q) = %q, want %q", tt.in, got, want)
		}
		for _, s := range got {
			if Canonical(s) != Canonical(tt.in) {
				t.Errorf("Spellings(%q) gave %q, not the same name", tt.in, s)
			}
		}
	}
	long := strings.Repeat("Hoà ", 20)
	if n := len(Spellings(long)); n > maxSpellings {
		t.Errorf("Spellings of 20 movable tones: %d, more than %d", n, maxSpellings)
	}
}

func TestPrefixes(t *testing.T) {
	has := func(p string, want ...string) {
		t.Helper()
		got := Prefixes(p)
		if got[0] != NFC(p) {
			t.Errorf("Prefixes(%q) starts with %q", p, got[0])
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("Prefixes(%q) lacks %q", p, w)
			}
		}
	}
	has("Ha", "Hà", "Hả", "Hã", "Há", "Hạ", "Hă", "Hâ", "Hấ", "Hặ")
	has("A", "Ă", "Â", "Á", "Ấ")
	has("Ho", "Hò", "Hô", "Hơ", "Hờ")
	has("D", "Đ", "Ð")
	has("Mu", "Mü")
	// The tone of oa, oe, uy on either vowel.
	has("Hoa", "Hòa", "Hóa", "Hỏa", "Hõa", "Họa", "Hoà")
	has("Thuy", "Thủy", "Thúy", "Thuỷ")
	has("Khoe", "Khỏe")
	has("Hoà", "Hòa")
	has("Hòa", "Hoà")
	has("Trần Thủy", "Trần Thuỷ")
	has("HOA", "HÒA")
	for p, not := range map[string]string{"Hoan": "Hòan", "Ho": "Hòa", "Hoà": "Hòà", "Thu": "Thủy"} {
		if got := Prefixes(p); slices.Contains(got, not) {
			t.Errorf("Prefixes(%q) holds %q", p, not)
		}
	}
	for _, p := range []string{"Hà", "Hâ", "", "Ha ", "Đ", "12"} {
		if got := Prefixes(p); len(got) != 1 || got[0] != p {
			t.Errorf("Prefixes(%q) = %q, want only itself", p, got)
		}
	}
	for _, p := range Prefixes("ha") {
		if p != "ha" && Fold(p) != "ha" && Fold(p) != "hd" {
			t.Errorf("Prefixes(\"ha\") gave %q, which is not ha with marks", p)
		}
		if r, _ := utf8.DecodeLastRuneInString(p); strings.ToLower(string(r)) != string(r) {
			t.Errorf("Prefixes(\"ha\") gave %q, changing the case", p)
		}
	}
}

func TestFoldEth(t *testing.T) {
	for in, want := range map[string]string{"Ðặng Eth Hải": "dang eth hai", "ÐẶNG": "dang", "Guðrún": "gudrun", "GUÐRÚN": "gudrun"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCanonical checks what the comparison forms promise, for any text:
// Clean is idempotent and NFC, Canonical is idempotent, and every
// spelling Spellings gives is the same name.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"Trần Kiểmtra Hòa", "Ðặng\u00a0Hải", "HOÀ thủy Qúy", "Guðrún", "", "  ", "o\u0300\u0301a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		c := Clean(s)
		if Clean(c) != c || !norm.NFC.IsNormalString(c) {
			t.Fatalf("Clean(%q) = %q, not settled", s, c)
		}
		k := Canonical(s)
		if Canonical(k) != k {
			t.Fatalf("Canonical(%q) = %q, but Canonical of that is %q", s, k, Canonical(k))
		}
		if len(s) > 200 {
			return
		}
		sp := Spellings(c)
		if len(sp) == 0 || len(sp) > maxSpellings || sp[0] != c {
			t.Fatalf("Spellings(%q) = %q", c, sp)
		}
		for _, v := range sp {
			if Canonical(v) != Canonical(c) {
				t.Fatalf("Spellings(%q) gave %q: %q, not %q", c, v, Canonical(v), Canonical(c))
			}
		}
	})
}
