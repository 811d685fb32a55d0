// Package vntext handles Vietnamese text the way the registry needs it:
// normalized to NFC as entered, folded for accent-insensitive search, and
// ordered by Vietnamese collation.
package vntext

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalization form C: "Nguyễn" typed with
// combining marks and typed precomposed become the same string.
func NFC(s string) string { return norm.NFC.String(s) }

// Fold returns s without diacritics and in lower case, for search:
// "Nguyễn Thị Đào" becomes "nguyen thi dao". Unicode does not decompose đ and
// Đ, so they are mapped to d by hand.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Lower returns s in NFC and lower case, keeping its diacritics.
func Lower(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// collators are not safe for concurrent use; keep one per goroutine in use.
var collators = sync.Pool{New: func() any {
	return collate.New(language.Vietnamese)
}}

// SortKey returns a key that orders by Vietnamese collation, comparing the
// parts one after another: for people, given name, then middle name, then
// family name, as official lists sort. Keys compare with bytes.Compare (or
// SQLite's BINARY collation).
func SortKey(parts ...string) []byte {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	var key []byte
	for i, p := range parts {
		if i > 0 {
			// Below every weight, so that a part that is a prefix of another
			// sorts first whatever follows it.
			key = append(key, 0, 0)
		}
		key = append(key, c.KeyFromString(&buf, p)...)
		buf.Reset()
	}
	return key
}
