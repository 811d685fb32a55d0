package synth

import (
	"slices"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Over a generated sample: a position abroad is at an organization of that
// country, and the person works ABROAD there; an employment type occurs
// only where it makes sense; a position at a registered organization of the
// province makes the person work IN_PROVINCE, so that what is typed agrees
// with what the store derives from the position.
func TestWorkplacesAreConsistent(t *testing.T) {
	orgs := Organizations(40)
	byID := map[string]OrgSeed{}
	for _, o := range orgs {
		byID["organizations/"+o.ID] = o
	}
	g := New(11)
	counts := map[pb.Person_WorkLocation]int{}
	for range 3000 {
		prof := g.Profile(orgs)
		p := prof.Person
		counts[p.WorkLocation]++
		for _, pos := range prof.Positions {
			var kind pb.Organization_Kind
			switch o, ok := byID[pos.Organization]; {
			case ok:
				kind = o.Organization.GetKind()
			case pos.Country != "" && pos.Country != "VN":
				if !slices.Contains(abroadOrganizations[pos.Country], pos.OrganizationName) {
					t.Errorf("%s abroad in %s", pos.OrganizationName, pos.Country)
				}
			default:
				for _, w := range elsewhere {
					if w.name == pos.OrganizationName {
						kind = w.kind
					}
				}
				if kind == 0 && pos.AdministrativeUnit != "" {
					kind = pb.Organization_STATE_AGENCY // a district's people's committee
				}
			}
			if kind != 0 && !EmploymentFits(kind, pos.EmploymentType) {
				t.Errorf("%v at %s (%v)", pos.EmploymentType, pos.GetOrganization()+pos.OrganizationName, kind)
			}
			if !pos.Current {
				continue
			}
			abroad := pos.Country != "" && pos.Country != "VN"
			if abroad != (p.WorkLocation == pb.Person_ABROAD) || abroad && pos.Country != p.WorkCountry {
				t.Errorf("works %v/%s, current position in %q", p.WorkLocation, p.WorkCountry, pos.Country)
			}
			if o, ok := byID[pos.Organization]; ok && o.Organization.AdministrativeUnit != "" && p.WorkLocation != pb.Person_IN_PROVINCE {
				t.Errorf("works %v, current position at %s in the province", p.WorkLocation, o.ID)
			}
		}
	}
	if counts[pb.Person_ABROAD] == 0 || counts[pb.Person_ELSEWHERE_IN_VIETNAM] == 0 || counts[pb.Person_IN_PROVINCE] < 2000 {
		t.Errorf("work locations %v", counts)
	}
}
