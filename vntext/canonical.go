package vntext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Two spellings of one name can differ in ways a reader does not see or
// does not count as a difference: the kind of space between the words, an
// Eth (Ð) typed for a Đ, and where the tone mark of hoà, khoẻ and thuỷ
// sits. Clean settles the first two when text is stored; Canonical, Tones
// and Spellings settle the third when names are compared, leaving the
// stored name as it was typed.

// Clean returns short text (a name, a title) as it is kept: Tidy, and
// without space at either end.
func Clean(s string) string { return strings.TrimSpace(Tidy(s)) }

// Tidy returns s in NFC with each run of spaces one ASCII space (the
// no-break space of a spreadsheet copy, the ideographic space of an East
// Asian keyboard: any space separator), and a capital Eth (Ð, U+00D0)
// that begins a word as Đ (U+0110), which it stands in for in legacy and
// web text. No language begins a word with Eth, so Icelandic and Faroese
// names keep theirs, as they keep ð.
func Tidy(s string) string {
	s = NFC(s)
	if isTidy(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space, word := false, false
	for _, r := range s {
		if r == ' ' || unicode.Is(unicode.Zs, r) {
			if !space {
				b.WriteByte(' ')
			}
			space, word = true, false
			continue
		}
		space = false
		if r == 'Ð' && !word {
			r = 'Đ'
		}
		b.WriteRune(r)
		word = unicode.IsLetter(r) || unicode.Is(unicode.M, r)
	}
	return b.String()
}

// isTidy reports whether Tidy leaves s, already in NFC, as it is: the
// common case, checked without building a string.
func isTidy(s string) bool {
	prevSpace := false
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case r >= utf8.RuneSelf && (unicode.Is(unicode.Zs, r) || r == 'Ð'):
			return false
		default:
			prevSpace = false
		}
	}
	return true
}

// Canonical is the form in which two spellings of one name compare equal
// (for duplicates and exact matches): Clean, in lower case, with the tone
// marks placed as Tones places them. "Trần  Hòa" and "TRẦN HOÀ" have the
// same.
func Canonical(s string) string {
	return Tones(strings.ToLower(Clean(s)))
}

// Tones returns s in NFC with the tone mark of each syllable that ends in
// oa, oe or uy (hoà, khoẻ, thuỷ, quý) on the second vowel. Old-style
// spelling puts it on the first (hòa, khỏe, thủy), and both are accepted
// spellings of one name; text that is no such syllable is left as it is.
func Tones(s string) string {
	s = NFC(s)
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is in b, or nothing is when b is empty
	for i, seg := range segmentsOf(s) {
		if !movable(seg) {
			continue
		}
		if v, ok := placements(seg); ok && v[1] != seg {
			b.WriteString(s[done:i])
			b.WriteString(v[1])
			done = i + len(seg)
		}
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// movable reports cheaply whether seg may be a syllable whose tone moves:
// short, ending in a, e or y after an o or a u, one of them marked.
func movable(seg string) bool {
	if len(seg) > 10 || isASCII(seg) {
		return false
	}
	r2, n := utf8.DecodeLastRuneInString(seg)
	r1, _ := utf8.DecodeLastRuneInString(seg[:len(seg)-n])
	b1, b2 := baseLetter(r1), baseLetter(r2)
	return (b1 == 'o' && (b2 == 'a' || b2 == 'e')) || (b1 == 'u' && b2 == 'y')
}

// baseLetter is r folded when it folds to one ASCII letter, or 0.
func baseLetter(r rune) byte {
	switch {
	case r < utf8.RuneSelf:
		return byte(unicode.ToLower(r))
	case r >= foldFirst && r < foldFirst+rune(len(foldTable)) && len(foldTable[r-foldFirst]) == 1:
		return foldTable[r-foldFirst][0]
	}
	return 0
}

// maxSpellings bounds what Spellings returns: a name has a few syllables
// whose tone may move, and an equality filter asks for each spelling.
const maxSpellings = 64

// Spellings returns the spellings of s (in NFC) that are s in Canonical
// form and in the same case, s first: both places of each movable tone
// mark (Hoà Thuỷ, Hòa Thuỷ, Hoà Thủy, Hòa Thủy), and Ð for a Đ that
// begins a word, as text stored before Clean may hold it. Past
// maxSpellings, the later words stay as they are in s.
func Spellings(s string) []string {
	out := []string{""}
	for _, seg := range segmentsOf(NFC(s)) {
		alts := []string{seg}
		if v, ok := placements(seg); ok {
			alts = []string{seg, v[0]}
			if v[0] == seg {
				alts[1] = v[1]
			}
		}
		if strings.HasPrefix(seg, "Đ") {
			for _, a := range alts {
				alts = append(alts, "Ð"+strings.TrimPrefix(a, "Đ"))
			}
		}
		if len(out)*len(alts) > maxSpellings {
			alts = alts[:1]
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+a)
			}
		}
		out = next
	}
	return out
}

