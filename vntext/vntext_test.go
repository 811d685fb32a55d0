package vntext

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFoldEveryVietnameseLetter(t *testing.T) {
	// Every vowel with every tone, in both cases, and đ.
	bases := map[string]string{"a": "a", "ă": "a", "â": "a", "e": "e", "ê": "e", "i": "i", "o": "o", "ô": "o", "ơ": "o", "u": "u", "ư": "u", "y": "y"}
	tones := []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
	for base, want := range bases {
		for _, tone := range tones {
			for _, s := range []string{base + tone, strings.ToUpper(base) + tone} {
				nfc := norm.NFC.String(s)
				if got := Fold(nfc); got != want {
					t.Errorf("Fold(%q) = %q, want %q", nfc, got, want)
				}
				if got := Fold(norm.NFD.String(s)); got != want {
					t.Errorf("Fold(NFD %q) = %q, want %q", nfc, got, want)
				}
			}
		}
	}
	for in, want := range map[string]string{
		"Đặng Thị Đào":     "dang thi dao",
		"NGUYỄN VĂN ĐỨC":   "nguyen van duc",
		"Thạch Sa Rươl":    "thach sa ruol",
		"Phường Rạch Giá":  "phuong rach gia",
		"Quách Tuyết Hằng": "quach tuyet hang",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNFC(t *testing.T) {
	if got := NFC("Nguye\u0302\u0303n"); got != "Nguyễn" || len(got) != len("Nguyễn") {
		t.Errorf("NFC gave %q", got)
	}
}

func TestSortKeyVietnameseOrder(t *testing.T) {
	want := []string{"An", "Anh", "Ánh", "Ân", "Bình", "Chi", "Dũng", "Đạt", "Hà", "Hải", "Ơn", "Ưng", "Yến"}
	rev := make([]string, len(want))
	for i := range want {
		rev[i] = want[len(want)-1-i]
	}
	sort.Slice(rev, func(i, j int) bool { return bytes.Compare(SortKey(rev[i]), SortKey(rev[j])) < 0 })
	if strings.Join(rev, " ") != strings.Join(want, " ") {
		t.Errorf("sorted %v, want %v", rev, want)
	}
}

func TestSortKeyByGivenThenMiddleThenFamily(t *testing.T) {
	type person struct{ family, middle, given string }
	people := []person{{"Lê", "", "Bình"}, {"Trần", "Văn", "An"}, {"Nguyễn", "Thị", "An"}, {"Bùi", "Thị", "An"}, {"Ân", "", "Anh"}}
	sort.Slice(people, func(i, j int) bool {
		a, b := people[i], people[j]
		return bytes.Compare(SortKey(a.given, a.middle, a.family), SortKey(b.given, b.middle, b.family)) < 0
	})
	var got []string
	for _, p := range people {
		got = append(got, strings.Join(strings.Fields(p.family+" "+p.middle+" "+p.given), " "))
	}
	want := "Bùi Thị An|Nguyễn Thị An|Trần Văn An|Ân Anh|Lê Bình"
	if strings.Join(got, "|") != want {
		t.Errorf("sorted %q, want %q", strings.Join(got, "|"), want)
	}
}

// The spellings of one name sort as one: the next part decides between
// them, not where the tone sits, the space typed or an Eth for a Đ.
func TestSortKeyOneNameOneKey(t *testing.T) {
	for a, b := range map[string]string{"Thuỷ": "Thủy", "Hoà": "Hòa", "Khoẻ": "Khỏe", "Ðặng": "Đặng", "Thuỷ\u3000Tiên": "Thủy Tiên", " Văn\u00a0 Minh": "Văn Minh"} {
		if !bytes.Equal(SortKey(a), SortKey(b)) {
			t.Errorf("SortKey(%q) != SortKey(%q)", a, b)
		}
	}
	if bytes.Compare(SortKey("Thủy", "An"), SortKey("Thuỷ", "Bình")) >= 0 || bytes.Compare(SortKey("Thuỷ", "An"), SortKey("Thủy", "Bình")) >= 0 {
		t.Error("Thủy An and Thuỷ Bình: the middle name does not decide")
	}
	if bytes.Compare(SortKey("Ðặng"), SortKey("Dũng")) <= 0 {
		t.Error("Ðặng sorts among the D's, not after them as Đặng")
	}
}

// The fast path of Fold folds as the slow one does, every rune of the table
// alone and among others, and text with what the table does not hold.
func TestFoldFastPathIsExact(t *testing.T) {
	var all []rune
	for r := rune(0); r < 0x2000; r++ {
		all = append(all, r)
		if got, want := Fold(string(r)), foldSlow(string(r)); got != want {
			t.Errorf("Fold(%U) = %q, want %q", r, got, want)
		}
	}
	for _, s := range []string{
		string(all), "Nguyễn Thị Đào", "NGUYỄN ĐỨC THỊNH", "Sa Rươl Thạch", "e\u0301\u0323 o\u031b\u0300",
		"Trường Đại học Cần Thơ 北京 Ελλάδα", "ﬁ ǅ Ǆ ǈ ǉ ß İ K Å",
	} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	s := "Nguyễn Thị Ánh Trường Đại học Cần Thơ Sư phạm Toán học Giáo viên Trường THCS số 12 Khoa học giáo dục Educational sciences"
	for b.Loop() {
		Fold(s)
	}
}

func TestHidden(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want rune
		at   int
		ok   bool
	}{
		{"OKPlain", "Nguyễn Thị Ánh", 0, 0, false},
		{"OKLineBreakAndTab", "dòng một\ndòng\thai\r\n", 0, 0, false},
		{"OKCombiningMarks", "Nguye\u0302\u0303n", 0, 0, false},
		{"OKNoBreakSpace", "Phường\u00a0Rạch Giá", 0, 0, false},
		{"ErrZeroWidthSpace", "Ánh\u200b", 0x200B, len("Ánh"), true},
		{"ErrZeroWidthNonJoiner", "A\u200cnh", 0x200C, 1, true},
		{"ErrByteOrderMark", "\ufeffAn", 0xFEFF, 0, true},
		{"ErrSoftHyphen", "Kiên\u00adGiang", 0x00AD, len("Kiên"), true},
		{"ErrRightToLeftOverride", "abc\u202edef", 0x202E, 3, true},
		{"ErrLeftToRightMark", "\u200eAn", 0x200E, 0, true},
		{"ErrIsolate", "\u2066An\u2069", 0x2066, 0, true},
		{"ErrBell", "Lê\x07", 0x07, len("Lê"), true},
		{"ErrDelete", "Lê\x7f", 0x7f, len("Lê"), true},
		{"ErrC1Control", "Lê\u0085", 0x85, len("Lê"), true},
		{"ErrPrivateUse", "An\ue000", 0xE000, 2, true},
		{"ErrInterlinearAnnotation", "An\ufff9", 0xFFF9, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, at, ok := Hidden(tt.in)
			if ok != tt.ok || r != tt.want || at != tt.at {
				t.Errorf("Hidden(%q) = %U, %d, %v; want %U, %d, %v", tt.in, r, at, ok, tt.want, tt.at, tt.ok)
			}
			if ok && !strings.Contains(HiddenName(r), fmt.Sprintf("U+%04X", r)) {
				t.Errorf("HiddenName(%U) = %q does not give the code point", r, HiddenName(r))
			}
		})
	}
}

