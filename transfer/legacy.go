package transfer

import "strings"

// Legacy is a pre-Unicode Vietnamese font encoding that text was typed in.
// Old provincial files were typed with fonts such as .VnTime (TCVN3, also
// called ABC) or VNI-Times, which draw Vietnamese letters in the places of
// Latin-1 symbols; read as Unicode, "Nguyễn Văn" typed in TCVN3 is
// "NguyÔn V¨n" and in VNI "Nguyeãn Vaên".
type Legacy int

const (
	// NotLegacy is text that reads as Unicode Vietnamese.
	NotLegacy Legacy = iota
	// TCVN3 is TCVN 5712:1993 (ABC, fonts .VnTime and .VnArial).
	TCVN3
	// VNI is the VNI encoding (fonts VNI-Times, VNI-Helve).
	VNI
)

func (l Legacy) String() string {
	switch l {
	case TCVN3:
		return "TCVN3 (ABC)"
	case VNI:
		return "VNI"
	}
	return "Unicode"
}

// vietLatin1 are the Latin-1 letters that Vietnamese uses; every other
// Latin-1 character in a Vietnamese name is a sign of a legacy encoding.
const vietLatin1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"

// vniPairs are letter pairs that VNI makes (a base vowel, then the Latin-1
// character that carries its mark) and that no Vietnamese word has.
var vniPairs = []string{"aâ", "aê", "eâ", "oâ", "aù", "eù", "où", "iù", "yù", "aõ", "eõ", "iõ", "uõ", "yõ",
	"aá", "aà", "aã", "eá", "eà", "eã", "AÂ", "AÊ", "EÂ", "OÂ", "AÙ", "EÙ", "OÙ", "AÕ", "EÕ", "AÁ", "AÀ", "AÃ", "EÁ", "EÀ", "EÃ"}

// DetectLegacy reports the legacy encoding s looks typed in, if any. Text
// with a letter only Unicode has (ă, đ, ơ, ư, or a letter with a dot below
// or hook) is Unicode; otherwise a Latin-1 character Vietnamese does not
// use, an accented capital inside a lower-case word, or a pair of letters
// only VNI makes gives the encoding away.
func DetectLegacy(s string) Legacy {
	var foreign, symbol, midCap bool
	prev := rune(0)
	for _, r := range s {
		switch {
		case r > 0xFF:
			return NotLegacy
		case r >= 0xA1 && r <= 0xBF:
			symbol = true
		case r >= 0xC0 && !strings.ContainsRune(vietLatin1, r):
			foreign = true
			if strings.ContainsRune("ÆÇËÎÏÐ×ØÜÞß", r) {
				symbol = true
			}
		case r >= 0xC0 && r <= 0xDD && prev >= 'a' && prev <= 'z':
			midCap = true
		}
		prev = r
	}
	switch {
	case symbol || midCap:
		return TCVN3
	case foreign:
		return VNI
	}
	for _, p := range vniPairs {
		if strings.Contains(s, p) {
			return VNI
		}
	}
	return NotLegacy
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
