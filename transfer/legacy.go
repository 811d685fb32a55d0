package transfer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Legacy is a pre-Unicode Vietnamese font encoding that text was typed in.
// Old provincial files were typed with fonts such as .VnTime (TCVN3, also
// called ABC) or VNI-Times, which draw Vietnamese letters in the places of
// Latin-1 symbols; read as Unicode, "Nguyễn Văn" typed in TCVN3 is
// "NguyÔn V¨n" and in VNI "Nguyeãn Vaên".
type Legacy int

const (
	// NotLegacy is text that reads as Unicode Vietnamese, or as anything
	// but Vietnamese in a legacy encoding.
	NotLegacy Legacy = iota
	// TCVN3 is TCVN 5712:1993 (ABC, fonts .VnTime and .VnArial).
	TCVN3
	// VNI is the VNI encoding (fonts VNI-Times, VNI-Helve).
	VNI
	// TCVN3OrVNI is text whose words read as Vietnamese in either.
	TCVN3OrVNI
)

func (l Legacy) String() string {
	switch l {
	case TCVN3:
		return "TCVN3 (ABC)"
	case VNI:
		return "VNI"
	case TCVN3OrVNI:
		return "TCVN3 (ABC) or VNI"
	}
	return "Unicode"
}

// DetectLegacy reports the legacy encoding s looks typed in, if any. It
// judges word by word: a word that is not a Vietnamese syllable as it
// stands, and becomes one when read as TCVN3 or as VNI, is a vote for that
// encoding. A word of real Vietnamese, of plain ASCII or of another
// language (Müller, München) is no vote, so such words neither hide a
// legacy word beside them nor are taken for one. The encoding with more
// votes among the first maxWords words wins.
func DetectLegacy(s string) Legacy {
	var tcvn, vni, either, words int
	for w := range legacyWords(s) {
		if words++; words > maxWords {
			break
		}
		if len(w) > maxSyllable || isSyllable(w) {
			continue
		}
		t, v := FromTCVN3(w), FromVNI(w)
		inT, inV := t != w && isSyllable(t), v != w && isSyllable(v)
		switch {
		case inT && inV:
			either++
		case inT:
			tcvn++
		case inV:
			vni++
		}
	}
	switch {
	case tcvn > vni:
		return TCVN3
	case vni > tcvn:
		return VNI
	case tcvn > 0 || either > 0:
		return TCVN3OrVNI
	}
	return NotLegacy
}

// maxWords bounds the words DetectLegacy reads of a text: names and
// addresses have a few, and a cell of millions must not cost seconds.
const maxWords = 200

// maxSyllable bounds the bytes of a syllable in UTF-8, in Unicode or
// either legacy font (nghiêng, Nguyeãn): a longer word is none, and is
// not converted to find out.
const maxSyllable = 32

// legacyWords yields the words of s that hold a character other than ASCII:
// runs of letters, marks, and the Latin-1 symbols TCVN3 draws letters in
// (the soft hyphen is its ư). A word of ASCII alone reads the same in every
// encoding.
func legacyWords(s string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start, ascii := -1, true
		for i, r := range s + " " {
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || tcvn3[r] != "" {
				if start < 0 {
					start, ascii = i, true
				}
				ascii = ascii && r < utf8.RuneSelf
				continue
			}
			if start >= 0 && !ascii && !yield(s[start:i]) {
				return
			}
			start = -1
		}
	}
}

// Combining marks of Vietnamese: the five tones, and the marks that make
// â ê ô (circumflex), ă (breve) and ơ ư (horn).
const (
	grave, acute, tilde, hook, dotBelow = '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'
	circumflex, breve, horn             = '\u0302', '\u0306', '\u031B'
)

