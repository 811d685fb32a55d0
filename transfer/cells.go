package transfer

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/vntext"
)

// ParseText trims a cell and puts it in NFC, on one line (oneLine: its
// lines joined by a space). Text typed in a legacy font encoding is
// refused with what to do about it.
func ParseText(s string) (string, error) { return parseText(s, " ") }

// ParseAddress is ParseText for an address, whose lines are its parts
// (house and street, ward, province): they are joined by ", ", as an
// address is written on one line.
func ParseAddress(s string) (string, error) { return parseText(s, ", ") }

func parseText(s, sep string) (string, error) {
	s = strings.TrimSpace(oneLine(vntext.NFC(s), sep))
	switch DetectLegacy(s) {
	case TCVN3:
		return "", fmt.Errorf("the text %s looks typed in the TCVN3 (ABC) font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, TCVN3 → Unicode) and import it again",
			quote(s), quote(FromTCVN3(head(s))))
	case VNI:
		return "", fmt.Errorf("the text %s looks typed in the VNI font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, VNI Windows → Unicode) and import it again",
			quote(s), quote(FromVNI(head(s))))
	case TCVN3OrVNI:
		return "", fmt.Errorf("the text %s looks typed in a legacy font encoding: in TCVN3 (ABC) it reads as %s, in VNI as %s; convert the file to Unicode from the one it was typed in (Unikey: Công cụ chuyển mã) and import it again",
			quote(s), quote(FromTCVN3(head(s))), quote(FromVNI(head(s))))
	}
	return s, nil
}

// oneLine is s with its line breaks (a cell's Alt+Enter in Excel), and
// the spaces around each, made sep; blank lines go. A line that ends in a
// comma or another separator is followed by a space, not by a second
// separator. The fields an import fills are of one line, and the store
// refuses a line break as a control character; every other control
// character is left for the checks to refuse.
func oneLine(s, sep string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			continue
		case b.Len() == 0:
		case strings.ContainsAny(b.String()[b.Len()-1:], ",;:-"):
			b.WriteByte(' ')
		default:
			b.WriteString(sep)
		}
		b.WriteString(line)
	}
	return b.String()
}

// maxQuoted is how much of a cell a message quotes: a cell may hold
// millions of characters, and every message is stored with its import.
const maxQuoted = 60

// quote quotes a cell's text for a message, its first maxQuoted
// characters when it is longer.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	r := []rune(s)
	return strconv.Quote(string(r[:maxQuoted])) + "…"
}

// head is enough of s for a message to quote its reading in a legacy
// font: VNI writes a letter in two characters.
func head(s string) string {
	n := 0
	for i := range s {
		if n++; n > 2*maxQuoted+2 {
			return s[:i]
		}
	}
	return s
}

// excelEpoch is day 0 of Excel's serial dates (1899-12-30, which absorbs
// Excel's fictitious 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Serials of the 1900 date system (Excel's default): the first that ParseDate
// reads, 1 March 1900 (Excel counts a 29 February 1900 that never was, so
// every earlier serial is a day off, and nothing in the registry is that
// old), and the last, 31/12/2999 (the last date a four-digit year writes).
// date1904 is what a serial of the 1904 system (a workbook's
// <workbookPr date1904="1"/>, as old Mac Excel made them) adds to be one
// of the 1900 system.
const (
	firstSerial = 61
	lastSerial  = 401768
	date1904    = 1462
)

// serial is the number s holds when ParseDate reads it as an Excel serial
// date: a number, neither a year (below) nor a month and year ("3.1980").
func serial(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if m, y, ok := strings.Cut(s, "."); ok && len(m) <= 2 && len(y) == 4 {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "/-") || n >= 1000 && n < 3000 {
		return 0, false
	}
	return n, true
}

// from1904 is a cell of a workbook of the 1904 date system as one of the
// 1900 system: its serial dates shifted, the rest as it is.
func from1904(s string) string {
	if n, ok := serial(s); ok && n >= 0 && n <= lastSerial {
		return strconv.FormatFloat(n+date1904, 'f', -1, 64)
	}
	return s
}

// ParseDate reads a date as a spreadsheet gives it: an Excel serial number
// (of the 1900 system: see from1904), dd/mm/yyyy (or with - or . between),
// yyyy-mm-dd, mm/yyyy (day 0), or a year alone (month and day 0). A whole
// number from 1000 to 2999 ("1980", or "1980.0" as a spreadsheet may give
// it) is a year, not a serial: a serial that small is a day in 1902..1908,
// and a year alone is what old lists hold when the exact date is unknown.
func ParseDate(s string) (*date.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if n, ok := dateInWords(s); ok {
		d, err := ParseDate(n)
		if err != nil {
			return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, or the year alone", quote(s))
		}
		return d, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "/-") && n >= 1000 && n < 3000 {
		if n != math.Trunc(n) {
			return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, or the year alone", quote(s))
		}
		return &date.Date{Year: int32(n)}, nil
	}
	if n, ok := serial(s); ok {
		// A fraction is a time of the day.
		if !(n >= firstSerial && n < lastSerial+1) {
			return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, or the year alone", quote(s))
		}
		t := excelEpoch.AddDate(0, 0, int(n))
		return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}, nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) == 2 && len(parts[1]) == 4 {
		// mm/yyyy: a month whose day is not known, as FormatDate writes it.
		m, err1 := strconv.Atoi(parts[0])
		y, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1000 || y > 2999 {
			return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, mm/yyyy, or the year alone", quote(s))
		}
		return &date.Date{Year: int32(y), Month: int32(m)}, nil
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, or the year alone", quote(s))
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%s is not a date: write dd/mm/yyyy, or the year alone", quote(s))
		}
		n[i] = v
	}
	d, m, y := n[0], n[1], n[2]
	if len(parts[0]) == 4 { // yyyy-mm-dd
		y, m, d = n[0], n[1], n[2]
	}
	if y < 1000 || y > 2999 {
		return nil, fmt.Errorf("%s: write the year with four digits (dd/mm/yyyy)", quote(s))
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return nil, fmt.Errorf("%s is not a date: the day comes first, then the month (dd/mm/yyyy)", quote(s))
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return nil, fmt.Errorf("%s is not a date: month %d has no day %d", quote(s), m, d)
	}
	return &date.Date{Year: int32(y), Month: int32(m), Day: int32(d)}, nil
}

