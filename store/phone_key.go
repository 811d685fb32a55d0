package store

import (
	"slices"
	"strings"

	"trithuc.gov.vn/trithuc/vntext"
)

// A phone is stored as it was typed (person.proto: digits, a leading +,
// spaces, dots or hyphens between groups), and an import's problems and
// report quote it as its file typed it. people.phone_key (migration 0037,
// set by every write of a person through personValues; recomputed by 0039
// when zero-less numbers joined it) is phoneKey of the stored phone,
// indexed: an operation's texts find the people whose phone they quote
// however either was typed (ImportWithholds), and a purge finds the
// operations that quote the person's (purgeImports).

// phoneKey is the number a phone is, however its groups were typed: its
// digits alone, with Vietnam's country code read as the trunk 0 it stands
// for at home, so that 0912 345 678, +84 912345678, 84 0912 345 678 and
// 0912.345.678 are one key, 0912345678. A number that a spreadsheet kept
// as a number has lost that 0 (912345678, 2963841234): where Vietnam's
// numbering tells (vntext.ZeroLessPhone), it is the number with its 0. A
// number at home begins with 0, never with 84, so no two numbers share a
// key. It is "" for a text that is no number.
func phoneKey(s string) string {
	s = strings.TrimSpace(s)
	rest, plus := strings.CutPrefix(s, "+")
	d := digitsOf(rest)
	// After a +, a country code comes: +912345678 is India's 91.
	if !plus && vntext.ZeroLessPhone(d) {
		return "0" + d
	}
	if rest, ok := strings.CutPrefix(d, "84"); ok {
		return "0" + strings.TrimPrefix(rest, "0")
	}
	return d
}

// runPhoneKeys are the keys of the phone a run of digits in a text may be:
// the run's, and the run's after its first digit, which may be the length
// byte of a serialized string before the number (textTokens.add).
func runPhoneKeys(run string) []string {
	keys := []string{phoneKey(run)}
	if len(run) > 8 {
		keys = append(keys, phoneKey(run[1:]))
	}
	return keys
}

// holdsPhone reports whether a run of digits in a text holds the phone of
// key, typed at home or with the country code (a text's runs have lost
// the +), or is that phone without its leading 0, as the index finds it
// (runPhoneKeys).
func holdsPhone(run, key string) bool {
	if strings.Contains(run, key) {
		return true
	}
	rest, ok := strings.CutPrefix(key, "0")
	return ok && strings.Contains(run, "84"+rest) || slices.Contains(runPhoneKeys(run), key)
}