// Vietnamese syllables: an initial consonant, a vowel nucleus and a final.
var (
	initials = []string{"", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
		"p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
	// openNuclei end a syllable: the vowel that takes the tone is the
	// first, or the one named in toneAt. closedNuclei come before a final
	// consonant and take the tone on their last vowel.
	openNuclei = set("a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uơ uy ưa ưi ưu " +
		"iêu yêu oai oao oay oeo uây uôi uya uyu ươi ươu")
	closedNuclei = set("a ă â e ê i o ô ơ u ư iê yê uô ươ oa oă oe uâ uê uy uyê")
	// toneAt is where the tone goes in an open nucleus other than on its
	// first vowel; oa, oe and uy take it on either (hoà and hòa).
	toneAt = map[string]int{"uơ": 1, "uê": 1, "iêu": 1, "yêu": 1, "oai": 1, "oao": 1, "oay": 1, "oeo": 1, "uây": 1,
		"uôi": 1, "uya": 1, "uyu": 1, "ươi": 1, "ươu": 1}
	// palatalNuclei are those that nh and ch follow.
	palatalNuclei = set("a ê i oa uê uy")
)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isSyllable reports whether w is one Vietnamese syllable in Unicode:
// spelt by the rules (k, gh and ngh before e, ê and i; c, g and ng
// elsewhere), its final one its nucleus takes, its tone on the vowel that takes it (old or new style), in
// lower case, upper case, or with a capital first.
func isSyllable(w string) bool {
	lower := strings.ToLower(w)
	if w != lower && w != strings.ToUpper(w) && string([]rune(w)[1:]) != string([]rune(lower)[1:]) {
		return false // a capital inside a word: TCVN3's Ô is ễ
	}
	var letters []rune
	tone, toned := rune(0), -1
	for _, r := range norm.NFD.String(lower) {
		switch r {
		case grave, acute, tilde, hook, dotBelow:
			if tone != 0 || len(letters) == 0 || !strings.ContainsRune("aeiouy", baseOf(letters[len(letters)-1])) {
				return false
			}
			tone, toned = r, len(letters)-1
		case circumflex, breve, horn:
			if len(letters) == 0 {
				return false
			}
			letters[len(letters)-1] = []rune(norm.NFC.String(string(letters[len(letters)-1]) + string(r)))[0]
		default:
			letters = append(letters, r)
		}
	}
	s := string(letters)
	for _, in := range initials {
		rest, ok := strings.CutPrefix(s, in)
		if !ok || rest == "" || !spelt(in, rest) {
			continue
		}
		if isRhyme(rest, tone, toned-len([]rune(in))) {
			return true
		}
		// The u of qu is the glide of uy before a final: quỳnh, quýt
		// are q and the rhymes uynh, uyt.
		if in == "qu" && strings.HasPrefix(rest, "y") && len(rest) > 1 && isRhyme("u"+rest, tone, toned-1) {
			return true
		}
	}
	return false
}

// baseOf is a vowel without its circumflex, breve or horn.
func baseOf(r rune) rune {
	return []rune(norm.NFD.String(string(r)))[0]
}

// spelt reports whether the initial in may come before rest.
func spelt(in, rest string) bool {
	first := []rune(rest)[0]
	front := strings.ContainsRune("eêi", first)
	switch in {
	case "k":
		return front || first == 'y'
	case "gh", "ngh":
		return front
	case "c":
		// kw is spelt qu.
		return !front && first != 'y' && !strings.HasPrefix(rest, "oa") && !strings.HasPrefix(rest, "oă") && !strings.HasPrefix(rest, "oe")
	case "ng":
		return !front && first != 'y'
	case "g":
		// gì, gìn: the i of gi is the vowel.
		return !front || first == 'i'
	case "gi":
		return first != 'i'
	case "qu":
		// The u of qu is a glide already: no o, u or ư glide follows
		// (quốc, never quoác).
		return first != 'o' && first != 'u' && first != 'ư'
	case "b", "m", "p", "ph", "v":
		// No glide after the lips: oa, oe only in borrowings.
		return !strings.HasPrefix(rest, "oa") && !strings.HasPrefix(rest, "oă") && !strings.HasPrefix(rest, "oe")
	}
	return true
}

// isRhyme reports whether r, its tone on its at'th letter, is a nucleus
// and a final.
func isRhyme(r string, tone rune, at int) bool {
	if openNuclei[r] {
		want, ok := toneAt[r]
		return tone == 0 || at == want || !ok && at == 0 || (r == "oa" || r == "oe" || r == "uy") && at == 1
	}
	for _, f := range []string{"m", "n", "ng", "nh", "c", "ch", "p", "t"} {
		nuc, ok := strings.CutSuffix(r, f)
		if !ok || !closedNuclei[nuc] {
			continue
		}
		switch f {
		case "nh", "ch":
			if !palatalNuclei[nuc] {
				continue
			}
		case "ng", "c":
			if nuc == "i" || nuc == "ê" || nuc == "uê" || nuc == "uy" {
				continue
			}
		}
		// A final stop takes the rising or the heavy tone.
		if (f == "c" || f == "ch" || f == "p" || f == "t") && tone != acute && tone != dotBelow {
			continue
		}
		if tone == 0 || at == len([]rune(nuc))-1 {
			return true
		}
	}
	return false
}

// tcvn3 maps the characters of TCVN3 (as read through Latin-1) to Unicode.
var tcvn3 = map[rune]string{
	'¡': "Ă", '¢': "Â", '£': "Ê", '¤': "Ô", '¥': "Ơ", '¦': "Ư", '§': "Đ",
	'¨': "ă", '©': "â", 'ª': "ê", '«': "ô", '¬': "ơ", '\u00AD': "ư", '®': "đ",
	'µ': "à", '¸': "á", '¶': "ả", '·': "ã", '¹': "ạ",
	'»': "ằ", '¾': "ắ", '¼': "ẳ", '½': "ẵ", 'Æ': "ặ",
	'Ç': "ầ", 'Ê': "ấ", 'È': "ẩ", 'É': "ẫ", 'Ë': "ậ",
	'Ì': "è", 'Ð': "é", 'Î': "ẻ", 'Ï': "ẽ", 'Ñ': "ẹ",
	'Ò': "ề", 'Õ': "ế", 'Ó': "ể", 'Ô': "ễ", 'Ö': "ệ",
	'×': "ì", 'Ý': "í", 'Ø': "ỉ", 'Ü': "ĩ", 'Þ': "ị",
	'ß': "ò", 'ã': "ó", 'á': "ỏ", 'â': "õ", 'ä': "ọ",
	'å': "ồ", 'è': "ố", 'æ': "ổ", 'ç': "ỗ", 'é': "ộ",
	'ê': "ờ", 'í': "ớ", 'ë': "ở", 'ì': "ỡ", 'î': "ợ",
	'ï': "ù", 'ó': "ú", 'ñ': "ủ", 'ò': "ũ", 'ô': "ụ",
	'õ': "ừ", 'ø': "ứ", 'ö': "ử", '÷': "ữ", 'ù': "ự",
	'ú': "ỳ", 'ý': "ý", 'û': "ỷ", 'ü': "ỹ", 'þ': "ỵ",
}

// FromTCVN3 reads s as TCVN3 text: what the person who typed it saw. It is
// offered as a suggestion, never applied by itself: a name is an identity,
// and a wrong guess must not be stored as if typed.
func FromTCVN3(s string) string {
	var b strings.Builder
	for _, r := range s {
		if u, ok := tcvn3[r]; ok {
			b.WriteString(u)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// VNI writes a marked vowel as its base letter followed by a Latin-1
// character that draws the marks: "eã" is ễ. A few letters are one
// character of their own.
var (
	vniTone = map[rune]rune{'ù': acute, 'ø': grave, 'û': hook, 'õ': tilde, 'ï': dotBelow,
		'Ù': acute, 'Ø': grave, 'Û': hook, 'Õ': tilde, 'Ï': dotBelow}
	// After a, e, o: the circumflex and a tone.
	vniHat = map[rune]rune{'â': 0, 'á': acute, 'à': grave, 'å': hook, 'ã': tilde, 'ä': dotBelow,
		'Â': 0, 'Á': acute, 'À': grave, 'Å': hook, 'Ã': tilde, 'Ä': dotBelow}
	// After a: the breve and a tone.
	vniBreve = map[rune]rune{'ê': 0, 'é': acute, 'è': grave, 'ú': hook, 'ü': tilde, 'ë': dotBelow,
		'Ê': 0, 'É': acute, 'È': grave, 'Ú': hook, 'Ü': tilde, 'Ë': dotBelow}
	vniLetter = map[rune]rune{'ô': 'ơ', 'Ô': 'Ơ', 'ö': 'ư', 'Ö': 'Ư', 'ñ': 'đ', 'Ñ': 'Đ', 'î': 'ỵ', 'Î': 'Ỵ',
		'æ': 'ỉ', 'Æ': 'Ỉ', 'ó': 'ĩ', 'Ó': 'Ĩ', 'ò': 'ị', 'Ò': 'Ị'}
)

// FromVNI reads s as VNI text, as FromTCVN3 reads TCVN3.
func FromVNI(s string) string {
	var b strings.Builder
	base := rune(0) // the letter the next mark would go on
	for _, r := range s {
		lower := unicode.ToLower(base)
		hat, isHat := vniHat[r]
		brv, isBreve := vniBreve[r]
		tone, isTone := vniTone[r]
		switch {
		case isHat && strings.ContainsRune("aeo", lower):
			b.WriteRune(circumflex)
			if hat != 0 {
				b.WriteRune(hat)
			}
		case isBreve && lower == 'a':
			b.WriteRune(breve)
			if brv != 0 {
				b.WriteRune(brv)
			}
		case isTone && strings.ContainsRune("aeiouyơư", lower):
			b.WriteRune(tone)
		default:
			if l, ok := vniLetter[r]; ok {
				r = l
			}
			b.WriteRune(r)
			base = r
			continue
		}
		base = 0
	}
	return norm.NFC.String(b.String())
}
