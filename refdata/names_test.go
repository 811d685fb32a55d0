package refdata

import (
	"slices"
	"testing"
)

func TestLookup(t *testing.T) {
	ethnic := []Entry{{"01", []string{"Kinh"}}, {"05", []string{"Khmer"}}, {"06", []string{"Hoa"}},
		{"11", []string{"Ê Đê"}}, {"14", []string{"Chăm"}}}
	countries := []Entry{{"JP", []string{"Nhật Bản", "Japan"}}, {"CD", []string{"Congo - Kinshasa"}}}
	units := []Entry{{"1", []string{"Xã Châu Thành"}}, {"2", []string{"Xã Chau Thanh"}},
		{"899", []string{"Thành phố Rạch Giá", "Rạch Giá"}}, {"30742", []string{"Phường Rạch Giá", "Rạch Giá"}},
		{"91", []string{"Tỉnh Kiên Giang", "Kiên Giang"}}, {"91", []string{"Tỉnh An Giang", "An Giang"}}}
	for _, tc := range []struct {
		name, in string
		list     []Entry
		want     []string
	}{
		{"OKName", "Kinh", ethnic, []string{"01"}},
		{"OKLowerCase", "khmer", ethnic, []string{"05"}},
		{"OKWithoutMarks", "Cham", ethnic, []string{"14"}},
		{"OKHyphenated", "Ê-đê", ethnic, []string{"11"}},
		{"OKRunTogether", "ede", ethnic, []string{"11"}},
		{"OKWithoutMarksAndSpaces", "  nhat   ban ", countries, []string{"JP"}},
		{"OKEnglish", "JAPAN", countries, []string{"JP"}},
		{"OKNameWithADash", "Congo - Kinshasa", countries, []string{"CD"}},
		{"OKMarksTellApart", "xã châu thành", units, []string{"1"}},
		{"OKOneCodeTwoNames", "Kien Giang", units, []string{"91"}},
		{"AmbiguousWithoutMarks", "xa chau thanh", units, []string{"1", "2"}},
		{"AmbiguousShortName", "Rach Gia", units, []string{"899", "30742"}},
		{"NonePartOfAName", "Kin", ethnic, nil},
		{"NoneUnknown", "Khome", ethnic, nil},
		{"NoneEmpty", "", ethnic, nil},
		{"NonePunctuation", " - ", countries, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range Lookup(tc.in, tc.list) {
				got = append(got, e.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Lookup(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestNear(t *testing.T) {
	ethnic := []Entry{{"01", []string{"Kinh"}}, {"05", []string{"Khmer"}}, {"06", []string{"Hoa"}}, {"30", []string{"Co"}}}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Khome", []string{"05"}},
		{"Khơ-me", []string{"05"}},
		{"Kihn", nil}, // a transposition is two edits, too many for a short name
		{"Kinhh", []string{"01"}},
		{"Ho", nil}, // too short to guess at
		{"Việt", nil},
	} {
		var got []string
		for _, e := range NewIndex(ethnic).Near(tc.in, 3) {
			got = append(got, e.Code)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Near(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestUnitShortName(t *testing.T) {
	for in, want := range map[string]string{
		"Thành phố Rạch Giá": "Rạch Giá",
		"Tỉnh An Giang":      "An Giang",
		"Xã Châu Thành":      "Châu Thành",
		"Đặc khu Phú Quốc":   "Phú Quốc",
		"Thị xã Hà Tiên":     "Hà Tiên",
		"Phường":             "",
		"Rạch Giá":           "",
	} {
		if got := UnitShortName(in); got != want {
			t.Errorf("UnitShortName(%q) = %q, want %q", in, got, want)
		}
	}
}
