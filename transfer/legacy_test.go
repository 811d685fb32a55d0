package transfer

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestDetectLegacy(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Legacy
	}{
		{"Nguyễn Văn An", NotLegacy},
		{"Hoàng Thị Thuý", NotLegacy},
		{"Lê Hoà", NotLegacy},
		{"Tiên Quân", NotLegacy},
		{"Sơn Thị Sà Rết", NotLegacy},
		{"Kiên Giang", NotLegacy},
		{"NGUYỄN VĂN AN", NotLegacy},
		{"Y Moan Ênuôl", NotLegacy},
		{"H'Hen Niê", NotLegacy},
		// qu: its u is the glide of quỳnh, and no other glide follows it.
		{"Quỳnh", NotLegacy},
		{"Lê Quốc Quý", NotLegacy},
		{"QUỲNH QUYẾT QUYỀN QUÝT QUÝCH", NotLegacy},
		{"Quyønh", VNI},
		{"Quúnh", TCVN3},
		{"Quoác", VNI},
		{"Nguyeãn Quoác Huøng", VNI},
		{"São Paulo", NotLegacy},
		// Other languages are not a legacy encoding.
		{"Technische Universität München", NotLegacy},
		{"Müller", NotLegacy},
		{"José Peña", NotLegacy},
		{"Søren Kierkegaard", NotLegacy},
		{"François Lefèvre", NotLegacy},
		{"Łukasz Żółć", NotLegacy},
		{"Ångström", NotLegacy},
		{"Jürgen Straße", NotLegacy},
		{"Université Paris-Saclay", NotLegacy},
		{"北京大学", NotLegacy},
		{"Москва", NotLegacy},
		{"NguyÔn V¨n An", TCVN3},
		{"TrÇn ThÞ Hoµng", TCVN3},
		{"§ç Quang", TCVN3},
		{"Ngäc", TCVN3},
		{"Hång", TCVN3},
		{"Hïng", TCVN3},
		{"Thñy", TCVN3},
		// A word of Unicode or a dash beside them hides nothing.
		{"NguyÔn Văn", TCVN3},
		{"Sè 5 ®\u00adêng Lª Lîi – TP Long Xuyªn", TCVN3},
		{"Nguyeãn Vaên An", VNI},
		{"Traàn Thò Hoa", VNI},
		{"Ñoã Quang", VNI},
		{"NGUYEÃN VAÊN AN", VNI},
		{"Ñaïi hoïc Caàn Thô", VNI},
		// ư alone: TCVN3 reads thử, VNI thư.
		{"Thö", TCVN3OrVNI},
		// A known limit: a few short words of other languages are also
		// Vietnamese syllables in a legacy font (Loïc is VNI's Lọc).
		{"Loïc", VNI},
		{"Hä", TCVN3},
	} {
		if got := DetectLegacy(c.in); got != c.want {
			t.Errorf("DetectLegacy(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for in, want := range map[string]string{"NguyÔn V¨n An": "Nguyễn Văn An", "TrÇn ThÞ Hoµng": "Trần Thị Hoàng",
		"Sè 5 ®\u00adêng Lª Lîi": "Số 5 đường Lê Lợi"} {
		if got := FromTCVN3(in); got != want {
			t.Errorf("FromTCVN3(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Nguyeãn Vaên An": "Nguyễn Văn An", "Ñaïi hoïc Caàn Thô": "Đại học Cần Thơ",
		"Tröôøng": "Trường", "NGUYEÃN": "NGUYỄN", "Hoaøng Thò Thuyù": "Hoàng Thị Thuý"} {
		if got := FromVNI(in); got != want {
			t.Errorf("FromVNI(%q) = %q, want %q", in, got, want)
		}
	}
	_, err := ParseText("NguyÔn")
	if err == nil || !strings.Contains(err.Error(), "TCVN3") || !strings.Contains(err.Error(), "Nguyễn") {
		t.Errorf("ParseText of TCVN3 text: %v", err)
	}
	_, err = ParseText("Nguyeãn")
	if err == nil || !strings.Contains(err.Error(), "VNI") || !strings.Contains(err.Error(), "Nguyễn") {
		t.Errorf("ParseText of VNI text: %v", err)
	}
}

// toTCVN3 and toVNI write Unicode text as the legacy fonts stored it.
func toTCVN3(s string) string {
	back := map[string]rune{}
	for r, u := range tcvn3 {
		back[u] = r
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if l, ok := back[string(r)]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	return b.String()
}

func toVNI(s string) string {
	var b strings.Builder
	markOf := func(m map[rune]rune, tone rune, upper bool) rune {
		for k, v := range m {
			if v == tone && unicode.IsUpper(k) == upper {
				return k
			}
		}
		return 0
	}
	for _, r := range norm.NFC.String(s) {
		d := []rune(norm.NFD.String(string(r)))
		base, upper := unicode.ToLower(d[0]), unicode.IsUpper(d[0])
		var tone, mod rune
		for _, m := range d[1:] {
			switch m {
			case circumflex, breve, horn:
				mod = m
			default:
				tone = m
			}
		}
		up := func(r rune) rune {
			if upper {
				return unicode.ToUpper(r)
			}
			return r
		}
		switch {
		case r == 'đ' || r == 'Đ':
			b.WriteRune(up('ñ'))
		case base == 'i' && tone != 0:
			b.WriteRune(up(map[rune]rune{acute: 'í', grave: 'ì', hook: 'æ', tilde: 'ó', dotBelow: 'ò'}[tone]))
		case base == 'y' && tone == dotBelow:
			b.WriteRune(up('î'))
		case mod == circumflex:
			b.WriteRune(up(base))
			b.WriteRune(markOf(vniHat, tone, upper))
		case mod == breve:
			b.WriteRune(up(base))
			b.WriteRune(markOf(vniBreve, tone, upper))
		case mod == horn || tone != 0 && strings.ContainsRune("aeouy", base):
			if mod == horn {
				b.WriteRune(up(map[rune]rune{'o': 'ô', 'u': 'ö'}[base]))
			} else {
				b.WriteRune(up(base))
			}
			if tone != 0 {
				b.WriteRune(markOf(vniTone, tone, upper))
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commonNames are Vietnamese family, middle and given names.
const commonNames = "Nguyễn, Trần, Lê, Phạm, Huỳnh, Hoàng, Phan, Võ, Vũ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý, Đinh, Trương, " +
	"Lâm, Mai, Tạ, Châu, Quách, Đoàn, Văn, Minh, Quốc, Thanh, Hữu, Đức, Công, Trọng, Tấn, Duy, Ngọc, Thị, Thu, Kim, " +
	"Mỹ, Bích, Hồng, Diễm, Phương, Anh, Bình, Cường, Dũng, Đạt, Hải, Hùng, Khoa, Long, Nam, Phong, Quang, Sơn, Thắng, " +
	"Tuấn, Việt, Hiếu, Trung, Lộc, Phúc, Toàn, Đông, Khánh, Nghĩa, Tâm, Thịnh, Vinh, Huy, Kiên, Lực, Bảo, Danh, Định, " +
	"Giang, Hào, Hậu, Hiển, Hòa, Hoà, Hưng, Kha, Khải, Luân, Mạnh, Nhân, Nhật, Phát, Phước, Quân, Tài, Tân, Thái, Thiện, " +
	"Thông, Tiến, Trí, Triết, Tú, Tùng, Vương, Gia, An, Chi, Dung, Hà, Hạnh, Hằng, Hoa, Hương, Lan, Linh, Ngân, Nhung, " +
	"Thảo, Trang, Vy, Yến, Trinh, Uyên, Xuân, Diệp, Loan, Nguyệt, Oanh, Quyên, Tuyết, Thủy, Thuỷ, Ánh, Cúc, Duyên, Đào, " +
	"Hiền, Huệ, Huyền, Kiều, Lệ, Liên, Lụa, Ly, My, Nga, Nhi, Nhàn, Như, Phượng, Quỳnh, Sương, Thơ, Thúy, Thuý, Tiên, " +
	"Trâm, Vân, Thạch, Sa Rươl, Sô Phal, Chanh Đa, Sóc, Út, Sà Phanh, Pha Ly, Rát, Sươl, Thươl, Chơn, Srây Mom, Sa Mênh, " +
	"Mây, Lưu, Mã, Tăng, Hứa, Khuê, Tuệ, Huỳnh, Khuyên, Nguyên, Quyết, Thuận, Xoan, Khoẻ, Khỏe, Ngoãn, Huấn, Luyến, " +
	"Giỏi, Gìn, Gấm, Yêu, Yên, Ước, Ưng, Uẩn, Oánh, Khuếch, Quỹ, Quý, Thuở, Khuya, Khuỷu, Người, Rượu, Đường, Giường"

// Every name in the reference data (units, fields, ethnic groups,
// countries) is real Vietnamese: it is never taken for a legacy encoding,
// and written in either legacy font it is recognised as that font, unless
// every word of it still reads as Vietnamese (Cơ Ho in VNI is Cô Ho).
func TestDetectLegacyReferenceNames(t *testing.T) {
	files, _ := filepath.Glob("../refdata/seed/*.csv")
	tried, either := 0, 0
	check := func(file, cell, enc string, want Legacy) {
		if enc == cell {
			return
		}
		tried++
		got := DetectLegacy(enc)
		if got == TCVN3OrVNI {
			either++
			return
		}
		if got == want {
			return
		}
		// Undetectable: every word changed reads as another Vietnamese
		// word, or was not a Vietnamese syllable to begin with (Hrê).
		words, encs := strings.Fields(cell), strings.Fields(enc)
		for i := range words {
			if words[i] != encs[i] && isSyllable(words[i]) && !isSyllable(encs[i]) {
				t.Errorf("%s: %q in %v, %q, taken for %v", filepath.Base(file), cell, want, enc, got)
				return
			}
		}
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(file, err)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if DetectLegacy(cell) != NotLegacy {
					t.Errorf("%s: %q taken for %v", filepath.Base(file), cell, DetectLegacy(cell))
				}
				if strings.Contains(file, "countries") {
					continue // foreign names in Vietnamese spelling
				}
				// TCVN3 has no capitals with tones: typists used another
				// font for them.
				lower := strings.ToLower(cell)
				check(file, lower, toTCVN3(lower), TCVN3)
				check(file, cell, toVNI(cell), VNI)
				if enc := toVNI(cell); FromVNI(enc) != norm.NFC.String(cell) {
					t.Errorf("%q in VNI, %q, reads back as %q", cell, enc, FromVNI(enc))
				}
			}
		}
	}
	for _, name := range strings.Split(commonNames, ", ") {
		if DetectLegacy(name) != NotLegacy {
			t.Errorf("%q taken for %v", name, DetectLegacy(name))
		}
		lower := strings.ToLower(name)
		check("names", lower, toTCVN3(lower), TCVN3)
		check("names", name, toVNI(name), VNI)
	}
	if tried < 800 || either > tried/50 {
		t.Errorf("%d names tried, %d of them read as either encoding", tried, either)
	}
	t.Logf("%d names tried, %d of them read as either encoding", tried, either)
}

// FuzzDetectLegacy holds that Unicode Vietnamese is never taken for a
// legacy encoding, whatever text surrounds it, and that detection and the
// converters do not fail on any text.
func FuzzDetectLegacy(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn An", "NguyÔn V¨n", "Nguyeãn Vaên", "Müller", "Sè 5 ®\u00adêng Lª Lîi – TP Long Xuyªn",
		"Technische Universität München", "Thö", "gì", "Loïc", "\u0301a", "a\u0301\u0301", "Ñ", "ÿ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		DetectLegacy(s)
		FromTCVN3(s)
		FromVNI(s)
		for w := range legacyWords(s) {
			if isSyllable(w) && DetectLegacy(w) != NotLegacy {
				t.Fatalf("the syllable %q is taken for %v", w, DetectLegacy(w))
			}
		}
	})
}