// dateInWords reads a date written out as a document writes it, "ngày 15
// tháng 3 năm 1980", "15 tháng 03 năm 1980", "tháng 3/1980", "năm 1980",
// or with "ngày" before dd/mm/yyyy, as its numbers: "15/3/1980". It is
// false for anything else, a number left for ParseDate's rules.
func dateInWords(s string) (string, bool) {
	words := strings.FieldsFunc(vntext.Fold(s), func(r rune) bool { return r == ' ' || r == '/' || r == '-' || r == '.' || r == ',' })
	var nums []string
	named := false
	for _, w := range words {
		switch {
		case w == "ngay" || w == "thang" || w == "nam":
			named = true
		case allDigits(w):
			nums = append(nums, w)
		default:
			return "", false
		}
	}
	if !named || len(nums) == 0 || len(nums) > 3 {
		return "", false
	}
	return strings.Join(nums, "/"), true
}

// FormatDate writes a date the way ParseDate reads it back.
func FormatDate(d *date.Date) string {
	switch {
	case d == nil || d.Year == 0:
		return ""
	case d.Month == 0:
		return strconv.Itoa(int(d.Year))
	case d.Day == 0:
		return fmt.Sprintf("%02d/%04d", d.Month, d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// ParseCode reads a code from a cell that may hold the code alone or the
// drop-down's "code - label" ("05 - Khmer").
func ParseCode(s string) string {
	s = strings.TrimSpace(s)
	if code, _, ok := strings.Cut(s, " - "); ok {
		return strings.TrimSpace(code)
	}
	return s
}

// ParseDigits reads an identifier made of digits. A spreadsheet that kept
// it as a number may show it in scientific notation, which has lost digits:
// that is refused with what to do rather than stored wrong.
func ParseDigits(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "eE") {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return "", fmt.Errorf("%s is a number in scientific notation and has lost digits; format the column as Text and type the number again", quote(s))
		}
	}
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\'' }), nil
}

// retype is the advice for an identifier a spreadsheet kept as a number,
// which drops its leading zeros.
const retype = "format the column as Text and type the number again"

// ParseNationalID reads a national ID: 12 digits (CCCD) or 9 (CMND),
// written in groups too, as a card prints them ("001 080 000 001",
// "001.080.000.001"). A number of digits between, or fewer, is one whose
// leading zeros a spreadsheet dropped (CCCD numbers begin with the
// province code, 001 for Hà Nội), which is said rather than refused as a
// wrong pattern.
func ParseNationalID(s string) (string, error) {
	id, err := ParseDigits(s)
	if grouped := strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, id); err == nil && !allDigits(id) && allDigits(grouped) && (len(grouped) == 12 || len(grouped) == 9) {
		id = grouped
	}
	if err != nil || !allDigits(id) || len(id) == 12 || len(id) == 9 || len(id) > 12 {
		return id, err
	}
	return "", fmt.Errorf("%s has %d digits, not 12 (CCCD) or 9 (CMND): the leading zeros were probably lost; %s", quote(id), len(id), retype)
}

// ParsePhone reads a phone number. A Vietnamese number has 10 (mobile)
// or 11 (landline) digits beginning with 0, or +84 for the 0. Digits
// alone that Vietnam's numbering tells are such a number without its 0
// (9 digits, 3, 5, 7, 8 or 9 first; 10 digits, 2 first), as a cell kept
// as a number holds it, are the number with its 0, and a Warning says so.
// Other digits alone, 9 or 10 of them, not beginning with 0, have lost
// something that cannot be told, and are refused.
func ParsePhone(s string) (string, error) {
	p, err := ParseText(s)
	if err != nil || !allDigits(p) || (len(p) != 9 && len(p) != 10) || p[0] == '0' {
		return p, err
	}
	if vntext.ZeroLessPhone(p) {
		return "0" + p, &Warning{Msg: fmt.Sprintf("%s has lost its leading 0, which a spreadsheet drops from a number: imported as %s; check it, and format the column as Text to keep the 0", quote(p), quote("0"+p))}
	}
	return "", fmt.Errorf("%s does not begin with 0: the leading zero was probably lost; %s", quote(p), retype)
}

// Warning is what a parser returns, beside the value, for a cell it read
// otherwise than the cell writes it: the value is kept and the row is not
// refused, and the import reports the warning so that someone checks it
// (CellError.Warning).
type Warning struct{ Msg string }

func (w *Warning) Error() string { return w.Msg }

// choice reads a cell that names one of a few values, by its Vietnamese
// label or its API name, in any case, and with or without its diacritics
// ("Nu" for Nữ), as the template's instructions say, when that names one
// value only.
func choice[T ~int32](s string, values map[string]T) (T, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if v, ok := values[vntext.Lower(s)]; ok {
		return v, nil
	}
	folded, found := vntext.Fold(s), []T(nil)
	for k, v := range values {
		if vntext.Fold(k) == folded && !slices.Contains(found, v) {
			found = append(found, v)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return 0, fmt.Errorf("%s is not one of the values of the drop-down list", quote(s))
}
