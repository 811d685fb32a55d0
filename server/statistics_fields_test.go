package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A part of the 2025 scheme, four levels deep, and its crosswalk to 2008
// beyond the six areas seeded: vn2008-502 is paired with two fields of
// vn2025 (502 and 50201), so it counts under the one above both.
const (
	fields2025 = `code,parent_code,level,name_vi
101,1,2,Toán học
10101,101,3,Toán học thuần túy
1010101,10101,4,Đại số
1010102,10101,4,Giải tích
102,1,2,Khoa học máy tính và thông tin
10201,102,3,Trí tuệ nhân tạo
1020101,10201,4,Học máy
502,5,2,Kinh tế học và kinh doanh
50201,502,3,Kinh tế học
5020101,50201,4,Kinh tế phát triển
`
	crosswalk2025 = `from_scheme,from_code,to_scheme,to_code
vn2008,101,vn2025,101
vn2008,102,vn2025,102
vn2008,502,vn2025,502
vn2008,502,vn2025,50201
`
)

// Statistics in either scheme count every person once, people coded in
// the other scheme through the crosswalk (both ways), down to level 4.
func TestStatisticsFieldSchemes(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	if _, err := e.db.LoadReference(ctx, store.RefField, "vn2025", strings.NewReader(fields2025), false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.LoadReference(ctx, store.RefFieldCrosswalk, "", strings.NewReader(crosswalk2025), false); err != nil {
		t.Fatal(err)
	}
	// How many people have each primary field; "both" are coded in both
	// schemes (primary vn2025-5020101, and vn2008-502 besides).
	for _, g := range []struct {
		fields []string
		n      int
	}{
		{[]string{"vn2008-101"}, 3},
		{[]string{"vn2025-1010101"}, 3},
		{[]string{"vn2025-1010102"}, 4},
		{[]string{"vn2025-1020101"}, 3},
		{[]string{"vn2008-502"}, 3},
		{[]string{"vn2025-5020101", "vn2008-502"}, 3}, // both
		{[]string{"vn2008-503"}, 3},                   // paired only through its area
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
		scheme string
		level  int32
		want   string
	}{
		// 2025 codes in 2008: 1010101 and 1010102 under 101 by their
		// ancestor 101; 1020101 under 102; 5020101 under 502 by 50201.
		{"", 2, "fields/vn2008-101=10 fields/vn2008-102=3 fields/vn2008-502=6 fields/vn2008-503=3 | 22"},
		{"vn2008", 1, "fields/vn2008-1=13 fields/vn2008-5=9 | 22"},
		{"vn2008", 4, "fields/vn2008-101=10 fields/vn2008-102=3 fields/vn2008-502=6 fields/vn2008-503=3 | 22"},
		// 2008 codes in 2025: 101 under 101 (above level 4, so itself); 502
		// under 502, above both its pairs; 503 under its area 5.
		{"vn2025", 4, "fields/vn2025-101=3 fields/vn2025-1010101=3 fields/vn2025-1010102=4 fields/vn2025-1020101=3 " +
			"fields/vn2025-5=3 fields/vn2025-502=3 fields/vn2025-5020101=3 | 22"},
		{"vn2025", 3, "fields/vn2025-101=3 fields/vn2025-10101=7 fields/vn2025-10201=3 " +
			"fields/vn2025-5=3 fields/vn2025-502=3 fields/vn2025-50201=3 | 22"},
		// The same areas in either scheme, none twice.
		{"vn2025", 1, "fields/vn2025-1=13 fields/vn2025-5=9 | 22"},
	} {
		r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldScheme: tt.scheme, FieldLevel: tt.level})
		if got := rowsOf(r); got != tt.want {
			t.Errorf("%s level %d:\n got %s\nwant %s", tt.scheme, tt.level, got, tt.want)
		}
		if tt.scheme == "vn2025" && tt.level == 4 {
			for _, row := range r.GetRows() {
				if row.GetValues()[0] == "fields/vn2025-1010102" && row.GetLabels()[0] != "Giải tích" {
					t.Errorf("label of vn2025-1010102: %q", row.GetLabels()[0])
				}
			}
		}
	}

	// Over REST, the answer says the scheme it is in; an unknown scheme is
	// a 400 naming field_scheme.
	code, body := e.rest("GET", "/v1/statistics:compute?dimensions=FIELD&fieldScheme=vn2025&fieldLevel=1", nil)
	if rows, _ := body["rows"].([]any); code != http.StatusOK || body["fieldScheme"] != "vn2025" || len(rows) != 2 {
		t.Errorf("REST: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/statistics:compute?dimensions=FIELD&fieldScheme=vn2030", nil)
	wantREST(t, code, body, http.StatusBadRequest, "field_scheme")
}
