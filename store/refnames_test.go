package store

import (
	"context"
	"slices"
	"testing"

	"trithuc.gov.vn/trithuc/refdata"
)

// The seeded lists' names name their entries: a field's name both schemes
// give names the default scheme's field, a unit goes by its name without
// its kind's word, an academic title by its abbreviation, an ethnic group
// by the spellings of its name in common use.
func TestReferenceNames(t *testing.T) {
	db := openTest(t)
	n, err := db.ReferenceNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		list []refdata.Entry
		name string
		want []string
	}{
		{n.Ethnic, "Khmer", []string{"05"}},
		{n.Ethnic, "Khơ-me", []string{"05"}}, // the spellings in common use
		{n.Ethnic, "Khơ me", []string{"05"}},
		{n.Ethnic, "khơme", []string{"05"}},
		{n.Ethnic, "Kho me", []string{"05"}},
		{n.Countries, "Nhat Ban", []string{"JP"}},
		{n.Countries, "Japan", []string{"JP"}},
		{n.Levels, "Thạc sĩ", []string{"THAC_SI"}},
		{n.Levels, "PGS", []string{"PHO_GIAO_SU"}},
		{n.Fields, "Khoa học tự nhiên", []string{"fields/vn2008-1"}},
		{n.Fields, "102", []string{"fields/vn2008-102"}},
		{n.Units, "Kiên Giang", []string{"91"}},
		{n.Units, "Rạch Giá", []string{"899", "30742"}},
	} {
		var got []string
		for _, e := range refdata.Lookup(tc.name, tc.list) {
			got = append(got, e.Code)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.name, got, tc.want)
		}
	}
}
