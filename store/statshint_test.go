package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A refused statistics filter hints at the fields the caller may name:
// for a field of no person, as for a person's that picks people out.
func TestStatsFilterHintListsOnlyFieldsTheCallerMayName(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	noEthnicity := func(path string) bool { return path != "ethnicity" }
	for _, tc := range []struct {
		name, filter string
		may          FilterFields
		want, not    string
	}{
		{"unknown field, ethnicity refused", "birth_year = 1980", noEthnicity, `unknown field "birth_year"`, "ethnicity"},
		{"unknown field, everything allowed", "birth_year = 1980", nil, "ethnicity", ""},
		{"person's field, ethnicity refused", `national_id = "091012345678"`, noEthnicity, "cannot be filtered by national_id", "ethnicity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.ComputeStatistics(ctx, StatsQuery{Filter: tc.filter, MayFilter: tc.may,
				Dimensions: []Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL}})
			var se *Error
			if !errors.As(err, &se) || se.Code != Invalid || se.Field != "filter" {
				t.Fatalf("err = %v; want INVALID_ARGUMENT on filter", err)
			}
			if !strings.Contains(se.Message, tc.want) || !strings.Contains(se.Message, "gender") ||
				tc.not != "" && strings.Contains(se.Message, tc.not) {
				t.Errorf("message %q; want %q and gender, not %q", se.Message, tc.want, tc.not)
			}
		})
	}
}
