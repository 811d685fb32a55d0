// Package vntext handles Vietnamese text the way the registry needs it:
// normalized to NFC as entered, folded for accent-insensitive search, and
// ordered by Vietnamese collation.
package vntext

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalization form C: "Nguyễn" typed with
// combining marks and typed precomposed become the same string.
func NFC(s string) string { return norm.NFC.String(s) }

// Fold returns s without diacritics and in lower case, for search:
// "Nguyễn Thị Đào" becomes "nguyen thi dao". Unicode does not decompose đ and
// Đ, so they are mapped to d by hand, as are Ð and ð.
func Fold(s string) string {
	// Most text is ASCII and precomposed Latin letters: fold those rune by
	// rune from a table, and anything else the long way.
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r >= foldFirst && r < foldFirst+rune(len(foldTable)) && foldTable[r-foldFirst] != "\xff":
			b.WriteString(foldTable[r-foldFirst])
		default:
			return foldSlow(s)
		}
	}
	return b.String()
}

// foldTable folds the runes from foldFirst on one by one: the Latin letters
// with diacritics (Latin-1 to Latin Extended Additional, where Vietnamese
// letters are) and the combining marks. "\xff" marks a rune that the table
// does not fold. Folding a string rune by rune is folding it whole for
// these runes: their decompositions are a letter followed by marks, and
// reordering marks, which decomposing a whole string may do, cannot move
// letters.
var foldTable = func() []string {
	t := make([]string, 0x1F00-foldFirst)
	for i := range t {
		r := foldFirst + rune(i)
		t[i] = "\xff"
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		ok := !unicode.Is(unicode.Mn, d[0]) || len(d) == 1
		for _, m := range d[1:] {
			ok = ok && unicode.Is(unicode.Mn, m)
		}
		if ok {
			t[i] = foldSlow(string(r))
		}
	}
	return t
}()

const foldFirst = 0xC0

func foldSlow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ' || r == 'Ð' || r == 'ð':
			// Ð (Eth) is a common stand-in for Đ in legacy and web
			// text, and d is how ð is written without marks; ð with it,
			// so that a word folds the same in either case.
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Lower returns s in NFC and lower case, keeping its diacritics.
func Lower(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// keyer is a collator with the buffer it keys into. Neither is safe for
// concurrent use; pools keep one per goroutine in use. The buffer is
// pooled with its collator because a collate.Buffer is 4 KiB: made anew
// at every key it was a heap allocation to clear, four at every create
// of a person (BENCHMARKS.md, "CreatePerson's write path").
type keyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// key returns c's key of s in the keyer's buffer, valid until the next.
func (k *keyer) key(s string) []byte {
	k.buf.Reset()
	return k.c.KeyFromString(&k.buf, s)
}

func keyers(o ...collate.Option) *sync.Pool {
	return &sync.Pool{New: func() any { return &keyer{c: collate.New(language.Vietnamese, o...)} }}
}

var collators = keyers()

// SortKey returns a key that orders by Vietnamese collation, comparing the
// parts one after another: for people, given name, then middle name, then
// family name, as official lists sort. Keys compare with bytes.Compare (or
// SQLite's BINARY collation). Each part is keyed as Clean keeps it with
// its tones where Tones puts them, so that the spellings of one name
// (Thuỷ and Thủy, Hoà and Hòa) sort as one, as they compare as one, and
// the next part decides between them.
func SortKey(parts ...string) []byte {
	k := collators.Get().(*keyer)
	defer collators.Put(k)
	return sortKey(k, parts)
}

// numericCollators compare runs of digits as numbers ("số 2" before "số
// 10"), for lists sorted in memory. SortKey, whose keys the store keeps
// and searches by prefix, stays without: a stored key must not change.
var numericCollators = keyers(collate.Numeric)

// sortKey is SortKey by keyer k.
func sortKey(k *keyer, parts []string) []byte {
	var key []byte
	for i, p := range parts {
		if i > 0 {
			// Below every weight, so that a part that is a prefix of another
			// sorts first whatever follows it.
			key = append(key, 0, 0)
		}
		key = append(key, k.key(Tones(Clean(p)))...)
	}
	return key
}

// looseCollators key text at the first level alone: the letters, neither
// tones nor case. Not safe for concurrent use, as collators.
var looseCollators = keyers(collate.Loose)

// The Vietnamese letters that a letter typed without marks stands for
// beside itself: those that the alphabet orders as letters of their own
// (ă and â after a, đ after d...). Other marks, tones among them, weigh
// only after the letters in a SortKey.
var ownLetters = map[byte]string{'a': "ăâ", 'd': "đ", 'e': "ê", 'o': "ôơ", 'u': "ư"}

// KeyStarts returns the starts of the SortKeys of the text that begins with
// p, typed without marks, in any case and with any marks: "Nguyen" begins
// Nguyễn and NGUYÊN, "Dang" Đặng, "Ho" Hồ, Hổ and Hơn. It returns nil for a p
// with marks (or other letters beyond ASCII), which is to match as typed,
// and an error, saying what to do, when p stands for more than maxSpellings
// spellings. A SortKey begins with the weights of its letters at the first
// level (collate.Loose), which these starts are.
func KeyStarts(p string) ([][]byte, error) {
	if !isASCII(p) {
		return nil, nil
	}
	p = strings.ToLower(p)
	n := 1
	for i := 0; i < len(p); i++ {
		if n *= 1 + utf8.RuneCountInString(ownLetters[p[i]]); n > maxSpellings {
			return nil, fmt.Errorf("%q typed without marks stands for more than %d spellings; type it with its marks to match it as typed", p, maxSpellings)
		}
	}
	spellings := []string{""}
	for i := 0; i < len(p); i++ {
		next := make([]string, 0, len(spellings)*(1+len(ownLetters[p[i]])))
		for _, s := range spellings {
			next = append(next, s+p[i:i+1])
			for _, r := range ownLetters[p[i]] {
				next = append(next, s+string(r))
			}
		}
		spellings = next
	}
	starts := make([][]byte, len(spellings))
	for i, s := range spellings {
		starts[i] = LooseKey(s)
	}
	return starts, nil
}

// LooseKey is how the SortKey of every text that begins with s begins: the
// weights of s's letters at the first level (collate.Loose), with neither
// tones nor case, so that a range of keys from it holds every such text
// (and others that differ from s only in tones or case).
func LooseKey(s string) []byte {
	k := looseCollators.Get().(*keyer)
	defer looseCollators.Put(k)
	return append([]byte{}, k.key(s)...)
}

// Sort sorts s stably by the Vietnamese collation of each element's text
// (Đức after Dominica, Ủy ban before Viện), with numbers compared as
// numbers (Trạm Y tế số 2 before số 10), working out each key once.
func Sort[T any](s []T, text func(T) string) {
	type keyed struct {
		key []byte
		v   T
	}
	k := numericCollators.Get().(*keyer)
	defer numericCollators.Put(k)
	ks := make([]keyed, len(s))
	for i, v := range s {
		ks[i] = keyed{sortKey(k, []string{text(v)}), v}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return bytes.Compare(a.key, b.key) })
	for i := range ks {
		s[i] = ks[i].v
	}
}

