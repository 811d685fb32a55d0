package server

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A unit's caller reads the reference lists, as every authenticated caller
// does (anyRole): a unit's edit forms choose codes from them.
func TestUnitCallerReadsReferenceData(t *testing.T) {
	f := newUnitFixture(t)
	for _, c := range []struct {
		who  string
		call func() error
	}{
		{"registrar", func() error {
			_, err := f.reg.Reference.ListQualificationLevels(f.ctx, &pb.ListQualificationLevelsRequest{})
			return err
		}},
		{"home_affairs", func() error {
			_, err := f.ha.Reference.GetCountry(f.ctx, &pb.GetCountryRequest{Name: "countries/VN"})
			return err
		}},
	} {
		if err := c.call(); err != nil {
			t.Errorf("a unit's %s reading reference data: %v", c.who, err)
		}
	}
}