// segmentsOf yields the words of s (runs of letters and marks) and what
// lies between them, in order, each with its byte offset.
func segmentsOf(s string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		start, inWord := 0, false
		for i, r := range s {
			w := unicode.IsLetter(r) || unicode.Is(unicode.M, r)
			if i > 0 && w != inWord {
				if !yield(start, s[start:i]) {
					return
				}
				start = i
			}
			inWord = w
		}
		if start < len(s) {
			yield(start, s[start:])
		}
	}
}

// Vietnamese tone marks, as combining characters.
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// placements returns the two spellings of w, in NFC, when it is a syllable
// ending in oa, oe or uy with its tone on one of the two: the tone on the
// first vowel, then on the second.
func placements(w string) ([2]string, bool) {
	d := []rune(norm.NFD.String(w))
	// Up to three consonants, the two vowels, and a tone after one of them.
	n := 0
	for n < len(d) && strings.ContainsRune("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX", d[n]) {
		n++
	}
	if n > 3 || len(d) != n+3 {
		return [2]string{}, false
	}
	v1, v2, tone := d[n], d[n+2], d[n+1]
	if strings.ContainsRune(toneMarks, d[n+2]) {
		v2, tone = d[n+1], d[n+2]
	}
	if !strings.ContainsRune(toneMarks, tone) {
		return [2]string{}, false
	}
	switch strings.ToLower(string([]rune{v1, v2})) {
	case "oa", "oe", "uy":
	default:
		return [2]string{}, false
	}
	onset := string(d[:n])
	return [2]string{
		norm.NFC.String(onset + string([]rune{v1, tone, v2})),
		norm.NFC.String(onset + string([]rune{v1, v2, tone})),
	}, true
}

// Prefixes returns the prefixes that the start of a word typed as p
// stands for: p, and when p ends in a letter typed without a mark, p
// ending in that letter with any marks ("Ha" also as "Hà", "Hă", "Hạ"…,
// "D" also as "Đ"), so that the letters typed find every name they begin
// whatever marks the next letter has. Earlier letters match as typed, but
// for the tone of a syllable's oa, oe or uy, which may sit on either
// vowel: when p ends in one of them typed bare, also with a tone on the
// first ("Hoa" also as "Hòa", "Thuy" as "Thủy"); when p ends in one with
// a tone, also with the tone on the other ("Hoà" as "Hòa"). All are in
// NFC, p first.
func Prefixes(p string) []string {
	p = NFC(p)
	last, size := utf8.DecodeLastRuneInString(p)
	marked := markedLetters[last]
	out := make([]string, 0, 1+len(marked))
	out = append(out, p)
	for _, r := range marked {
		out = append(out, p[:len(p)-size]+string(r))
	}
	return append(out, otherTonePlaces(p)...)
}

// otherTonePlaces returns p with the tone of its last two letters, when
// they are oa, oe or uy, where the other spelling puts it: on the first
// vowel, each tone in turn, when both are typed bare; on the other vowel
// when one has a tone.
func otherTonePlaces(p string) []string {
	start := len(p)
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(p[:start])
		if !unicode.IsLetter(r) && !unicode.Is(unicode.M, r) {
			break
		}
		start -= n
	}
	word := p[start:]
	if v, ok := placements(word); ok {
		if v[0] == word {
			return []string{p[:start] + v[1]}
		}
		return []string{p[:start] + v[0]}
	}
	if len(word) < 2 {
		return nil
	}
	v1, v2 := rune(word[len(word)-2]), rune(word[len(word)-1])
	if v1 >= utf8.RuneSelf || v2 >= utf8.RuneSelf {
		return nil
	}
	if b1, b2 := baseLetter(v1), baseLetter(v2); !(b1 == 'o' && (b2 == 'a' || b2 == 'e') || b1 == 'u' && b2 == 'y') {
		return nil
	}
	var out []string
	for _, tone := range toneMarks {
		out = append(out, p[:len(p)-2]+norm.NFC.String(string([]rune{v1, tone}))+string(v2))
	}
	return out
}

// markedLetters maps each ASCII letter to the letters, in NFC, that are it
// with marks (for a: à, â, ấ, ä…), in order, and d and D to the letters
// Fold takes for them (đ ð, Đ Ð).
var markedLetters = func() map[rune][]rune {
	m := map[rune][]rune{'d': {'ð', 'đ'}, 'D': {'Ð', 'Đ'}}
	for r := rune(foldFirst); r < 0x1F00; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		if len(d) < 2 || d[0] >= utf8.RuneSelf || !unicode.IsLetter(d[0]) {
			continue
		}
		ok := true
		for _, c := range d[1:] {
			ok = ok && unicode.Is(unicode.Mn, c)
		}
		if ok {
			m[d[0]] = append(m[d[0]], r)
		}
	}
	return m
}()

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