// Hidden finds the first character in s that a reader cannot see or that
// changes the direction of the text around it: format characters (zero-width
// spaces and joiners, the byte-order mark, soft hyphens, bidirectional
// embeddings, overrides and isolates) and control characters other than
// tab, line feed and carriage return. Such characters make two names that
// look the same compare different, which defeats duplicate detection and
// search, and can make a name display as something else. It returns the
// character and its byte offset, or ok false when s has none.
func Hidden(s string) (r rune, at int, ok bool) {
	for i, c := range s {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
		case c == utf8.RuneError:
			// Invalid UTF-8 is refused elsewhere, by the transports.
		case unicode.Is(unicode.Cf, c), unicode.IsControl(c),
			unicode.Is(unicode.Co, c), c >= 0xFFF9 && c <= 0xFFFB:
			return c, i, true
		}
	}
	return 0, 0, false
}

// HiddenName names a character found by Hidden for a person to read, for
// example "U+200B (zero-width space)".
func HiddenName(r rune) string {
	name := hiddenNames[r]
	if name == "" {
		switch {
		case unicode.IsControl(r):
			name = "control character"
		case unicode.Is(unicode.Co, r):
			name = "private-use character"
		default:
			name = "invisible formatting character"
		}
	}
	return fmt.Sprintf("U+%04X (%s)", r, name)
}

var hiddenNames = map[rune]string{
	0x00AD: "soft hyphen",
	0x061C: "Arabic letter mark",
	0x180E: "Mongolian vowel separator",
	0x200B: "zero-width space",
	0x200C: "zero-width non-joiner",
	0x200D: "zero-width joiner",
	0x200E: "left-to-right mark",
	0x200F: "right-to-left mark",
	0x202A: "left-to-right embedding",
	0x202B: "right-to-left embedding",
	0x202C: "pop directional formatting",
	0x202D: "left-to-right override",
	0x202E: "right-to-left override",
	0x2060: "word joiner",
	0x2066: "left-to-right isolate",
	0x2067: "right-to-left isolate",
	0x2068: "first strong isolate",
	0x2069: "pop directional isolate",
	0xFEFF: "zero-width no-break space (byte-order mark)",
}
