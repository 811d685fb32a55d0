package refdata

import (
	"strings"
	"unicode"

	"trithuc.gov.vn/trithuc/vntext"
)

// Entry is an entry of a reference list as a name typed for it is looked
// up: its code and the names it goes by (Vietnamese, English...).
type Entry struct {
	Code  string
	Names []string
}

// NameKey is how a name is compared when it is typed by hand: without
// diacritics, case, spaces or punctuation, so that "Nhat Ban", "nhật bản"
// and "Nhật  Bản" are one name, as are "Ê Đê" and "Ê-đê".
func NameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, vntext.Fold(s))
}

// exactKey is a name as written, less case and extra spaces: it tells
// apart names that differ only in their diacritics ("Xã Châu Thành" and
// "Xã Chau Thanh").
func exactKey(s string) string { return strings.Join(strings.Fields(vntext.Lower(s)), " ") }

// Index is a list's entries ready to be looked up by code and name, for
// a list read many times (an import's every row).
type Index struct {
	entries           []Entry
	codes, upperCodes map[string][]int // by code, and in upper case
	exact, keys       map[string][]int // by exactKey and NameKey of each name
}

// NewIndex indexes entries.
func NewIndex(entries []Entry) *Index {
	x := &Index{entries: entries, codes: map[string][]int{}, upperCodes: map[string][]int{},
		exact: map[string][]int{}, keys: map[string][]int{}}
	for i, e := range entries {
		x.codes[e.Code] = append(x.codes[e.Code], i)
		u := strings.ToUpper(e.Code)
		x.upperCodes[u] = append(x.upperCodes[u], i)
		for _, n := range e.Names {
			x.exact[exactKey(n)] = append(x.exact[exactKey(n)], i)
			if k := NameKey(n); k != "" {
				x.keys[k] = append(x.keys[k], i)
			}
		}
	}
	return x
}

// Len is the number of entries.
func (x *Index) Len() int { return len(x.entries) }

// Code returns the entry whose code s is, as written or in another case
// ("jp" for JP) when only one code is it so.
func (x *Index) Code(s string) (string, bool) {
	if _, ok := x.codes[s]; ok {
		return s, true
	}
	if found := x.of(x.upperCodes[strings.ToUpper(s)]); len(found) == 1 {
		return found[0].Code, true
	}
	return "", false
}

// Entry returns the entry of code as written.
func (x *Index) Entry(code string) (Entry, bool) {
	if is := x.codes[code]; len(is) > 0 {
		return x.entries[is[0]], true
	}
	return Entry{}, false
}

// Lookup returns the entries that s names: those with a name that is s
// as written (in any case), or else those with a name that is s typed
// without diacritics or in other spacing (NameKey). One entry is the one
// meant; more are for the person to choose from, by code; none, that s
// names no entry. An entry listed under several names counts once.
func (x *Index) Lookup(s string) []Entry {
	key := NameKey(s)
	if key == "" {
		return nil
	}
	if found := x.of(x.exact[exactKey(s)]); len(found) == 1 {
		return found
	}
	return x.of(x.keys[key])
}

// of is the entries at is, one per code.
func (x *Index) of(is []int) []Entry {
	var out []Entry
	for _, i := range is {
		out = addEntry(out, x.entries[i])
	}
	return out
}

// Lookup is Index.Lookup of entries, for a list looked up once.
func Lookup(s string, entries []Entry) []Entry { return NewIndex(entries).Lookup(s) }

// addEntry adds e to es unless an entry of its code is there.
func addEntry(es []Entry, e Entry) []Entry {
	for _, x := range es {
		if x.Code == e.Code {
			return es
		}
	}
	return append(es, e)
}

