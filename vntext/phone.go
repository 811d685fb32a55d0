package vntext

import "strings"

// ZeroLessPhone reports whether the digits d are a Vietnamese phone number
// without its leading 0, as a spreadsheet that kept the number as a number
// holds it: a mobile number has 10 digits, 03, 05, 07, 08 or 09 first, and
// a landline 11, 02 first, so 9 digits with 3, 5, 7, 8 or 9 first and 10
// with 2 first are one of them cut short. Other digits, shorter ones and
// those that begin with 0 are not. (84 and 7 digits is no number with the
// country code: 841234567 is 0841234567 without its 0.) An import restores
// the 0 (transfer.ParsePhone), and the store keys either as one number
// (store/phone_key.go).
func ZeroLessPhone(d string) bool {
	switch len(d) {
	case 9:
		return strings.IndexByte("35789", d[0]) >= 0 && allDigits(d)
	case 10:
		return d[0] == '2' && allDigits(d)
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
