package server

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// SearchExperts by a field of either scheme finds experts coded in the
// other, through the crosswalk, at any level.
func TestSearchExpertsAcrossFieldSchemes(t *testing.T) {
	f := newExpertFixture(t)
	load := func(kind store.RefKind, scheme, csv string) {
		t.Helper()
		if _, err := f.e.db.LoadReference(f.ctx, kind, scheme, strings.NewReader(csv), false); err != nil {
			t.Fatal(err)
		}
	}
	load(store.RefField, "vn2025", "code,parent_code,level,name_vi\n401,4,2,Trồng trọt\n40101,401,3,Cây lương thực\n4010101,40101,4,Cây lúa\n405,4,2,Thủy sản\n")
	load(store.RefFieldCrosswalk, "", "from_scheme,from_code,to_scheme,to_code\nvn2008,401,vn2025,401\nvn2008,405,vn2025,405\n")
	// Hà is coded in vn2025 only, four levels down.
	p := f.e.person(&pb.Person{FamilyName: "Trần", GivenName: "Hà", BirthDate: &date.Date{Year: 1980}, Availability: pb.Person_AVAILABLE,
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2025-4010101"}}, ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}})
	if _, err := f.reg.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: p.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION}, TextVersion: "2026-01"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Experts.CreateExpertPoolMember(f.ctx, &pb.CreateExpertPoolMemberRequest{Parent: f.pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: p.Name, Role: pb.Person_CRITIQUE}}); err != nil {
		t.Fatal(err)
	}
	find := func(field string) []string {
		t.Helper()
		resp, err := f.reg.Experts.SearchExperts(f.ctx, &pb.SearchExpertsRequest{Name: f.pool, Field: field})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range resp.Experts {
			out = append(out, c.Person)
		}
		slices.Sort(out) // who is found, not in which order
		return out
	}
	for _, tt := range []struct {
		field string
		want  []string
	}{
		// 2025 → 2008: the area, and a subfield paired with 401.
		{"fields/vn2025-4", []string{f.cuong, f.binh, p.Name, f.an}},
		{"fields/vn2025-401", []string{f.cuong, p.Name, f.an}},
		{"fields/vn2025-405", []string{f.binh}},
		// Below the pairs, only those coded there.
		{"fields/vn2025-40101", []string{p.Name}},
		// 2008 → 2025: Hà's 4010101 is under 401, paired with vn2008-401.
		{"fields/vn2008-401", []string{f.cuong, p.Name, f.an}},
		{"fields/vn2008-4", []string{f.cuong, f.binh, p.Name, f.an}},
		{"fields/vn2008-5", []string{f.dung}},
	} {
		slices.Sort(tt.want)
		if got := find(tt.field); !equalStrings(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.field, got, tt.want)
		}
	}
}

// A search by the unit of the workplace takes a province or a district for
// the units in its area, as a statistics filter does: Bình works in
// Phường Rạch Giá (30742), which is in An Giang (91) and was in Thành phố
// Rạch Giá (899) until 2025.
func TestSearchExpertsByUnitCoversItsArea(t *testing.T) {
	f := newExpertFixture(t)
	for _, tt := range []struct {
		unit string
		want []string
	}{
		{"30742", []string{f.binh}},
		{"91", []string{f.binh}},
		{"899", []string{f.binh}},
		{"30760", nil},
	} {
		resp, err := f.reg.Experts.SearchExperts(f.ctx, &pb.SearchExpertsRequest{Name: f.pool, AdministrativeUnit: tt.unit})
		if err != nil {
			t.Fatalf("unit %s: %v", tt.unit, err)
		}
		var got []string
		for _, c := range resp.GetExperts() {
			got = append(got, c.GetPerson())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("experts working in unit %s: %v, want %v", tt.unit, got, tt.want)
		}
	}
}