// Near returns, for a name that names no entry, up to max entries with a
// name a typing slip or another spelling away from it ("Khome" for
// "Khmer"): within an edit distance of NameKeys of 1 for short names, 2
// for longer ones. They are suggestions for a message, never taken for s.
func (x *Index) Near(s string, max int) []Entry {
	key := []rune(NameKey(s))
	if len(key) < 3 || len(key) > 64 {
		return nil
	}
	limit := 1
	if len(key) >= 5 {
		limit = 2
	}
	var out []Entry
	for _, e := range x.entries {
		for _, n := range e.Names {
			k := []rune(NameKey(n))
			if len(k) < 3 || abs(len(k)-len(key)) > limit || distance(key, k) > limit {
				continue
			}
			if out = addEntry(out, e); len(out) == max {
				return out
			}
			break
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the Levenshtein distance of a and b.
func distance(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ethnicAliases are spellings in common use of ethnic groups' names that
// the list (the GSO's, of 2008) does not give, by the name it gives: the
// Khmer of the Mekong delta write theirs Khơ-me, Khơ me or Khơme as well.
// A name typed is compared by its NameKey, so one spelling stands for its
// variants in spacing and diacritics ("Khome").
var ethnicAliases = map[string][]string{"Khmer": {"Khơ-me", "Khơ me", "Khơme"}}

// EthnicAliases are the spellings in common use of the ethnic group of
// that name, besides it.
func EthnicAliases(name string) []string { return ethnicAliases[name] }

// levelAliases are the titles of degrees in common use that name a
// qualification level, by the level's name in the list (the national
// qualifications framework's, of Decision 1982/QĐ-TTg): a university
// degree is written by its title (Cử nhân, Kỹ sư, Bác sĩ...) as often as
// Đại học, and the titles by their abbreviations as often as in full
// (ThS., KS.). The specialist doctors' grades (Bác sĩ chuyên khoa I, II)
// are no level of the framework, and are not read as one.
var levelAliases = map[string][]string{
	"Đại học":          {"Cử nhân", "Kỹ sư", "Bác sĩ", "Dược sĩ", "Kiến trúc sư", "CN", "KS", "BS", "DS", "KTS"},
	"Thạc sĩ":          {"ThS"},
	"Tiến sĩ":          {"TS"},
	"Tiến sĩ khoa học": {"TSKH"},
}

// LevelAliases are the titles of degrees in common use that name the
// qualification level of that name, besides it.
func LevelAliases(name string) []string { return levelAliases[name] }

// degreeTitles are the titles of LevelAliases that are no name of their
// level (ThS is Thạc sĩ; Kỹ sư is not Đại học), in full and abbreviated:
// a qualification keeps such a title beside its level (its degree_title),
// in full.
var degreeTitles = []struct{ title, abbrev, level string }{
	{"Cử nhân", "CN", "Đại học"},
	{"Kỹ sư", "KS", "Đại học"},
	{"Bác sĩ", "BS", "Đại học"},
	{"Dược sĩ", "DS", "Đại học"},
	{"Kiến trúc sư", "KTS", "Đại học"},
}

// DegreeTitle reads s as the title of a degree that is no name of its
// level (Kỹ sư, KS, Bác sĩ...), compared by NameKey: the title in full,
// the name of the level it is a degree of, and whether it is one.
func DegreeTitle(s string) (title, level string, ok bool) {
	k := NameKey(s)
	for _, t := range degreeTitles {
		if k == NameKey(t.title) || k == NameKey(t.abbrev) {
			return t.title, t.level, true
		}
	}
	return "", "", false
}

// DegreeTitles are the titles DegreeTitle reads, in full.
func DegreeTitles() []string {
	var out []string
	for _, t := range degreeTitles {
		out = append(out, t.title)
	}
	return out
}

// IsLevelAlias says whether s is one of the titles of LevelAliases
// (compared by NameKey).
func IsLevelAlias(s string) bool {
	k := NameKey(s)
	for _, names := range levelAliases {
		for _, n := range names {
			if NameKey(n) == k {
				return true
			}
		}
	}
	return false
}

// Languages are the languages of foreign-language certificates most
// often named in Vietnamese ("Tiếng Nhật", or "Nhật"), by ISO 639-1
// code, and in English. Other languages are written by their code.
var Languages = []Entry{
	{Code: "en", Names: []string{"Tiếng Anh", "Anh", "English"}},
	{Code: "fr", Names: []string{"Tiếng Pháp", "Pháp", "French"}},
	{Code: "zh", Names: []string{"Tiếng Trung", "Tiếng Trung Quốc", "Tiếng Hoa", "Trung", "Hoa", "Chinese"}},
	{Code: "ja", Names: []string{"Tiếng Nhật", "Nhật", "Japanese"}},
	{Code: "ko", Names: []string{"Tiếng Hàn", "Tiếng Hàn Quốc", "Hàn", "Korean"}},
	{Code: "ru", Names: []string{"Tiếng Nga", "Nga", "Russian"}},
	{Code: "de", Names: []string{"Tiếng Đức", "Đức", "German"}},
	{Code: "es", Names: []string{"Tiếng Tây Ban Nha", "Tây Ban Nha", "Spanish"}},
	{Code: "it", Names: []string{"Tiếng Ý", "Tiếng Italia", "Italian"}},
	{Code: "pt", Names: []string{"Tiếng Bồ Đào Nha", "Bồ Đào Nha", "Portuguese"}},
	{Code: "th", Names: []string{"Tiếng Thái", "Thai"}},
	{Code: "lo", Names: []string{"Tiếng Lào", "Lào", "Lao"}},
	{Code: "km", Names: []string{"Tiếng Khmer", "Tiếng Khơ-me", "Khmer"}},
	{Code: "vi", Names: []string{"Tiếng Việt", "Vietnamese"}},
}

// unitPrefixes are the words a unit's name begins with that say its kind,
// longest first: a name is often written without them ("Rạch Giá" for
// "Thành phố Rạch Giá").
var unitPrefixes = []string{"thanh pho", "thi tran", "dac khu", "thi xa", "huyen", "phuong", "quan", "tinh", "xa"}

// UnitShortName is a unit's name without the word of its kind ("Rạch
// Giá" of "Thành phố Rạch Giá"), or "" when it has none.
func UnitShortName(name string) string {
	words := strings.Fields(name)
	for _, p := range unitPrefixes {
		n := len(strings.Fields(p))
		if len(words) > n && vntext.Fold(strings.Join(words[:n], " ")) == p {
			return strings.Join(words[n:], " ")
		}
	}
	return ""
}
