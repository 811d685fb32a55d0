package synth

import (
	"testing"

	"trithuc.gov.vn/trithuc/refdata"
)

// Every generated organization has a sector, as the code of a section of
// VSIC 2018 (the store refuses any other).
func TestOrganizationSectorsAreCodes(t *testing.T) {
	for _, o := range Organizations(4) {
		if s := o.Organization.GetSector(); !refdata.SectorRE.MatchString(s) {
			t.Errorf("organizations/%s: sector %q is not a VSIC 2018 section", o.ID, s)
		}
	}
}