func FuzzHidden(f *testing.F) {
	for _, s := range []string{"Nguyễn", "A\u200bB", "\u202e", "x\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, at, ok := Hidden(s)
		if !ok {
			return
		}
		got, _ := utf8.DecodeRuneInString(s[at:])
		if got != r {
			t.Fatalf("Hidden(%q) says %U at %d, but %U is there", s, r, at, got)
		}
		if r == '\t' || r == '\n' || r == '\r' || unicode.IsLetter(r) || unicode.IsSpace(r) && !unicode.IsControl(r) {
			t.Fatalf("Hidden(%q) refused the visible %U", s, r)
		}
	})
}

func TestSortByVietnameseCollation(t *testing.T) {
	type country struct{ code, name string }
	s := []country{{"DE", "Đức"}, {"DM", "Dominica"}, {"US", "Hoa Kỳ"}, {"AO", "Ăng-gô-la"}, {"AR", "Ác-hen-ti-na"}, {"AT", "Áo"}, {"DK", "Đan Mạch"}}
	Sort(s, func(c country) string { return c.name })
	var got []string
	for _, c := range s {
		got = append(got, c.name)
	}
	want := []string{"Ác-hen-ti-na", "Áo", "Ăng-gô-la", "Dominica", "Đan Mạch", "Đức", "Hoa Kỳ"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

// A prefix typed without marks stands for the SortKeys of the names that
// begin with it with any marks and in any case, and of no others.
func TestKeyStarts(t *testing.T) {
	for _, tt := range []struct {
		prefix      string
		begins, not []string
	}{
		{"Nguyen", []string{"Nguyễn", "NGUYỄN", "nguyen", "Nguyên", "Nguyễn Văn", "Ngưyen"}, []string{"Ngô", "Nguy", "Ngu yen", "Nguyet"}},
		{"Tran", []string{"Trần", "Trân", "Trăn", "Trang", "TRẦN"}, []string{"Tr", "Tạn", "Trin"}},
		{"Dang", []string{"Đặng", "Dang", "Đằng", "ĐẶNG"}, []string{"Dan", "Dương"}},
		{"Ho", []string{"Hồ", "Hổ", "Hơn", "Hoà", "Hòa", "Hô"}, []string{"H", "Hu", "Hà"}},
		{"D", []string{"Đ", "D", "Dũng"}, []string{"E", "Ă"}},
		{"Thuy", []string{"Thuỷ", "Thủy", "Thúy", "Thùy"}, []string{"Thu", "Thư"}},
		{"Van Th", []string{"Văn Thị", "Vân Thanh"}, []string{"Văn", "VănThị"}},
		{"", []string{"", "Ă", "Z"}, nil},
	} {
		starts, err := KeyStarts(tt.prefix)
		if err != nil || starts == nil {
			t.Fatalf("%q: %v, %v", tt.prefix, starts, err)
		}
		begins := func(name string) bool {
			for _, s := range starts {
				if bytes.HasPrefix(SortKey(name), s) {
					return true
				}
			}
			return false
		}
		for _, n := range tt.begins {
			if !begins(n) {
				t.Errorf("%q does not begin %q", tt.prefix, n)
			}
		}
		for _, n := range tt.not {
			if begins(n) {
				t.Errorf("%q begins %q", tt.prefix, n)
			}
		}
	}
	// Typed with marks: as typed, by Prefixes.
	for _, p := range []string{"Nguyễ", "Đ", "Hoà", "Gudrún"} {
		if starts, err := KeyStarts(p); starts != nil || err != nil {
			t.Errorf("%q: %v, %v; want none, to match as typed", p, starts, err)
		}
	}
	// Too many spellings: say what to do.
	if _, err := KeyStarts("Doan Duong Doan"); err == nil || !strings.Contains(err.Error(), "type it with its marks") {
		t.Errorf("Doan Duong Doan: %v", err)
	}
}

// Sort orders names in Vietnamese, numbers in them as numbers.
func TestSortNumbersAsNumbers(t *testing.T) {
	want := []string{"Dominica", "Đức", "Trạm Y tế số 1", "Trạm Y tế số 2", "Trạm Y tế số 10", "Trường THCS số 3", "Ủy ban", "Viện"}
	got := slices.Clone(want)
	slices.Reverse(got)
	Sort(got, func(s string) string { return s })
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

// TestSortKeyReusesItsBuffer: a key is made in the pooled keyer's buffer,
// not in a 4 KiB one allocated at each call, and keys made one after
// another in it stay each their own.
func TestSortKeyReusesItsBuffer(t *testing.T) {
	want := [][]byte{SortKey("Thủy", "Thị", "Nguyễn"), SortKey("An"), SortKey("Đức", "", "Trần")}
	for i, parts := range [][]string{{"Thủy", "Thị", "Nguyễn"}, {"An"}, {"Đức", "", "Trần"}} {
		if got := SortKey(parts...); !bytes.Equal(got, want[i]) {
			t.Errorf("SortKey(%q) = %x, then %x", parts, want[i], got)
		}
	}
	if !bytes.Equal(LooseKey("nguyên"), LooseKey("Nguyễn")) {
		t.Error("LooseKey: nguyên and Nguyễn differ at the first level")
	}
	allocs := testing.AllocsPerRun(200, func() { SortKey("Thủy", "Thị", "Nguyễn") })
	// Clean, Tones and the key's own bytes allocate (about 2.3 KB); a
	// 4 KiB buffer a call would be 4,096 bytes more.
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.TotalAlloc
	for range 100 {
		SortKey("Thủy", "Thị", "Nguyễn")
	}
	runtime.ReadMemStats(&m)
	if per := (m.TotalAlloc - before) / 100; per >= 4096 {
		t.Errorf("SortKey of three parts allocates %d bytes a call (%v allocations): want under 4 KiB, no buffer of 4 KiB a call", per, allocs)
	}
}

func BenchmarkSortKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		SortKey("Thủy", "Thị", "Nguyễn")
	}
}
