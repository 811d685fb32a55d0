package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// With field_scheme, a filter on fields.field matches as FIELD counts in
// that scheme: the field, those under it, and the other scheme's fields
// the crosswalk pairs with them; without it, the exact field only.
func TestStatisticsFieldFilterAcrossSchemes(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	if _, err := e.db.LoadReference(ctx, store.RefField, "vn2025", strings.NewReader(fields2025), false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.LoadReference(ctx, store.RefFieldCrosswalk, "", strings.NewReader(crosswalk2025), false); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		fields []string
		n      int
	}{
		{[]string{"vn2008-101"}, 3},
		{[]string{"vn2025-1010101"}, 4},
		{[]string{"vn2008-502"}, 3},
		{[]string{"vn2025-5020101", "vn2008-502"}, 3},
		{[]string{"vn2008-503"}, 3}, // paired only through its area
	} {
		for range g.n {
			p := &pb.Person{FamilyName: "Trần", GivenName: "An"}
			for i, f := range g.fields {
				p.Fields = append(p.Fields, &pb.FieldOfExpertise{Field: "fields/" + f, Primary: i == 0})
			}
			e.person(p)
		}
	}
	for _, tt := range []struct {
		scheme, filter string
		level          int32
		want           string
	}{
		{"vn2025", "fields/vn2025-1", 1, "fields/vn2025-1=7 | 7"},
		{"vn2025", "fields/vn2025-502", 2, "fields/vn2025-502=6 | 6"},
		{"vn2025", "fields/vn2025-5", 1, "fields/vn2025-5=9 | 9"},
		{"vn2008", "fields/vn2008-1", 1, "fields/vn2008-1=7 | 7"},
		{"vn2008", "fields/vn2008-502", 2, "fields/vn2008-502=6 | 6"},
		// Without a scheme, as before: only those coded so.
		{"", "fields/vn2008-1", 1, " | 0"},
		{"", "fields/vn2008-502", 2, "fields/vn2008-502=6 | 6"},
	} {
		r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldScheme: tt.scheme, FieldLevel: tt.level,
			Filter: `fields.field = "` + tt.filter + `"`})
		if got := rowsOf(r); got != tt.want {
			t.Errorf("%s in %q: %s, want %s", tt.filter, tt.scheme, got, tt.want)
		}
	}
	code, body := e.rest("GET", "/v1/statistics:compute?dimensions=FIELD&fieldScheme=vn2025&fieldLevel=1&filter="+
		url.QueryEscape(`fields.field = "fields/vn2025-1"`), nil)
	if code != http.StatusOK || body["total"] != float64(7) {
		t.Errorf("REST: HTTP %d %v", code, body)
	}
}
